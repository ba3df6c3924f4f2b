# -*- coding: utf-8 -*-
"""Issue 10: a cached token only for the secret that obtained it, one key per appliance, no credentials in urls,
no change sent twice, every failure the collection's error, tokens checked before use, renewals never lost.

Each test is named in docs/reliability.md (the "Trust, bounds and bad input" table) or docs/security.md.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import errno
import json
import os
import statistics
import time

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils import _store_file as cache_module  # where files are written
from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, vendor_settings
from ansible_collections.apiauth.vendors.plugins.module_utils._cache import FileTokenCache, MemoryTokenCache
from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import TokenRecord
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._http_client import Reply
from ansible_collections.apiauth.vendors.plugins.module_utils._request import call
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.lock import acquire, lock_guard

USERS = {
    'oracle_sbc': {'username': 'admin', 'password': 'sbc-admin-pass'},
    'bigfix_inventory': {'username': 'bfi-user', 'password': 'bfi-pass'},
    'bigid': {'user_token': 'bigid-user-token-0123456789'},
}  # as in conftest.py: the secrets the tests look for in messages
WRONG = {
    'oracle_sbc': {'password': 'not-the-sbc-pass'},
    'bigfix_inventory': {'password': 'not-the-bfi-pass'},
    'bigid': {'user_token': 'bigid-user-token-of-someone-else'},
}
REALM = ('<configElement><elementType>realm-config</elementType>'
         '<attribute><name>identifier</name><value>trust</value></attribute></configElement>')


def kinds(sim, vendor):
    return [e['kind'] for e in sim.journal_entries(vendor=vendor)]


def lock_owner(sim):
    return sim.state_snapshot()['lock']['owner_fp']


# -- 1. credential binding ----------------------------------------------------------------------------------------

@pytest.mark.parametrize('vendor', sorted(USERS))
def test_a_wrong_password_never_gets_the_cached_token(simulator, make, vendor, clock):
    right = make(vendor, clock)
    if vendor == 'oracle_sbc':
        acquire(right, clock=clock)
    else:
        right.token()
    cached = right.cached()
    owner = lock_owner(simulator)
    before = kinds(simulator, vendor)
    wrong = make(vendor, clock, **WRONG[vendor])
    with pytest.raises(ApiAuthError) as err:
        wrong.token()
    message = str(err.value)
    secrets = [v for k, v in sorted(USERS[vendor].items()) if k != 'username'] + list(WRONG[vendor].values())
    for secret in secrets + [cached.token]:
        assert secret not in message
    # The vendor decided (one login, or for the SBC one re-authentication with the cached token), and said no.
    assert len(kinds(simulator, vendor)) == len(before) + 1
    assert make(vendor, clock).cached().token == cached.token
    assert lock_owner(simulator) == owner
    # The right secret still gets the cached token: no extra login.
    assert make(vendor, clock).token().token == cached.token
    assert len(kinds(simulator, vendor)) == len(before) + 1


def test_sbc_caller_with_other_credentials_reauthenticates_keeping_the_lock(simulator, make, clock):
    first = make('oracle_sbc', clock)
    acquire(first, clock=clock)
    old = first.cached().token
    simulator.configure(users={'oracle_sbc': {'admin': {'password': 'rotated-sbc-pass'}}})  # the password was rotated
    rotated = make('oracle_sbc', clock, password='rotated-sbc-pass')
    new = rotated.token()
    # The first renewal under the lock asks the SBC once whether the lock moved (a lock call with the new token: 204).
    assert new.token != old and kinds(simulator, 'oracle_sbc') == ['login', 'lock', 'reauth', 'lock']
    assert lock_owner(simulator) == simulator.fingerprint(new.token)  # the lock moved along, nobody logged in afresh
    assert new.data.get('locked') is True
    # The old password is now the stranger: the SBC refuses it and the rotated caller's token is left alone.
    with pytest.raises(ApiAuthError) as err:
        make('oracle_sbc', clock).token()
    assert err.value.status == 401
    assert make('oracle_sbc', clock, password='rotated-sbc-pass').token().token == new.token
    assert lock_owner(simulator) == simulator.fingerprint(new.token)


def test_the_cache_stores_a_salted_slow_verifier_never_the_secret(simulator, make, tmp_path):
    make('oracle_sbc').token()
    make('bigid').token()
    directory = tmp_path / 'cache'
    texts = [(directory / name).read_text() for name in os.listdir(str(directory)) if name.endswith('.json')]
    assert len(texts) == 2
    verifiers = [json.loads(text)['verifier'] for text in texts]
    assert all(v['alg'] == 'pbkdf2-sha256' and v['rounds'] >= 1000 for v in verifiers)
    assert verifiers[0]['salt'] != verifiers[1]['salt']
    names = ' '.join(os.listdir(str(directory)))
    for secret in ('sbc-admin-pass', 'bigid-user-token-0123456789'):
        for text in texts + [names]:
            assert secret not in text
            assert base64.b64encode(secret.encode()).decode() not in text


def test_a_cache_hit_with_the_verifier_stays_under_two_milliseconds(simulator, make):
    """Timed in CPU time (the wall time is printed too): on a loaded machine, or under ansible-test's parallel
    workers, waiting for a CPU is not what the verifier costs."""
    make('oracle_sbc').token()
    reused = make('oracle_sbc')
    reused.token()
    fresh = {'wall': [], 'cpu': []}
    same = {'wall': [], 'cpu': []}
    for _dummy in range(200):
        session = make('oracle_sbc')  # what each lookup call does: a new session, so one PBKDF2 check each
        for run, into in ((session.token, fresh), (reused.token, same)):  # reused: already verified, no PBKDF2
            wall, cpu = time.perf_counter(), time.process_time()
            run()
            into['cpu'].append(time.process_time() - cpu)
            into['wall'].append(time.perf_counter() - wall)
    median = dict((kind, statistics.median(fresh[kind]) * 1000) for kind in fresh)
    without = dict((kind, statistics.median(same[kind]) * 1000) for kind in same)
    print('cache hit median: %.3f ms wall / %.3f ms CPU with the verifier check, %.3f ms wall / %.3f ms CPU without '
          '(wall ratio %.1f)' % (median['wall'], median['cpu'], without['wall'], without['cpu'], median['wall'] / without['wall']))
    assert kinds(simulator, 'oracle_sbc') == ['login']
    assert median['cpu'] < 2.0


# -- 2, 3. one key per appliance; no credentials in urls -------------------------------------------------------------

def test_two_spellings_of_one_url_share_one_token(simulator, make):
    port = simulator.port
    first = make('oracle_sbc', url='https://localhost:%d' % port).token()
    second = make('oracle_sbc', url='HTTPS://LocalHost:%d/' % port).token()
    assert first.token == second.token and kinds(simulator, 'oracle_sbc') == ['login']
    settings = vendor_settings('oracle_sbc', dict(USERS['oracle_sbc'], url='https://SBC.Example.COM:443/'), environ={})
    session = VendorSession(settings, cache=MemoryTokenCache())
    other = VendorSession(vendor_settings('oracle_sbc', dict(USERS['oracle_sbc'], url='https://sbc.example.com'), environ={}),
                          cache=MemoryTokenCache())
    assert session.driver.base_url() == 'https://sbc.example.com' and session.key == other.key
    assert session.driver.api_url('auth/token') == 'https://sbc.example.com/rest/v1.2/auth/token'


@pytest.mark.parametrize('vendor', sorted(USERS))
def test_a_url_with_credentials_is_refused_before_anything_is_sent(simulator, make, vendor):
    url = simulator.url.replace('https://', 'https://admin:url-pass-1234@')
    with pytest.raises(ApiAuthError) as err:
        make(vendor, url=url).token()
    assert err.value.reason == 'bad_option' and 'url-pass-1234' not in str(err.value)
    assert simulator.journal_entries() == []


# -- 4. a change is never sent twice --------------------------------------------------------------------------------

def test_a_write_whose_reply_is_dropped_is_made_once_and_reported(simulator, make, clock):
    session = make('oracle_sbc', clock)
    acquire(session, clock=clock)
    simulator.add_fault(path='/configuration/configElements', method='POST', action='apply_drop', times=1)
    with pytest.raises(ApiAuthError) as err:
        call(session, 'POST', 'configuration/configElements', data=REALM, headers={'Content-Type': 'application/xml'},
             guard=lock_guard)
    assert err.value.reason == 'maybe_applied'
    assert 'the change may have been applied' in str(err.value) and 'before repeating it' in str(err.value)
    writes = simulator.journal_entries(kind='config_write')
    assert [(w['applied'], w['is_lock_owner']) for w in writes] == [(200, True)]  # exactly one write, and it was made


# -- 6. every failure is the one error type ---------------------------------------------------------------------------

class Canned(object):
    """An HttpClient stand-in answering each request with the next canned (status, content type, body)."""

    def __init__(self, *replies):
        self.replies = list(replies)
        self.sent = []
        self.secrets = []

    def request(self, method, url, **_kwargs):
        self.sent.append((method, url))
        status, content_type, body = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return Reply(status, {'Content-Type': content_type}, body, method, url)


def canned_session(vendor, *replies, **options):
    warnings = options.pop('warnings', None)
    direct = dict(USERS[vendor], url='https://appliance.example', token_cache='none')
    direct.update(options)
    return VendorSession(vendor_settings(vendor, direct, environ={}), cache=MemoryTokenCache(), http=Canned(*replies),
                         warn=warnings.append if warnings is not None else None)


DEEP = 100000


@pytest.mark.parametrize('case', ['bigfix-login-json', 'sbc-api-xml', 'bigid-api-json'])
def test_deeply_nested_replies_are_bad_replies(case):
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
        session._http.replies = [(200, body[1], body[0])]

        def run():
            return call(session, 'GET', 'configuration/configElements')
    with pytest.raises(ApiAuthError) as err:
        run()
    assert err.value.reason == 'bad_reply' and 'deep' in str(err.value)


@pytest.mark.parametrize('code', [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_cache_file_system_errors_are_clear(simulator, make, monkeypatch, tmp_path, code):
    def refuse(*_args, **_kwargs):
        raise OSError(code, os.strerror(code))
    cache = FileTokenCache(str(tmp_path / 'c'))
    monkeypatch.setattr(cache_module.tempfile, 'mkstemp', refuse)
    with pytest.raises(ApiAuthError) as err:
        with cache.slot('k') as slot:
            slot.write(TokenRecord('tok', expires_at=None))
    assert err.value.reason == 'cache' and str(tmp_path / 'c') in str(err.value)
    assert {errno.ENOSPC: 'full', errno.EROFS: 'read-only', errno.EACCES: 'permission denied'}[code] in str(err.value)
    # The lock file cannot even be created (a read-only file system): the task fails before anything is sent.
    real_open = os.open

    def no_lock_file(path, flags, *args):
        if path.endswith('.lock'):
            raise OSError(code, os.strerror(code))
        return real_open(path, flags, *args)
    monkeypatch.setattr(cache_module.os, 'open', no_lock_file)
    with pytest.raises(ApiAuthError) as err:
        make('bigfix_inventory').token()
    assert err.value.reason == 'cache' and simulator.journal_entries() == []


@pytest.mark.parametrize('field,value', [('expires_at', 'tomorrow'), ('expires_at', 1e300), ('data', [1, 2]),
                                         ('token', 'ab\r\nX-Injected: 1'), ('obtained_at', None), ('verifier', 'x')])
def test_a_cache_file_with_wrong_types_is_discarded(simulator, make, tmp_path, field, value):
    make('oracle_sbc').token()
    directory = tmp_path / 'cache'
    path = [directory / name for name in os.listdir(str(directory)) if name.endswith('.json')][0]
    raw = json.loads(path.read_text())
    raw[field] = value
    path.write_text(json.dumps(raw))
    record = make('oracle_sbc').token()
    assert record.token != raw['token'] and kinds(simulator, 'oracle_sbc') == ['login', 'login']
    assert any('discarded the unreadable token cache file' in w for w in make.warnings)


@pytest.mark.parametrize('option,value', [('timeout', 1e10), ('timeout', 10 ** 10), ('token_lifetime', 0),
                                          ('token_lifetime', 10 ** 12), ('refresh_margin', 10 ** 9), ('retries', 1000),
                                          ('max_reply_size', 10)])
def test_absurd_option_values_are_refused(option, value):
    with pytest.raises(ApiAuthError) as err:
        vendor_settings('oracle_sbc', dict(USERS['oracle_sbc'], url='https://sbc.example', **{option: value}), environ={})
    assert err.value.reason == 'bad_option' and option in str(err.value)


def _jwt(exp):
    claims = base64.urlsafe_b64encode(json.dumps({'sub': 'u', 'exp': exp}).encode()).decode().rstrip('=')
    return 'eyJhbGciOiJIUzI1NiJ9.%s.c2lnbmF0dXJl' % claims


@pytest.mark.parametrize('exp_ms', [True, False], ids=['exp-in-milliseconds', 'exp-absurd'])
def test_a_jwt_exp_in_milliseconds_does_not_stick(exp_ms):
    now = time.time()
    exp = (now + 900) * 1000 if exp_ms else 1e15 * 1000
    warnings = []
    session = canned_session('bigid', (200, 'application/json', json.dumps({'success': True, 'systemToken': _jwt(exp)})),
                             warnings=warnings)
    record = session.token()
    assert now < record.expires_at <= now + 366 * 86400
    if exp_ms:
        assert abs(record.expires_at - (now + 900)) < 5
    assert session.describe(record)['expires_at'].startswith(time.strftime('%Y', time.gmtime(record.expires_at)))


@pytest.mark.parametrize('vendor,body', [
    ('bigfix_inventory', ('application/json', '{"token": "44072fb2\\r\\nX-Injected: yes"}')),
    ('oracle_sbc', ('application/xml', '<response><data><accessToken>abc&#13;&#10;Set-Cookie: x'
                                       '</accessToken></data><messages/><links/></response>')),
    ('bigid', ('application/json', '{"success": true, "systemToken": "a.b\\u0000.c"}')),
])
def test_a_token_with_control_characters_is_a_bad_reply(vendor, body):
    session = canned_session(vendor, (200, body[0], body[1]))
    with pytest.raises(ApiAuthError) as err:
        session.token()
    assert err.value.reason == 'bad_reply' and 'control character' in str(err.value)
    assert 'X-Injected' not in str(err.value) and 'Set-Cookie' not in str(err.value)
    assert session.cached() is None


# -- 8. a renewal whose cache write fails ---------------------------------------------------------------------------

def _disk_full(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(cache_module.tempfile, 'mkstemp', refuse)


def test_a_renewal_that_cannot_be_saved_releases_the_lock(simulator, make, monkeypatch, clock):
    session = make('oracle_sbc', clock)
    acquire(session, clock=clock)
    clock.now += 600 - 119  # inside the refresh margin: the next token() re-authenticates
    _disk_full(monkeypatch)
    with pytest.raises(ApiAuthError) as err:
        make('oracle_sbc', clock).token()
    assert err.value.reason == 'cache' and 'full' in str(err.value)
    assert 'the lock was released with it' in str(err.value)
    # reauth, the renewal's one check that the lock moved (lock with the new token), then the release with that token
    assert kinds(simulator, 'oracle_sbc') == ['login', 'lock', 'reauth', 'lock', 'unlock']
    assert lock_owner(simulator) is None  # not orphaned for ten minutes


def test_a_renewal_that_cannot_be_saved_without_the_lock_serves_the_task(simulator, make, monkeypatch, clock):
    make('oracle_sbc', clock).token()
    clock.now += 600 - 119
    _disk_full(monkeypatch)
    session = make('oracle_sbc', clock)
    renewed = session.token()
    assert call(session, 'GET', 'configuration/configElements', query={'elementType': 'realm-config'})['status'] == 200
    assert session.token().token == renewed.token  # the same, from memory: no second renewal
    assert kinds(simulator, 'oracle_sbc') == ['login', 'reauth', 'config_read']
    assert any('used for this task only' in w for w in make.warnings)
