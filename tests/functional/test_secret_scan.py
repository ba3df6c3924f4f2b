# -*- coding: utf-8 -*-
"""No secret outside the token cache: the integration playbooks at -vvvv, scanned for every password, user
token and issued token. (The AWX-style jobs get the same scan over their events and artifacts in test_awx_job.)"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from playbook_runner import explain
from secret_scan import SecretScan

SSO_TOKEN = 'f00dfeedcafe' * 3 + 'beef'  # a BigFix Inventory single sign-on token the play is given
WRONG_PASSWORD = 'not-the-sbc-password-42'  # what a mistyped credential looks like: a secret all the same


def realm(name):
    return {'path': 'configuration/configElements',
            'body': {'configElement': {'elementType': 'realm-config', 'attribute': [{'name': 'identifier', 'value': name}]}}}


# (playbook, extra vars): every plugin, the role, renewal, forks, a module_defaults password and a failed login.
PLAYS = [
    ('sbc_forks.yml', {}),
    ('sbc_refresh.yml', {}),
    ('bigid_exchange.yml', {}),
    ('bigfix_ready_token.yml', {'sso_token': SSO_TOKEN}),
    ('role_change.yml', {'requests': [realm('scan-1')]}),
    ('modules_with_password.yml', {'sbc_password': 'sbc-admin-pass'}),
    ('wrong_password.yml', {'sbc_password': WRONG_PASSWORD}),
]


@pytest.mark.parametrize('playbook,extra_vars', PLAYS, ids=[play for play, _vars in PLAYS])
def test_no_secret_outside_the_cache_at_vvvv(simulator, runner, playbook, extra_vars):
    proc, _result = runner.run(playbook, extra_vars=extra_vars, verbosity=4)
    scan = SecretScan(simulator, extra=[SSO_TOKEN, WRONG_PASSWORD])
    assert simulator.journal or playbook == 'bigfix_ready_token.yml', 'the play reached no vendor: %s' % explain(proc)
    assert scan.found(proc.stdout) == [], 'in the -vvvv output (stdout and stderr)'
    # The work directory: results the plays registered and wrote out, Ansible's temp files, the cache's file
    # names. The cache files themselves hold tokens by design; the extra vars file is the test's own input.
    cache_files = [os.path.join(runner.cache_dir, name) for name in os.listdir(runner.cache_dir)
                   if name.endswith('.json')] if os.path.isdir(runner.cache_dir) else []
    assert scan.found_in_tree(runner.workdir, skip=[os.path.join(runner.workdir, 'extra-vars.json')] + cache_files) == {}


def test_the_scan_catches_a_printed_token(simulator, runner):
    proc, _result = runner.run('leak_token.yml', verbosity=0)
    assert proc.returncode == 0, explain(proc)
    found = SecretScan(simulator).found(proc.stdout)
    assert len(found) == 1 and found[0].startswith('oracle_sbc token issued to admin'), found
