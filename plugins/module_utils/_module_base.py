# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module of the collection shares: the common argument spec, settings, failures."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, vendor_settings
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._http_client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.apiauth.vendors.plugins.module_utils._options import COMMON_OPTIONS, REAUTH_BODY_CHOICES, SECRET_OPTIONS, TOKEN_CACHE_CHOICES


def module_argument_spec():
    """The common options as an AnsibleModule argument_spec fragment.

    Vendor-scoped options get no default here: :func:`resolve_options` fills them from the
    vendor's environment variables once the vendor is known.
    """
    spec = {}
    for name, (kind, default, env) in COMMON_OPTIONS.items():
        entry = {'type': kind}
        if default is not None:
            entry['default'] = default
        if env:
            entry['fallback'] = (env_fallback, [env])
        if name in SECRET_OPTIONS:
            entry['no_log'] = True
        elif 'token' in name:
            entry['no_log'] = False  # token_lifetime, token_cache...: settings, not secrets
        if name == 'token_cache':
            entry['choices'] = list(TOKEN_CACHE_CHOICES)
        if name == 'reauth_body':
            entry['choices'] = list(REAUTH_BODY_CHOICES)
        spec[name] = entry
    return spec


def build_module(argument_spec, **kwargs):
    """An AnsibleModule with the common options plus ``argument_spec``; fails early without requests."""
    spec = module_argument_spec()
    spec.update(argument_spec)
    module = AnsibleModule(argument_spec=spec, **kwargs)
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
    return module


def open_session(module, vendor):
    """A VendorSession for ``vendor`` from the module's parameters and the vendor's env vars."""
    direct = dict((name, module.params.get(name)) for name in COMMON_OPTIONS)
    try:
        return VendorSession(vendor_settings(vendor, direct), warn=module.warn)
    except ApiAuthError as exc:
        fail(module, exc, direct)


def fail(module, exc, params=None, **result):
    """Fail the task with an ApiAuthError's message, scrubbed of every secret the task knows."""
    params = module.params if params is None else params
    secrets = [params.get(name) for name in ('password', 'token', 'user_token') if params.get(name)]
    scrubbed = exc.scrubbed(secrets)
    result.update(scrubbed.as_result())
    module.fail_json(msg=scrubbed.message, **result)
