# -*- coding: utf-8 -*-
"""The SBC configuration lock belongs to one ansible-playbook run (issue 11).

Two runs of the same user on one controller share the cached token; the lock record names the run
that holds it, a keeper renews the token while no task does, and nothing outlives its run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import signal
import sys
import time

from playbook_runner import explain

LIFETIME = 4   # simulator and client token lifetime, seconds
MARGIN = 3


def sbc(sim, kind=None):
    return sim.journal_entries(vendor='oracle_sbc', **({'kind': kind} if kind else {}))


def lock_free(sim):
    return sim.state_snapshot()['lock']['owner_fp'] is None


def flat(text):
    """Output with Ansible's line wrapping of warnings undone."""
    return ' '.join(text.split())


def writer(entry):
    return (entry.get('query') or '').replace('writer=', '')


def run_processes(cache_dir):
    """Pids of every process started for runs using ``cache_dir`` (ansible-playbook, workers, modules, keepers)."""
    marker = ('APIAUTH_TOKEN_CACHE_DIR=%s' % cache_dir).encode()
    found = []
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        try:
            with open('/proc/%s/environ' % name, 'rb') as handle:
                environ = handle.read().split(b'\0')
            with open('/proc/%s/stat' % name) as handle:
                state = handle.read().rsplit(')', 1)[1].split()[0]
        except (IOError, OSError):
            continue
        if marker in environ and state not in ('Z', 'X'):
            found.append(int(name))
    return found


def keepers(cache_dir):
    """The keeper processes (named apiauth-keeper) among them."""
    named = []
    for pid in run_processes(cache_dir):
        try:
            with open('/proc/%d/comm' % pid) as handle:
                if handle.read().strip() == 'apiauth-keeper':
                    named.append(pid)
        except (IOError, OSError):
            continue
    return named


def nothing_left(cache_dir, within=5.0):
    """Wait (bounded) until no process of these runs is left; returns what is left."""
    deadline = time.time() + within
    while True:
        left = run_processes(cache_dir)
        if not left or time.time() >= deadline:
            return left
        time.sleep(0.2)


