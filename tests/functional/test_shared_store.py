# -*- coding: utf-8 -*-
"""ansible-playbook with the shared token store (token_cache=redis from the environment, as AWX injects it): modules
and lookups of four hosts make one login; with Redis down the play fails with reason cache and sends nothing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from playbook_runner import explain

KEY = 'functional-store-key-0123456789'


def store_env(redis_server):
    return {'APIAUTH_TOKEN_CACHE': 'redis', 'APIAUTH_TOKEN_CACHE_URL': redis_server.url,
            'APIAUTH_TOKEN_CACHE_KEY': KEY}


def test_a_play_shares_one_login_through_redis_and_leaves_no_token_file(simulator, runner, redis_server):
    proc, result = runner.run('shared_store.yml', forks=4, env=store_env(redis_server))
    assert proc.returncode == 0, explain(proc)
    assert result['realms_read'] == [200] * 4 and len(result['expiries']) == 1
    assert [entry['kind'] for entry in simulator.journal_entries(vendor='oracle_sbc')
            if entry['kind'] in ('login', 'reauth')] == ['login']
    assert not os.path.exists(runner.cache_dir) or os.listdir(runner.cache_dir) == []  # token_cache_dir plays no part
    dump = redis_server.dump()
    for secret in ('sbc-admin-pass', 'admin', simulator.url, KEY, redis_server.password):
        assert secret not in dump
    assert redis_server.password not in proc.stdout and KEY not in proc.stdout


def test_with_redis_stopped_the_play_fails_with_reason_cache_and_sends_nothing(simulator, runner, redis_server):
    """At -vvvv, where Ansible shows every module's arguments: the store's password and key are never among them."""
    redis_server.stop()
    proc, _result = runner.run('shared_store.yml', forks=4, env=store_env(redis_server), verbosity=4)
    assert proc.returncode != 0
    output = proc.stdout
    assert output.count('"reason": "cache"') == 4 and 'token cache (Redis at 127.0.0.1:%d)' % redis_server.port in output
    assert redis_server.password not in output and KEY not in output
    assert simulator.journal == []
