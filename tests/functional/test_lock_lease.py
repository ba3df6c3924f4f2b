# -*- coding: utf-8 -*-
"""Issue 21 item 5: the SBC configuration lock's run ownership across nodes, with the shared store (token_cache=redis).

A "node" here is a process tree with its own token_cache_dir (unused by the Redis store, but it tells the node's
processes apart) and its own run identities: node A runs in this test's pid namespace, node B in a pid namespace of its
own (unshare -p -f --mount-proc), so neither can see the other's processes, as on two execution nodes or in two
containers. Both share one redis-server and one simulated SBC.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import signal
import subprocess
import time

import pytest

from playbook_runner import PlaybookRunner
from test_lock_handover import relay
from test_sbc_lock_runs import lock_free, nothing_left, run_processes, sbc, wait_for, writer
from test_shared_store import store_env

LEASE_TTL = 5  # seconds (sbc/run_lease.py): how long a run's ownership outlives its keeper


def _unshare_works():
    if not shutil.which('unshare'):
        return 'unshare (util-linux) is not installed'
    try:
        done = subprocess.run(['unshare', '-p', '-f', '--mount-proc', 'true'], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 'unshare failed: %s' % exc
    if done.returncode != 0:
        return 'a pid namespace cannot be made here (needs root or user namespaces): %s' % done.stderr.decode().strip()
    return None


@pytest.fixture
def nodes(simulator, redis_server, tmp_path, _collections):
    """(node A, node B): PlaybookRunners sharing the Redis store, B in a pid namespace of its own."""
    why = _unshare_works()
    if why:
        pytest.skip('node B needs a pid namespace of its own: %s' % why)
    made = []
    for name in ('node-a', 'node-b'):
        workdir = tmp_path / name
        workdir.mkdir()
        node = PlaybookRunner(simulator, str(workdir), _collections)
        node.env.update(store_env(redis_server))
        made.append(node)
    made[1].prefix = ['unshare', '-p', '-f', '--mount-proc']
    yield made
    for node in made:  # bounded cleanup: nothing of a node outlives the test
        for pid in run_processes(node.cache_dir):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def kill_node(node, proc):
    """kill -9 of the whole process tree of a node's run (ansible-playbook, workers, modules and its keeper)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass
    for pid in run_processes(node.cache_dir):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    proc.wait(10)


def logins(simulator):
    return sbc(simulator, 'login')


def keys_without_ttl(redis_server):
    client = redis_server.client()
    return [name for name in client.scan_iter('*') if name != b'av:stores' and client.pttl(name) < 0]


def test_twelve_plays_on_two_nodes_make_one_login(simulator, nodes, redis_server):
    plays = [node.start('read_realms.yml', 'read-%d' % index) for index in range(6) for node in nodes]
    results = [nodes[0].finish(proc) for proc in plays]
    assert [code for code, _out, _res in results] == [0] * 12, [out[-2000:] for code, out, _res in results if code]
    assert len(logins(simulator)) == 1
    assert keys_without_ttl(redis_server) == []


def test_a_run_killed_on_one_node_leaves_the_lock_to_a_run_waiting_on_another(simulator, nodes, redis_server):
    node_a, node_b = nodes
    flag = os.path.join(node_a.workdir, 'taken')
    run_a = node_a.start('lock_write_hang.yml', 'A', {'tag': 'A', 'taken_flag': flag})
    assert wait_for(lambda: os.path.exists(flag) or run_a.poll() is not None, 120), 'run A never took the lock'
    run_b = node_b.start('lock_two_writes.yml', 'B', {'tag': 'B', 'pause_seconds': 1, 'wait': 60})
    # B is waiting for the lock (a live run on another node holds it) before A dies.
    assert wait_for(lambda: run_b.poll() is not None, 8) is False, 'run B ended while A held the lock'
    assert [writer(e) for e in sbc(simulator, 'config_write')] == ['A']
    killed_at = time.time()
    kill_node(node_a, run_a)
    code, output, result = node_b.finish(run_b)
    assert code == 0, output[-4000:]
    taken = result['taken']
    assert taken['took_over'] is True and 'since' in taken['took_over_from'], taken
    entries = sbc(simulator)
    locked = [e for e in entries if e['kind'] == 'lock' and e['ts'] > killed_at and e['status'] == 204]
    assert locked and locked[0]['ts'] - killed_at < 15, (locked, killed_at)
    assert len(logins(simulator)) == 1, 'no fresh login while the token lives: the lock moved with the shared token'
    writes = [e for e in entries if e['kind'] == 'config_write']
    assert [writer(e) for e in writes] == ['A', 'B', 'B'] and all(e['status'] == 200 and e['is_lock_owner'] for e in writes)
    assert all(e['ts'] < locked[0]['ts'] for e in writes if writer(e) == 'A'), 'a write by A after B took over'
    assert result['released']['changed'] is True and lock_free(simulator)
    assert nothing_left(node_a.cache_dir) == [] and nothing_left(node_b.cache_dir) == []
    assert keys_without_ttl(redis_server) == []


def test_two_live_runs_on_two_nodes_take_turns(simulator, nodes):
    """Each run pauses longer than the lease's TTL while it holds the lock: only its keeper renewing the lease keeps the
    run on the other node waiting."""
    node_a, node_b = nodes
    first = node_a.start('lock_two_writes.yml', 'A', {'tag': 'A', 'pause_seconds': LEASE_TTL + 3})
    assert wait_for(lambda: sbc(simulator, 'config_write') or first.poll() is not None, 120)
    second = node_b.start('lock_two_writes.yml', 'B', {'tag': 'B', 'pause_seconds': 1})
    code_a, out_a, _result_a = node_a.finish(first)
    code_b, out_b, result_b = node_b.finish(second)
    assert code_a == 0, out_a[-4000:]
    assert code_b == 0, out_b[-4000:]
    writes = sbc(simulator, 'config_write')
    assert ''.join(writer(e) for e in writes) == 'AABB'
    assert all(e['status'] == 200 and e['is_lock_owner'] for e in writes), writes
    assert result_b['taken']['took_over'] is False and result_b['taken']['waited'] >= 1
    assert len(logins(simulator)) == 1 and lock_free(simulator)


def test_redis_restarted_empty_while_a_run_holds_the_lock(simulator, nodes, redis_server):
    """The run's keeper takes its lease again and writes its token record back (docs/shared_store.md): a run on another
    node started after the restart waits for it, as for any live holder, and nobody logs in again."""
    node_a, node_b = nodes
    first = node_a.start('lock_two_writes.yml', 'A', {'tag': 'A', 'pause_seconds': LEASE_TTL + 4})
    assert wait_for(lambda: sbc(simulator, 'config_write') or first.poll() is not None, 120)
    redis_server.restart()
    time.sleep(2.5)  # the keeper polls every second
    second = node_b.start('lock_two_writes.yml', 'B', {'tag': 'B', 'pause_seconds': 1})
    code_a, out_a, _result_a = node_a.finish(first)
    code_b, out_b, result_b = node_b.finish(second)
    assert code_a == 0, out_a[-4000:]
    assert code_b == 0, out_b[-4000:]
    assert ''.join(writer(e) for e in sbc(simulator, 'config_write')) == 'AABB'
    assert result_b['taken']['took_over'] is False
    assert len(logins(simulator)) == 1 and lock_free(simulator)


def test_the_keeper_hand_over_holds_with_the_redis_store(simulator, runner, redis_server):
    """Issue 24 row 1 with the shared store: a shorter relay (three hand-overs) than the file store's."""
    runner.env.update(store_env(redis_server))
    relay(simulator, runner, 3)
