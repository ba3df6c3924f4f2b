# -*- coding: utf-8 -*-
"""Any reply at all, as login, renewal or API reply of each vendor: a valid token or an ApiAuthError, never
another exception. Hypothesis draws statuses, content types and bodies from raw bytes to near-valid documents."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, vendor_settings
from ansible_collections.apiauth.vendors.plugins.module_utils._cache import MemoryTokenCache
from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import TokenRecord
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._http_client import Reply
from ansible_collections.apiauth.vendors.plugins.module_utils._payload import parse_xml_text
from ansible_collections.apiauth.vendors.plugins.module_utils._request import call

EXAMPLES = 500
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
CREDENTIALS = {
    'oracle_sbc': {'username': 'admin', 'password': 'pw-for-fuzz'},
    'bigfix_inventory': {'username': 'bfi-user', 'password': 'pw-for-fuzz'},
    'bigid': {'user_token': 'user-token-for-fuzz'},
}

# JSON values, nested a little; keys include the fields the drivers look for.
_KEYS = st.sampled_from(['token', 'systemToken', 'auth_token', 'success', 'message', 'error', 'data', 'exp', 'x'])
_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
                     max_leaves=12)
_XML_TEXT = st.text(max_size=30)
_SBC_XML = st.builds(
    lambda token, messages, extra: '<response><data>%s</data><messages>%s</messages><links/></response>%s'
    % (token, messages, extra),
    st.one_of(st.just(''), _XML_TEXT.map(lambda t: '<accessToken>%s</accessToken>' % t), _XML_TEXT),
    st.one_of(st.just(''), _XML_TEXT.map(lambda t: '<message>%s</message>' % t)),
    st.sampled_from(['', '<', '<?xml', ']]>', '&', '&amp;']))
_DTD = st.sampled_from([
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><response><data>'
    '<accessToken>&b;</accessToken></data></response>',
    '<!DOCTYPE response SYSTEM "file:///etc/passwd"><response><data><accessToken>t</accessToken></data></response>',
    '<!DOCTYPE response><response/>',
])
BODIES = st.one_of(
    st.binary(max_size=200).map(lambda raw: raw.decode('utf-8', 'replace')),
    st.text(max_size=200),
    _JSON.map(json.dumps),
    _SBC_XML,
    _DTD,
    st.sampled_from(['', '<html><body>502 Bad Gateway</body></html>', '{"token": "abc"}', '{"systemToken": "a.b.c"}',
                     '{"systemToken": "x.eyJleHAiOiJzb29uIn0.y"}', 'null', '[]', '"token"']),
)
REPLIES = st.builds(
    lambda status, content_type, body: Reply(status, {'Content-Type': content_type}, body, 'POST', 'https://h/x'),
    st.sampled_from([200, 200, 200, 201, 204, 400, 401, 403, 404, 409, 423, 426, 500, 503]) | st.integers(100, 599),
    st.sampled_from(['application/json', 'application/xml', 'text/html', 'text/plain', '']),
    BODIES)


class ReplyWith(object):
    """An HttpClient stand-in that answers every request with one reply."""

    def __init__(self, reply):
        self.reply = reply

    def request(self, method, url, **_kwargs):
        return Reply(self.reply.status, self.reply.headers, self.reply.text, method, url)


def session_for(vendor, reply):
    direct = dict(CREDENTIALS[vendor], url='https://appliance.example', token_cache='none')
    return VendorSession(vendor_settings(vendor, direct, environ={}), cache=MemoryTokenCache(), http=ReplyWith(reply))


def assert_token_or_auth_error(produce):
    try:
        record = produce()
    except ApiAuthError as exc:
        assert exc.message and 'pw-for-fuzz' not in exc.message and 'user-token-for-fuzz' not in exc.message
        return
    assert isinstance(record, TokenRecord)
    assert isinstance(record.token, str) and record.token.strip()
    assert record.expires_at is None or isinstance(record.expires_at, float)


@pytest.mark.parametrize('vendor', sorted(CREDENTIALS))
def test_any_login_reply_gives_a_token_or_an_auth_error(vendor):
    @FUZZ
    @given(reply=REPLIES)
    def check(reply):
        session = session_for(vendor, reply)
        assert_token_or_auth_error(lambda: session.driver.login(session.http, 1000.0))
    check()


@FUZZ
@given(reply=REPLIES)
def test_any_sbc_reauthentication_reply_gives_a_token_or_an_auth_error(reply):
    session = session_for('oracle_sbc', reply)
    record = TokenRecord('current-token', expires_at=1100.0, obtained_at=1000.0, data={'locked': True})
    assert_token_or_auth_error(lambda: session.driver.renew(session.http, record, 1000.0))


@pytest.mark.parametrize('vendor', sorted(CREDENTIALS))
def test_any_api_reply_gives_a_result_or_an_auth_error(vendor):
    @FUZZ
    @given(reply=REPLIES)
    def check(reply):
        session = session_for(vendor, reply)
        session.cache.store(session.key, TokenRecord('cached-token', expires_at=None))  # skip the login
        try:
            result = call(session, 'GET', 'some/path')
        except ApiAuthError as exc:
            assert exc.message
            return
        assert isinstance(result, dict) and result['status'] == reply.status
    check()


@pytest.mark.parametrize('document', [
    '<!DOCTYPE r [<!ENTITY a "x">]><r>&a;</r>',
    '<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "http://attacker.example/x.dtd"><r/>',
    '<!DOCTYPE r><r/>',
])
def test_xml_with_a_doctype_is_refused(document):
    with pytest.raises(Exception) as err:
        parse_xml_text(document)
    assert 'DOCTYPE' in str(err.value)


def test_a_doctype_in_an_sbc_login_reply_is_an_auth_error():
    reply = Reply(200, {'Content-Type': 'application/xml'},
                  '<!DOCTYPE r [<!ENTITY t "stolen">]><response><data><accessToken>&t;</accessToken></data></response>',
                  'POST', 'https://sbc/rest/v1.2/auth/token')
    session = session_for('oracle_sbc', reply)
    with pytest.raises(ApiAuthError) as err:
        session.driver.login(session.http, 1000.0)
    assert 'DOCTYPE' in err.value.message