def wait_for(predicate, timeout=60.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_two_runs_of_one_user_take_turns(simulator, runner):
    first = runner.start('lock_two_writes.yml', 'A', {'tag': 'A', 'pause_seconds': 4})
    time.sleep(1.5)
    second = runner.start('lock_two_writes.yml', 'B', {'tag': 'B', 'pause_seconds': 4})
    code_a, out_a, result_a = runner.finish(first)
    code_b, out_b, result_b = runner.finish(second)
    assert code_a == 0, out_a[-4000:]
    assert code_b == 0, out_b[-4000:]
    writes = sbc(simulator, 'config_write')
    order = ''.join(writer(e) for e in writes)
    assert order in ('AABB', 'BBAA'), order
    assert all(e['status'] == 200 and e['is_lock_owner'] for e in writes), writes
    # The one that came second waited for the first, like for another user, and then took the lock itself.
    later = result_b if order == 'AABB' else result_a
    assert later['taken']['changed'] is True and later['taken']['waited'] >= 2, later['taken']
    assert [e['status'] for e in sbc(simulator) if e['kind'] in ('lock', 'unlock')] == [204, 204, 204, 204]
    assert lock_free(simulator)
    assert nothing_left(runner.cache_dir) == []


def test_keeper_holds_the_lock_through_a_pause_of_three_token_lifetimes(simulator, runner):
    simulator.configure(sbc_token_lifetime=LIFETIME)
    proc = runner.start('lock_two_writes.yml', 'long', {'tag': 'L', 'pause_seconds': 3 * LIFETIME,
                                                        'lifetime': LIFETIME, 'margin': MARGIN})
    assert wait_for(lambda: sbc(simulator, 'config_write') or proc.poll() is not None)
    assert wait_for(lambda: keepers(runner.cache_dir), 10), 'no keeper process while the run holds the lock'
    code, output, result = runner.finish(proc)
    assert code == 0, output[-4000:]
    entries = sbc(simulator)
    writes = [e for e in entries if e['kind'] == 'config_write']
    assert [(writer(e), e['status'], e['is_lock_owner']) for e in writes] == [('L', 200, True), ('L', 200, True)]
    assert writes[1]['ts'] - writes[0]['ts'] >= 3 * LIFETIME
    assert [e['kind'] for e in entries].count('login') == 1
    reauths = [e for e in entries if e['kind'] == 'reauth']
    assert len(reauths) >= 3 and all(e['status'] == 200 for e in reauths)
    assert isinstance(result['taken']['keeper_pid'], int)
    assert result['released']['changed'] is True
    assert lock_free(simulator)
    assert nothing_left(runner.cache_dir) == [], 'a keeper (or another process of the run) outlived the play'


def test_keeper_hands_the_lock_over_on_an_appliance_that_renews_like_a_login(simulator, runner):
    """An appliance that ignores the re-authentication body (a renewal issues a new token, the lock stays with the old
    one) and a pause right after the lock: the keeper's renewal is the first under the lock. It must see that the lock
    stayed behind and move it, or the lock dies with the old token during the pause, unnoticed."""
    simulator.configure(sbc_token_lifetime=LIFETIME, sbc_reauth_body='ignored')
    proc, result = runner.run('lock_pause_write.yml', extra_vars={'pause_seconds': 3 * LIFETIME, 'lifetime': LIFETIME,
                                                                  'margin': MARGIN})
    assert proc.returncode == 0, explain(proc)
    entries = sbc(simulator)
    login = [e for e in entries if e['kind'] == 'login']
    assert len(login) == 1, entries
    writes = [e for e in entries if e['kind'] == 'config_write']
    assert [(e['status'], e['is_lock_owner']) for e in writes] == [(200, True)]  # no 401, no 423 on the write
    assert not [e for e in entries if e['status'] == 401], entries
    # The first renewal (the keeper's) is checked: the lock call with the new token is refused (423, the lock stayed
    # with the token it replaced), the lock is released with that token and taken with the new one.
    first = entries.index(next(e for e in entries if e['kind'] == 'reauth' and e['status'] == 200))
    handover = [(e['kind'], e['status'], e['token_fp']) for e in entries[first + 1:first + 4]]
    old, new = login[0]['new_token_fp'], entries[first]['new_token_fp']
    assert handover == [('lock', 423, new), ('unlock', 204, old), ('lock', 204, new)], entries
    assert writes[0]['ts'] - entries[first]['ts'] >= LIFETIME  # the lock outlived the token that took it
    assert 'as a fresh login' in flat(proc.stdout), explain(proc)  # told once the run works under the lock
    assert result['released']['changed'] is True
    assert lock_free(simulator)
    assert nothing_left(runner.cache_dir) == [], 'a keeper (or another process of the run) outlived the play'


def test_kill_9_of_the_run_leaves_no_keeper_and_the_next_run_takes_over_at_once(simulator, runner):
    proc = runner.start('lock_and_hang.yml', 'killed')
    try:
        assert wait_for(lambda: sbc(simulator, 'config_write') or proc.poll() is not None), 'the run never got to its change'
        assert wait_for(lambda: keepers(runner.cache_dir), 10), 'no keeper process while the run holds the lock'
        os.kill(proc.pid, signal.SIGKILL)  # ansible-playbook only, as the OOM killer or `kill -9 <pid>` would
        proc.wait(10)
        assert wait_for(lambda: not keepers(runner.cache_dir), 5), 'the keeper outlived its run'
    finally:
        # ansible-core's workers run in sessions of their own: the one pausing outlives a kill -9 of ansible-playbook
        # (Ansible's behaviour, not the collection's). Clean up after the killed run.
        for pid in run_processes(runner.cache_dir):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    assert not lock_free(simulator), 'the lock stays with the cached token for the next run'
    rerun_at = time.time()
    rerun, result = runner.run('lock_change_release.yml')
    assert rerun.returncode == 0, explain(rerun)
    # The token lives ten minutes: taking the lock within seconds of the start (ansible-playbook's own start-up
    # included, which is slow on a loaded machine) shows no wait for it; the task itself waited for nothing.
    lock_calls = [e for e in sbc(simulator, 'lock') if e['ts'] > rerun_at]
    assert lock_calls and lock_calls[0]['status'] == 204 and lock_calls[0]['ts'] - rerun_at < 15
    assert float(result['taken_waited']) < 1
    assert result['taken_changed'] is True
    assert 'took over the configuration lock from the run of admin on this controller, pid %d' % proc.pid in flat(rerun.stdout)
    assert [e['kind'] for e in sbc(simulator)].count('login') == 1, 'the cached token was used, no new login'
    assert all(e['is_lock_owner'] for e in sbc(simulator, 'config_write'))
    assert lock_free(simulator)
    assert nothing_left(runner.cache_dir) == []


def test_release_from_another_live_run_needs_force(simulator, runner):
    flag = os.path.join(runner.workdir, 'go-on')
    holder = runner.start('lock_hold_until.yml', 'holder', {'release_flag': flag})
    try:
        assert wait_for(lambda: sbc(simulator, 'config_write') or holder.poll() is not None), 'the holder never wrote'
        proc, result = runner.run('lock_from_other_run.yml', extra_vars={'force': False})
        assert proc.returncode == 0, explain(proc)
        assert result['taken_failed'] is True
        assert 'held by another run of admin on this controller, pid %d since ' % holder.pid in result['taken_msg']
        assert result['released']['changed'] is False and result['released']['lock_owner'] == 'other_run'
        assert 'not released' in flat(proc.stdout) and 'force=true' in flat(proc.stdout)
        assert result['write_failed'] is True and 'held by another run' in result['write_msg']
        assert result['element_failed'] is True and 'held by another run' in result['element_msg'], result['element_msg']
        assert not lock_free(simulator), 'state=absent from another run released the lock'

        proc, result = runner.run('lock_from_other_run.yml', extra_vars={'force': True})
        assert proc.returncode == 0, explain(proc)
        assert result['released']['changed'] is True and result['released']['lock_owner'] == 'none'
        assert lock_free(simulator)
        assert result['write_failed'] is True
    finally:
        with open(flag, 'w'):
            pass
    code, output, held = runner.finish(holder)
    assert code == 0, output[-4000:]
    assert held['second_failed'] is True and 'released it with force=true' in held['second_msg'], held
    writes = sbc(simulator, 'config_write')
    assert [(writer(e), e['status']) for e in writes] == [('holder', 200)], 'only the holder wrote, and only while it held the lock'
    assert lock_free(simulator)
    assert nothing_left(runner.cache_dir) == []


def test_cancelled_awx_job_leaves_no_keeper_and_the_next_job_takes_over(simulator, runner, tmp_path):
    """An AWX job is one ansible-runner run of ansible-playbook; cancelling it is ansible-runner's cancel."""
    import ansible_runner

    private = tmp_path / 'private_data_dir'
    (private / 'project').mkdir(parents=True)
    (private / 'inventory').mkdir()
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'playbooks', 'lock_and_hang.yml')) as handle:
        (private / 'project' / 'lock_and_hang.yml').write_text(handle.read())
    (private / 'inventory' / 'hosts').write_text('localhost ansible_connection=local ansible_python_interpreter=%s\n'
                                                 % sys.executable)
    seen = {}

    def cancel():
        if not seen.get('keeper') and sbc(simulator, 'config_write'):
            seen['keeper'] = keepers(runner.cache_dir)
        return bool(seen.get('keeper'))
    started = time.time()
    job = ansible_runner.run(private_data_dir=str(private), playbook='lock_and_hang.yml', ident='cancelled',
                             envvars=dict((k, v) for k, v in runner.env.items() if k.startswith(
                                 ('ANSIBLE_', 'ORACLE_SBC_', 'APIAUTH_'))),
                             quiet=True, cancel_callback=cancel, settings={'job_timeout': 120})
    assert job.status == 'canceled' and time.time() - started < 100, (job.status, job.stdout.read())
    assert seen.get('keeper'), 'no keeper process while the job held the lock'
    assert wait_for(lambda: not keepers(runner.cache_dir), 5), 'the keeper outlived its cancelled job'
    for pid in run_processes(runner.cache_dir):  # whatever ansible-runner left of the job (not ours)
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    rerun_at = time.time()
    rerun, result = runner.run('lock_change_release.yml')
    assert rerun.returncode == 0, explain(rerun)
    lock_calls = [e for e in sbc(simulator, 'lock') if e['ts'] > rerun_at]
    assert lock_calls[0]['status'] == 204 and lock_calls[0]['ts'] - rerun_at < 15
    assert float(result['taken_waited']) < 1
    assert [e['kind'] for e in sbc(simulator)].count('login') == 1
    assert lock_free(simulator)
    assert nothing_left(runner.cache_dir) == []
