# -*- coding: utf-8 -*-
"""The cache-hit path (_token_record.find): the same token the session would give, and nothing it would not.

find() is what a vendor_token lookup runs when the token is cached, without the session, drivers or HTTP client.
Every case where the session would do something other than hand out the cached token (log in, renew, refuse, warn)
must be a miss here, so that the session decides it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time

try:
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, vendor_settings
from ansible_collections.apiauth.vendors.plugins.module_utils._options import resolve_options
from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import find

CREDENTIALS = {
    'oracle_sbc': {'username': 'admin', 'password': 'sbc-admin-pass'},
    'bigfix_inventory': {'username': 'bfi-user', 'password': 'bfi-pass'},
    'bigid': {'user_token': 'bigid-user-token-0123456789'},
    'bigid-password': {'username': 'bigid-admin', 'password': 'bigid-pass'},
}


@pytest.fixture
def cached(simulator, tmp_path):
    """cached(case, **options) -> (the record a session obtained and cached, the options it was given)."""
    def factory(case, **options):
        direct = dict(CREDENTIALS[case], url=simulator.url, ca_path=simulator.ca_path,
                      token_cache_dir=str(tmp_path / 'cache'))
        direct.update(options)
        vendor = case.split('-')[0]
        session = VendorSession(vendor_settings(vendor, direct, environ={}))
        return session.token(), dict(direct, vendor=vendor), session
    return factory


def hit(options, **changes):
    """find() with the options as the lookup resolves them, changed by ``changes``."""
    options = dict(options, **changes)
    vendor = options.pop('vendor')
    return find(resolve_options(vendor, {}, options, variables={}, environ={}), time.time())


@pytest.mark.parametrize('case', sorted(CREDENTIALS))
def test_a_cached_token_is_found_as_the_session_would_hand_it_out(cached, simulator, case):
    record, options, session = cached(case)
    before = len(simulator.journal)
    found = hit(options)
    assert found is not None and found.token == record.token
    assert found.headers() == session.headers(record)  # output=headers without the driver
    assert len(simulator.journal) == before  # nothing sent


@pytest.mark.parametrize('change', [
    {'password': 'not-the-password'},  # another caller: the vendor judges it (session)
    {'username': 'someone-else'},
    {'url': 'https://localhost:1'},
    {'token_cache': 'none'},
    {'token': 'a-ready-token'},
    {'refresh_margin': 86400},  # due for renewal
])
def test_what_the_session_must_decide_is_a_miss(cached, change):
    _record, options, _session = cached('oracle_sbc')
    assert hit(options) is not None
    assert hit(options, **change) is None


def test_another_user_token_is_a_miss(cached):
    _record, options, _session = cached('bigid')
    assert hit(options, user_token='bigid-user-token-somebody-else') is None


def test_a_differently_spelled_url_of_the_same_appliance_is_a_hit(cached, simulator):
    _record, options, _session = cached('oracle_sbc')
    assert hit(options, url=simulator.url.upper().replace('HTTPS://', 'https://') + '/') is not None


def _record_file(options):
    directory = options['token_cache_dir']
    return [os.path.join(directory, name) for name in os.listdir(directory) if name.endswith('.json')][0]


def test_a_cache_open_to_other_users_is_a_miss(cached):
    _record, options, _session = cached('oracle_sbc')
    os.chmod(options['token_cache_dir'], 0o755)
    assert hit(options) is None
    os.chmod(options['token_cache_dir'], 0o700)
    os.chmod(_record_file(options), 0o644)
    assert hit(options) is None


def test_a_symlinked_record_is_a_miss(cached, tmp_path):
    _record, options, _session = cached('oracle_sbc')
    path = _record_file(options)
    moved = str(tmp_path / 'elsewhere.json')
    os.rename(path, moved)
    os.symlink(moved, path)
    assert hit(options) is None


@pytest.mark.skipif(fcntl is None, reason='POSIX file locks')
def test_a_record_being_replaced_is_a_miss_not_a_wait(cached):
    # A fork holding the key's lock is deciding (renewing, logging in): the hit path does not read half a decision,
    # nor wait; the session waits for the lock and reads the outcome.
    _record, options, _session = cached('oracle_sbc')
    lock = os.open(_record_file(options)[:-len('.json')] + '.lock', os.O_RDWR)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        started = time.time()
        assert hit(options) is None
        assert time.time() - started < 0.5
    finally:
        os.close(lock)
    assert hit(options) is not None


def test_a_record_without_its_presentation_is_upgraded_by_the_session(cached):
    # Records cached before the hit path existed lack 'presented': the session adds it once, without a request.
    record, options, session = cached('oracle_sbc')
    path = _record_file(options)
    with open(path) as handle:
        raw = json.load(handle)
    del raw['presented']
    with open(path, 'w') as handle:
        json.dump(raw, handle)
    found = hit(options)
    assert found is not None and found.headers() is None  # the token, but not how to send it
    assert session.token().token == record.token and 'login' not in session.events[1:]
    assert hit(options).headers() == session.headers(record)


def test_plain_http_needs_allow_plain_http_on_a_hit_too(tmp_path):
    # A record for an http:// url exists only if a caller allowed plain HTTP: another caller who did not must not
    # get the token from the cache either (the session refuses before looking).
    from ansible_collections.apiauth.vendors.plugins.module_utils._cache import FileTokenCache
    from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import TokenRecord, cache_key
    directory = str(tmp_path / 'cache')
    record = TokenRecord('bfi-token-0123', expires_at=None).bind('bfi-pass')
    record.present({'Token': 'bfi-token-0123'})
    with FileTokenCache(directory).slot(cache_key('bigfix_inventory', 'http://bfi.example.com', 'bfi-user')) as slot:
        slot.write(record)
    options = dict(vendor='bigfix_inventory', url='http://BFI.example.com:80/', username='bfi-user', password='bfi-pass',
                   token_cache_dir=directory)
    assert hit(options) is None
    assert hit(options, allow_plain_http=True).headers() == {'Token': 'bfi-token-0123'}
