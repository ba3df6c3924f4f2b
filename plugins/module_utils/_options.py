# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options, defined once (OPTIONS, VENDOR_NAMES), and the one resolver every lookup and module uses.

Precedence, highest first: the task's own arguments (for modules this includes
``module_defaults``), Ansible variables (lookups only), environment variables, defaults.
Environment and variable names for ``url``/``username``/``password``/``token``/``user_token``
depend on the vendor (``ORACLE_SBC_URL`` vs ``BIGID_URL``), which is why this is not left to
Ansible's own option machinery: the vendor is itself an option.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

from ansible.module_utils.common.validation import check_type_bool, check_type_int, check_type_path, check_type_str


class Option(object):
    """One row of the options table: everything a lookup, a module, the docs and an AWX credential type know of it.

    ``vendor_scoped``: its Ansible variable and environment variable follow the vendor (``<vendor>_<name>``,
    ``<VENDOR>_<NAME>``, for the vendors whose VENDOR_NAMES entry lists it); otherwise they are ``apiauth_<name>`` and
    ``env`` (if any), plus the key ``<name>`` in ansible.cfg's [apiauth_vendors] unless ``ini`` is false.
    ``bounds``: (low, high, unit), inclusive, checked here (Ansible has no range check).
    """

    __slots__ = ('name', 'type', 'default', 'choices', 'vendor_scoped', 'env', 'ini', 'secret', 'bounds')

    def __init__(self, name, kind, default=None, choices=None, vendor_scoped=False, env=None, ini=True, secret=False,
                 bounds=None):
        self.name, self.type, self.default, self.choices = name, kind, default, choices
        self.vendor_scoped, self.env, self.secret, self.bounds = vendor_scoped, env, secret, bounds
        self.ini = ini and not vendor_scoped and not secret  # passwords, tokens and a vendor's URL stay out of ansible.cfg


# The options table, in the documentation's order: the lookup's option definitions (plugins/lookup/vendor_token.py), the modules' argument spec
# (_module_base.py) and this resolver are derived from it; the doc fragment apiauth.vendors.connection (static text
# for ansible-doc), the drivers' environment tables and the AWX credential types are held equal to it by
# tests/unit/plugins/module_utils/test_options_table.py. A new option is one row here plus its documentation.
# Sane bounds: a value outside them is a typo or a unit mix-up (milliseconds for seconds) and fails before anything is
# sent, instead of an OverflowError deep in the socket layer or a token cached until year 58865.
OPTIONS = (
    Option('url', 'str', vendor_scoped=True),
    Option('username', 'str', vendor_scoped=True),
    Option('password', 'str', vendor_scoped=True, secret=True),
    Option('token', 'str', vendor_scoped=True, secret=True),
    Option('user_token', 'str', vendor_scoped=True, secret=True),
    Option('api_version', 'str', 'v1.2'),
    Option('validate_certs', 'bool', True, env='APIAUTH_VALIDATE_CERTS'),
    Option('ca_path', 'path', env='APIAUTH_CA_PATH'),
    Option('allow_plain_http', 'bool', False, env='APIAUTH_ALLOW_PLAIN_HTTP'),
    Option('timeout', 'int', 30, bounds=(1, 3600, 'seconds')),
    Option('retries', 'int', 3, bounds=(0, 10, 'attempts')),
    Option('max_reply_size', 'int', 64 * 1024 * 1024, bounds=(1024, 4 * 1024 * 1024 * 1024, 'bytes')),
    # The AWX token store credential sets redis through APIAUTH_TOKEN_CACHE.
    Option('token_cache', 'str', 'file', choices=('file', 'redis', 'none'), env='APIAUTH_TOKEN_CACHE'),
    # None: _store_file.default_directory(). No ansible.cfg key: Ansible resolves a relative path there against the
    # file's directory, which under AWX is the project checkout, where tokens do not belong.
    Option('token_cache_dir', 'path', env='APIAUTH_TOKEN_CACHE_DIR', ini=False),
    # token_cache=redis (checked by _store_redis.py); the URL may hold a password, so it is a secret too.
    Option('token_cache_url', 'str', env='APIAUTH_TOKEN_CACHE_URL', secret=True),
    Option('token_cache_key', 'str', env='APIAUTH_TOKEN_CACHE_KEY', secret=True),
    Option('token_cache_ca_path', 'path', env='APIAUTH_TOKEN_CACHE_CA_PATH', ini=False),
    Option('refresh_margin', 'int', 120, bounds=(0, 86400, 'seconds')),
    Option('token_lifetime', 'int', bounds=(1, 366 * 86400, 'seconds (at most a year)')),
    # Oracle SBC: the shape of the re-authentication body (undocumented); auto tries each and remembers (_drivers/oracle_sbc.py)
    Option('reauth_body', 'str', 'auto', choices=('auto', 'token', 'accessToken', 'raw'), env='ORACLE_SBC_REAUTH_BODY'),
)

