# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: vendor_token
author: apiauth.vendors maintainers (@apiauth-vendors)
short_description: A valid API token for BigFix Inventory, the Oracle SBC or BigID, cached and renewed
version_added: 1.0.0
description:
  - Returns a token for O(vendor) that is good for at least O(refresh_margin) more seconds.
  - A cached token is returned without any network call while it has more than O(refresh_margin) seconds left.
    Parallel forks share the cache and its lock, so a play with many forks and tasks logs in once.
  - An Oracle SBC token near expiry is renewed by re-authenticating with the current token in the request body,
    which keeps the configuration lock with this client. A fresh login only happens when there is no live token.
  - A BigID user token is exchanged for a system token, re-exchanged when the system token's C(exp) claim is near.
    A system token already expired by this host's clock when it arrives (clock skew) is used, with a warning naming
    the skew, and cached for the lifetime BigID gave it (C(exp) - C(iat)).
  - Errors and warnings never hold a password, user token or token, even when the vendor quoted one.
  - A BigFix Inventory API token does not expire on a timer and is reused; with O(token) (single sign-on) no call is made.
  - Options are resolved by Ansible's configuration system, highest precedence first - the lookup's keyword
    arguments, Ansible variables, environment variables (the ones AWX credential types inject), C(ansible.cfg)
    (section C([apiauth_vendors])), the default. C(ansible-doc -t lookup apiauth.vendors.vendor_token) and
    C(ansible-config list -t lookup) list every source of every option.
  - O(url), O(username), O(password), O(token) and O(user_token) follow the vendor - the variable
    C(<vendor>_<option>) and the environment variable C(<VENDOR>_<OPTION>), for example V(oracle_sbc_url) and
    E(ORACLE_SBC_URL), V(bigid_user_token) and E(BIGID_USER_TOKEN). Only the chosen vendor's names count, so one
    play (or one AWX job with several credentials) can hold the settings of every vendor. They have no C(ansible.cfg)
    entry, since passwords and tokens do not belong there.
  - An environment variable that is set but empty counts as unset (AWX injects the empty fields of a credential),
    so the option takes its default.
options:
  _terms:
    description:
      - Vendor names, as an alternative to O(vendor); one result per name.
    type: list
    elements: str
  vendor:
    description:
      - The vendor API to authenticate to, V(oracle_sbc), V(bigfix_inventory) or V(bigid)
        (any other name fails, naming the three).
    type: str
  output:
    description:
      - V(token) returns the bare token.
      - V(headers) returns a dictionary ready for the C(headers) option of M(ansible.builtin.uri)
        (a C(Bearer) C(Authorization) header for the SBC, C(Token) for BigFix Inventory, a bare C(Authorization) for BigID).
      - V(dict) returns C(token), C(expires_at), C(expires_in), C(vendor) and C(headers).
    type: str
    choices: [token, headers, dict]
    default: token
  force_renew:
    description:
      - Renew the cached token now, however long it still has. The Oracle SBC token is re-authenticated with itself
        (the configuration lock stays with it), a BigID system token is exchanged again, a BigFix Inventory token is
        fetched again with C(get_token).
      - For a task that got a 401 with a cached token, for example after the token was regenerated on the server.
    type: bool
    default: false
extends_documentation_fragment:
  - apiauth.vendors.connection
  - apiauth.vendors.connection.lookup
notes:
  - The returned token is a secret. Set C(no_log=true) on tasks that display or register it.
seealso:
  - module: apiauth.vendors.bigid_token_exchange
  - module: apiauth.vendors.vendor_request
'''

EXAMPLES = r'''
- name: Call the SBC REST API with ansible.builtin.uri, authentication handled by the lookup
  ansible.builtin.uri:
    url: "{{ sbc_url }}/rest/v1.2/configuration/configElements?elementType=realm-config"
    headers: "{{ lookup('apiauth.vendors.vendor_token', vendor='oracle_sbc', url=sbc_url,
                 username=sbc_user, password=sbc_password, output='headers') }}"
    return_content: true
  no_log: true

- name: Same, with the connection taken from the AWX credential (ORACLE_SBC_URL/USERNAME/PASSWORD)
  ansible.builtin.uri:
    url: "{{ lookup('ansible.builtin.env', 'ORACLE_SBC_URL') }}/rest/v1.2/configuration/configElements?elementType=realm-config"
    headers: "{{ lookup('apiauth.vendors.vendor_token', 'oracle_sbc', output='headers') }}"
  no_log: true

- name: BigFix Inventory with single sign-on enabled - a ready token, no login call
  ansible.builtin.uri:
    url: https://bfi.example.com:9081/api/sam/about
    headers: "{{ lookup('apiauth.vendors.vendor_token', vendor='bigfix_inventory', url='https://bfi.example.com:9081',
                 token=bfi_sso_token, output='headers') }}"

