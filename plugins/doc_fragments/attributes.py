# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # What the attributes of this collection's modules mean. Every module extends this fragment, then one of the
    # fragments below for what it shares with others; a module's own attributes: entries add its details (Ansible
    # merges each attribute key by key, the module's keys winning).
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

    # A module of the Oracle SBC's action group, without an action plugin of its own.
    ORACLE_SBC = r'''
options: {}
attributes:
  action:
    support: none
  action_group:
    support: full
    membership: [apiauth.vendors.oracle_sbc]
'''

    # A module of BigID's action group, without an action plugin of its own.
    BIGID = r'''
options: {}
attributes:
  action:
    support: none
  action_group:
    support: full
    membership: [apiauth.vendors.bigid]
'''

    # A module that changes nothing it could show a difference for.
    NO_DIFF = r'''
options: {}
attributes:
  diff_mode:
    support: none
'''
