# -*- coding: utf-8 -*-
"""The BigFix Inventory driver without a server: the token goes in a header, a refused login says what to check."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError


def test_a_login_gives_a_token_sent_in_the_token_header_and_no_expiry(canned_session):
    session = canned_session('bigfix_inventory', (200, 'application/json', '{"token": "44072fb2abcd"}'))
    record = session.token()
    assert record.token == '44072fb2abcd' and record.expires_at is None
    assert session.headers(record) == {'Token': '44072fb2abcd'}
    assert session.http.sent == [('POST', 'https://appliance.example/api/get_token')]


def test_a_refused_login_is_an_auth_error_without_the_password(canned_session):
    session = canned_session('bigfix_inventory', (401, 'application/json', '{"error": "bad credentials"}'))
    with pytest.raises(ApiAuthError) as err:
        session.token()
    assert err.value.reason == 'auth' and err.value.status == 401 and 'bfi-pass' not in str(err.value)