- name: A BigID system token and when it expires
  ansible.builtin.set_fact:
    bigid_auth: "{{ lookup('apiauth.vendors.vendor_token', vendor='bigid', output='dict') }}"
  vars:
    bigid_url: https://bigid.example.com
    bigid_user_token: "{{ vault_bigid_user_token }}"
  no_log: true

- name: Retry a call with a renewed token after a 401 (e.g. the BigFix token was regenerated on the server)
  ansible.builtin.uri:
    url: https://bfi.example.com:9081/api/sam/about
    headers: "{{ lookup('apiauth.vendors.vendor_token', 'bigfix_inventory', output='headers', force_renew=true) }}"
  when: about is failed and about.status == 401

- name: Show when the SBC token must be renewed, never the token itself
  ansible.builtin.debug:
    msg: "SBC token valid until {{ lookup('apiauth.vendors.vendor_token', 'oracle_sbc', output='dict').expires_at }}"
'''

RETURN = r'''
_raw:
  description:
    - One entry per vendor. With O(output=token), the token string.
    - With O(output=headers), a dictionary of request headers that carry the token.
    - With O(output=dict), a dictionary with the keys below.
  type: list
  elements: raw
  contains:
    token:
      description: The token.
      type: str
    headers:
      description: Request headers that carry the token.
      type: dict
      sample: {"Authorization": "Bearer ..."}
    vendor:
      description: The vendor name.
      type: str
      sample: oracle_sbc
    expires_at:
      description: When the token expires, ISO 8601 UTC; V(null) for tokens without a timer (BigFix Inventory, ready tokens).
      type: str
      sample: "2026-11-23T10:15:00Z"
    expires_in:
      description: Seconds until the token expires; V(null) for tokens without a timer.
      type: int
      sample: 480
    reauth_body:
      description:
        - Oracle SBC, once a token has been renewed. The re-authentication body shape the appliance accepted
          (V(token), V(accessToken) or V(raw); see the O(reauth_body) option).
      type: str
      returned: Oracle SBC, after a renewal
      sample: token
    renewal_acts_as_login:
      description:
        - Oracle SBC, once a token has been renewed. V(true) when the appliance was found to answer a re-authentication as a
          fresh login (the configuration lock stayed with the replaced token and had to be handed over).
      type: bool
      returned: Oracle SBC, after a renewal
      sample: false
