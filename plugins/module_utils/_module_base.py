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
from ansible_collections.apiauth.vendors.plugins.module_utils._options import COMMON_OPTIONS, OPTIONS, SECRET_OPTIONS


def module_argument_spec():
    """The options table as an AnsibleModule argument_spec fragment: AnsibleModule checks types and choices and reads
    the vendor-independent environment variables.

    Vendor-scoped options get no fallback here: :func:`resolve_options` fills them from the
    vendor's environment variables once the vendor is known.
    """
    spec = {}
    for option in OPTIONS:
        entry = {'type': option.type}
        if option.default is not None:
            entry['default'] = option.default
        if option.env and not option.vendor_scoped:
            entry['fallback'] = (env_fallback, [option.env])
        # Said for every option: Ansible's guess from the name would take token_lifetime for a secret
        entry['no_log'] = option.secret
        if option.choices:
            entry['choices'] = list(option.choices)
        spec[option.name] = entry
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
    secrets = [params.get(name) for name in SECRET_OPTIONS if params.get(name)]
    scrubbed = exc.scrubbed(secrets)
    result.update(scrubbed.as_result())
    module.fail_json(msg=scrubbed.message, **result)
