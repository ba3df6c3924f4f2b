# -*- coding: utf-8 -*-
"""What every driver inherits (_drivers/base.py): replies that cannot be read, and tokens unfit for a header, are bad
replies whatever the vendor. Named in docs/reliability.md and docs/security.md."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._request import call
from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import TokenRecord

DEEP = 100000


@pytest.mark.parametrize('case', ['bigfix-login-json', 'sbc-api-xml', 'bigid-api-json'])
def test_deeply_nested_replies_are_bad_replies(canned_session, case):
    if case == 'bigfix-login-json':
        session = canned_session('bigfix_inventory', (200, 'application/json', '{"a":' * DEEP + '1' + '}' * DEEP))
        run = session.token
    else:
        vendor = 'oracle_sbc' if case == 'sbc-api-xml' else 'bigid'
        if vendor == 'oracle_sbc':
            body = ('<a>' * DEEP + '</a>' * DEEP, 'application/xml')
        else:
            body = ('[' * DEEP + ']' * DEEP, 'application/json')
        session = canned_session(vendor, (200, 'application/json', '{"systemToken": "a.b.c", "success": true}'))
        session.token = lambda **_kw: TokenRecord('tok-1234', expires_at=None)
        session.http.replies = [(200, body[1], body[0])]

        def run():
            return call(session, 'GET', 'configuration/configElements')
    with pytest.raises(ApiAuthError) as err:
        run()
    assert err.value.reason == 'bad_reply' and 'deep' in str(err.value)


@pytest.mark.parametrize('vendor,body', [
    ('bigfix_inventory', ('application/json', '{"token": "44072fb2\\r\\nX-Injected: yes"}')),
    ('oracle_sbc', ('application/xml', '<response><data><accessToken>abc&#13;&#10;Set-Cookie: x'
                                       '</accessToken></data><messages/><links/></response>')),
    ('bigid', ('application/json', '{"success": true, "systemToken": "a.b\\u0000.c"}')),
])
def test_a_token_with_control_characters_is_a_bad_reply(canned_session, vendor, body):
    session = canned_session(vendor, (200, body[0], body[1]))
    with pytest.raises(ApiAuthError) as err:
        session.token()
    assert err.value.reason == 'bad_reply' and 'control character' in str(err.value)
    assert 'X-Injected' not in str(err.value) and 'Set-Cookie' not in str(err.value)
    assert session.cached() is None
