# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The common connection options, and the one resolver every lookup and module uses.

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

# Options whose env var and Ansible variable names are the vendor's, e.g. ORACLE_SBC_URL / oracle_sbc_url.
VENDOR_SCOPED = ('url', 'username', 'password', 'token', 'user_token')

# name -> (type, default, environment variable for vendor-independent options)
COMMON_OPTIONS = {
    'url': ('str', None, None),
    'username': ('str', None, None),
    'password': ('str', None, None),
    'token': ('str', None, None),
    'user_token': ('str', None, None),
    'api_version': ('str', 'v1.2', None),
    'validate_certs': ('bool', True, 'APIAUTH_VALIDATE_CERTS'),
    'ca_path': ('path', None, 'APIAUTH_CA_PATH'),
    'allow_plain_http': ('bool', False, 'APIAUTH_ALLOW_PLAIN_HTTP'),
    'timeout': ('int', 30, None),
    'token_cache': ('str', 'file', None),
    'token_cache_dir': ('path', None, 'APIAUTH_TOKEN_CACHE_DIR'),  # None: cache.default_directory()
    'refresh_margin': ('int', 120, None),
    'token_lifetime': ('int', None, None),
    'retries': ('int', 3, None),
    'max_reply_size': ('int', 64 * 1024 * 1024, None),
    # Oracle SBC: the shape of the re-authentication body (undocumented); auto tries each and remembers (_drivers/oracle_sbc.py)
    'reauth_body': ('str', 'auto', 'ORACLE_SBC_REAUTH_BODY'),
}
# Sane bounds, inclusive: a value outside them is a typo or a unit mix-up (milliseconds for seconds) and fails
# before anything is sent, instead of an OverflowError deep in the socket layer or a token cached until year 58865.
BOUNDS = {
    'timeout': (1, 3600, 'seconds'),
    'refresh_margin': (0, 86400, 'seconds'),
    'token_lifetime': (1, 366 * 86400, 'seconds (at most a year)'),
    'retries': (0, 10, 'attempts'),
    'max_reply_size': (1024, 4 * 1024 * 1024 * 1024, 'bytes'),
}
SECRET_OPTIONS = ('password', 'token', 'user_token')
TOKEN_CACHE_CHOICES = ('file', 'none')
REAUTH_BODY_CHOICES = ('auto', 'token', 'accessToken', 'raw')

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
    """Resolve the common options for ``vendor``.

    ``env_names`` maps vendor-scoped option names to the vendor's environment variables
    (from its driver). ``direct`` holds the task's arguments: ``None`` means "not given".
    ``variables`` are Ansible variables (lookups only): the lower-cased environment variable
    name for vendor-scoped options (``oracle_sbc_url``, i.e. ``<vendor>_<option>``) and
    ``apiauth_<option>`` for the rest.
    """
    environ = os.environ if environ is None else environ
    from_vars = variables is not None
    variables = variables or {}
    values, sources = {}, {}
    for name, (kind, default, generic_env) in COMMON_OPTIONS.items():
        env = env_names.get(name) if name in VENDOR_SCOPED else generic_env
        var = '%s_%s' % (vendor, name) if name in VENDOR_SCOPED else 'apiauth_%s' % name
        sources[name] = ['%s=' % name] + (['the %s variable' % var] if from_vars else [])
        if env:
            sources[name].append('the %s environment variable' % env)
        value = direct.get(name)
        if value is None:
            value = variables.get(var)
        if value is None and env:
            value = environ.get(env) or None
        if value is None:
            value = default
        values[name] = None if value is None else _coerce(name, kind, value)
    if values['token_cache'] not in TOKEN_CACHE_CHOICES:
        raise _error('option token_cache must be one of %s, got %r' % (', '.join(TOKEN_CACHE_CHOICES), values['token_cache']),
                     reason='bad_option')
    if values['reauth_body'] not in REAUTH_BODY_CHOICES:
        raise _error('option reauth_body must be one of %s, got %r' % (', '.join(REAUTH_BODY_CHOICES), values['reauth_body']),
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
