# -*- coding: utf-8 -*-
"""Issue 10 acceptance, from the simulator's journal: a cached SBC token (holding the lock) is never handed to a
caller with a wrong password, who gets the SBC's refusal; the right password afterwards still uses the cached token."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os

from playbook_runner import explain

WRONG_PASSWORD = 'Wr0ng-But-Secret-Passw0rd'
RIGHT_PASSWORD = 'sbc-admin-pass'


def cached_tokens(cache_dir):
    tokens = []
    for name in os.listdir(cache_dir):
        if name.endswith('.json'):
            with open(os.path.join(cache_dir, name)) as handle:
                tokens.append(json.load(handle)['token'])
    return tokens


def test_a_wrong_password_gets_the_vendors_refusal_not_the_cached_token(simulator, runner):
    proc, first = runner.run('lock_then_lookup.yml', extra_vars={'sbc_password': RIGHT_PASSWORD, 'take_lock': True})
    assert proc.returncode == 0, explain(proc)
    [token] = cached_tokens(runner.cache_dir)
    assert first['token_hash'] == hashlib.sha256(token.encode()).hexdigest()
    owner = simulator.state_snapshot()['lock']['owner_fp']
    assert owner == simulator.fingerprint(token)
    mark = simulator.journal_entries()[-1]['seq']

    proc, _result = runner.run('lock_then_lookup.yml', verbosity=4, extra_vars={'sbc_password': WRONG_PASSWORD})
    assert proc.returncode != 0, explain(proc)
    # One mistake, one message (issue 22): the same words as a wrong password with nothing cached, naming user and URL.
    assert "Oracle SBC login as user 'admin' at %s/rest/v1.2/auth/token failed: HTTP 401" % simulator.url in proc.stdout, \
        explain(proc)
    assert 'Invalid username or password' in proc.stdout  # the SBC's own message
    for secret in (WRONG_PASSWORD, RIGHT_PASSWORD, token):
        assert secret not in proc.stdout
    assert 'Traceback' not in proc.stdout
    # The SBC decided (one re-authentication with the wrong password and the cached token), and nothing changed.
    assert [(e['kind'], e['status']) for e in simulator.journal_entries(since=mark)] == [('reauth', 401)]
    assert cached_tokens(runner.cache_dir) == [token]
    assert simulator.state_snapshot()['lock']['owner_fp'] == owner

    mark = simulator.journal_entries()[-1]['seq']
    proc, again = runner.run('lock_then_lookup.yml', extra_vars={'sbc_password': RIGHT_PASSWORD})
    assert proc.returncode == 0, explain(proc)
    assert again['token_hash'] == first['token_hash']
    assert simulator.journal_entries(since=mark) == []  # no extra login: the cached token served
