# -*- coding: utf-8 -*-
"""Run identity (sbc/run_identity.py): which run a process belongs to, and whether a recorded run still runs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import multiprocessing
import os
import time

from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.run_identity import (
    ALIVE, GONE, UNKNOWN, current_run, describe_process, run_state)


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


def test_run_state_alive_gone_reused_and_elsewhere(dead_run):
    me = describe_process(os.getpid())
    assert run_state(me) == ALIVE
    assert run_state(dead_run()) == GONE
    assert run_state(dict(me, start=me['start'] - 1)) == GONE, 'the pid reused by another process'
    assert run_state(dict(me, host='another-boot/pid:[1]')) == UNKNOWN
    assert run_state(None) == GONE, 'a lock record from before runs were recorded'
