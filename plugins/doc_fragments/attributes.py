# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # What the attributes of this collection's modules mean.
    DOCUMENTATION = r'''
options: {}
attributes:
  action:
    description: Runs through an action plugin on the controller, which then runs the module where the task runs.
  action_group:
    description: Takes C(module_defaults) from the listed action group (C(group/<name>)), so a play sets a vendor's
      connection once.
  check_mode:
    description: Can run in check mode and report whether it would change anything, without changing it.
  diff_mode:
    description: Reports what changed (or would change in check mode) when run with C(--diff).
'''
