# -*- coding: utf-8 -*-
"""sbc_locked_change stops before the next change when it cannot prove it still holds the lock: here our token
expired between two changes and another client took the lock (the revoked-token case is
test_sbc_lock.py::test_role_stops_when_the_lock_is_lost). A row of docs/reliability.md."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from playbook_runner import explain

LIFETIME = 6   # simulator and client token lifetime, seconds: the first change must start within it of the lock
MARGIN = 5     # renew once a token is a second old


def test_role_stops_when_the_token_expired_and_another_client_took_the_lock(simulator, runner):
    simulator.configure(sbc_token_lifetime=LIFETIME)
    proc, _result = runner.run('lock_lost_to_other.yml', extra_vars={'lifetime': LIFETIME, 'margin': MARGIN})
    assert proc.returncode != 0
    assert 'does not hold the configuration lock' in proc.stdout and 'expired' in proc.stdout, explain(proc)
    assert 'Traceback' not in proc.stdout
    entries = simulator.journal_entries(vendor='oracle_sbc')
    writes = [e for e in entries if e['kind'] == 'config_write']
    # The first change, made under the lock; neither the second change nor the role's own request is ever sent.
    assert [(e['status'], e['is_lock_owner']) for e in writes] == [(200, True)]
    elements = simulator.state_snapshot()['config']['elements']['realm-config']
    assert 'before-expiry' in elements and 'after-expiry' not in elements and 'never-sent' not in elements
    assert not [e for e in entries if e['kind'] == 'management'], 'nothing is verified, saved or activated'
    # A fresh login only once our token had expired, then the release, which finds the lock in other hands.
    # A renewal before the first change (the play reached it more than a second after the lock) is followed by the
    # renewal's lock check (docs/protocols.md, renewal-as-login): both are the lock kept, not a new session.
    kinds, after_reauth = [], False
    for entry in entries:
        if entry['kind'] == 'reauth' or (entry['kind'] == 'lock' and after_reauth):
            after_reauth = entry['kind'] == 'reauth'
            continue
        after_reauth = False
        kinds.append(entry['kind'])
    assert kinds == ['login', 'lock', 'config_write', 'login', 'unlock'], kinds
    assert entries[-1]['status'] == 423
    assert simulator.state_snapshot()['lock']['held_by_other'] is True