'''

import os
import time

from ansible.errors import AnsibleError, AnsibleLookupError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

# What a cache hit needs, and only that: the session, drivers, HTTP client and error type are imported when needed.
from ansible_collections.apiauth.vendors.plugins.module_utils._options import (COMMON_OPTIONS, INI_SECTION, OPTIONS, SECRET_OPTIONS,
                                                                               VENDOR_NAMES, VENDOR_SCOPED, resolve_options,
                                                                               vendor_variable)
from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import find, normalise_url

display = Display()

# Options come through Ansible's config system, with the vendor-scoped names picked per vendor.
#
# Ansible resolves every option from definitions derived from the options table (module_utils/_options.py: OPTIONS,
# VENDOR_NAMES) and registered below; the doc fragment ``apiauth.vendors.connection.lookup`` declares the same
# ``vars:``, ``env:`` and ``ini:`` entries for ansible-doc (a test holds them equal): keyword argument, then Ansible
# variable, then environment variable, then ansible.cfg, then default, with types and choices checked. What it cannot
# know, LookupModule adds afterwards:
#
# * the options whose names follow the vendor (``url``, ``username``, ``password``, ``token``, ``user_token``)
#   are declared for every vendor, but only the chosen vendor's variable and environment variable count
#   (``ORACLE_SBC_URL`` never configures BigID): when Ansible's answer came from another vendor's name, the
#   vendor's own are read instead, in the same order;
# * an empty environment variable counts as unset (AWX injects every field of a credential type, empty ones
#   as empty variables), so the option keeps its default; Ansible would read ``APIAUTH_VALIDATE_CERTS=`` as
#   false;
# * a path is taken as written (``~`` is expanded later, as for modules), not made absolute against the working
#   directory: a relative ``token_cache_dir`` must fail rather than put tokens in the project directory.


def option_definitions(own_options):
    """The lookup's option definitions as Ansible's config system uses them (no descriptions): its own options
    (name -> definition) and the connection options of the table in module_utils/_options.py (OPTIONS, VENDOR_NAMES).

    The doc fragment apiauth.vendors.connection.lookup declares the same sources for ansible-doc and ansible-config;
    a unit test holds the two equal.
    """
    definitions = dict((name, dict(definition)) for name, definition in own_options.items())
    for option in OPTIONS:
        definition = {'type': option.type}
        if option.default is not None:
            definition['default'] = option.default
        if option.vendor_scoped:
            definition['vars'] = [{'name': vendor_variable(vendor, option.name)} for vendor, names in VENDOR_NAMES.items()
                                  if option.name in names['vars']]
            definition['env'] = [{'name': vendor_variable(vendor, option.name).upper()}
                                 for vendor, names in VENDOR_NAMES.items() if option.name in names['env']]
        else:
            definition['vars'] = [{'name': 'apiauth_%s' % option.name}]
            if option.env:
                definition['env'] = [{'name': option.env}]
        if option.ini:
            definition['ini'] = [{'section': INI_SECTION, 'key': option.name}]
        if option.choices:
            definition['choices'] = list(option.choices)
        definitions[option.name] = definition
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


def _names(definition, source):
    return [entry.get('name') for entry in definition.get(source) or ()]


# The options of DOCUMENTATION above as Ansible's config system reads them (tests hold the two equal).
OWN_OPTIONS = {
    '_terms': {'type': 'list', 'elements': 'str'},
    'vendor': {'type': 'str'},
    'output': {'type': 'str', 'default': 'token', 'choices': ['token', 'headers', 'dict']},
    'force_renew': {'type': 'bool', 'default': False},
}


class LookupModule(LookupBase):
    """Options from Ansible's config system (``set_options``/``get_option``), then the vendor's own names; a cache
    hit answered from the token record, anything else by the session."""

    FQCN = 'apiauth.vendors.vendor_token'

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

    def run(self, terms, variables=None, **kwargs):
        self.load_options(variables, kwargs)
        try:  # Ansible reads any word it does not know as false; a typo here must not silently mean "do not renew"
            boolean(kwargs.get('force_renew', False), strict=True)
        except TypeError as exc:
            raise AnsibleLookupError('vendor_token: force_renew: %s' % exc)
        vendor = self.get_option('vendor')
        vendors = [vendor] if vendor else list(terms or [])
        if not vendors:
            raise AnsibleLookupError('vendor_token: vendor is required (vendor=oracle_sbc|bigfix_inventory|bigid, '
                                     'or the vendor name as the first term)')
        output, force = self.get_option('output'), self.get_option('force_renew')
        return [self._one(name, output, force, kwargs) for name in vendors]

    def _one(self, vendor, output, force, direct):
        settings = None
        try:
            # The options as Ansible resolved them, for this vendor: _options.py validates them as for a module.
            values = self.vendor_options(vendor, COMMON_OPTIONS)
            # Ansible read the variables and environment: only named here, for the message of a missing option
            settings = resolve_options(vendor, None, values, variables={}, environ={})
            record = None if force or output == 'dict' else find(settings, time.time())
            if record is not None and (output == 'token' or record.presented):
                if display.verbosity >= 4:
                    display.vvvv('apiauth.vendors.vendor_token: %s token for %s (from cache), expires %s'
                                 % (vendor, normalise_url(settings.url)[0], 'never' if record.expires_at is None else
                                    time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(record.expires_at))))
                return record.token if output == 'token' else record.headers()
            return self._full(settings, output, force)
        except Exception as exc:  # pylint: disable=broad-except
            # The lookup's boundary: what it raises names no password, user token or token its session has seen.
            from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError, scrub
            secrets = settings.secrets() if settings else [v for k, v in direct.items() if k in SECRET_OPTIONS and v]
            secrets = secrets + self._seen()
            if isinstance(exc, ApiAuthError):
                # from None: Ansible shows a chained exception's text (and traceback) too, which is not scrubbed
                raise AnsibleLookupError('vendor_token: %s' % exc.scrubbed(secrets).message) from None
            text = str(exc)
            if scrub(text, secrets) == text:
                raise
            raise AnsibleLookupError('vendor_token: %s: %s' % (type(exc).__name__, scrub(text, secrets))) from None
        finally:
            self._session = None

    _session = None

    def _seen(self):
        """Every token the session of this call has seen (issued, renewed, sent), for the boundary scrub."""
        session = self._session
        if session is None:
            return []
        return list(session.secrets) + list(getattr(getattr(session, '_http', None), 'secrets', None) or ())

    def _warn(self, message):
        from ansible_collections.apiauth.vendors.plugins.module_utils._errors import scrub
        display.warning(scrub(message, self._seen()))

    def _full(self, settings, output, force):
        """Through the session, with the settings the hit path resolved: a miss, a renewal, output=dict. Raises
        ApiAuthError (an unknown vendor among them)."""
        from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession
        vendor = settings.vendor
        session = self._session = VendorSession(settings, warn=self._warn)
        record = session.token(force=force)
        display.vvvv('apiauth.vendors.vendor_token: %s token for %s (%s), expires %s'
                     % (vendor, session.driver.base_url(), ', '.join(session.events) or 'from cache',
                        session.describe(record, with_token=False)['expires_at'] or 'never'))
        if output == 'token':
            return record.token
        if output == 'headers':
            return session.headers(record)
        return session.describe(record)


register_definitions(__name__, LookupModule.FQCN, option_definitions(OWN_OPTIONS))
