# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module of the collection shares: the common argument spec, settings, failures."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import sys
import traceback

from ansible.module_utils.ansible_release import __version__ as core_version
from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, vendor_settings
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError, scrub
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


def build_module(argument_spec, keep=(), **kwargs):
    """An AnsibleModule with the common options plus ``argument_spec``; fails early without requests.

    Everything the module hands Ansible passes one scrubber (:class:`_Boundary`): results, failures, warnings and
    tracebacks lose every password, user token and token the module's sessions have seen. ``keep`` names result
    keys that are a token by design (bigid_token_exchange's system_token).
    """
    spec = module_argument_spec()
    spec.update(argument_spec)
    module = AnsibleModule(argument_spec=spec, **kwargs)
    _Boundary(module, keep)
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
    return module


_CURRENT = []  # the boundary of the module this process runs (one per process)


_CORE = tuple(int(part) for part in re.findall(r'\d+', core_version)[:2])


def _adds_exception(module):
    """Whether fail_json would add the exception being handled to the result itself, unscrubbed: ansible-core 2.19
    and later always capture it; earlier releases only with debug or at -vvv."""
    return _CORE >= (2, 19) or getattr(module, '_debug', False) or getattr(module, '_verbosity', 0) >= 3


def _exception_text():
    """The exception being handled as fail_json would record it: the whole exception from 2.19 on, the frames only
    before (format_tb, as ansible-core 2.16 to 2.18 do)."""
    if _CORE >= (2, 19):
        return ''.join(traceback.format_exception(*sys.exc_info()))
    return ''.join(traceback.format_tb(sys.exc_info()[2]))


class _Boundary(object):
    """The one place a module's output is scrubbed. It wraps the module's exit_json, fail_json, warn and deprecate,
    and turns an unexpected exception into a failure (a traceback would bypass the rest). The secrets are
    gathered when the output leaves, so a token issued by the last request of the task is known. An exception main()
    does not handle reaches it through :func:`run_main`."""

    def __init__(self, module, keep=()):
        self.module = module
        self.keep = tuple(keep)
        self.sessions = []
        module.apiauth_boundary = self
        exit_json, fail_json, warn, deprecate = module.exit_json, module.fail_json, module.warn, module.deprecate

        def scrubbed_exit(**result):
            exit_json(**self.scrub(result))

        def scrubbed_fail(msg=None, **result):
            if 'exception' not in result and sys.exc_info()[1] is not None and _adds_exception(module):
                result['exception'] = _exception_text()  # what Ansible would add, scrubbed
            result = self.scrub(dict(result, msg=msg))
            fail_json(**result)

        module.exit_json, module.fail_json = scrubbed_exit, scrubbed_fail
        module.warn = lambda warning: warn(self.scrub(warning))
        module.deprecate = lambda msg, *args, **kwargs: deprecate(self.scrub(msg), *args, **kwargs)
        _CURRENT.append(self)

    def secrets(self):
        """The task's secret options, and every token its sessions and their HTTP clients have seen."""
        params = self.module.params or {}
        found = [params.get(name) for name in SECRET_OPTIONS if params.get(name)]
        for session in self.sessions:
            found.extend(session.secrets)
            found.extend(getattr(getattr(session, '_http', None), 'secrets', None) or ())
        return found

    def scrub(self, value):
        return scrub(value, self.secrets(), keep=self.keep)

    def unexpected(self, exc):
        """A bug must still end as a failed task Ansible reads, saying nothing secret (its traceback included)."""
        text = ''.join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self.module.fail_json(msg='unexpected error in the module (a bug: please report it): %s: %s'
                                  % (type(exc).__name__, exc), exception=text)


def run_main(main):
    """Run a module's ``main``: an exception it does not handle is failed through the module's boundary, scrubbed,
    rather than left to Ansible, which would show its text and traceback as they are."""
    try:
        main()
    except Exception as exc:  # pylint: disable=broad-except  # SystemExit (exit_json, fail_json) passes
        if not _CURRENT:
            raise
        _CURRENT[-1].unexpected(exc)


def open_session(module, vendor):
    """A VendorSession for ``vendor`` from the module's parameters and the vendor's env vars."""
    direct = dict((name, module.params.get(name)) for name in COMMON_OPTIONS)
    try:
        session = VendorSession(vendor_settings(vendor, direct), warn=module.warn)
    except ApiAuthError as exc:
        fail(module, exc, direct)
    boundary = getattr(module, 'apiauth_boundary', None)
    if boundary is not None:
        boundary.sessions.append(session)
    return session


def fail(module, exc, params=None, **result):
    """Fail the task with an ApiAuthError's message, scrubbed of every secret the task knows."""
    params = module.params if params is None else params
    secrets = [params.get(name) for name in SECRET_OPTIONS if params.get(name)]
    scrubbed = exc.scrubbed(secrets)
    result.update(scrubbed.as_result())
    module.fail_json(msg=scrubbed.message, **result)
