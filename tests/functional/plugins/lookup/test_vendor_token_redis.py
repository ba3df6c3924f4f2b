# -*- coding: utf-8 -*-
"""vendor_token with token_cache=redis, as separate hosts or containers would call it: processes that share nothing
but one Redis (each its own token cache directory) make one login; Redis holds nothing readable; a Redis out of
reach fails the lookup with 'cache' and the fix, before anything is sent."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest

from ansible.errors import AnsibleError

PROCESSES = 12
KEY = 'lookup-store-key-0123456789'
# Fresh interpreters, not forks: the simulator's threads live in this one. The options come from the environment, as
# an AWX credential of the token store type injects them.
CHILD = '''
import json, sys
from ansible.plugins.loader import init_plugin_loader, lookup_loader
url, ca_path, collections = sys.argv[1:4]
init_plugin_loader([collections])
lookup = lookup_loader.get('apiauth.vendors.vendor_token')
sys.stdin.read()  # the start signal: all children are up and waiting together
try:
    print(json.dumps(['ok', lookup.run(['oracle_sbc'], variables={}, url=url, username='admin',
                                       password='sbc-admin-pass', ca_path=ca_path, token_cache='redis')[0]]))
except Exception as exc:
    print(json.dumps(['error', str(exc)]))
'''


def collections_root():
    here = os.path.abspath(__file__)
    return here[:here.rindex(os.sep + 'ansible_collections' + os.sep)]


def test_twelve_processes_on_separate_nodes_log_in_once_and_redis_reveals_nothing(simulator, redis_server, tmp_path):
    simulator.configure(latency=0.2)  # the others arrive while the first one logs in
    procs = []
    for index in range(PROCESSES):
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([collections_root()] + [p for p in sys.path if p]),
                   APIAUTH_TOKEN_CACHE_URL=redis_server.url, APIAUTH_TOKEN_CACHE_KEY=KEY,
                   APIAUTH_TOKEN_CACHE_DIR=str(tmp_path / ('node-%d' % index)))  # a file cache each: not shared
        procs.append(subprocess.Popen([sys.executable, '-c', CHILD, simulator.url, simulator.ca_path,
                                       collections_root()], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      universal_newlines=True))
    for proc in procs:
        proc.stdin.close()  # go
    outcomes = []
    for proc in procs:
        out = proc.stdout.read()
        assert proc.wait(timeout=120) == 0
        outcomes.append(json.loads(out.strip().splitlines()[-1]))
    assert [status for status, _value in outcomes] == ['ok'] * PROCESSES, outcomes
    tokens = set(value for _status, value in outcomes)
    assert len(tokens) == 1
    assert [entry['kind'] for entry in simulator.journal] == ['login']
    dump = redis_server.dump()
    host = simulator.url.split('//')[1].split(':')[0]
    for secret in (tokens.pop(), 'sbc-admin-pass', 'admin', simulator.url, host, 'oracle_sbc', KEY):
        assert secret not in dump, secret


@pytest.mark.parametrize('fault', ['stopped', 'wrong-password'])
def test_a_redis_out_of_reach_fails_the_lookup_with_cache_before_any_request(
        simulator, redis_server, vendor_token, fault):
    url = redis_server.url
    if fault == 'stopped':
        redis_server.stop()
    else:
        url = url.replace(redis_server.password, 'not-the-redis-password')
    with pytest.raises(AnsibleError) as caught:
        vendor_token().run(['oracle_sbc'], variables={'apiauth_token_cache_url': url, 'apiauth_token_cache_key': KEY},
                           url=simulator.url, username='admin', password='sbc-admin-pass', ca_path=simulator.ca_path,
                           token_cache='redis', timeout=2)
    message = str(caught.value)
    assert 'token cache (Redis at 127.0.0.1:%d)' % redis_server.port in message and 'token_cache=file' in message
    assert ('refused the credentials' if fault == 'wrong-password' else 'cannot be reached') in message
    for secret in ('not-the-redis-password', redis_server.password, KEY, 'sbc-admin-pass'):
        assert secret not in message
    assert simulator.journal == []


def test_the_store_options_come_from_variables_and_the_key_is_never_shown(simulator, redis_server, vendor_token):
    variables = {'apiauth_token_cache_url': redis_server.url, 'apiauth_token_cache_key': KEY,
                 'apiauth_token_cache': 'redis'}
    first = vendor_token().run(['oracle_sbc'], variables=variables, url=simulator.url, username='admin',
                               password='sbc-admin-pass', ca_path=simulator.ca_path)[0]
    again = vendor_token().run(['oracle_sbc'], variables=variables, url=simulator.url, username='admin',
                               password='sbc-admin-pass', ca_path=simulator.ca_path)[0]
    assert first == again and [entry['kind'] for entry in simulator.journal] == ['login']
    with pytest.raises(AnsibleError) as caught:
        vendor_token().run(['oracle_sbc'], variables=dict(variables, apiauth_token_cache_key='short-key'),
                           url=simulator.url, username='admin', password='sbc-admin-pass', ca_path=simulator.ca_path)
    assert 'at least 16 characters' in str(caught.value) and 'short-key' not in str(caught.value)
