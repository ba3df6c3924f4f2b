# -*- coding: utf-8 -*-
"""Run identity, run-owned SBC lock records and the keeper, against the simulator (issue 11)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import multiprocessing
import os
import subprocess
import sys
import time

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils.sbc import keeper as lock_keeper
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._request import call
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.run_identity import (
    ALIVE, GONE, UNKNOWN, current_run, describe_process, run_state)
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.lock import acquire, release, run_lock_guard


@pytest.fixture
def make(make):  # pylint: disable=redefined-outer-name
    """The shared make (conftest.py) for the SBC's user: make(clock=None, warnings=None, **options)."""
    return functools.partial(make, 'oracle_sbc')


@pytest.fixture
def other_live_run():
    """The identity of a live process that is not this one (another ansible-playbook, as far as the lock knows)."""
    proc = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])
    try:
        yield describe_process(proc.pid)
    finally:
        proc.kill()
        proc.wait()


def dead_run():
    proc = subprocess.Popen([sys.executable, '-c', 'pass'])
    run = describe_process(proc.pid)
    proc.wait()
    return run


def running(pid):
    """Whether ``pid`` runs (a zombie waiting for a reaper that this container may not have does not)."""
    try:
        with open('/proc/%d/stat' % pid) as handle:
            return handle.read().rsplit(')', 1)[1].split()[0] not in ('Z', 'X')
    except (IOError, OSError):
        return False


def kinds(sim):
    return [(e['kind'], e['status']) for e in sim.journal_entries(vendor='oracle_sbc')]


def _child_run(queue):
    queue.put(current_run())


def test_a_worker_names_its_parent_as_the_run():
    queue = multiprocessing.get_context('fork').Queue()
    child = multiprocessing.get_context('fork').Process(target=_child_run, args=(queue,))
    child.start()
    run = queue.get(timeout=30)
    child.join(30)
    assert run['pid'] == os.getpid() and run == describe_process(os.getpid())
    assert run['start'] is not None and abs(run['started_at'] - time.time()) < 24 * 3600 * 365


def test_run_state_alive_gone_reused_and_elsewhere():
    me = describe_process(os.getpid())
    assert run_state(me) == ALIVE
    assert run_state(dead_run()) == GONE
    assert run_state(dict(me, start=me['start'] - 1)) == GONE, 'the pid reused by another process'
    assert run_state(dict(me, host='another-boot/pid:[1]')) == UNKNOWN
    assert run_state(None) == GONE, 'a lock record from before runs were recorded'


def test_another_live_run_is_waited_for_then_named(simulator, make, other_live_run):
    me = describe_process(os.getpid())
    assert acquire(make(), other_live_run)['changed'] is True
    with pytest.raises(ApiAuthError) as err:
        acquire(make(), me, wait_timeout=0)
    assert err.value.reason == 'lock_held_by_run'
    assert 'held by another run of admin on this controller, pid %d since ' % other_live_run['pid'] in str(err.value)
    # While waiting, the other run gives the lock back: this run takes it.
    result = acquire(make(), me, wait_timeout=30, poll_interval=1, sleep=lambda s: release(make(), other_live_run))
    assert result['changed'] is True and result['locked'] is True
    assert [k for k in kinds(simulator) if k[0] in ('lock', 'unlock')] == [('lock', 204), ('unlock', 204), ('lock', 204)]


def test_the_lock_of_a_gone_run_is_taken_over_with_the_cached_token(simulator, make):
    gone = dead_run()
    acquire(make(), gone)
    result = acquire(make(), describe_process(os.getpid()))
    assert result['changed'] is True and result['logged_in'] is False
    assert 'took over the configuration lock from the run of admin on this controller, pid %d' % gone['pid'] in result['warnings'][0]
    assert kinds(simulator) == [('login', 200), ('lock', 204), ('lock', 204)]


