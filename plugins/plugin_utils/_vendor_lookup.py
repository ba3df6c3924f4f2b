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

# Options whose variable and environment variable names are the vendor's (module_utils._options.VENDOR_SCOPED), and
# the vendors that have each: variables <vendor>_<option>, environment variables <VENDOR>_<OPTION> (the drivers' tables).
_ALL = ('oracle_sbc', 'bigfix_inventory', 'bigid')
VENDOR_VARIABLES = {'url': _ALL, 'username': _ALL, 'password': _ALL, 'token': _ALL, 'user_token': ('bigid',)}
VENDOR_ENVIRONMENT = {'url': _ALL, 'username': _ALL, 'password': _ALL, 'token': ('bigfix_inventory',), 'user_token': ('bigid',)}
VENDOR_SCOPED = tuple(VENDOR_VARIABLES)
INI_SECTION = 'apiauth_vendors'
NO_INI = ('token_cache_dir',)  # Ansible resolves a relative path in ansible.cfg against its directory: under AWX, the project
# What Ansible's config system reads from an option's documentation.
_CONFIG_KEYS = ('type', 'default', 'choices', 'elements', 'aliases', 'required', 'env', 'vars', 'ini')


def option_definitions(common_options, own_options, choices=None):
    """The lookup's option definitions as Ansible's config system uses them (no descriptions).

    ``common_options`` is module_utils.options.COMMON_OPTIONS (name -> (type, default, environment variable));
    ``own_options`` the lookup's own (name -> definition); ``choices`` the allowed values of common options that
    have them. The doc fragment apiauth.vendors.connection.lookup declares the same sources for ansible-doc and
    ansible-config; a unit test holds the two equal.
    """
    definitions = dict((name, dict(definition)) for name, definition in own_options.items())
    for name, (kind, default, env) in common_options.items():
        definition = {'type': kind}
        if default is not None:
            definition['default'] = default
        if name in VENDOR_VARIABLES:
            definition['vars'] = [{'name': '%s_%s' % (vendor, name)} for vendor in VENDOR_VARIABLES[name]]
            definition['env'] = [{'name': ('%s_%s' % (vendor, name)).upper()} for vendor in VENDOR_ENVIRONMENT[name]]
        else:
            definition['vars'] = [{'name': 'apiauth_%s' % name}]
            if env:
                definition['env'] = [{'name': env}]
            if name not in NO_INI:
                definition['ini'] = [{'section': INI_SECTION, 'key': name}]
        if name in (choices or {}):
            definition['choices'] = list(choices[name])
        definitions[name] = definition
    return definitions


def register_definitions(python_name, fqcn, definitions):
    """Give Ansible the lookup's option definitions before its plugin loader parses them from the documentation.

    The loader reads a lookup's DOCUMENTATION and doc fragments as YAML in every worker process, that is for every
    task, unless definitions are already registered: parsing ours cost about as much as importing the whole auth
    layer (tools/bench/README.md). Registered under the names the loader uses (the Python module name since
    ansible-core 2.19, the collection name before).
    """
    from ansible import constants as C
    for name in (python_name, fqcn):
        if not C.config.has_configuration_definition('lookup', name):
            C.config.initialize_plugin_configuration_definitions('lookup', name, definitions)


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
            value, origin = self._option_and_origin(name)
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

    def _option_and_origin(self, name):
        """(value, origin) as set_options resolved it; ansible-core before 2.19 does not record origins, so ask again."""
        origins = getattr(self, '_origins', None)
        if origins and name in origins:
            return self._options[name], origins[name]
        from ansible import constants as C
        return C.config.get_config_value_and_origin(name, plugin_type='lookup', plugin_name=self._load_name,
                                                    variables=self._variables, direct=self._direct)

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
