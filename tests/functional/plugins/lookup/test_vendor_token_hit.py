# -*- coding: utf-8 -*-
"""What a task whose vendor_token lookup finds its token cached pays (issue 15): the hit path loads no more of the
collection than it needs, and answers as the session would."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest

from ansible.errors import AnsibleError

# A fresh interpreter, as each task's worker is a fresh process: what it imports is what a task compiles.
CHILD = '''
import json, sys
from ansible.plugins.loader import init_plugin_loader, lookup_loader
url, ca_path, cache_dir, collections, output = sys.argv[1:6]
init_plugin_loader([collections])
before = set(sys.modules)
lookup = lookup_loader.get('apiauth.vendors.vendor_token')
value = lookup.run(['oracle_sbc'], variables={}, url=url, username='admin', password='sbc-admin-pass',
                   ca_path=ca_path, token_cache_dir=cache_dir, output=output)[0]
ours = sorted(name.rsplit('.', 1)[-1] for name in set(sys.modules) - before
              if name.startswith('ansible_collections.apiauth.vendors.plugins.module_utils.'))
print(json.dumps([value, ours]))
'''


def _collections_root():
    here = os.path.abspath(__file__)
    return here[:here.rindex(os.sep + 'ansible_collections' + os.sep)]


def _in_a_worker(simulator, cache_dir, output):
    root = _collections_root()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([root] + sys.path))
    proc = subprocess.run([sys.executable, '-c', CHILD, simulator.url, simulator.ca_path, cache_dir, root, output],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, env=env, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_a_cache_hit_loads_only_the_options_and_the_record(simulator, tmp_path, vendor_token):
    cache_dir = str(tmp_path / 'cache')
    first = vendor_token().run(['oracle_sbc'], variables={}, url=simulator.url, username='admin',
                               password='sbc-admin-pass', ca_path=simulator.ca_path, token_cache_dir=cache_dir,
                               output='dict')[0]
    sent = len(simulator.journal)
    headers, loaded = _in_a_worker(simulator, cache_dir, 'headers')
    assert headers == first['headers'] and len(simulator.journal) == sent
    # The session (_auth), drivers, HTTP client, error type and lock code are left for a miss. The store interface
    # (_store) and its file backend (_store_file) are where records live since nothing else may touch their files;
    # the Redis backend (_store_redis, _store_sealed) is loaded only with token_cache=redis.
    assert loaded == ['_options', '_store', '_store_file', '_token_record']
    # ... which is what output=dict (the session's view of the token) takes: the check above can fail.
    _value, loaded = _in_a_worker(simulator, cache_dir, 'dict')
    assert '_auth' in loaded and '_http_client' not in loaded
    assert len(simulator.journal) == sent


def test_options_are_checked_on_a_cache_hit_as_on_a_miss(simulator, tmp_path, vendor_token):
    options = dict(url=simulator.url, username='admin', password='sbc-admin-pass', ca_path=simulator.ca_path,
                   token_cache_dir=str(tmp_path / 'cache'))
    assert vendor_token().run(['oracle_sbc'], variables={}, **options)[0]
    for bad, words in (({'timeout': 0}, 'option timeout must be between 1 and 3600'),
                       ({'token_cache_dir': 'relative/dir'}, 'must be an absolute path'),
                       ({'url': 'https://admin:sbc-admin-pass@' + simulator.url[len('https://'):]}, 'must not carry')):
        with pytest.raises(AnsibleError) as caught:
            vendor_token().run(['oracle_sbc'], variables={}, **dict(options, **bad))
        assert words in str(caught.value) and 'sbc-admin-pass' not in str(caught.value)
    assert [entry['kind'] for entry in simulator.journal] == ['login']


def test_a_wrong_password_on_a_cached_token_goes_to_the_appliance(simulator, tmp_path, vendor_token):
    options = dict(url=simulator.url, username='admin', ca_path=simulator.ca_path, token_cache_dir=str(tmp_path / 'cache'))
    token = vendor_token().run(['oracle_sbc'], variables={}, password='sbc-admin-pass', **options)[0]
    with pytest.raises(AnsibleError) as caught:
        vendor_token().run(['oracle_sbc'], variables={}, password='not-the-password', **options)
    assert token not in str(caught.value) and 'not-the-password' not in str(caught.value)
    assert [entry['kind'] for entry in simulator.journal] == ['login', 'reauth']
    assert vendor_token().run(['oracle_sbc'], variables={}, password='sbc-admin-pass', **options)[0] == token
