# -*- coding: utf-8 -*-
"""The SBC re-authentication body against each shape an appliance may take, and an appliance that answers a
renewal as a fresh login (the simulator's sbc_reauth_body setting)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._request import call
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.lock import acquire, lock_guard, release

SHAPES = ('token', 'accessToken', 'raw')


@pytest.fixture
def make(make):  # pylint: disable=redefined-outer-name
    """The shared make (conftest.py) for the SBC's user: make(clock=None, warnings=None, **options)."""
    return functools.partial(make, 'oracle_sbc')


def reauths(sim):
    return sim.journal_entries(vendor='oracle_sbc', kind='reauth')


def realm(name):
    return ('<configElement><elementType>realm-config</elementType><attribute><name>identifier</name><value>%s</value></attribute>'
            '<attribute><name>identifier</name><value>%s</value></attribute></configElement>' % (name, name))


def write(session, name):
    return call(session, 'POST', 'configuration/configElements', data=realm(name),
                headers={'Content-Type': 'application/xml'}, guard=lock_guard)


@pytest.mark.parametrize('shape', SHAPES)
def test_renewal_finds_the_shape_the_appliance_takes_and_remembers_it(simulator, make, shape, clock):
    simulator.configure(sbc_reauth_body=shape)
    first = make(clock).token()
    clock.now += 500  # inside the refresh margin
    second = make(clock).token()
    clock.now += 500
    make(clock).token()
    tried = [(e['status'], e['body_token_fp']) for e in reauths(simulator)]
    refused = SHAPES.index(shape)  # shapes tried before the accepted one, on the first renewal only
    assert [status for status, _fp in tried] == [400] * refused + [200, 200]
    # every attempt carried the live token; the one accepted chains to the next
    assert [fp for _s, fp in tried] == [simulator.fingerprint(first.token)] * (refused + 1) + [simulator.fingerprint(second.token)]
    assert make(clock).cached().data['reauth_body'] == shape
    assert [e['kind'] for e in simulator.journal_entries(vendor='oracle_sbc')].count('login') == 1


@pytest.mark.parametrize('shape', SHAPES)
def test_reauth_body_set_by_the_operator_is_the_only_shape_sent(simulator, make, shape, clock):
    simulator.configure(sbc_reauth_body=shape)
    make(clock, reauth_body=shape).token()
    clock.now += 500
    make(clock, reauth_body=shape).token()
    assert [e['status'] for e in reauths(simulator)] == [200]


def test_a_wrong_reauth_body_fails_naming_the_option_and_keeps_the_token(simulator, make, clock):
    simulator.configure(sbc_reauth_body='raw')
    first = make(clock, reauth_body='token').token()
    clock.now += 500
    with pytest.raises(ApiAuthError) as caught:
        make(clock, reauth_body='token').token()
    assert caught.value.reason == 'reauth_body' and 'HTTP 400' in caught.value.message
    assert 'reauth_body=auto' in caught.value.message
    assert make(clock).cached().token == first.token  # never replaced by a fresh login while it lives
    assert [e['status'] for e in reauths(simulator)] == [400]


def test_reauth_body_must_be_a_known_shape(simulator, make, clock):
    with pytest.raises(ApiAuthError) as caught:
        make(clock, reauth_body='json')
    assert 'reauth_body must be one of auto, token, accessToken, raw' in caught.value.message


def test_the_learned_shape_survives_a_fresh_login(simulator, make, clock):
    simulator.configure(sbc_reauth_body='raw')
    make(clock).token()
    clock.now += 500
    make(clock).token()
    clock.now += 700  # expired: a fresh login
    make(clock).token()
    clock.now += 500
    make(clock).token()
    assert [e['status'] for e in reauths(simulator)] == [400, 400, 200, 200]


