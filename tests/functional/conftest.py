# -*- coding: utf-8 -*-
"""Fixtures for the playbook tests: a runner of ansible-playbook bound to the simulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from playbook_runner import PlaybookRunner, collections_path

# `make functional` runs these tests on several pytest-xdist workers (--dist loadgroup): most of their time is spent
# waiting for ansible-playbook runs and token lifetimes, not on a CPU. The files whose tests each wait 10 s to 2 min
# (lock relays, pauses over token lifetimes) are handed out first, longest first, so that the short tests fill the
# workers around them instead of one long test starting last and running alone.
LONG_FIRST = ('test_lock_handover.py', 'test_lock_lease.py', 'test_sbc_lock.py', 'test_sbc_lock_runs.py',
              'test_sbc_config_element.py', 'test_sbc_sip_trunk.py', 'test_sbc_config_roundtrip.py', 'test_lock_loss.py')


def pytest_collection_modifyitems(items):
    def rank(item):
        name = item.path.name
        return LONG_FIRST.index(name) if name in LONG_FIRST else len(LONG_FIRST)
    items.sort(key=rank)  # stable: the order within a file is kept


@pytest.fixture(scope='session')
def _collections(tmp_path_factory):
    return collections_path(tmp_path_factory)


@pytest.fixture
def runner(simulator, tmp_path, _collections):
    return PlaybookRunner(simulator, str(tmp_path), _collections)
