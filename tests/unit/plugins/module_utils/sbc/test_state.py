# -*- coding: utf-8 -*-
"""LockState (sbc/state.py): the one reader and writer of the SBC's fields on a token record, and their types."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.state import LockState, lock_fields_problem
from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import TokenRecord

RUN = {'id': 'run-1', 'host': 'boot/pid:[1]', 'pid': 42}


def record(**data):
    return TokenRecord('tok', expires_at=None, data=data)


def test_fields_are_read_and_written_in_place_and_each_change_is_a_new_generation():
    held = record()
    state = LockState(held)
    assert not state.locked and state.run is None and state.lost is None
    state.set(locked=True, lock_run=RUN)
    state.new_generation()
    first = state.get('lock_gen')
    state.new_generation()
    assert held.data['locked'] is True and held.data['lock_run'] == RUN and state.get('lock_gen') not in (None, first)
    snapshot = state.snapshot()
    state.set(locked=False, lock_lost='rejected')
    assert snapshot.locked and not state.locked and state.lost == 'rejected'
    assert state.pop('lock_run') == RUN and 'lock_run' not in held.data


def test_a_field_the_sbc_package_does_not_own_is_refused():
    with pytest.raises(KeyError):
        LockState(record()).set(lockd=True)
    with pytest.raises(KeyError):
        LockState(record()).get('token')


@pytest.mark.parametrize('field,value', [('locked', 'yes'), ('lock_lost', 'stolen'), ('lock_gen', 7),
                                         ('lock_run', {'id': 'r', 'host': 'h', 'pid': '42'}), ('lock_run', 'run-1'),
                                         ('lock_keeper', {'pid': True}), ('lock_forced_by', {'host': 'h', 'pid': 1}),
                                         ('keeper_error', ['x'])])
def test_a_field_of_the_wrong_type_is_a_problem(field, value):
    assert LockState(record(**{field: value})).problem().startswith(field)
    assert lock_fields_problem({field: value})


def test_valid_fields_are_no_problem():
    assert LockState(record(locked=True, lock_run=dict(RUN, since=1.5), lock_lost=False, lock_gen='g',
                            lock_keeper={'pid': 7, 'start': 9, 'run': 'run-1'})).problem() is None
    assert LockState(record(lock_lost=True)).problem() is None, 'True: a cache written before the reasons were kept'


def test_a_fresh_login_carries_the_appliance_facts_and_why_the_lock_was_lost():
    new = record()
    LockState(new).carry_over(LockState(record(locked=False, lock_lost='rejected', lock_lost_detail='keeper: HTTP 401',
                                               reauth_body='token', lock_gen='g')), 'expired')
    assert new.data == {'reauth_body': 'token', 'lock_lost': 'rejected', 'lock_lost_detail': 'keeper: HTTP 401'}
    newer = record()
    LockState(newer).carry_over(LockState(record(locked=True, reauth_as_login=False)), 'expired')
    assert newer.data == {'reauth_as_login': False, 'lock_lost': 'expired'}
