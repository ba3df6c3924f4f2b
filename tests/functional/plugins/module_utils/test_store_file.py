# -*- coding: utf-8 -*-
"""The file store stays bounded and explains itself (issue 24 rows 9 and 12), and the lease primitive on every
backend (the SBC lock's run ownership builds on it)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import tempfile
import time

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, vendor_settings
# The names the cache had before the store interface: the tests of issue 24 run unchanged on the code before it.
from ansible_collections.apiauth.vendors.plugins.module_utils._cache import FileTokenCache, MemoryTokenCache, open_cache
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import TokenRecord

GRACE = 3600  # GRACE: an expired record is kept this long (the SBC's lock_lost story)
PICK = 4  # PICK: entries examined per transaction, at most


def sbc(simulator, cache_dir, **options):
    direct = dict(url=simulator.url, ca_path=simulator.ca_path, username='admin', password='sbc-admin-pass',
                  token_cache_dir=cache_dir)
    direct.update(options)
    return vendor_settings('oracle_sbc', direct, environ={})


def test_a_failed_login_leaves_no_file(simulator, tmp_path):
    cache_dir = str(tmp_path / 'cache')
    for attempt in range(3):
        with pytest.raises(ApiAuthError):
            VendorSession(sbc(simulator, cache_dir, username='user-%d' % attempt, password='wrong')).token()
    assert os.listdir(cache_dir) == []


def test_expired_records_and_stale_lock_files_are_removed_as_the_store_meets_them(tmp_path):
    cache = FileTokenCache(str(tmp_path / 'c'))
    now = time.time()
    for index in range(15):
        cache.store('expired-%d' % index, TokenRecord('t', expires_at=now - GRACE - 60))
        open(os.path.join(cache.directory, 'stale-%d.lock' % index), 'w').close()
    cache.store('recently-expired', TokenRecord('t', expires_at=now - 60))  # its lock_lost story is still told
    cache.store('live', TokenRecord('t', expires_at=now + 600))
    cache.store('no-timer', TokenRecord('t', expires_at=None))
    before = len(os.listdir(cache.directory))
    seen = []
    for _call in range(150):
        with cache.slot('mine') as slot:
            slot.read()
        seen.append(len(os.listdir(cache.directory)))
    assert all(before - count <= PICK * (index + 1) for index, count in enumerate(seen))  # bounded
    assert sorted(os.listdir(cache.directory)) == ['live.json', 'no-timer.json', 'recently-expired.json']


def test_a_lock_file_in_use_is_not_swept(tmp_path):
    cache = FileTokenCache(str(tmp_path / 'c'))
    other = FileTokenCache(str(tmp_path / 'c'))
    with cache.slot('busy'):
        for _call in range(20):
            with other.slot('mine'):
                pass
        assert os.path.exists(os.path.join(cache.directory, 'busy.lock'))


def test_a_symlinked_token_file_gets_our_own_message(tmp_path):
    cache = FileTokenCache(str(tmp_path / 'c'))
    (tmp_path / 'elsewhere.json').write_text('{"format": 2, "token": "planted"}')
    os.symlink(str(tmp_path / 'elsewhere.json'), os.path.join(cache.directory, 'k.json'))
    with pytest.raises(ApiAuthError) as err:
        with cache.slot('k') as slot:
            slot.read()
    message = str(err.value)
    assert 'is a symbolic link' in message and 'remove the link' in message and 'Too many levels' not in message
    assert err.value.reason == 'cache'


def test_a_symlinked_lock_file_gets_our_own_message(tmp_path):
    cache = FileTokenCache(str(tmp_path / 'c'))
    os.symlink(str(tmp_path / 'elsewhere.lock'), os.path.join(cache.directory, 'k.lock'))
    with pytest.raises(ApiAuthError) as err:
        with cache.slot('k'):
            pass
    assert 'is a symbolic link' in str(err.value) and not os.path.exists(str(tmp_path / 'elsewhere.lock'))


@pytest.mark.skipif(os.geteuid() != 0, reason='only root can give a directory to another user')
def test_a_squatted_fallback_directory_says_to_set_token_cache_dir(simulator, tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', '/')  # an execution environment user without a home: the fallback under /tmp
    monkeypatch.setattr(tempfile, 'tempdir', str(tmp_path / 'tmp'))
    squatted = tmp_path / 'tmp' / ('apiauth_vendors-%d' % os.getuid())
    squatted.mkdir(parents=True, mode=0o700)
    os.chown(str(squatted), 4242, 4242)  # another user created it first
    with pytest.raises(ApiAuthError) as err:
        open_cache(sbc(simulator, None))
    message = str(err.value)
    assert 'belongs to another user (uid 4242)' in message and 'set token_cache_dir (APIAUTH_TOKEN_CACHE_DIR)' in message
    assert simulator.journal == []


@pytest.fixture(params=['memory', 'file', 'redis'])
def store(request, tmp_path):
    if request.param == 'memory':
        return MemoryTokenCache()
    if request.param == 'file':
        return FileTokenCache(str(tmp_path / 'c'))
    server = request.getfixturevalue('redis_server')
    settings = vendor_settings('oracle_sbc', dict(token_cache='redis', token_cache_url=server.url,
                                                  token_cache_key='lease-test-key-0123456789'), environ={})
    return open_cache(settings)


def test_a_lease_belongs_to_its_holder_until_it_expires(store):
    lease = store.lease('sbc-config-lock')
    assert lease.holder() is None
    assert lease.acquire('run-a', 0.5) and lease.holder() == 'run-a'
    assert not lease.acquire('run-b', 5) and lease.holder() == 'run-a'
    assert not lease.renew('run-b', 5) and not lease.release('run-b')
    assert lease.renew('run-a', 0.5) and lease.acquire('run-a', 0.5)  # its holder may take it again
    time.sleep(0.7)  # not renewed: it expires by itself
    assert lease.holder() is None and not lease.renew('run-a', 5)
    assert lease.acquire('run-b', 5) and lease.holder() == 'run-b'
    assert lease.release('run-b') and lease.holder() is None
    assert store.lease('another').holder() is None
