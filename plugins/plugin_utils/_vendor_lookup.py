# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lookup options through Ansible's config system, with the vendor-scoped names picked per vendor.

For internal use by this collection's lookups; not a public interface.

Ansible resolves every option from the definitions in the plugin's documentation (the doc fragment
``apiauth.vendors.connection.lookup`` declares their ``vars:``, ``env:`` and ``ini:`` entries): keyword
argument, then Ansible variable, then environment variable, then ansible.cfg, then default, with types and
choices checked. Two things it cannot know, which this base adds afterwards:

* the options whose names follow the vendor (``url``, ``username``, ``password``, ``token``, ``user_token``)
  are declared for every vendor, but only the chosen vendor's variable and environment variable count
  (``ORACLE_SBC_URL`` never configures BigID): when Ansible's answer came from another vendor's name, the
  vendor's own are read instead, in the same order;
* an empty environment variable counts as unset (AWX injects every field of a credential type, empty ones
  as empty variables), so the option keeps its default; Ansible would read ``APIAUTH_VALIDATE_CERTS=`` as
  false;
* a path is taken as written (``~`` is expanded later, as for modules), not made absolute against the working
  directory: a relative ``token_cache_dir`` must fail rather than put tokens in the project directory.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.errors import AnsibleError, AnsibleLookupError
from ansible.plugins.lookup import LookupBase

# Options whose variable and environment variable names are the vendor's (module_utils.options.VENDOR_SCOPED).
VENDOR_SCOPED = ('url', 'username', 'password', 'token', 'user_token')


class VendorLookupBase(LookupBase):
    """A lookup whose options come from Ansible's config system (``set_options``/``get_option``).

    Subclasses set ``FQCN`` (their full name, which is also the name their option definitions are
    registered under) and call :meth:`load_options` first thing in ``run()``.
    """

    FQCN = None

    def load_options(self, variables, direct):
        """``set_options`` from the keyword arguments ``direct`` and the play's ``variables``; fails clearly on unknown ones."""
        if not self._load_name:
            self._load_name = self.FQCN  # instantiated directly rather than through Ansible's plugin loader
        from ansible import constants as C  # what Ansible's own set_options reads; already imported in any worker
        definitions = C.config.get_configuration_definitions('lookup', self._load_name)
        if not definitions:
            raise AnsibleLookupError('%s: its option definitions are not loaded: load it through Ansible '
                                     '(ansible.plugins.loader.lookup_loader), not by importing the class' % self.FQCN)
        unknown = sorted(set(direct) - set(definitions))
        if unknown:
            raise AnsibleLookupError('%s: unknown option(s) %s' % (self._short_name(), ', '.join(unknown)))
        self._variables = self._declared_variables(definitions, variables)
        try:
            self.set_options(var_options=self._variables, direct=direct)
        except AnsibleError as exc:  # a bad type or choice: Ansible's message names the option and where it came from
            raise AnsibleLookupError('%s: %s' % (self._short_name(), exc))
        self._definitions = definitions
        self._direct = direct

    def vendor_options(self, vendor, names):
        """``{name: value}`` for ``names``, the vendor-scoped ones from the vendor's own sources.

        A vendor's names are ``<vendor>_<option>`` and ``<VENDOR>_<OPTION>`` (``bigid_user_token``,
        ``BIGID_USER_TOKEN``), and count only where the documentation declares them. None means "not set anywhere".
        """
        values = {}
        for name in names:
            value, origin = self.get_option_and_origin(name)
            if name in VENDOR_SCOPED:
                if origin != 'Direct':
                    value = self._vendor_source(vendor, name)
            else:
                raw = self._raw(name, origin)
                if raw == '' and origin.startswith('env: '):
                    value = self._definitions[name].get('default')
                elif raw is not None and self._definitions[name].get('type') == 'path':
                    # As given: Ansible would make a relative path absolute against the working directory (under AWX
                    # the project), where module_utils.options refuses a relative token_cache_dir, as for modules.
                    value = raw
            values[name] = value
        return values

    def _raw(self, name, origin):
        """The value as the user wrote it, for the keyword, variable and environment sources (else None)."""
        origin = origin or ''
        if origin == 'Direct':
            return self._direct.get(name)
        if origin.startswith('var: '):
            return self._variables.get(origin[5:])
        if origin.startswith('env: '):
            return os.environ.get(origin[5:])
        return None

    def _vendor_source(self, vendor, name):
        """The vendor's variable, else its environment variable (empty counts as unset), else None."""
        definition = self._definitions[name]
        var = '%s_%s' % (vendor, name)
        if var in _names(definition, 'vars') and self._variables.get(var) is not None:
            return self._variables[var]
        env = var.upper()
        if env in _names(definition, 'env'):
            return os.environ.get(env) or None
        return None

    def _declared_variables(self, definitions, variables):
        """The play's variables that some option declares, templated (lookups receive them raw)."""
        if not variables:
            return {}
        found = {}
        for definition in definitions.values():
            for entry in definition.get('vars') or ():
                name = entry.get('name')
                if name in variables and variables[name] is not None:
                    value = variables[name]
                    if self._templar is not None and isinstance(value, str) and '{' in value:
                        value = self._templar.template(value)
                    found[name] = value
        return found

    def _short_name(self):
        return (self._load_name or self.FQCN).rsplit('.', 1)[-1]


def _names(definition, source):
    return [entry.get('name') for entry in definition.get(source) or ()]