def test_the_first_renewal_under_the_lock_checks_that_the_lock_moved_and_hands_it_over(simulator, make, clock):
    simulator.configure(sbc_reauth_body='ignored')
    warnings = []
    assert acquire(make(clock, warnings))['changed'] is True
    holder = simulator.state_snapshot()['lock']['owner_fp']
    clock.now += 500
    result = write(make(clock, warnings), 'after-renewal')
    assert result['status'] == 200
    renewed = simulator.journal_entries(kind='reauth')[0]['new_token_fp']
    # The renewal itself asks where the lock is (a lock call with the new token: 423, it stayed with the replaced
    # one), releases it with the replaced token and takes it with the new one; the write is never refused.
    calls = [(e['kind'], e['status'], e['token_fp'] or e.get('body_token_fp')) for e in simulator.journal_entries(vendor='oracle_sbc')]
    assert calls[2:] == [('reauth', 200, holder), ('lock', 423, renewed), ('unlock', 204, holder), ('lock', 204, renewed),
                         ('config_write', 200, renewed)]
    assert simulator.state_snapshot()['lock']['owner_fp'] == renewed
    assert len(warnings) == 1 and 'as a fresh login' in warnings[0]  # told by the first task under the lock
    assert make(clock).cached().data['reauth_as_login'] is True

    # From now on each renewal hands the lock over at once, without asking.
    simulator.clear_journal()
    clock.now += 500
    assert write(make(clock, warnings), 'after-second-renewal')['status'] == 200
    kinds = [(e['kind'], e['status']) for e in simulator.journal_entries(vendor='oracle_sbc')]
    assert kinds == [('reauth', 200), ('unlock', 204), ('lock', 204), ('config_write', 200)]
    assert len(warnings) == 1  # told once
    assert release(make(clock))['changed'] is True
    assert simulator.state_snapshot()['lock']['owner_fp'] is None


def test_an_appliance_that_moves_the_lock_is_asked_once(simulator, make, clock):
    acquire(make(clock))
    clock.now += 500
    make(clock).token()  # the first renewal under the lock: one lock call with the new token, 204
    clock.now += 500
    make(clock).token()
    release(make(clock))
    clock.now += 700  # expired: a fresh login keeps what was learned about the appliance
    acquire(make(clock))
    clock.now += 500
    make(clock).token()
    kinds = [(e['kind'], e['status']) for e in simulator.journal_entries(vendor='oracle_sbc')]
    assert kinds == [('login', 200), ('lock', 204), ('reauth', 200), ('lock', 204), ('reauth', 200), ('unlock', 204),
                     ('login', 200), ('lock', 204), ('reauth', 200)]
    assert make(clock).cached().data['reauth_as_login'] is False
    assert simulator.state_snapshot()['lock']['owner_fp'] == simulator.fingerprint(make(clock).cached().token)


def test_a_renewal_that_acted_as_a_login_unchecked_is_noticed_on_the_423(simulator, make, clock):
    simulator.configure(sbc_reauth_body='ignored')
    warnings = []
    acquire(make(clock, warnings))
    holder = simulator.state_snapshot()['lock']['owner_fp']
    # The renewal's check gets no answer about the lock (HTTP 500): the lock stays with the replaced token, unknown.
    simulator.configure(faults=[{'path': '/configuration/lock', 'method': 'POST', 'action': 'status', 'status': 500,
                                 'times': 1}])
    clock.now += 500
    assert write(make(clock, warnings), 'after-renewal')['status'] == 200
    writes = simulator.journal_entries(kind='config_write')
    # refused once (423: nothing applied), then sent once more under the lock
    assert [(e['status'], e['is_lock_owner']) for e in writes] == [(423, False), (200, True)]
    unlocks = simulator.journal_entries(kind='unlock')
    assert [(e['status'], e['token_fp']) for e in unlocks] == [(204, holder)]  # released with the replaced token
    assert simulator.state_snapshot()['lock']['owner_fp'] == simulator.journal_entries(kind='reauth')[0]['new_token_fp']
    assert len(warnings) == 1 and 'as a fresh login' in warnings[0]
    assert make(clock).cached().data['reauth_as_login'] is True


def test_unlock_after_a_login_like_renewal_releases_with_the_replaced_token(simulator, make, clock):
    simulator.configure(sbc_reauth_body='ignored')
    acquire(make(clock))
    clock.now += 500
    make(clock).token()  # renewal (acts as a login); nothing lock-requiring sent since
    result = release(make(clock))
    assert result['changed'] is True and result['lock_owner'] == 'none'
    assert simulator.state_snapshot()['lock']['owner_fp'] is None


def test_taking_the_lock_again_after_a_login_like_renewal_keeps_it(simulator, make, clock):
    simulator.configure(sbc_reauth_body='ignored')
    acquire(make(clock))
    clock.now += 500
    make(clock).token()
    assert acquire(make(clock))['locked'] is True
    snapshot = simulator.state_snapshot()['lock']
    assert snapshot['owner_fp'] == simulator.fingerprint(make(clock).cached().token)


def test_a_lock_taken_by_another_client_is_not_mistaken_for_a_login_like_renewal(simulator, make, clock):
    acquire(make(clock))
    clock.now += 500
    make(clock).token()  # a proper renewal: the replaced token is dead
    simulator.revoke()
    simulator.lock_by_other()
    with pytest.raises(ApiAuthError):
        write(make(clock), 'never')
    assert not simulator.journal_entries(kind='config_write', status=200)
    assert simulator.state_snapshot()['lock']['held_by_other'] is True


