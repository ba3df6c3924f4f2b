# -*- coding: utf-8 -*-
"""The lock guard (sbc/lock.py) without a server: which token records a change may be sent with."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._request import RequestGuard
from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import TokenRecord
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.lock import lock_guard, run_lock_guard
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.run_identity import describe_process

ME = describe_process(os.getpid())
OTHER = dict(ME, id='another-run', pid=ME['pid'] + 1)


def record(**data):
    return TokenRecord('tok', expires_at=None, data=data)


def reason(guard, held):
    try:
        guard.check(held)
    except ApiAuthError as exc:
        return exc.reason
    return None


def test_the_guard_is_a_request_guard_for_the_generic_layers():
    assert isinstance(lock_guard, RequestGuard) and run_lock_guard(None) is lock_guard
    assert isinstance(run_lock_guard(ME), RequestGuard)


@pytest.mark.parametrize('data,expected', [
    ({}, 'lock_not_held'),
    ({'locked': False, 'lock_lost': 'expired'}, 'lock_lost'),
    ({'locked': 'yes'}, 'lock_not_held'),
    ({'locked': True, 'lock_run': OTHER}, 'lock_held_by_run'),
    ({'locked': True, 'lock_run': ME}, None),
    ({'locked': True}, None),
])
def test_a_change_is_sent_only_with_a_token_that_holds_the_lock_for_this_run(data, expected):
    assert reason(run_lock_guard(ME), record(**data)) == expected
