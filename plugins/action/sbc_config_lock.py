# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs the sbc_config_lock module with the identity of this ansible-playbook run (internal option ``_run``).

The lock belongs to a run, and only the controller knows which run a task belongs to: this plugin
executes in a worker forked from the ansible-playbook process (run_identity.current_run).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.run_identity import current_run


class ActionModule(ActionBase):

    _supports_check_mode = True
    _supports_async = False  # the keeper it starts must not be tied to an async wrapper's lifetime

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = dict(self._task.args, _run=current_run())  # a value given in the task is replaced
        result = merge_hash(result, self._execute_module(module_name='apiauth.vendors.sbc_config_lock', module_args=args,
                                                         task_vars=task_vars))
        self._remove_tmp_path(self._connection._shell.tmpdir)
        return result
