# -*- coding: utf-8 -*-
"""What real appliances do that a simulator written from our own assumptions did not (issue 12): BigID's HTTP 200
refusals, SBC operations polled through absolute links or admin/asyncstatus and ending in 'fail', BigFix's two ways
of refusing a password. Each runs against the simulator setting that reproduces it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, vendor_settings
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._request import call, wait_operation
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.lock import acquire, lock_guard

USERS = {
    'oracle_sbc': {'username': 'admin', 'password': 'sbc-admin-pass'},
    'bigfix_inventory': {'username': 'bfi-user', 'password': 'bfi-pass'},
    'bigid': {'user_token': 'bigid-user-token-0123456789'},
}
REFUSALS = ('status', 'ok')  # a 401, or HTTP 200 {"success": false} as the BigID sandbox answers
CONTENT_TYPES = ('application/json', 'text/html')


@pytest.fixture
def make(simulator, tmp_path):
    def factory(vendor, **options):
        direct = dict(USERS[vendor], url=simulator.url, ca_path=simulator.ca_path, token_cache_dir=str(tmp_path / 'cache'))
        direct.update(options)
        session = VendorSession(vendor_settings(vendor, direct, environ={}))
        session.http._sleep = lambda seconds: None
        return session
    return factory


def bigid_kinds(sim):
    return [(e['kind'], e['status']) for e in sim.journal_entries(vendor='bigid')]


# -- BigID ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('content_type', CONTENT_TYPES)
@pytest.mark.parametrize('refusal', REFUSALS)
def test_bigid_bad_user_token_fails_in_the_vendors_words(simulator, make, refusal, content_type):
    simulator.configure(bigid_refusal=refusal, bigid_content_type=content_type)
    with pytest.raises(ApiAuthError) as caught:
        make('bigid', user_token='not-a-user-token-000').token()
    expected = 'Failed to authenticate token.' if refusal == 'ok' else 'Invalid or expired user token'
    assert expected in caught.value.message and caught.value.reason == 'auth'
    assert 'systemToken' not in caught.value.message and 'not-a-user-token-000' not in caught.value.message


@pytest.mark.parametrize('refusal', REFUSALS)
def test_bigid_bad_session_password_fails_in_the_vendors_words(simulator, make, refusal):
    simulator.configure(bigid_refusal=refusal)
    with pytest.raises(ApiAuthError) as caught:
        make('bigid', user_token=None, username='bigid-admin', password='wrong-password-x').token()
    expected = 'Username / Password incorrect' if refusal == 'ok' else 'Invalid username or password'
    assert expected in caught.value.message and caught.value.reason == 'auth'
    assert 'wrong-password-x' not in caught.value.message


@pytest.mark.parametrize('content_type', CONTENT_TYPES)
def test_bigid_json_labelled_text_html_is_read_as_json(simulator, make, content_type):
    simulator.configure(bigid_content_type=content_type)
    session = make('bigid')
    assert session.token().token.count('.') == 2
    result = call(session, 'GET', 'ds-connections')
    assert result['data']['data']['ds_connections'][0]['name'] == 'crm-postgres'


@pytest.mark.parametrize('refusal', REFUSALS)
def test_bigid_api_call_refused_for_a_dead_token_is_re_exchanged_once(simulator, make, refusal):
    simulator.configure(bigid_refusal=refusal)
    first = make('bigid').token()
    simulator.state.revoke('bigid')  # the system token dies before its exp
    result = call(make('bigid'), 'GET', 'ds-connections')
    assert result['status'] == 200 and result['data']['status'] == 'success'
    dead = 200 if refusal == 'ok' else 401
    assert bigid_kinds(simulator) == [('exchange', 200), ('api', dead), ('exchange', 200), ('api', 200)]
    assert make('bigid').token().token != first.token


def test_bigid_api_call_still_refused_after_the_re_exchange_fails_with_the_message(simulator, make):
    simulator.configure(bigid_refusal='ok', bigid_token_lifetime=0.05, bigid_jwt_exp=False, latency=0.1)
    with pytest.raises(ApiAuthError) as caught:
        call(make('bigid'), 'GET', 'ds-connections')  # every system token is dead before it is used
    assert 'Authentication failed.' in caught.value.message and caught.value.reason == 'auth'
    assert bigid_kinds(simulator) == [('exchange', 200), ('api', 200), ('exchange', 200), ('api', 200)]


# -- SBC asynchronous operations ------------------------------------------------------------------------------------

def save(session, **kwargs):
    return call(session, 'PUT', 'configuration/management', query={'action': 'save'}, wait_for_operation=True,
                operation_timeout=10, guard=lock_guard, sleep=lambda s: None, **kwargs)


@pytest.mark.parametrize('link', ('path', 'absolute', 'none'))
def test_operation_is_followed_through_any_documented_link(simulator, make, link):
    simulator.configure(sbc_async_link=link, async_delay=0.3)
    session = make('oracle_sbc')
    acquire(session)
    result = save(session)
    assert result['operation']['status'] == 'success' and result['operation']['operation'] == 'save'
    polls = simulator.journal_entries(kind='operation_status')
    assert polls and all(e['status'] == 200 for e in polls)
    expected = '/rest/v1.2/admin/asyncstatus' if link == 'none' else '/rest/v1.2/configuration/management/operations/1'
    assert {e['path'] for e in polls} == {expected}


def test_operation_status_fail_ends_the_wait_as_a_failure(simulator, make):
    simulator.configure(sbc_operation_result='fail', async_delay=0)
    session = make('oracle_sbc')
    acquire(session)
    with pytest.raises(ApiAuthError) as caught:
        save(session)
    assert caught.value.reason == 'operation_failed' and "'fail'" in caught.value.message
    assert 'save of the configuration failed' in caught.value.message  # Oracle puts the reason in <data>
    assert len(simulator.journal_entries(kind='operation_status')) == 1


@pytest.mark.parametrize('link', ('https://elsewhere.example.com/rest/v1.2/configuration/management/operations/1',
                                  'http://127.0.0.1:{port}/rest/v1.2/configuration/management/operations/1',
                                  'https://127.0.0.1:1/rest/v1.2/configuration/management/operations/1'))
def test_operation_link_to_another_host_is_refused_before_any_request(simulator, make, link):
    session = make('oracle_sbc')
    with pytest.raises(ApiAuthError) as caught:
        wait_operation(session, link.format(port=simulator.port), 5, sleep=lambda s: None)
    assert 'not polled' in caught.value.message
    assert simulator.journal_entries(vendor='oracle_sbc') == []


def test_asyncstatus_reporting_another_operation_is_not_taken_for_ours(simulator, make):
    simulator.configure(sbc_async_link='none', async_delay=0)
    session = make('oracle_sbc')
    acquire(session)
    call(session, 'PUT', 'configuration/management', query={'action': 'verify'})
    with pytest.raises(ApiAuthError) as caught:
        wait_operation(session, 'admin/asyncstatus', 5, sleep=lambda s: None, expect='save')
    assert caught.value.reason == 'operation_unknown' and "'verify'" in caught.value.message


# -- BigFix Inventory -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize('status', (401, 500))
def test_bigfix_wrong_password_fails_in_the_vendors_words_for_either_release(simulator, make, status):
    simulator.configure(bigfix_bad_login_status=status)
    with pytest.raises(ApiAuthError) as caught:
        make('bigfix_inventory', password='bfi-wrong-pass').token()
    assert caught.value.status == status and 'Invalid user name or password' in caught.value.message
    assert 'bfi-wrong-pass' not in caught.value.message


def test_bigfix_rows_have_names_and_software_instances_exist(simulator, make):
    session = make('bigfix_inventory')
    computers = call(session, 'GET', '/api/sam/v2/computers')['data']['rows']
    software = call(session, 'GET', '/api/sam/v2/software_instances')['data']['rows']
    assert all(row['name'] for row in computers + software)
