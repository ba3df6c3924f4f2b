# -*- coding: utf-8 -*-
"""VendorSession against the simulator: reuse, renewal, 401 recovery, retries and error wording."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._request import call
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.lock import acquire, lock_guard, release


def kinds(sim, vendor):
    return [e['kind'] for e in sim.journal_entries(vendor=vendor)]


def test_sbc_token_is_reused_then_renewed_with_itself(simulator, make, clock):
    first = make('oracle_sbc', clock).token()
    assert make('oracle_sbc', clock).token().token == first.token
    clock.now += 600 - 119  # inside the default 120 s margin
    renewed = make('oracle_sbc', clock).token()
    assert renewed.token != first.token
    assert kinds(simulator, 'oracle_sbc') == ['login', 'reauth']
    reauth = simulator.journal_entries(kind='reauth')[0]
    assert reauth['body_token_fp'] == simulator.fingerprint(first.token)


def test_expired_sbc_token_leads_to_a_fresh_login(simulator, make, clock):
    make('oracle_sbc', clock).token()
    clock.now += 601
    make('oracle_sbc', clock).token()
    assert kinds(simulator, 'oracle_sbc') == ['login', 'login']


def test_renewal_keeps_the_lock(simulator, make, clock):
    session = make('oracle_sbc', clock)
    assert acquire(session)['changed'] is True
    clock.now += 500
    result = call(make('oracle_sbc', clock), 'GET', 'configuration/configElements', query={'elementType': 'realm-config'})
    assert result['status'] == 200 and 'configElement' in result['data']
    assert simulator.state_snapshot()['lock']['owner_fp'] == simulator.journal_entries(kind='reauth')[0]['new_token_fp']
    assert acquire(make('oracle_sbc', clock))['changed'] is False
    assert release(make('oracle_sbc', clock))['changed'] is True
    assert release(make('oracle_sbc', clock))['changed'] is False


def test_401_uses_a_token_another_fork_renewed_instead_of_logging_in(simulator, make, clock):
    stale = make('oracle_sbc', clock)
    old = stale.token()
    clock.now += 500
    make('oracle_sbc', clock).token()  # "another fork" renews: old token is now dead
    clock.now -= 500  # this fork still thinks its token is young
    reply = stale._send('GET', stale.driver.api_url('configuration/configElements'), old, None, None, None, None)
    assert reply.status == 401
    newer = stale.token(reject=old.token)
    assert newer.token != old.token
    assert kinds(simulator, 'oracle_sbc').count('login') == 1


def test_lock_guard_stops_a_write_after_the_lock_is_lost(simulator, make, clock):
    acquire(make('oracle_sbc', clock))
    simulator.revoke()
    session = make('oracle_sbc', clock)
    body = '<configElement><elementType>realm-config</elementType><attribute><name>identifier</name><value>x</value></attribute></configElement>'
    with pytest.raises(ApiAuthError) as err:
        call(session, 'POST', 'configuration/configElements', data=body, headers={'Content-Type': 'application/xml'},
             guard=lock_guard)
    assert err.value.reason == 'lock_lost'
    assert [e['status'] for e in simulator.journal_entries(kind='config_write')] == [401]


def test_lock_held_by_other_is_reported(simulator, make):
    simulator.lock_by_other()
    with pytest.raises(ApiAuthError) as err:
        acquire(make('oracle_sbc'), wait_timeout=0)
    assert err.value.reason == 'lock_held' and 'Resource locked by another user' in str(err.value)
    make('oracle_sbc').token()
    result = release(make('oracle_sbc'))
    assert (result['changed'], result['lock_owner']) == (False, 'other')


def test_non_admin_cannot_lock(simulator, make):
    with pytest.raises(ApiAuthError) as err:
        acquire(make('oracle_sbc', username='operator', password='sbc-operator-pass'))
    assert err.value.status == 403 and 'administrator' in str(err.value)


def test_bigfix_token_is_reused_and_sent_in_a_header(simulator, make):
    session = make('bigfix_inventory')
    reply = session.request('GET', 'api/sam/about')
    assert reply.status == 200
    make('bigfix_inventory').request('GET', 'api/sam/about')
    assert kinds(simulator, 'bigfix_inventory').count('login') == 1
    assert all('token=' not in (e['query'] or '') for e in simulator.journal_entries())


def test_bigfix_sso_refusal_explains_the_ready_token(simulator, make):
    simulator.configure(bigfix_sso=True)
    with pytest.raises(ApiAuthError) as err:
        make('bigfix_inventory').token()
    assert 'HTTP 500' in str(err.value) and 'token=' in str(err.value) and 'bfi-pass' not in str(err.value)


def test_bigid_system_token_expiry_comes_from_the_jwt(simulator, make):
    simulator.configure(bigid_token_lifetime=1000)
    record = make('bigid').token()
    assert 990 < record.expires_at - record.obtained_at <= 1001
    simulator.configure(bigid_jwt_exp=False)
    record = make('bigid', refresh_margin=0, token_cache='none').token()
    assert record.expires_at - record.obtained_at == 300


def test_bigid_session_login_with_username_and_password(simulator, make):
    reply = make('bigid', user_token=None, username='bigid-admin', password='bigid-pass').request('GET', 'ds-connections')
    assert reply.status == 200
    assert kinds(simulator, 'bigid')[0] == 'session'


def test_retries_a_503_burst_and_a_dropped_connection(simulator, make):
    simulator.configure(faults=[{'path': '/auth/token', 'action': 'status', 'status': 503, 'times': 2},
                                {'path': '/configuration/configElements', 'action': 'drop', 'times': 1}])
    session = make('oracle_sbc')
    assert session.request('GET', 'configuration/configElements', params={'elementType': 'realm-config'}).status == 200


def test_retries_are_bounded(simulator, make):
    simulator.configure(faults=[{'path': '/auth/token', 'action': 'status', 'status': 503, 'times': 10}])
    with pytest.raises(ApiAuthError) as err:
        make('oracle_sbc', retries=2).token()
    assert err.value.status == 503
    assert len(simulator.journal_entries(vendor='oracle_sbc')) == 3


def test_wrong_password_message_is_the_vendors_and_scrubbed(simulator, make):
    with pytest.raises(ApiAuthError) as err:
        make('oracle_sbc', password='sbc-admin-pass-WRONG').token()
    assert 'Invalid username or password' in str(err.value) and 'WRONG' not in str(err.value)


def test_ready_token_needs_no_call_and_no_cache(simulator, make, tmp_path):
    cache_dir = tmp_path / 'never-created'
    session = make('bigfix_inventory', token='f' * 40, username=None, password=None, token_cache_dir=str(cache_dir))
    assert session.token().token == 'f' * 40
    assert session.request('GET', 'api/sam/about').status == 401  # the simulator does not know this token
    assert [e['kind'] for e in simulator.journal_entries()] == ['api']  # no login, no retry with a new login
    assert not cache_dir.exists()


def test_force_renews_a_young_token_the_vendors_way(simulator, make):
    sbc_first = make('oracle_sbc').token()
    assert make('oracle_sbc').token(force=True).token != sbc_first.token
    make('bigfix_inventory').token()
    make('bigfix_inventory').token(force=True)
    assert kinds(simulator, 'oracle_sbc') == ['login', 'reauth']
    assert kinds(simulator, 'bigfix_inventory') == ['login', 'login']