def test_release_and_require_lock_from_another_live_run(simulator, make, other_live_run):
    me = describe_process(os.getpid())
    acquire(make(), other_live_run)
    result = release(make(), me)
    assert (result['changed'], result['lock_owner']) == (False, 'other_run')
    assert 'not released' in result['warnings'][0] and 'force=true' in result['warnings'][0]
    with pytest.raises(ApiAuthError) as err:
        call(make(), 'POST', 'configuration/configElements', data='<configElement/>', guard=run_lock_guard(me, 'admin'))
    assert err.value.reason == 'lock_held_by_run'
    assert simulator.state_snapshot()['lock']['owner_fp'] is not None
    result = release(make(), me, force=True)
    assert result['changed'] is True and 'force=true' in result['warnings'][0]
    assert simulator.state_snapshot()['lock']['owner_fp'] is None
    with pytest.raises(ApiAuthError) as err:
        call(make(), 'POST', 'configuration/configElements', data='<configElement/>', guard=run_lock_guard(other_live_run))
    assert 'released it with force=true' in str(err.value)
    assert not any(k[0] == 'config_write' for k in kinds(simulator)), 'nothing sent without the lock'


def test_two_runs_racing_for_a_free_lock_end_with_one_owner(simulator, make, other_live_run):
    """Both send configuration/lock with the shared token (the SBC says 204 twice); the later commit sees the change."""
    me = describe_process(os.getpid())
    session = make()
    session.token()
    sent = session.request

    def request(method, path, **kwargs):
        if path == 'configuration/lock' and not getattr(request, 'raced', False):
            request.raced = True
            acquire(make(), other_live_run)  # the other run commits first
        return sent(method, path, **kwargs)
    session.request = request
    with pytest.raises(ApiAuthError) as err:
        acquire(session, me, wait_timeout=0)
    assert err.value.reason == 'lock_held_by_run'
    assert make().cached().data['lock_run']['pid'] == other_live_run['pid']


def test_keeper_renews_until_released_and_never_logs_in(simulator, make, clock):
    me = describe_process(os.getpid())
    acquire(make(clock), me)

    def sleep(seconds):
        clock.now += 100
        if clock.now - start > 1800:
            release(make(clock), me)
    start = clock.now
    reason = lock_keeper.keep(make(clock), me, start + 14400, me={'pid': 1, 'start': None}, clock=clock, sleep=sleep)
    assert reason == 'released'
    reauths = [k for k in kinds(simulator) if k[0] == 'reauth']
    assert len(reauths) >= 3 and set(reauths) == {('reauth', 200)}
    assert [k[0] for k in kinds(simulator)].count('login') == 1
    assert not make(clock).cached().data.get('lock_keeper')


def test_keeper_renewing_on_an_appliance_that_renews_like_a_login_hands_the_lock_over(simulator, make, clock):
    """The keeper's renewal is the first under the lock (a pause right after taking it): it must find that the lock
    stayed with the replaced token and move it, not leave it there until that token expires."""
    simulator.configure(sbc_reauth_body='ignored')
    me = describe_process(os.getpid())
    acquire(make(clock), me)

    def sleep(seconds):
        clock.now += 100
    start = clock.now
    assert lock_keeper.keep(make(clock), me, start + 1200, me={'pid': 1, 'start': None}, clock=clock, sleep=sleep) == 'max_hold'
    assert kinds(simulator) == [('login', 200), ('lock', 204),
                                ('reauth', 200), ('lock', 423), ('unlock', 204), ('lock', 204),  # checked, handed over
                                ('reauth', 200), ('unlock', 204), ('lock', 204)]  # known now: handed over at once
    record = make(clock).cached()
    assert record.data['reauth_as_login'] is True and record.data['locked'] is True
    assert simulator.state_snapshot()['lock']['owner_fp'] == simulator.fingerprint(record.token)
    simulator.clear_journal()
    realm = ('<configElement><elementType>realm-config</elementType><attribute><name>identifier</name>'
             '<value>after-keeper</value></attribute></configElement>')
    assert call(make(clock), 'POST', 'configuration/configElements', data=realm, headers={'Content-Type': 'application/xml'},
                guard=run_lock_guard(me))['status'] == 200
    assert kinds(simulator) == [('config_write', 200)]  # never refused
    assert release(make(clock), me)['changed'] is True
    assert simulator.state_snapshot()['lock']['owner_fp'] is None


