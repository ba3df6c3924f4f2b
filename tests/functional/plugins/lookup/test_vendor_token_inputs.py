# -*- coding: utf-8 -*-
"""Issue 24 rows 3, 4 and 8 through the lookup: its errors name a bad ca_path or api_version, send nothing, and
quote no token even when the vendor did."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.errors import AnsibleLookupError


def test_a_missing_ca_path_is_named_and_nothing_is_sent(simulator, tmp_path, vendor_token):
    missing = str(tmp_path / 'missing-ca.pem')
    simulator.clear_journal()
    with pytest.raises(AnsibleLookupError) as caught:
        vendor_token().run(['bigid'], variables={}, url=simulator.url, user_token='bigid-user-token-0123456789',
                           ca_path=missing, token_cache_dir=str(tmp_path / 'cache'))
    assert 'ca_path %s does not exist' % missing in str(caught.value)
    assert simulator.journal_entries() == []


def test_an_api_version_that_is_a_path_sends_nothing(simulator, tmp_path, vendor_token):
    simulator.clear_journal()
    with pytest.raises(AnsibleLookupError) as caught:
        vendor_token().run(['oracle_sbc'], variables={}, url=simulator.url, username='admin', password='sbc-admin-pass',
                           api_version='../../_sim/reset#', ca_path=simulator.ca_path,
                           token_cache_dir=str(tmp_path / 'cache'))
    assert 'api_version' in str(caught.value)
    assert simulator.journal_entries() == []


def test_a_refusal_that_quotes_the_token_is_not_repeated(simulator, tmp_path, vendor_token):
    simulator.add_fault(path='refresh-access-token', action='quote_token', status=401)
    with pytest.raises(AnsibleLookupError) as caught:
        vendor_token().run(['bigid'], variables={}, url=simulator.url, user_token='bigid-user-token-0123456789',
                           ca_path=simulator.ca_path, token_cache_dir=str(tmp_path / 'cache'))
    assert 'bigid-user-token-0123456789' not in str(caught.value) and '********' in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__, 'no unscrubbed exception chained to it'
