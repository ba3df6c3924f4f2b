# -*- coding: utf-8 -*-
"""Fixtures for the playbook tests: a runner of ansible-playbook bound to the simulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from playbook_runner import PlaybookRunner, collections_path


@pytest.fixture(scope='session')
def _collections(tmp_path_factory):
    return collections_path(tmp_path_factory)


@pytest.fixture
def runner(simulator, tmp_path, _collections):
    return PlaybookRunner(simulator, str(tmp_path), _collections)