def test_keeper_stops_at_max_hold_and_when_its_run_is_gone(simulator, make, clock):
    me = describe_process(os.getpid())
    acquire(make(clock), me)

    def sleep(seconds):
        clock.now += 100
    assert lock_keeper.keep(make(clock), me, clock.now + 250, me={'pid': 1, 'start': None}, clock=clock, sleep=sleep) == 'max_hold'
    gone = dead_run()
    release(make(clock), me)
    acquire(make(clock), gone)
    assert lock_keeper.keep(make(clock), gone, clock.now + 14400, me={'pid': 1, 'start': None}, clock=clock, sleep=sleep) == 'run_gone'
    # A second keeper for a lock a live keeper of the same run keeps steps aside.
    release(make(clock), me, force=True)
    acquire(make(clock), me)
    session = make(clock)
    session.update_state(lock_keeper={'pid': os.getpid(), 'start': me['start'], 'run': me['id']})
    assert lock_keeper.keep(session, me, clock.now + 14400, me={'pid': 1, 'start': None}, clock=clock, sleep=sleep) == 'superseded'


KEEPER_STARTER = """
import json, sys
from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, vendor_settings
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.keeper import ensure_keeper
args = json.load(sys.stdin)
session = VendorSession(vendor_settings('oracle_sbc', args['direct'], environ={}))
print(json.dumps(ensure_keeper(session, args['run'], args['until'])))
"""


def test_keeper_process_is_detached_and_exits_when_the_lock_is_released(simulator, make, tmp_path):
    """Started as the module starts it: from a short-lived, single-threaded process that returns at once."""
    import json

    me = describe_process(os.getpid())
    acquire(make(), me)
    direct = dict(username='admin', password='sbc-admin-pass', url=simulator.url, ca_path=simulator.ca_path,
                  token_cache_dir=str(tmp_path / 'cache'))
    starter = subprocess.run([sys.executable, '-c', KEEPER_STARTER], input=json.dumps(
        {'direct': direct, 'run': me, 'until': time.time() + 600}), stdout=subprocess.PIPE, universal_newlines=True,
        timeout=60, check=True, env=dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p)))
    pid, started = json.loads(starter.stdout)  # read to EOF: the keeper holds no copy of the starter's stdout
    assert started and isinstance(pid, int)
    try:
        deadline = time.time() + 10
        while time.time() < deadline and (make().cached().data.get('lock_keeper') or {}).get('pid') != pid:
            time.sleep(0.05)
        assert make().cached().data['lock_keeper']['pid'] == pid
        assert lock_keeper.ensure_keeper(make(), me, time.time() + 600) == (pid, False), 'one keeper per lock'
        with open('/proc/%d/comm' % pid) as handle:
            assert handle.read().strip() == 'apiauth-keeper'
        assert os.getsid(pid) not in (os.getsid(0), pid), 'a session of its own, not its leader: no signal for the play reaches it'
        fds = os.listdir('/proc/%d/fd' % pid)
        assert all(os.readlink('/proc/%d/fd/%s' % (pid, fd)) == os.devnull for fd in ('0', '1', '2'))
        assert len(fds) <= 4, 'keeps none of the module\'s file descriptors: %s' % fds
        release(make(), me)
        deadline = time.time() + 5
        while time.time() < deadline and running(pid):
            time.sleep(0.1)
        assert not running(pid), 'the keeper outlived the lock'
    finally:
        if running(pid):
            os.kill(pid, 9)


def test_a_run_that_retakes_its_lock_after_a_fresh_login_still_owns_it(simulator, make, other_live_run):
    me = describe_process(os.getpid())
    acquire(make(), me)
    simulator.revoke()  # the SBC forgets the token: the next call logs in anew and takes the lock again
    result = acquire(make(), me)
    assert result['logged_in'] is True and result['changed'] is True
    assert make().cached().data['lock_run']['id'] == me['id']
    with pytest.raises(ApiAuthError) as err:
        acquire(make(), other_live_run, wait_timeout=0)
    assert err.value.reason == 'lock_held_by_run', 'another run must not take over a lock whose run is alive'


def test_lock_guard_without_a_run_accepts_its_own_ancestors_only(simulator, make, other_live_run):
    """Modules without an action plugin (no _run) still refuse a lock that another run on this host holds."""
    from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.lock import lock_guard

    acquire(make(), describe_process(os.getppid()))  # the process that started this one: as ansible-playbook to a module
    lock_guard(make().cached())
    release(make(), describe_process(os.getppid()))
    acquire(make(), other_live_run)
    with pytest.raises(ApiAuthError) as err:
        call(make(), 'POST', 'configuration/configElements', data='<configElement/>', guard=lock_guard)
    assert err.value.reason == 'lock_held_by_run' and 'pid %d' % other_live_run['pid'] in str(err.value)
    assert not any(k[0] == 'config_write' for k in kinds(simulator))