def test_a_renewal_that_finds_the_lock_with_another_client_stops_the_next_change_before_sending(simulator, make, clock):
    simulator.configure(sbc_reauth_body='ignored')
    acquire(make(clock))
    session = make(clock)  # the lock is given up behind the token record's back, and another client takes it
    assert session.driver.lock_call(session.http, 'unlock', session.cached().token).status == 204
    simulator.lock_by_other()
    clock.now += 500
    make(clock).token()  # a login-like renewal: its check finds neither the new token nor the live old one holding it
    kinds = [(e['kind'], e['status']) for e in simulator.journal_entries(vendor='oracle_sbc')]
    assert kinds[3:] == [('reauth', 200), ('lock', 423), ('unlock', 423)]
    with pytest.raises(ApiAuthError) as caught:
        write(make(clock), 'never-sent')
    assert caught.value.reason == 'lock_lost' and 'neither the new token nor the one it replaced' in caught.value.message
    assert not simulator.journal_entries(kind='config_write')  # stopped before sending
    assert simulator.state_snapshot()['lock']['held_by_other'] is True


def test_a_check_the_dead_old_token_cannot_settle_concludes_nothing_and_applies_nothing(simulator, make, clock):
    # The replaced token is dead (401): the renewal was not a login, so the 423 on the lock was about the lock itself
    # (another client here; elsewhere an appliance refusing a lock to its holder). No loss is declared on that; the
    # next change is sent and refused with 423, which applied nothing.
    simulator.configure(sbc_reauth_body='ignored')
    acquire(make(clock))
    simulator.revoke()  # our token is gone, and with it the lock, which another client takes
    simulator.lock_by_other()
    clock.now += 500
    make(clock).token()
    kinds = [(e['kind'], e['status']) for e in simulator.journal_entries(vendor='oracle_sbc')]
    assert kinds[2:] == [('reauth', 200), ('lock', 423), ('unlock', 401)]
    assert 'reauth_as_login' not in make(clock).cached().data  # unsettled: asked again at the next renewal
    with pytest.raises(ApiAuthError):
        write(make(clock), 'refused')
    assert set(e['status'] for e in simulator.journal_entries(kind='config_write')) == {423}
    assert simulator.state_snapshot()['lock']['held_by_other'] is True


@pytest.mark.parametrize('shape', SHAPES)
def test_an_appliance_that_refuses_a_lock_to_its_holder_keeps_working_across_renewals(simulator, make, clock, shape):
    # The documents do not say what a lock request from the holder gets; with a 423 there, the check after a renewal
    # must not take the lock for lost: it moved with the token as documented.
    simulator.configure(sbc_reauth_body=shape, sbc_relock='refused')
    acquire(make(clock))
    clock.now += 500
    write(make(clock), 'after-renewal')
    clock.now += 500
    write(make(clock), 'after-second-renewal')
    assert release(make(clock))['changed'] is True
    assert [e['status'] for e in simulator.journal_entries(kind='config_write')] == [200, 200]
    kinds = [(e['kind'], e['status']) for e in simulator.journal_entries(vendor='oracle_sbc')
             if e['kind'] != 'config_write' and e['status'] != 400]  # 400: a body shape this appliance does not take
    assert kinds == [('login', 200), ('lock', 204), ('reauth', 200), ('lock', 423), ('unlock', 401), ('reauth', 200),
                     ('lock', 423), ('unlock', 401), ('unlock', 204)]
    assert simulator.state_snapshot()['lock']['owner_fp'] is None


def test_a_handover_that_cannot_take_the_lock_back_stops_the_next_change(simulator, make, clock):
    simulator.configure(sbc_reauth_body='ignored')
    acquire(make(clock))
    clock.now += 500
    write(make(clock), 'noticed')  # the first renewal under the lock finds it acts as a login; later ones hand over at once
    # Between the release with the old token and the lock with the new one, another client is faster.
    simulator.configure(faults=[{'path': '/configuration/lock', 'method': 'POST', 'action': 'status', 'status': 423,
                                 'times': 1}])
    clock.now += 500
    with pytest.raises(ApiAuthError) as caught:
        write(make(clock), 'never-sent')
    assert caught.value.reason == 'lock_lost' and 'another user or session took it' in caught.value.message
    assert [e['status'] for e in simulator.journal_entries(kind='config_write')] == [200]  # the first one, never refused
