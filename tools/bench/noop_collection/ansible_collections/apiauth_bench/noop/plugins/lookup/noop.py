# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's baseline: a collection lookup that does nothing, loaded the way vendor_token is.

Not shipped: it lives on a collections path of its own (tools/bench/noop_collection), so that `make bench` can time a
task with it beside the same task with apiauth.vendors.vendor_token in one play, and the difference is what our lookup
costs, not what any collection lookup costs (a worker loading a plugin by its collection name, reading its docs).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: noop
author: apiauth.vendors maintainers (@apiauth-vendors)
short_description: Returns a constant, for benchmarks
description:
  - Returns C({}) once per term (or once without terms), whatever the keyword arguments.
options:
  _terms:
    description: Ignored.
    type: list
    elements: str
'''

RETURN = r'''
_raw:
  description: An empty dictionary per term.
  type: list
  elements: dict
'''

import os
import sys

from ansible.plugins.lookup import LookupBase


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        # Options go through Ansible's config system like any well-behaved lookup; the keyword arguments are the
        # benchmark's and are ignored.
        self.set_options(var_options=variables, direct={})
        dump = os.environ.get('APIAUTH_BENCH_MODULES_FILE')
        if dump:
            # What a task's worker process has imported when a lookup runs: worker_imports.py rebuilds that process.
            with open(dump, 'w') as handle:
                handle.write('\n'.join(sorted(sys.modules)) + '\n')
        return [{} for _term in (terms or [None])]
