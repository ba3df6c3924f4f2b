# -*- coding: utf-8 -*-
"""What the module_utils tests that talk to the simulator share: a clock the test moves by hand, and sessions that
share one token cache per test."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, vendor_settings

# The simulator's users, one per vendor (tests/simulator/settings.py).
USERS = {
    'oracle_sbc': {'username': 'admin', 'password': 'sbc-admin-pass'},
    'bigfix_inventory': {'username': 'bfi-user', 'password': 'bfi-pass'},
    'bigid': {'user_token': 'bigid-user-token-0123456789'},
}


class Clock(object):
    """A clock the test moves by hand, so token ages need no sleeping. The simulator keeps real time: a token our
    clock calls expired still lives there."""

    def __init__(self):
        self.now = time.time()

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def make(simulator, tmp_path):
    """make(vendor, clock=None, warnings=None, **options): a VendorSession for ``vendor``'s user on the simulator.

    Every session of a test shares one token cache directory, as the tasks of a play do. ``clock`` defaults to the
    real time; options override the connection settings. The session's warnings go to the list ``warnings`` when
    given, and all of a test's warnings to ``make.warnings``.
    """
    collected = []

    def factory(vendor, clock=None, warnings=None, **options):  # pylint: disable=redefined-outer-name
        direct = dict(USERS[vendor], url=simulator.url, ca_path=simulator.ca_path, token_cache_dir=str(tmp_path / 'cache'))
        direct.update(options)

        def warn(message):
            collected.append(message)
            if warnings is not None:
                warnings.append(message)
        session = VendorSession(vendor_settings(vendor, direct, environ={}), clock=clock or time.time, warn=warn)
        session.http._sleep = lambda seconds: None  # retries without waiting
        return session
    factory.warnings = collected
    return factory