# Per vendor, the vendor-scoped options it reads from its own names: 'vars' from Ansible variables <vendor>_<option>
# (lookups), 'env' from environment variables <VENDOR>_<OPTION> (lookups and modules; what its AWX credential type
# injects). A new vendor is one entry here (and its driver in _drivers/registry.py).
VENDOR_NAMES = {
    'oracle_sbc': {'vars': ('url', 'username', 'password', 'token'), 'env': ('url', 'username', 'password')},
    'bigfix_inventory': {'vars': ('url', 'username', 'password', 'token'), 'env': ('url', 'username', 'password', 'token')},
    'bigid': {'vars': ('url', 'username', 'password', 'token', 'user_token'),
              'env': ('url', 'username', 'password', 'user_token')},
}
INI_SECTION = 'apiauth_vendors'


def vendor_variable(vendor, name):
    return '%s_%s' % (vendor, name)


def vendor_environment(vendor):
    """{option: environment variable} of ``vendor``'s vendor-scoped options, e.g. {'url': 'BIGID_URL', ...}."""
    return dict((name, vendor_variable(vendor, name).upper()) for name in VENDOR_NAMES.get(vendor, {}).get('env', ()))


# Views of the table, for the code that needs one aspect.
OPTION = dict((option.name, option) for option in OPTIONS)
VENDOR_SCOPED = tuple(option.name for option in OPTIONS if option.vendor_scoped)
# name -> (type, default, environment variable for vendor-independent options)
COMMON_OPTIONS = dict((option.name, (option.type, option.default, option.env)) for option in OPTIONS)
BOUNDS = dict((option.name, option.bounds) for option in OPTIONS if option.bounds)
CHOICES = dict((option.name, option.choices) for option in OPTIONS if option.choices)
SECRET_OPTIONS = tuple(option.name for option in OPTIONS if option.secret)
TOKEN_CACHE_CHOICES = CHOICES['token_cache']
REAUTH_BODY_CHOICES = CHOICES['reauth_body']

# A REST API version id as vendors name them (v1.2). It becomes a path segment of every URL, credentials included: a
# '/', '..', '?' or '#' would send the login elsewhere on the host.
API_VERSION = re.compile(r'v[0-9]{1,4}(\.[0-9]{1,4}){0,3}\Z')

_CHECKS = {'str': check_type_str, 'bool': check_type_bool, 'int': check_type_int, 'path': check_type_path}


def _error(message, **kwargs):
    """An ApiAuthError, its module loaded only when there is one to raise: a lookup's cache hit loads this module
    and not _errors.py (every module a task imports is compiled again in its worker, tools/bench/README.md)."""
    from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError as error_type
    return error_type(message, **kwargs)


class Settings(object):
    """Resolved connection settings for one vendor; attribute access, no secrets in repr."""

    def __init__(self, vendor, values, sources):
        self.vendor = vendor
        self._values = values
        self._sources = sources

    def __getattr__(self, name):
        try:
            return self.__dict__['_values'][name]
        except KeyError:
            raise AttributeError(name)

    def __repr__(self):
        shown = dict((k, v) for k, v in self._values.items() if k not in SECRET_OPTIONS)
        return 'Settings(%s, %r)' % (self.vendor, shown)

    def get(self, name, default=None):
        value = self._values.get(name)
        return default if value is None else value

    def secrets(self):
        """Every secret these settings carry, for scrubbing messages."""
        return [self._values[k] for k in SECRET_OPTIONS if self._values.get(k)]

    def require(self, name, why=None):
        """Return option ``name`` or fail naming every place it could have come from."""
        value = self._values.get(name)
        if value in (None, ''):
            msg = 'missing %s for vendor %s: set it with %s' % (name, self.vendor, ' or '.join(self._sources[name]))
            if why:
                msg += ' (%s)' % why
            raise _error(msg, vendor=self.vendor, reason='missing_option')
        return value


