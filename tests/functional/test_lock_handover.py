# -*- coding: utf-8 -*-
"""Issue 24, rows 1 and 2: the lock's keeper belongs to one run, and never logs in.

Row 1 is the AWX case "the next job waits for the lock": run B of the same user waits with poll_interval 1 while
run A holds the lock, and takes it within a second of A's release, while A's keeper may still be registered.
B must get a keeper of its own, or its lock dies with its token during a pause longer than a token lifetime.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import time

from test_sbc_lock_runs import keepers, lock_free, nothing_left, sbc, wait_for, writer

LIFETIME = 3   # simulator and client token lifetime, seconds
MARGIN = 2
RELAY_MARGIN = 1  # tasks renew late, so taking the lock is quick: the hand-over race this test is about, at its closest
PAUSE = 7      # more than two token lifetimes without an SBC call
HANDOVERS = 10


def test_each_run_that_takes_the_lock_from_the_run_before_gets_its_own_keeper(simulator, runner):
    """A relay of HANDOVERS + 1 runs: each takes the lock from the one before (waiting with poll_interval 1), pauses
    past two token lifetimes, then writes under require_lock. Two runs at a time, so each hand-over is run A (holding,
    then releasing) and run B (waiting, taking over within a second, pausing): HANDOVERS repetitions of row 1."""
    relay(simulator, runner, HANDOVERS)


def relay(simulator, runner, handovers):
    """The relay of handovers + 1 runs (the Redis store's variant in test_lock_lease.py runs a shorter one)."""
    simulator.configure(sbc_token_lifetime=LIFETIME)
    legs, results = [], []
    for index in range(handovers + 1):
        flag = os.path.join(runner.workdir, 'taken-%d' % index)
        legs.append(runner.start('lock_relay.yml', 'leg%d' % index, {
            'tag': 'leg%d' % index, 'taken_flag': flag, 'pause_seconds': PAUSE, 'lifetime': LIFETIME, 'margin': RELAY_MARGIN}))
        # The next run starts once this one holds the lock: it is waiting for it when this one releases.
        assert wait_for(lambda: os.path.exists(flag) or legs[-1].poll() is not None, 120), 'leg %d never took the lock' % index
        if index >= 1:
            results.append(runner.finish(legs[index - 1]))
    results.append(runner.finish(legs[-1]))
    failed = [(index, result) for index, (code, _out, result) in enumerate(results) if code != 0 or result['write_failed']]
    assert not failed, 'runs whose write under the lock failed: %s\n%s' % (
        [(index, (result or {}).get('write_msg')) for index, result in failed], results[failed[0][0]][1][-3000:])
    # A write whose token the keeper renewed between the task's read and its send gets a 401 and is sent again with
    # the new token (safe: the SBC refused it); what matters is that each run's write was applied under its lock.
    writes = [e for e in sbc(simulator, 'config_write') if e['status'] != 401]
    assert [(writer(e), e['status'], e['is_lock_owner']) for e in writes] == [
        ('leg%d' % index, 200, True) for index in range(handovers + 1)]
    pids = [result['keeper_pid'] for _code, _out, result in results]
    assert all(isinstance(pid, int) for pid in pids) and all(a != b for a, b in zip(pids, pids[1:])), pids
    assert sum(1 for _code, _out, result in results if float(result['waited']) >= 1) >= handovers // 2, \
        'most runs should have waited for the run before (the hand-over this test is about)'
    assert [e['kind'] for e in sbc(simulator)].count('login') == 1, 'one login: the token (and the lock) was handed on'
    assert lock_free(simulator)
    assert nothing_left(runner.cache_dir) == []


def test_a_keeper_whose_renewal_is_refused_records_why_and_never_logs_in(simulator, runner):
    """Row 2: the SBC refuses the keeper's renewal (the token was revoked): no password login by the keeper (a second
    session that does not hold the lock); the run's next change under the lock fails naming the reason."""
    simulator.configure(sbc_token_lifetime=LIFETIME)
    proc = runner.start('lock_pause_write.yml', 'revoked',
                        {'pause_seconds': 4 * LIFETIME, 'lifetime': LIFETIME, 'margin': MARGIN})
    try:
        assert wait_for(lambda: sbc(simulator, 'reauth') or proc.poll() is not None, 60), 'no renewal during the pause'
        assert keepers(runner.cache_dir), 'no keeper while the run holds the lock'
        simulator.revoke()
        revoked_at = time.time()
        assert wait_for(lambda: not keepers(runner.cache_dir), 2 * LIFETIME), 'the keeper did not exit after the refusal'
    finally:
        code, output, result = runner.finish(proc)
    assert code != 0, output[-3000:]
    entries = sbc(simulator)
    refused = [e for e in entries if e['kind'] == 'reauth' and e['status'] == 401 and e['ts'] > revoked_at]
    assert refused, entries
    write_task = [e for e in entries if e['kind'] == 'config_write']
    assert write_task == [], 'nothing is written without the lock'
    # Nobody logged in right after the refusal: the keeper does not (the write task later may, and is refused).
    right_after = refused[0]['ts'] + 0.5
    logins = [e for e in entries if e['kind'] == 'login']
    assert logins[0]['status'] == 200 and all(e['ts'] < revoked_at or e['ts'] > right_after for e in logins), entries
    flat = ' '.join(output.split())
    assert 'does not hold the configuration lock (it was lost: the token that held it was rejected by the SBC' in flat, flat[-3000:]
    assert "the keeper's renewal at" in flat and 'was refused by the SBC (HTTP 401)' in flat, flat[-3000:]
    assert nothing_left(runner.cache_dir) == []
