# -*- coding: utf-8 -*-
"""Holding the SBC configuration lock across tasks: sbc_config_lock, vendor_request, sbc_locked_change."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import signal
import time

import pytest

from playbook_runner import PLAYBOOKS, explain

LIFETIME = 4   # simulator and client token lifetime, seconds
MARGIN = 3     # renew once a token is a second old; a task may then start up to 4 s later and still find it alive


def sbc(sim, kind=None):
    return sim.journal_entries(vendor='oracle_sbc', **({'kind': kind} if kind else {}))


def lock_free(sim):
    return sim.state_snapshot()['lock']['owner_fp'] is None


def realm(name, description=None):
    attrs = [{'name': 'identifier', 'value': name}]
    if description:
        attrs.append({'name': 'description', 'value': description})
    return {'path': 'configuration/configElements',
            'body': {'configElement': {'elementType': 'realm-config', 'attribute': attrs}}}


# What the appliance does with a re-authentication body (simulator sbc_reauth_body): read the form field token, the
# form field accessToken or the raw token (the others get 400), or ignore it and answer as a fresh login.
REAUTH_SHAPES = ('token', 'accessToken', 'raw', 'ignored')


@pytest.mark.parametrize('shape', REAUTH_SHAPES)
def test_lock_is_held_for_thirty_tasks_over_three_token_lifetimes(simulator, runner, shape):
    simulator.configure(sbc_token_lifetime=LIFETIME, sbc_reauth_body=shape)
    proc, result = runner.run('sbc_long_lock.yml', extra_vars={'lifetime': LIFETIME, 'margin': MARGIN})
    assert proc.returncode == 0, explain(proc)
    entries = sbc(simulator)
    writes = [e for e in entries if e['kind'] == 'config_write']
    applied = [e for e in writes if e['status'] in (200, 201)]
    assert len(applied) == 28
    assert all(e['is_lock_owner'] for e in applied), writes
    assert [e['kind'] for e in entries].count('login') == 1
    reauths = [e for e in entries if e['kind'] == 'reauth']
    accepted = [e for e in reauths if e['status'] == 200]
    assert len(accepted) >= 3
    # Shapes the appliance does not read are tried on the first renewal only: the accepted one is remembered.
    refused_shapes = {'token': 0, 'accessToken': 1, 'raw': 2, 'ignored': 0}[shape]
    assert [e['status'] for e in reauths if e['status'] != 200] == [400] * refused_shapes
    # Each re-authentication carries the token the previous one issued: an unbroken chain from the login.
    issued = [e['new_token_fp'] for e in entries if e['kind'] == 'login'] + [e['new_token_fp'] for e in accepted]
    assert [e['body_token_fp'] for e in accepted] == issued[:-1]
    assert entries[-1]['ts'] - entries[0]['ts'] > 3 * LIFETIME
    locks = [(e['kind'], e['status']) for e in entries if e['kind'] in ('lock', 'unlock')]
    # Every write is made under the lock, none refused: the first renewal under the lock checks where the lock went.
    assert len(writes) == 28
    if shape == 'ignored':
        # Renewal acts as a login: the first renewal's lock call with the new token is refused (423, the lock stayed
        # with the replaced token), so the lock is handed over (unlock with the replaced token, lock with the new one)
        # then and at every later renewal.
        assert locks[:4] == [('lock', 204), ('lock', 423), ('unlock', 204), ('lock', 204)], locks
        assert locks[-1] == ('unlock', 204) and all(status == 204 for _k, status in locks[2:])
        assert len(locks) == 3 + 2 * len(accepted), locks
        assert 'as a fresh login' in ' '.join(proc.stdout.split()), explain(proc)  # told (2.16 wraps warnings)
    else:
        # The first renewal under the lock asks once whether the lock moved (lock with the new token: 204); never again.
        assert locks == [('lock', 204), ('lock', 204), ('unlock', 204)]
    assert result['taken']['changed'] is True and result['released']['changed'] is True
    assert 'token' not in result['taken'] and 'token' not in result['released']
    assert lock_free(simulator)


def test_role_applies_changes_saves_activates_and_releases(simulator, runner):
    proc, _result = runner.run('role_change.yml', extra_vars={'requests': [realm('edge-1'), realm('edge-2')]})
    assert proc.returncode == 0, explain(proc)
    kinds = [e['kind'] for e in sbc(simulator) if e['kind'] not in ('operation_status',)]
    assert kinds == ['login', 'lock', 'config_write', 'config_write', 'management', 'management', 'management', 'unlock']
    assert lock_free(simulator)


def test_role_releases_the_lock_when_a_change_fails(simulator, runner):
    requests = [realm('good-1'), realm('core'), realm('never-sent')]  # 'core' exists: 409
    proc, _result = runner.run('role_change.yml', extra_vars={'requests': requests})
    assert proc.returncode != 0
    assert 'configuration lock was released' in proc.stdout and 'HTTP 409' in proc.stdout, explain(proc)
    writes = [e for e in sbc(simulator) if e['kind'] == 'config_write']
    assert [e['status'] for e in writes] == [200, 409]
    assert not any(e['kind'] == 'management' for e in sbc(simulator)), 'nothing is saved after a failure'
    assert sbc(simulator)[-1]['kind'] == 'unlock' and sbc(simulator)[-1]['status'] == 204
    assert lock_free(simulator)


def test_role_stops_when_the_lock_is_lost(simulator, runner):
    tasks_file = os.path.join(PLAYBOOKS, 'revoke_midway.yml')
    proc, _result = runner.run('role_change.yml', extra_vars={'tasks_file': tasks_file})
    assert proc.returncode != 0
    assert 'does not hold the configuration lock' in proc.stdout and 'lost' in proc.stdout, explain(proc)
    writes = [e for e in sbc(simulator) if e['kind'] == 'config_write']
    # The revoked token's attempt is refused by the SBC (401); the retry with the fresh token, which no longer
    # holds the lock, is never sent.
    assert [(e['status'], e['is_lock_owner']) for e in writes] == [(200, True), (401, False)]
    assert 'after-revoke' not in simulator.state_snapshot()['config']['elements']['realm-config']
    assert lock_free(simulator)


def test_lock_held_by_another_client_fails_at_once_without_wait(simulator, runner):
    simulator.lock_by_other()
    started = time.time()
    proc, result = runner.run('lock_contention.yml', extra_vars={'wait': 0})
    assert proc.returncode == 0, explain(proc)
    assert result['failed'] is True
    assert 'held by another user' in result['msg'] and 'Resource locked by another user' in result['msg']
    assert time.time() - started < 30
    assert [e['status'] for e in sbc(simulator, 'lock')] == [423]


def test_lock_is_acquired_once_the_other_client_releases_it(simulator, runner):
    # The other client lets go 8 s from now: ansible-playbook takes 2-3 s to reach the task on ansible-core 2.16,
    # more on a loaded machine, so a shorter hold could end before the module first asks and nothing would be waited for.
    simulator.lock_by_other(release_after=8)
    proc, result = runner.run('lock_contention.yml', extra_vars={'wait': 30})
    assert proc.returncode == 0, explain(proc)
    assert result['failed'] is False and result['changed'] is True
    assert float(result['waited']) >= 1
    statuses = [e['status'] for e in sbc(simulator, 'lock')]
    assert statuses[-1] == 204 and 423 in statuses
    assert lock_free(simulator)


def test_rerun_after_kill_reuses_the_lock_without_waiting(simulator, runner):
    cmd_proc = runner.spawn('lock_and_hang.yml')
    try:
        deadline = time.time() + 60
        while time.time() < deadline and not sbc(simulator, 'config_write'):
            time.sleep(0.1)
        assert sbc(simulator, 'config_write'), 'the first run never got to its change'
    finally:
        os.killpg(cmd_proc.pid, signal.SIGKILL)
        cmd_proc.wait(10)
    assert not lock_free(simulator)
    started = time.time()
    proc, result = runner.run('lock_change_release.yml')
    assert proc.returncode == 0, explain(proc)
    assert time.time() - started < 60
    # The killed run is gone: this run takes its lock over (a change for this run) with the cached token.
    assert result['taken_changed'] is True, 'the lock of the killed run is taken over'
    assert 'took over the configuration lock' in ' '.join(proc.stdout.split())
    assert result['predicted_changed'] is False
    assert (result['released_changed'], result['released_again_changed']) == (True, False)
    assert [e['kind'] for e in sbc(simulator)].count('login') == 1
    assert all(e['is_lock_owner'] for e in sbc(simulator, 'config_write'))
    assert lock_free(simulator)


def test_role_in_check_mode_changes_nothing(simulator, runner):
    proc, _result = runner.run('role_change.yml', extra_vars={'requests': [realm('edge-1')]}, check=True)
    assert proc.returncode == 0, explain(proc)
    assert 'changed=' in proc.stdout
    # Check mode decides from the token cache: nothing at all goes to the SBC.
    assert sbc(simulator) == []
    assert lock_free(simulator)


def test_module_passwords_never_show_at_vvvv(simulator, runner):
    password = 'module-defaults-S3cret-pw'
    simulator.configure(users={'oracle_sbc': {'admin': {'password': password, 'admin': True}}})
    # ansible-core 2.21 leaves `invocation` (the module's arguments) out of results unless asked: ask, so the
    # masking is checked there too (older releases ignore the variable and always add it).
    proc, result = runner.run('modules_with_password.yml', verbosity=4, extra_vars={'sbc_password': password},
                              env={'ORACLE_SBC_PASSWORD': 'not-used-when-module-defaults-give-one',
                                   'ANSIBLE_INJECT_INVOCATION': 'true'})
    assert proc.returncode == 0, explain(proc)
    assert password not in proc.stdout
    assert 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in proc.stdout  # the invocation shows the password masked
    assert result == {'realms': 2, 'changed': False}
    assert [e['kind'] for e in sbc(simulator)] == ['login', 'lock', 'config_read', 'unlock']
