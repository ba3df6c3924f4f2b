# -*- coding: utf-8 -*-
"""Issue 21 item 5 in process: runs named across nodes (the AWX job), and the run lease that answers for a lock holder
on another host or in another container (the shared store's), with the file store's rules unchanged."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.apiauth.vendors.plugins.module_utils._store import MemoryLease
from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import TokenRecord
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc import run_identity
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.lock import ABANDONED, OTHER, lock_state
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.state import lock_fields_problem
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.run_lease import LEASE_TTL, keep_lease, take_lease

ELSEWHERE = {'id': 'other-boot/pid:[1]:4242:99', 'host': 'other-boot/pid:[1]', 'hostname': 'node-b', 'pid': 4242,
             'start': 99}


class Clock(object):
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def locked_by(holder, leased=True):
    return TokenRecord('t', expires_at=time.time() + 600, data={'locked': True, 'lock_run': holder, 'lock_lease': leased})


def test_an_awx_job_names_the_run(monkeypatch):
    monkeypatch.setenv('JOB_ID', '42')
    monkeypatch.setenv('AWX_HOST', 'https://awx.example.com/')
    run = run_identity.current_run()
    assert run['job'] == 'https://awx.example.com/jobs/42'
    assert run['id'].startswith('https://awx.example.com/jobs/42@' + run_identity.host_id() + ':')
    assert run_identity.describe_run(run).endswith('(AWX job https://awx.example.com/jobs/42)')


def test_job_id_alone_is_not_an_awx_job(monkeypatch):
    """Grid Engine and others set JOB_ID too: without AWX_HOST the run is the host, pid and start time."""
    assert run_identity.awx_job({'JOB_ID': '42'}) is None
    assert run_identity.awx_job({'JOB_ID': '42', 'AWX_HOST': 'not a url'}) is None
    monkeypatch.setenv('JOB_ID', '42')
    monkeypatch.delenv('AWX_HOST', raising=False)
    run = run_identity.current_run()
    assert 'job' not in run and run['id'].startswith(run_identity.host_id() + ':')


def test_a_holder_elsewhere_is_alive_while_its_lease_is_held_and_gone_once_it_lapses():
    clock = Clock()
    lease = MemoryLease({}, 'sbc-lock-run:k', clock=clock)
    record = locked_by(ELSEWHERE)
    me = run_identity.current_run()
    assert take_lease(lease, ELSEWHERE)
    assert lock_state(record, me, time.time(), lease) == (OTHER, ELSEWHERE)
    assert not take_lease(lease, me), 'a live holder\'s lease is not taken'
    clock.now += LEASE_TTL - 1
    assert keep_lease(lease, ELSEWHERE)  # its keeper renews it
    clock.now += LEASE_TTL - 1
    assert lock_state(record, me, time.time(), lease)[0] == OTHER
    clock.now += LEASE_TTL + 0.1  # its keeper stopped: the run, or its node, is gone
    assert lock_state(record, me, time.time(), lease) == (ABANDONED, ELSEWHERE)
    assert take_lease(lease, me, ELSEWHERE) and lease.holder() == me['id']
    assert not keep_lease(lease, ELSEWHERE), 'a keeper whose run was taken over stops'


def test_without_a_shared_store_or_a_lease_a_holder_elsewhere_is_waited_for():
    me = run_identity.current_run()
    assert lock_state(locked_by(ELSEWHERE), me, time.time(), None)[0] == OTHER  # the file store: nothing to ask
    lease = MemoryLease({}, 'sbc-lock-run:k')
    assert lock_state(locked_by(ELSEWHERE, leased=False), me, time.time(), lease)[0] == OTHER  # held no lease


def test_a_lease_lost_with_redis_is_taken_again_by_its_keeper():
    table = {}
    lease = MemoryLease(table, 'sbc-lock-run:k')
    assert take_lease(lease, ELSEWHERE)
    table.clear()  # Redis restarted empty
    assert keep_lease(lease, ELSEWHERE) and lease.holder() == ELSEWHERE['id']


def test_the_lease_mark_is_a_lock_field_with_a_type():
    assert lock_fields_problem({'lock_lease': 'yes'}).startswith('lock_lease')
    assert lock_fields_problem({'lock_lease': True}) is None
