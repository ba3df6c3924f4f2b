# -*- coding: utf-8 -*-
"""Issue 20: BigID exchange refusals as the vendor sends them, with a "systemToken" key (null, empty or absent) and
either text ("Failed to authenticate token." or "Refresh token not valid"), in a 401 or an HTTP 200: the driver
reports each as a refused user token in the vendor's words, and never takes the key for a token."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, vendor_settings
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError

BAD_TOKEN = 'not-a-user-token-000'


@pytest.mark.parametrize('text', ('Failed to authenticate token.', 'Refresh token not valid'))
@pytest.mark.parametrize('system_token', ('null', 'empty', 'absent'))
@pytest.mark.parametrize('refusal', ('status', 'ok'))
def test_exchange_refusals_of_every_shape_fail_in_the_vendors_words(simulator, tmp_path, refusal, system_token, text):
    simulator.configure(bigid_refusal=refusal, bigid_refusal_system_token=system_token, bigid_bad_user_token_text=text)
    direct = dict(user_token=BAD_TOKEN, url=simulator.url, ca_path=simulator.ca_path, token_cache_dir=str(tmp_path / 'cache'))
    session = VendorSession(vendor_settings('bigid', direct, environ={}))
    with pytest.raises(ApiAuthError) as caught:
        session.token()
    error = caught.value
    assert error.reason == 'auth', error.message
    assert (text if refusal == 'ok' else 'Invalid or expired user token') in error.message
    assert 'check user_token' in error.message and BAD_TOKEN not in error.message
    assert [(e['kind'], e['status']) for e in simulator.journal_entries(vendor='bigid')] == [
        ('exchange', 200 if refusal == 'ok' else 401)], 'one exchange, no retry loop'
    with pytest.raises(ApiAuthError):  # nothing was kept as a token: the next task asks again
        VendorSession(vendor_settings('bigid', direct, environ={})).token()
    assert len(simulator.journal_entries(vendor='bigid', kind='exchange')) == 2
