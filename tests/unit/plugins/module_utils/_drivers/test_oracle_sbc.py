# -*- coding: utf-8 -*-
"""The Oracle SBC driver without a server: re-authentication body shapes, what a fresh login keeps, and the lock of a
renewed token the cache could not save (the driver hooks the session calls)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import TokenRecord


def test_the_shape_the_appliance_took_is_tried_first(canned_session):
    driver = canned_session('oracle_sbc', (200, 'application/xml', '')).driver
    assert driver.reauth_shapes(TokenRecord('t', expires_at=None)) == ['token', 'accessToken', 'raw']
    assert driver.reauth_shapes(TokenRecord('t', expires_at=None, data={'reauth_body': 'raw'})) == ['raw', 'token', 'accessToken']
    forced = canned_session('oracle_sbc', (200, 'application/xml', ''), reauth_body='accessToken').driver
    assert forced.reauth_shapes(TokenRecord('t', expires_at=None, data={'reauth_body': 'raw'})) == ['accessToken']


def test_a_fresh_login_keeps_the_appliance_facts_and_says_how_the_lock_was_lost(canned_session):
    driver = canned_session('oracle_sbc', (200, 'application/xml', '')).driver
    old = TokenRecord('old', expires_at=None, data={'reauth_body': 'raw', 'reauth_as_login': True, 'locked': True,
                                                    'lock_run': {'id': 'r', 'host': 'h', 'pid': 1}})
    new = TokenRecord('new', expires_at=None)
    driver.carry_over(old, new, 'rejected')
    assert new.data == {'reauth_body': 'raw', 'reauth_as_login': True, 'lock_lost': 'rejected'}
    driver.carry_over(None, new, 'expired')  # nothing replaced: nothing to keep
    assert new.data['lock_lost'] == 'rejected'


def test_an_unsaved_renewal_gives_the_lock_back_and_says_so(canned_session):
    session = canned_session('oracle_sbc', (204, 'application/xml', ''))
    renewed = TokenRecord('new-token-123', expires_at=1e9, data={'locked': True})
    words = session.driver.unsaved_renewal(session.http, renewed)
    assert 'the lock was released with it' in words
    assert session.http.sent == [('POST', 'https://appliance.example/rest/v1.2/configuration/unlock')]
    refused = canned_session('oracle_sbc', (500, 'application/xml', ''))
    assert 'releasing the lock with it failed too (HTTP 500)' in refused.driver.unsaved_renewal(refused.http, renewed)
    assert session.driver.unsaved_renewal(session.http, TokenRecord('t', expires_at=None)) is None, 'no lock: nothing to do'
