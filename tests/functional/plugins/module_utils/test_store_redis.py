# -*- coding: utf-8 -*-
"""The Redis token store against a real redis-server: one login across processes, nothing readable in Redis, every
failure explicit (reason 'cache', nothing sent to the vendor), a Redis that lost its data, a wrong key."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import multiprocessing
import os
import signal
import socket
import threading
import time

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils import _store_redis
from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, vendor_settings
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._store import open_store
from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import TokenRecord, find

KEY = 'store-key-0123456789abcdef'


def settings_for(simulator, redis_server, tmp_path, **options):
    direct = dict(url=simulator.url, ca_path=simulator.ca_path, username='admin', password='sbc-admin-pass',
                  token_cache='redis', token_cache_url=redis_server.url, token_cache_key=KEY,
                  token_cache_dir=str(tmp_path / 'unused-file-cache'))
    direct.update(options)
    return vendor_settings('oracle_sbc', direct, environ={})


def logins(simulator):
    return [entry['kind'] for entry in simulator.journal if entry['kind'] == 'login']


def test_one_login_and_a_hit_through_redis(simulator, redis_server, tmp_path):
    warnings = []
    settings = settings_for(simulator, redis_server, tmp_path)
    token = VendorSession(settings, warn=warnings.append).token().token
    again = VendorSession(settings).token().token
    assert again == token and len(logins(simulator)) == 1
    assert find(settings, time.time()).token == token  # the lookup's hit path reads Redis too
    assert not os.path.exists(str(tmp_path / 'unused-file-cache'))  # token_cache_dir plays no part
    assert any('holds no token of this token_cache_key yet' in warning for warning in warnings)


def test_redis_holds_no_token_password_user_or_url(simulator, redis_server, tmp_path):
    settings = settings_for(simulator, redis_server, tmp_path)
    session = VendorSession(settings)
    token = session.token().token
    session.cache.lease('sbc-lock-owner').acquire('run-on-node-a', 30)
    dump = redis_server.dump()
    assert dump  # the dump reads something
    for secret in (token, 'sbc-admin-pass', 'admin', simulator.url, simulator.url.split('//')[1].split(':')[0],
                   'oracle_sbc', 'run-on-node-a', KEY, redis_server.password):
        assert secret not in dump, secret
    assert all(ttl > 0 for ttl in (redis_server.client().pttl(name) for name in redis_server.client().keys('av:[0-9a-f]*')))


@pytest.mark.parametrize('fault', ['stopped', 'wrong-password', 'slow'])
def test_a_store_out_of_reach_fails_with_reason_cache_before_any_request(simulator, redis_server, tmp_path, fault):
    url = redis_server.url
    if fault == 'stopped':
        redis_server.stop()
    elif fault == 'wrong-password':
        url = url.replace(redis_server.password, 'not-the-redis-password')
    else:  # a server that accepts connections and never answers
        silent = socket.socket()
        silent.bind(('127.0.0.1', 0))
        silent.listen(5)
        url = 'redis://:pw-in-url@127.0.0.1:%d/0' % silent.getsockname()[1]
    settings = settings_for(simulator, redis_server, tmp_path, token_cache_url=url, timeout=1)
    started = time.time()
    with pytest.raises(ApiAuthError) as caught:
        VendorSession(settings).token()
    assert time.time() - started < 5  # bounded by timeout=1
    message = str(caught.value)
    assert caught.value.reason == 'cache' and 'token cache (Redis at 127.0.0.1:' in message
    assert 'token_cache=file' in message  # and what to do
    for secret in ('not-the-redis-password', redis_server.password, 'pw-in-url', KEY):
        assert secret not in message
    assert simulator.journal == []
    if fault == 'slow':
        silent.close()


def test_a_missing_redis_package_is_named(simulator, redis_server, tmp_path, monkeypatch):
    monkeypatch.setattr(_store_redis, 'redis', None)
    with pytest.raises(ApiAuthError) as caught:
        VendorSession(settings_for(simulator, redis_server, tmp_path))
    assert "needs the Python package 'redis'" in str(caught.value) and caught.value.reason == 'cache'


@pytest.mark.parametrize('change, words', [
    ({'token_cache_url': 'http://127.0.0.1:6379'}, 'token_cache_url must be redis://'),
    ({'token_cache_url': 'rediss://:secret-pw@127.0.0.1:6379/0?ssl_cert_reqs=none'}, 'TLS is always verified'),
    ({'token_cache_url': None}, 'needs token_cache_url'),
    ({'token_cache_key': 'short'}, 'at least 16 characters'),
    ({'token_cache_url': 'rediss://127.0.0.1:6379', 'token_cache_ca_path': '/nonexistent/ca.pem'},
     'token_cache_ca_path /nonexistent/ca.pem is not a readable file'),
])
def test_bad_store_options_are_clear_and_quote_no_secret(simulator, redis_server, tmp_path, change, words):
    with pytest.raises(ApiAuthError) as caught:
        VendorSession(settings_for(simulator, redis_server, tmp_path, **change))
    assert words in str(caught.value) and 'secret-pw' not in str(caught.value) and 'short' not in str(caught.value)
    assert simulator.journal == []


def test_a_wrong_key_is_a_miss_with_a_warning(simulator, redis_server, tmp_path):
    first = VendorSession(settings_for(simulator, redis_server, tmp_path)).token().token
    warnings = []
    other = settings_for(simulator, redis_server, tmp_path, token_cache_key='another-key-0123456789')
    assert find(other, time.time()) is None
    assert VendorSession(other, warn=warnings.append).token().token != first
    assert any('check token_cache_key' in warning for warning in warnings), warnings


def test_an_altered_record_is_a_miss_with_a_warning_never_a_crash(simulator, redis_server, tmp_path):
    settings = settings_for(simulator, redis_server, tmp_path)
    first = VendorSession(settings).token().token
    client = redis_server.client()
    for name in client.keys('av:[0-9a-f]*'):
        value = client.get(name)
        client.set(name, value[:-1] + bytes([value[-1] ^ 1]))
    assert find(settings, time.time()) is None
    warnings = []
    assert VendorSession(settings, warn=warnings.append).token().token != first
    assert any('does not decrypt' in warning for warning in warnings), warnings


def test_restarted_empty_the_token_in_hand_is_written_back(simulator, redis_server, tmp_path):
    settings = settings_for(simulator, redis_server, tmp_path)
    warnings = []
    session = VendorSession(settings, warn=warnings.append)  # a run that keeps its store (the SBC lock's keeper)
    token = session.token().token
    redis_server.restart()
    assert session.token().token == token  # still usable in this run
    assert any('lost its data while this run used it' in warning and 'written back' in warning for warning in warnings)
    assert find(settings, time.time()).token == token  # written back: other jobs find it again
    assert len(logins(simulator)) == 1


def test_restarted_empty_a_run_with_nothing_in_hand_fails_before_sending(simulator, redis_server, tmp_path):
    settings = settings_for(simulator, redis_server, tmp_path)
    store = open_store(settings)
    with store.slot('some-other-key') as slot:
        assert slot.read() is None  # this process has seen the store, and holds no token of this principal
    redis_server.restart()
    session = VendorSession(settings, cache=store)
    with pytest.raises(ApiAuthError) as caught:
        session.token()
    assert caught.value.reason == 'cache' and 'lost its data while this run used it' in str(caught.value)
    assert simulator.journal == []


def _hold_and_die(settings, ready):
    store = open_store(settings)
    with store.slot('k'):
        ready.set()
        os.kill(os.getpid(), signal.SIGKILL)


def test_a_lock_whose_holder_died_expires(simulator, redis_server, tmp_path, monkeypatch):
    monkeypatch.setattr(_store_redis, 'LOCK_TTL', 1.0)
    settings = settings_for(simulator, redis_server, tmp_path, timeout=1)
    ctx = multiprocessing.get_context('fork')
    ready = ctx.Event()
    proc = ctx.Process(target=_hold_and_die, args=(settings, ready))
    proc.start()
    assert ready.wait(20)
    proc.join(10)
    assert proc.exitcode == -signal.SIGKILL
    started = time.time()
    with open_store(settings).slot('k') as slot:
        slot.write(TokenRecord('after-the-dead-holder', expires_at=time.time() + 60))
    assert 0.2 < time.time() - started < 3


def test_a_held_lock_outlives_its_ttl_while_the_holder_lives(simulator, redis_server, tmp_path, monkeypatch):
    monkeypatch.setattr(_store_redis, 'LOCK_TTL', 0.6)
    settings = settings_for(simulator, redis_server, tmp_path, timeout=1)
    holder, other = open_store(settings), open_store(settings)
    other.lock_timeout = 0.3
    with holder.slot('k') as slot:
        time.sleep(1.5)  # longer than the lock's TTL: kept alive by its holder
        with pytest.raises(ApiAuthError) as caught:
            with other.slot('k'):
                pass
        assert 'timed out' in str(caught.value)
        slot.write(TokenRecord('still-the-holder', expires_at=time.time() + 60))  # fenced write accepted


def test_only_the_holder_releases_a_lock(simulator, redis_server, tmp_path):
    settings = settings_for(simulator, redis_server, tmp_path)
    store = open_store(settings)
    lock = store.sealed.name('lock', 'k')
    with store.slot('k'):
        assert store.scripts['release'](keys=[lock], args=['not-the-holder']) == 0
        assert redis_server.client().exists(lock)
    assert not redis_server.client().exists(lock)


def test_parallel_threads_and_the_fenced_write(simulator, redis_server, tmp_path):
    settings = settings_for(simulator, redis_server, tmp_path)
    counter = []

    def bump():
        store = open_store(settings)
        with store.slot('counter') as slot:
            record = slot.read()
            count = int(record.token.split('-')[1]) if record else 0
            slot.write(TokenRecord('count-%d' % (count + 1), expires_at=time.time() + 60))
            counter.append(count)

    threads = [threading.Thread(target=bump) for _index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(counter) == list(range(8))


def test_restarted_empty_the_token_in_hand_wins_over_one_written_since(simulator, redis_server, tmp_path):
    settings = settings_for(simulator, redis_server, tmp_path)
    warnings = []
    holder = VendorSession(settings, warn=warnings.append)
    token = holder.token().token
    redis_server.restart()
    newcomer = VendorSession(settings)  # a job started after the restart: cannot tell it from a first use
    assert newcomer.token().token != token
    assert holder.token().token == token  # the run's own token (and what it holds) is written back
    assert find(settings, time.time()).token == token
    assert any('written back' in warning for warning in warnings)
