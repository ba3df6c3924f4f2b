# -*- coding: utf-8 -*-
"""Issue 24 rows 10, 11 and 12 (lock fields), issue 22 item 6: what the lock record is believed to say, and the
messages a user reads about it, against the simulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import os
import subprocess
import sys

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.run_identity import describe_process
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.lock import acquire, lock_fields_problem, release, run_lock_guard
from ansible_collections.apiauth.vendors.plugins.module_utils._request import call


@pytest.fixture
def make(make):  # pylint: disable=redefined-outer-name
    return functools.partial(make, 'oracle_sbc')


def dead_run():
    proc = subprocess.Popen([sys.executable, '-c', 'pass'])
    run = describe_process(proc.pid)
    proc.wait()
    return run


def kinds(sim):
    return [(e['kind'], e['status']) for e in sim.journal_entries(vendor='oracle_sbc')]


WRONG_TYPED = [
    ('lock_run', 'an earlier run'),
    ('lock_run', {'id': 7, 'host': 'h', 'pid': 1}),
    ('lock_run', {'id': 'x', 'host': 'h', 'pid': '1'}),
    ('locked', 'yes'),
    ('lock_lost', 7),
    ('lock_keeper', {'pid': 'me'}),
    ('lock_forced_by', ['a run']),
]


@pytest.mark.parametrize('field, value', WRONG_TYPED, ids=['%s-%s' % (f, type(v).__name__) for f, v in WRONG_TYPED])
def test_a_record_with_wrong_typed_lock_fields_is_discarded_with_a_warning(simulator, make, field, value):
    me = describe_process(os.getpid())
    acquire(make(), me)
    release(make(), me)
    session = make()
    session.update_state(**{field: value})
    old = session.cached().token
    assert lock_fields_problem(session.cached().data)
    with pytest.raises(ApiAuthError) as err:  # a change under the lock is not sent on such a record's word
        call(make(), 'POST', 'configuration/configElements', data='<configElement/>', guard=run_lock_guard(me))
    assert 'lock fields are not valid' in err.value.message and field in err.value.message
    simulator.clear_journal()
    result = acquire(make(), me)
    warnings = result['warnings']
    assert result['locked'] is True and result['took_over'] is False
    assert [w for w in warnings if 'discarded the cached Oracle SBC token of admin at %s' % simulator.url in w
            and field in w], warnings
    assert not [w for w in warnings if 'took over' in w], warnings
    assert kinds(simulator) == [('login', 200), ('lock', 204)]  # nothing it said was used: a fresh token took the lock
    assert make().cached().token != old and not lock_fields_problem(make().cached().data)
    assert release(make(), me)['lock_owner'] == 'none'


def test_taking_over_from_a_gone_run_says_so_in_the_result(simulator, make):
    me = describe_process(os.getpid())
    assert acquire(make(), me)['took_over'] is False
    assert acquire(make(), me)['took_over'] is False  # confirmed, not taken over
    release(make(), me)
    gone = dead_run()
    acquire(make(), gone)
    result = acquire(make(), me)
    warnings = result['warnings']
    assert result['took_over'] is True and result['changed'] is True
    assert result['took_over_from'].startswith('the run of admin on this controller, pid %d' % gone['pid'])
    assert any('took over the configuration lock from the run of admin' in w for w in warnings), warnings


def test_a_lock_left_on_a_token_nobody_has_is_named_as_ours_not_another_users(simulator, make):
    """Row 10: a run killed while the reply to its renewal was on its way. The SBC re-authenticated (the old token is
    dead, the lock went to the new one) but nothing saved the new token; the record still says the lock is ours."""
    gone = dead_run()
    acquire(make(), gone)
    session = make()
    before = session.cached()
    session.driver.renew(session.http, before, session.clock())  # the SBC's side of the renewal; never saved
    simulator.clear_journal()
    me = describe_process(os.getpid())
    with pytest.raises(ApiAuthError) as err:
        acquire(make(), me, wait_timeout=0)
    message = ' '.join(err.value.message.split())
    assert err.value.reason == 'lock_orphaned'
    assert 'held by another user or session' not in message  # the SBC's own words are quoted; ours say what happened
    assert 'the token cache says this controller held the configuration lock (taken by the run of admin on this ' \
           'controller, pid %d' % gone['pid'] in message, message
    assert 'a renewal of that token was most likely interrupted' in message
    lifetime = session.driver.lifetime()
    from ansible_collections.apiauth.vendors.plugins.module_utils._auth import iso_time
    assert 'at %s at the latest' % iso_time(before.expires_at) in message, message
    assert 'by %s at the latest' % iso_time(before.expires_at + lifetime) in message, message
    assert kinds(simulator) == [('lock', 401), ('login', 200), ('lock', 423)]


def test_a_refused_password_reads_the_same_with_or_without_a_cached_token(simulator, make):
    """Issue 22 item 6: one mistake, one message, naming the user and the URL, never the password."""
    wrong = 'Wr0ng-Passw0rd-Not-Shown'
    with pytest.raises(ApiAuthError) as empty:
        make(password=wrong).token()
    make().token()  # the right password caches a token
    with pytest.raises(ApiAuthError) as cached:
        make(password=wrong).token()
    assert [e['kind'] for e in simulator.journal_entries(vendor='oracle_sbc')] == ['login', 'login', 'reauth']
    assert empty.value.message == cached.value.message
    assert empty.value.reason == cached.value.reason == 'auth'
    assert empty.value.message.startswith("Oracle SBC login as user 'admin' at %s/rest/" % simulator.url)
    assert 'HTTP 401' in empty.value.message and wrong not in empty.value.message
