# -*- coding: utf-8 -*-
"""The vendor_token lookup from many processes at once, as forks of one play call it: one login in all."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

PROCESSES = 20
# Fresh interpreters rather than forks of this one: the simulator's threads live here, and a fork taken
# while one of them holds a lock would hang the child.
CHILD = '''
import json, sys
from ansible.plugins.loader import init_plugin_loader, lookup_loader
url, ca_path, cache_dir, collections = sys.argv[1:5]
init_plugin_loader([collections])  # as ansible-playbook does: the lookup's options are defined by its documentation
lookup = lookup_loader.get('apiauth.vendors.vendor_token')
sys.stdin.read()  # the start signal: all children are up and waiting together
try:
    token = lookup.run(['oracle_sbc'], variables={}, url=url, username='admin', password='sbc-admin-pass',
                       ca_path=ca_path, token_cache_dir=cache_dir)[0]
    print(json.dumps(['ok', token]))
except Exception as exc:
    print(json.dumps(['error', repr(exc)]))
'''


def collections_root():
    here = os.path.abspath(__file__)
    return here[:here.rindex(os.sep + 'ansible_collections' + os.sep)]


def test_twenty_parallel_lookups_make_one_login(simulator, tmp_path):
    # Every request takes 0.2 s, so the other nineteen arrive while the first one is logging in.
    simulator.configure(latency=0.2)
    # Whatever this interpreter imports from (ansible-test puts its own ansible there), the collection first.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([collections_root()] + [p for p in sys.path if p]))
    args = [sys.executable, '-c', CHILD, simulator.url, simulator.ca_path, str(tmp_path / 'cache'), collections_root()]
    procs = [subprocess.Popen(args, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, universal_newlines=True)
             for _dummy in range(PROCESSES)]
    for proc in procs:
        proc.stdin.close()  # go
    outcomes = []
    for proc in procs:
        out = proc.stdout.read()
        assert proc.wait(timeout=60) == 0
        outcomes.append(json.loads(out.strip().splitlines()[-1]))
    assert [status for status, _value in outcomes] == ['ok'] * PROCESSES, outcomes
    assert len(set(value for _status, value in outcomes)) == 1
    logins = simulator.journal_entries(vendor='oracle_sbc', kind='login')
    assert len(logins) == 1 and logins[0]['status'] == 200
    assert [e['kind'] for e in simulator.journal] == ['login']  # nothing else went over the wire
