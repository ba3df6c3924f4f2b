# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs the vendor_request module with the module_defaults group of the task's own vendor.

vendor_request serves every vendor, so it is in none of the action groups: Ansible applies every group
that lists a module, and a play setting both group/apiauth.vendors.oracle_sbc and
group/apiauth.vendors.bigid would hand one vendor's URL or password to the other's requests. Here
only group/apiauth.vendors.<vendor> applies, beneath the task's arguments and any
apiauth.vendors.vendor_request defaults: the precedence Ansible gives group defaults.

It also hands the module the identity of this ansible-playbook run (internal option ``_run``), which
``require_lock`` compares with the run that holds the SBC configuration lock.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import scrub
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.run_identity import current_run

MODULE = 'apiauth.vendors.vendor_request'
SECRETS = ('password', 'token', 'user_token')
GROUP = 'group/apiauth.vendors.%s'


class ActionModule(ActionBase):

    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = dict(self._task.args)
        vendor = args.get('vendor')
        if isinstance(vendor, str) and vendor:
            for name, value in self._group_defaults(vendor).items():
                if name != 'vendor':
                    args.setdefault(name, value)
        args['_run'] = current_run()  # a value given in the task is replaced
        wrap_async = self._task.async_val and not self._connection.has_native_async
        result = merge_hash(result, self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars,
                                                         wrap_async=wrap_async))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        # The module scrubs its own result of every token it saw; this boundary covers what reaches Ansible without
        # passing there (module_stdout/module_stderr of a module that died, our own errors).
        return scrub(result, [args.get(name) for name in SECRETS if isinstance(args.get(name), str)])

    def _group_defaults(self, vendor):
        """The templated defaults of the vendor's group; the innermost block, role or task setting it wins."""
        group = GROUP % vendor
        raw = None
        for defaults in self._task.module_defaults or []:  # outermost first, as Ansible merges them
            if group in defaults:
                raw = defaults[group]
        if raw is None:
            return {}
        try:
            value = self._templar.template(raw)
        except Exception as exc:  # pylint: disable=broad-except  # templating errors differ between releases
            raise AnsibleActionFail('module_defaults %s: %s' % (group, to_native(exc)))
        if not isinstance(value, dict):
            raise AnsibleActionFail('module_defaults %s must be a dictionary of options, got %s' % (group, type(value).__name__))
        return value