def _coerce(name, kind, value):
    try:
        return _CHECKS[kind](value)
    except (TypeError, ValueError) as exc:
        raise _error('option %s: %s' % (name, exc), reason='bad_option')


def resolve_options(vendor, env_names, direct, variables=None, environ=None):
    """Resolve the common options for ``vendor``: what the plugin's own machinery (Ansible's config system for
    lookups, AnsibleModule for modules) left unset, then types, choices, bounds and the rules across options.

    ``env_names`` maps vendor-scoped option names to the vendor's environment variables; None: the table's
    (vendor_environment). ``direct`` holds the task's arguments: ``None`` means "not given".
    ``variables`` are Ansible variables (lookups only): ``<vendor>_<option>`` for vendor-scoped options the
    vendor's VENDOR_NAMES entry lists and ``apiauth_<option>`` for the rest.
    """
    environ = os.environ if environ is None else environ
    env_names = vendor_environment(vendor) if env_names is None else env_names
    own_vars = VENDOR_NAMES.get(vendor, {}).get('vars', ())
    from_vars = variables is not None
    variables = variables or {}
    values, sources = {}, {}
    for name, (kind, default, generic_env) in COMMON_OPTIONS.items():
        env = env_names.get(name) if name in VENDOR_SCOPED else generic_env
        var = vendor_variable(vendor, name) if name in VENDOR_SCOPED else 'apiauth_%s' % name
        reads_var = name not in VENDOR_SCOPED or name in own_vars
        sources[name] = ['%s=' % name] + (['the %s variable' % var] if from_vars and reads_var else [])
        if env:
            sources[name].append('the %s environment variable' % env)
        value = direct.get(name)
        if value is None and reads_var:
            value = variables.get(var)
        if value is None and env:
            value = environ.get(env) or None
        if value is None:
            value = default
        values[name] = None if value is None else _coerce(name, kind, value)
    for name, choices in CHOICES.items():
        if values[name] not in choices:
            raise _error('option %s must be one of %s, got %r' % (name, ', '.join(choices), values[name]),
                         reason='bad_option')
    for name, (low, high, unit) in BOUNDS.items():
        if values[name] is not None and not low <= values[name] <= high:
            raise _error('option %s must be between %d and %d %s, got %s' % (name, low, high, unit, values[name]),
                         reason='bad_option')
    if values['api_version'] is not None and not API_VERSION.match(values['api_version']):
        raise _error('option api_version must be a version id such as v1.2 (a "v" and dot-separated numbers), got %r: '
                     'nothing was sent' % values['api_version'][:40], vendor=vendor, reason='bad_option')
    for name in ('token', 'user_token'):
        # Sent as header values: a CR or LF would start a new header. Refused, named, never quoted. (Passwords
        # travel base64-encoded or in a JSON body, where any character is fine.)
        if values[name] is not None and any(ord(char) < 0x20 or ord(char) == 0x7f for char in values[name]):
            raise _error('option %s contains a control character (CR, LF, tab...); remove it (a trailing newline '
                         'from a file lookup is a common cause)' % name, vendor=vendor, reason='bad_option')
    if values['token_cache_dir'] is not None and not os.path.isabs(values['token_cache_dir']):
        # Lookups and modules would each resolve it from their own working directory, which under
        # AWX is the synced project checkout: tokens do not belong there.
        raise _error('option token_cache_dir must be an absolute path (or start with ~), got %r: a relative '
                     'directory would keep tokens in the directory ansible-playbook runs from (in AWX, the project)'
                     % values['token_cache_dir'], reason='bad_option')
    return Settings(vendor, values, sources)
