# -*- coding: utf-8 -*-
"""The fault matrix of docs/reliability.md: each operation of the auth layer against each fault, in-process
against the simulator. A row of the table is a test id here: ``test_<fault>[<operation>]``.

Each test asserts what the user sees (the result, or an ApiAuthError and never another exception, with the words
that explain it and no secret or page markup in it) and what went over the wire (the simulator's journal: the
attempts, the retries and their backoff, and never a configuration write without the lock).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import os
import re
import time

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, vendor_settings
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._request import call
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.lock import acquire, lock_guard, release

RETRIES = 2            # retries=2: at most three attempts
BACKOFF = [0.5, 1.0]   # http_client's waits before retries 1 and 2 (recorded here, not slept)
TIMEOUT = 0.25         # seconds per reply in the slow rows (the option takes whole seconds; HttpClient passes on what it holds)
SLOW = 0.75            # the slow fault's delay, past TIMEOUT
LIFETIME = 0.5         # the simulator's SBC token lifetime in the "our token expired" rows
SETTLE = 5.0           # at most this long for a slow request the client gave up on to reach the journal

USERS = {
    'oracle_sbc': {'username': 'admin', 'password': 'sbc-admin-pass'},
    'bigfix_inventory': {'username': 'bfi-user', 'password': 'bfi-pass'},
    'bigid': {'user_token': 'bigid-user-token-0123456789'},
}
SECRETS = ['sbc-admin-pass', 'other-admin-pass', 'bfi-pass', 'bigid-user-token-0123456789', 'bigid-pass']
REALM = ('<configElement><elementType>realm-config</elementType>'
         '<attribute><name>identifier</name><value>fault-matrix</value></attribute></configElement>')
# What nginx in front of an appliance answers when the appliance fails.
HTML_500 = ('<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n<center><h1>500 Internal Server '
            'Error</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n')
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..')  # the collection
_TOKENS_IN_BODY = re.compile(r'<accessToken>([^<]+)</accessToken>|"(?:token|systemToken|auth_token)"\s*:\s*"([^"]+)"')


class Clock(object):
    """The client's clock, moved by hand: token ages need no sleeping."""

    def __init__(self):
        self.now = time.time()

    def __call__(self):
        return self.now


class Bench(object):
    """The simulator, the client's settings and clock, and what the operation under test did."""

    def __init__(self, sim, cache_dir, monkeypatch):
        self.sim = sim
        self.cache_dir = cache_dir
        self.monkeypatch = monkeypatch
        self.clock = Clock()
        self.sleeps = []      # backoff waits asked for by http_client
        self.tokens = set()   # every token a session held or a reply carried: no message may quote one
        self.sessions = []
        self.mark = 0

    def session(self, vendor, **options):
        direct = dict(USERS[vendor], url=self.sim.url, ca_path=self.sim.ca_path, token_cache_dir=self.cache_dir,
                      retries=RETRIES)
        direct.update(options)
        session = VendorSession(vendor_settings(vendor, direct, environ={}), clock=self.clock)
        session.http._sleep = self.sleeps.append
        self.sessions.append(session)
        return session

    def start(self):
        """From here on, the journal and the backoff record are the operation's under test."""
        entries = self.sim.journal_entries()
        self.mark = entries[-1]['seq'] if entries else 0
        del self.sleeps[:]

    def wire(self, **filters):
        return self.sim.journal_entries(since=self.mark, **filters)

    def kinds(self, vendor='oracle_sbc'):
        return [(e['kind'], e['status']) for e in self.wire(vendor=vendor)]

    def lock_owner(self):
        return self.sim.state_snapshot()['lock']['owner_fp']

    def fingerprint(self, token):
        return self.sim.fingerprint(token)

    def wait_for(self, kind, fault):
        """Wait (bounded) until the request the client gave up on has been answered and journaled."""
        deadline = time.time() + SETTLE
        while time.time() < deadline:
            if self.wire(kind=kind, fault=fault):
                return
            time.sleep(0.02)
        raise AssertionError('the slow %s request never reached the journal' % kind)

    # -- replies the fault rules cannot make --------------------------------------------------------------------
    def _patch(self, op, serve, times):
        left = [times]
        for api in self.sim.router.apis:
            def handle(request, entry, original=api.handle):
                if left[0] > 0 and op.path in request.target and request.method == op.method:
                    left[0] -= 1
                    return serve(request, entry, original)
                return original(request, entry)
            self.monkeypatch.setattr(api, 'handle', handle)

    def serve_instead(self, op, status, body, content_type, name, times=1):
        """Answer ``op``'s request with this reply instead of serving it (what a proxy does when the appliance fails)."""
        response_class = importlib.import_module(type(self.sim).__module__.rsplit('.', 1)[0] + '.wire').Response

        def serve(request, entry, original):
            entry['fault'] = name
            return response_class(status, body.encode('utf-8'), content_type)
        self._patch(op, serve, times)

    def cut_off(self, op, times=1):
        """Serve ``op``'s request, then cut the last two bytes off the reply: whatever token it carried is all there."""
        def serve(request, entry, original):
            response = original(request, entry)
            text = response.body.decode('utf-8')
            for found in _TOKENS_IN_BODY.finditer(text):
                self.tokens.add(found.group(1) or found.group(2))
            entry['fault'] = 'cut-off'
            response.body = response.body[:-2]
            return response
        self._patch(op, serve, times)

    # -- what every failure must look like ----------------------------------------------------------------------
    def fails(self, run, *args):
        """Run ``run(*args)``, which must raise ApiAuthError (anything else fails the test), and check its message."""
        with pytest.raises(ApiAuthError) as err:
            run(*args)
        message = str(err.value)
        for session in self.sessions:
            record = session.cached()
            if record is not None:
                self.tokens.add(record.token)
        for secret in SECRETS + sorted(self.tokens):
            assert secret not in message and secret[:16] not in message, 'a secret in: %s' % message
        assert '<' not in message and 'Traceback' not in message, message
        return err.value

    def assert_no_write_without_the_lock(self):
        for entry in self.sim.journal_entries(vendor='oracle_sbc', kind=['config_write', 'management']):
            assert entry['status'] not in (200, 201, 202, 204) or entry['is_lock_owner'], entry


@pytest.fixture
def bench(simulator, tmp_path, monkeypatch):
    bench = Bench(simulator, str(tmp_path / 'cache'), monkeypatch)
    yield bench
    bench.assert_no_write_without_the_lock()


# -- the operations ---------------------------------------------------------------------------------------------

def sbc_session(bench):
    return bench.session('oracle_sbc')


def with_token(bench):
    session = sbc_session(bench)
    session.token()
    return session


def with_lock(bench):
    session = sbc_session(bench)
    acquire(session, clock=bench.clock)
    session.before = session.cached().token
    return session


def near_expiry(bench):
    session = with_lock(bench)
    bench.clock.now += 600 - 119  # inside the 120 s refresh margin: the next token() re-authenticates
    return session


def get_token(bench, session):
    return session.token()


def lock(bench, session):
    return acquire(session, clock=bench.clock)


def unlock(bench, session):
    return release(session, clock=bench.clock)


def write(bench, session):
    return call(session, 'POST', 'configuration/configElements', data=REALM, headers={'Content-Type': 'application/xml'},
                guard=lock_guard)


def read(bench, session):
    return call(session, 'GET', 'configuration/configElements', query={'elementType': 'realm-config'})


def got_token(bench, session, record):
    assert isinstance(record.token, str) and record.token and session.cached().token == record.token


def got_renewed_token_with_the_lock(bench, session, record):
    assert record.token != session.before
    assert bench.lock_owner() == bench.fingerprint(record.token)  # the lock moved to the new token
    assert 'login' not in [kind for kind, _status in bench.kinds()]


def got_lock(bench, session, result):
    assert result['changed'] is True and bench.lock_owner() == bench.fingerprint(session.cached().token)


def got_unlocked(bench, session, result):
    assert result['changed'] is True and bench.lock_owner() is None


def got_written(bench, session, result):
    assert result['status'] == 200
    assert 'fault-matrix' in bench.sim.state_snapshot()['config']['elements']['realm-config']


def got_read(bench, session, result):
    assert result['status'] == 200 and 'configElement' in result['data']


def reauthentication_left_the_lock_alone(bench, session):
    """The SBC did not act: no fresh login replaced the live token, which still holds the lock."""
    assert 'login' not in [kind for kind, _status in bench.kinds()]
    assert bench.lock_owner() == bench.fingerprint(session.before)


def unlock_says_the_lock_may_be_held(bench, session, message):
    assert 'may still be held by this session' in message and 'state=absent' in message


class Op(object):
    """One operation of the matrix: how to get there, run it and check it worked, and how its errors read."""

    def __init__(self, name, vendor, path, method, kind, ok, said, sent, prepare, run, check, untouched=None, hint=None):
        self.name = name
        self.vendor = vendor
        self.path = path          # fault rules match this substring of path?query ...
        self.method = method      # ... and this method
        self.kind = kind          # the journal's kind for this request
        self.ok = ok              # its status when all goes well
        self.said = said          # how errors about its reply begin
        self.sent = sent          # how errors without a reply (timeout, unreachable) begin
        self.prepare = prepare
        self.run = run
        self.check = check
        self.untouched = untouched  # checks after a failure the server never acted on
        self.hint = hint            # checks on every failure message

    def __repr__(self):
        return self.name

    def attempts(self, bench):
        return [e['status'] for e in bench.wire(vendor=self.vendor, kind=self.kind)]

    def check_message(self, bench, session, err):
        if self.hint:
            self.hint(bench, session, str(err))


SBC_LOGIN = Op('sbc-login', 'oracle_sbc', '/auth/token', 'POST', 'login', 200, 'Oracle SBC login', 'Oracle SBC login',
               sbc_session, get_token, got_token)
SBC_REAUTH = Op('sbc-reauthentication', 'oracle_sbc', '/auth/token', 'POST', 'reauth', 200, 'Oracle SBC re-authentication',
                'Oracle SBC re-authentication', near_expiry, get_token, got_renewed_token_with_the_lock,
                untouched=reauthentication_left_the_lock_alone)
SBC_LOCK = Op('sbc-lock', 'oracle_sbc', '/configuration/lock', 'POST', 'lock', 204, 'Oracle SBC configuration lock',
              'Oracle SBC POST configuration/lock', with_token, lock, got_lock)
SBC_UNLOCK = Op('sbc-unlock', 'oracle_sbc', '/configuration/unlock', 'POST', 'unlock', 204, 'Oracle SBC configuration unlock',
                'Oracle SBC POST configuration/unlock', with_lock, unlock, got_unlocked, hint=unlock_says_the_lock_may_be_held)
SBC_WRITE = Op('sbc-config-write', 'oracle_sbc', '/configuration/configElements', 'POST', 'config_write', 200,
               'Oracle SBC POST configuration/configElements', 'Oracle SBC POST configuration/configElements',
               with_lock, write, got_written)
SBC_READ = Op('sbc-config-read', 'oracle_sbc', '/configuration/configElements', 'GET', 'config_read', 200,
              'Oracle SBC GET configuration/configElements', 'Oracle SBC GET configuration/configElements',
              with_token, read, got_read)
BIGFIX_LOGIN = Op('bigfix-login', 'bigfix_inventory', '/api/get_token', 'POST', 'login', 200, 'BigFix Inventory login',
                  'BigFix Inventory login', lambda bench: bench.session('bigfix_inventory'), get_token, got_token)
BIGID_EXCHANGE = Op('bigid-exchange', 'bigid', '/api/v1/refresh-access-token', 'GET', 'exchange', 200,
                    'BigID user token exchange', 'BigID user token exchange', lambda bench: bench.session('bigid'),
                    get_token, got_token)

OPS = [SBC_LOGIN, SBC_REAUTH, SBC_LOCK, SBC_UNLOCK, SBC_WRITE, SBC_READ, BIGFIX_LOGIN, BIGID_EXCHANGE]
WITH_BODY = [op for op in OPS if op.ok != 204]  # replies that carry a body to cut off
each_op = pytest.mark.parametrize('op', OPS, ids=repr)


def failed_untouched(bench, op, session, err):
    """What holds after a failure the server never acted on."""
    op.check_message(bench, session, err)
    if op.untouched:
        op.untouched(bench, session)


def the_next_change_is_not_sent(bench, session):
    """After a re-authentication the SBC acted on without us seeing the new token: the lock went with it. The next
    change renews the token we still hold, which the SBC refuses (401), logs in, and stops before sending anything."""
    bench.start()
    err = bench.fails(write, bench, session)
    assert err.reason == 'lock_lost' and 'does not hold the configuration lock' in str(err)
    assert bench.kinds() == [('reauth', 401), ('login', 200)]


# -- 5xx bursts -------------------------------------------------------------------------------------------------

@each_op
def test_503_burst_shorter_than_the_retries_is_recovered(bench, op):
    session = op.prepare(bench)
    bench.start()
    bench.sim.add_fault(path=op.path, method=op.method, action='status', status=503, times=RETRIES)
    op.check(bench, session, op.run(bench, session))
    assert op.attempts(bench) == [503] * RETRIES + [op.ok]
    assert bench.sleeps == BACKOFF


@each_op
def test_503_burst_longer_than_the_retries_fails_naming_the_status(bench, op):
    session = op.prepare(bench)
    bench.start()
    bench.sim.add_fault(path=op.path, method=op.method, action='status', status=503, times=RETRIES + 5)
    err = bench.fails(op.run, bench, session)
    assert err.status == 503 and err.reason == 'http'
    assert str(err).startswith(op.said + ' failed: HTTP 503: Service temporarily unavailable'), str(err)
    assert op.attempts(bench) == [503] * (RETRIES + 1)
    assert bench.sleeps == BACKOFF
    failed_untouched(bench, op, session, err)


# -- dropped connections ----------------------------------------------------------------------------------------
# A login, a read and a token exchange are safe to send again; a change (including the SBC re-authentication,
# which kills the token it replaces) is not: the HTTP layer cannot tell a connection dropped before the server
# acted from one dropped after, so a change whose connection is lost once it was sent fails as 'maybe_applied'.
REPLAYABLE = [SBC_LOGIN, SBC_READ, BIGFIX_LOGIN, BIGID_EXCHANGE]
CHANGES = [SBC_REAUTH, SBC_LOCK, SBC_UNLOCK, SBC_WRITE]
MAYBE_APPLIED = 'the change may have been applied. It was not sent again'


@pytest.mark.parametrize('op', REPLAYABLE, ids=repr)
def test_dropped_connection_is_retried(bench, op):
    session = op.prepare(bench)
    bench.start()
    bench.sim.add_fault(path=op.path, method=op.method, action='drop', times=1)
    op.check(bench, session, op.run(bench, session))
    assert op.attempts(bench) == [None, op.ok]
    assert bench.sleeps == BACKOFF[:1]


@pytest.mark.parametrize('op', REPLAYABLE, ids=repr)
def test_connection_dropped_every_time_fails_after_bounded_attempts(bench, op):
    session = op.prepare(bench)
    bench.start()
    bench.sim.add_fault(path=op.path, method=op.method, action='drop', times=RETRIES + 5)
    err = bench.fails(op.run, bench, session)
    assert err.status is None and err.reason == 'unreachable' and err.vendor == op.vendor
    assert str(err).startswith('%s: cannot reach 127.0.0.1:%d after %d attempts' % (op.sent, bench.sim.port, RETRIES + 1)), str(err)
    assert op.attempts(bench) == [None] * (RETRIES + 1)
    assert bench.sleeps == BACKOFF
    failed_untouched(bench, op, session, err)


def after_dropped_reauthentication(bench, session, applied):
    if applied:
        # The SBC re-authenticated: our token is dead and the lock went to a token we never got.
        after_slow_reauthentication(bench, session)
    else:
        reauthentication_left_the_lock_alone(bench, session)


def after_dropped_lock(bench, session, applied):
    if applied:
        after_slow_lock(bench, session)


def after_dropped_unlock(bench, session, applied):
    assert bench.lock_owner() == (None if applied else bench.fingerprint(session.cached().token))


def after_dropped_write(bench, session, applied):
    assert [(e['applied'], e['is_lock_owner']) for e in bench.wire(kind='config_write')] == [(200 if applied else None, True)]


AFTER_DROP = {'sbc-reauthentication': after_dropped_reauthentication, 'sbc-lock': after_dropped_lock,
              'sbc-unlock': after_dropped_unlock, 'sbc-config-write': after_dropped_write}


@pytest.mark.parametrize('op', CHANGES, ids=repr)
@pytest.mark.parametrize('applied', [False, True], ids=['dropped-before-acting', 'dropped-after-acting'])
def test_change_whose_connection_is_lost_is_not_sent_again(bench, op, applied):
    """Issue 10 point 4: once a change was sent, a lost connection never resends it, whether the server acted or not."""
    session = op.prepare(bench)
    bench.start()
    bench.sim.add_fault(path=op.path, method=op.method, action='apply_drop' if applied else 'drop', times=1)
    err = bench.fails(op.run, bench, session)
    assert err.status is None and err.reason == 'maybe_applied' and err.vendor == op.vendor, (err.reason, str(err))
    assert str(err).startswith('%s: the connection to 127.0.0.1:%d was lost after the request was sent'
                               % (op.sent, bench.sim.port)), str(err)
    assert MAYBE_APPLIED in str(err) and 'before repeating it' in str(err)
    assert op.attempts(bench) == [None]  # exactly one attempt: nothing sent twice
    assert bench.sleeps == []
    op.check_message(bench, session, err)
    AFTER_DROP[op.name](bench, session, applied)


# -- slow replies -----------------------------------------------------------------------------------------------

def after_slow_reauthentication(bench, session):
    # The SBC did re-authenticate, a moment late: the token we hold is dead and the lock went to one we never got.
    assert bench.lock_owner() not in (None, bench.fingerprint(session.before))
    the_next_change_is_not_sent(bench, session)


def after_slow_lock(bench, session):
    # The SBC did give the lock to our token, but the cache cannot know: a change under the lock is not sent,
    # and the release the sbc_locked_change role always runs frees the lock.
    err = bench.fails(write, bench, session)
    assert err.reason == 'lock_not_held'
    assert unlock(bench, session)['changed'] is True and bench.lock_owner() is None


def after_slow_write(bench, session):
    assert [(e['status'], e['is_lock_owner']) for e in bench.wire(kind='config_write')] == [(200, True)]


AFTER_SLOW = {'sbc-reauthentication': after_slow_reauthentication, 'sbc-lock': after_slow_lock, 'sbc-config-write': after_slow_write}


@each_op
def test_slow_reply_past_the_timeout_fails_at_once_and_is_not_sent_again(bench, op):
    session = op.prepare(bench)
    bench.start()
    bench.sim.add_fault(path=op.path, method=op.method, action='slow', delay=SLOW, times=1)
    session.http.timeout = TIMEOUT
    err = bench.fails(op.run, bench, session)
    session.http.timeout = 30
    assert err.status is None and err.reason == 'timeout' and err.vendor == op.vendor
    assert str(err).startswith('%s: no reply from 127.0.0.1:%d within %s seconds' % (op.sent, bench.sim.port, TIMEOUT)), str(err)
    if op.method == 'POST' and op.kind not in ('login', 'reauth'):
        assert 'not sent again, as the server may have acted on it' in str(err)
    if op is SBC_REAUTH:
        assert 'lock that token held is lost' in str(err)
    op.check_message(bench, session, err)
    bench.wait_for(op.kind, 'slow')
    assert op.attempts(bench) == [op.ok]  # sent once, answered too late: never repeated
    assert bench.sleeps == []
    if op.name in AFTER_SLOW:
        AFTER_SLOW[op.name](bench, session)


# -- bodies that are not the API's ------------------------------------------------------------------------------

@each_op
def test_500_with_an_html_page_fails_without_the_page(bench, op):
    session = op.prepare(bench)
    bench.start()
    bench.serve_instead(op, 500, HTML_500, 'text/html', name='html-500')
    err = bench.fails(op.run, bench, session)
    assert err.status == 500 and err.reason == 'http'
    assert str(err).startswith("%s failed: HTTP 500: an HTML page titled '500 Internal Server Error' instead of the API's reply"
                               % op.said), str(err)
    assert 'nginx' not in str(err) and 'single sign-on' not in str(err)  # a proxy's page is not BigFix refusing get_token
    assert op.attempts(bench) == [500]  # a 500 is an answer: not retried
    failed_untouched(bench, op, session, err)


@each_op
def test_malformed_reply_fails_clearly(bench, op):
    session = op.prepare(bench)
    bench.start()
    bench.sim.add_fault(path=op.path, method=op.method, action='malformed', times=1)  # 200 with a proxy's HTML page
    err = bench.fails(op.run, bench, session)
    assert err.status == 200 and err.reason == 'bad_reply'
    assert op.said in str(err) and "an HTML page titled 'Gateway error' instead of the API's reply" in str(err), str(err)
    if op.kind in ('login', 'reauth', 'exchange'):
        assert 'expected a' in str(err) and "'text/html'" in str(err)
    elif op.method != 'GET':
        assert 'whether the call took effect is unknown' in str(err)
    assert op.attempts(bench) == [200]
    failed_untouched(bench, op, session, err)


def after_cut_off_reauthentication(bench, session):
    # The SBC re-authenticated (only the reply was cut): as with a slow reply, the lock went to a token we never got.
    the_next_change_is_not_sent(bench, session)


@pytest.mark.parametrize('op', WITH_BODY, ids=repr)
def test_cut_off_xml_or_json_fails_clearly_without_quoting_the_body(bench, op):
    session = op.prepare(bench)
    bench.start()
    bench.cut_off(op)
    err = bench.fails(op.run, bench, session)  # also: no token from the cut-off reply in the message
    assert err.status == 200 and err.reason == 'bad_reply'
    assert str(err).startswith(op.said) and 'does not parse' in str(err), str(err)
    if op.kind in ('login', 'reauth', 'exchange'):
        assert 'the body is not shown' in str(err)
    if op is SBC_WRITE:
        assert 'whether the call took effect is unknown' in str(err)
    assert op.attempts(bench) == [200]
    if op is SBC_REAUTH:
        after_cut_off_reauthentication(bench, session)


# -- a token revoked early (401 on use) -------------------------------------------------------------------------

def revoked_reauthentication(bench):
    session = near_expiry(bench)
    bench.sim.revoke()
    bench.start()
    record = session.token()
    assert bench.kinds() == [('reauth', 401), ('login', 200)]  # one fresh login, only once the token is known dead
    assert record.data['lock_lost'] == 'rejected'
    err = bench.fails(write, bench, session)
    assert err.reason == 'lock_lost' and 'rejected by the SBC' in str(err)
    assert bench.wire(kind='config_write') == []


def revoked_lock(bench):
    session = with_lock(bench)
    bench.sim.revoke()
    bench.start()
    result = lock(bench, session)
    assert bench.kinds() == [('lock', 401), ('login', 200), ('lock', 204)]
    assert result['changed'] is True and 'was lost' in result['warnings'][0] and 'rejected by the SBC' in result['warnings'][0]
    assert bench.lock_owner() == bench.fingerprint(session.cached().token)


def revoked_unlock(bench):
    session = with_lock(bench)
    bench.sim.revoke()
    bench.start()
    result = unlock(bench, session)
    assert bench.kinds() == [('unlock', 401), ('login', 200), ('unlock', 423)]  # the SBC freed it with the token
    assert (result['changed'], result['lock_owner']) == (False, 'unknown') and bench.lock_owner() is None


def revoked_config_write(bench):
    session = with_lock(bench)
    bench.sim.revoke()
    bench.start()
    err = bench.fails(write, bench, session)
    assert err.reason == 'lock_lost' and 'rejected by the SBC' in str(err) and 'not sending the change' in str(err)
    assert bench.kinds() == [('config_write', 401), ('login', 200)]  # refused with the dead token; not sent with the new one


def revoked_config_read(bench):
    session = with_token(bench)
    bench.sim.revoke()
    bench.start()
    assert read(bench, session)['status'] == 200
    assert bench.kinds() == [('config_read', 401), ('login', 200), ('config_read', 200)]


def persistent_401_config_read(bench):
    session = with_token(bench)
    bench.start()
    bench.sim.add_fault(path=SBC_READ.path, method='GET', action='status', status=401, times=5)
    err = bench.fails(read, bench, session)
    assert err.status == 401 and err.reason == 'auth' and str(err).startswith(SBC_READ.said + ' failed: HTTP 401')
    assert bench.kinds() == [('config_read', 401), ('login', 200), ('config_read', 401)]  # one re-authentication, no loop


def bigfix_api_401(bench):
    session = bench.session('bigfix_inventory')
    session.token()
    bench.start()
    bench.sim.add_fault(path='/api/sam/about', action='status', status=401, times=1)
    assert call(session, 'GET', 'api/sam/about')['status'] == 200
    assert bench.kinds('bigfix_inventory') == [('api', 401), ('login', 200), ('api', 200)]


def bigid_api_401(bench):
    session = bench.session('bigid')
    session.token()
    bench.start()
    bench.sim.add_fault(path='/api/v1/ds-connections', action='status', status=401, times=1)
    assert call(session, 'GET', 'ds-connections')['status'] == 200
    assert bench.kinds('bigid') == [('api', 401), ('exchange', 200), ('api', 200)]


REVOKED = {
    'sbc-reauthentication': revoked_reauthentication,
    'sbc-lock': revoked_lock,
    'sbc-unlock': revoked_unlock,
    'sbc-config-write': revoked_config_write,
    'sbc-config-read': revoked_config_read,
    'sbc-config-read-401-again': persistent_401_config_read,
    'bigfix-api-call': bigfix_api_401,
    'bigid-api-call': bigid_api_401,
}


@pytest.mark.parametrize('scenario', sorted(REVOKED))
def test_token_revoked_early(bench, scenario):
    REVOKED[scenario](bench)


# -- the lock stolen after our token expired --------------------------------------------------------------------

def expired_and_stolen(bench, client_knows=True):
    """We hold the lock; our token expires (the SBC frees the lock) and another client takes it.

    ``client_knows``: our clock says the token has expired; otherwise the SBC ended it before the time we expected.
    """
    bench.sim.configure(sbc_token_lifetime=LIFETIME)
    session = with_lock(bench)
    time.sleep(LIFETIME + 0.1)
    bench.sim.configure(sbc_token_lifetime=600)  # the other client's token, and our next ones, live ten minutes
    if client_knows:
        bench.clock.now += 601
    bench.sim.lock_by_other()
    bench.start()
    return session


def stolen_reauthentication(bench):
    session = expired_and_stolen(bench, client_knows=False)
    bench.clock.now += 600 - 119
    record = session.token()  # the SBC refuses to renew a token that has expired: a fresh login, without the lock
    assert bench.kinds() == [('reauth', 401), ('login', 200)] and record.data['lock_lost'] == 'rejected'
    err = bench.fails(write, bench, session)
    assert err.reason == 'lock_lost'
    assert bench.wire(kind='config_write') == []


def stolen_lock(bench):
    session = expired_and_stolen(bench)
    err = bench.fails(lock, bench, session)
    assert err.status == 423 and err.reason == 'lock_held' and 'Resource locked by another user' in str(err)
    assert bench.kinds() == [('login', 200), ('lock', 423)]


def stolen_unlock(bench):
    session = expired_and_stolen(bench)
    result = unlock(bench, session)  # no live token of ours: nothing of ours to release, nothing sent
    assert (result['changed'], result['lock_owner']) == (False, 'unknown') and bench.kinds() == []


def stolen_unlock_sbc_first(bench):
    session = expired_and_stolen(bench, client_knows=False)
    result = unlock(bench, session)
    assert bench.kinds() == [('unlock', 401), ('login', 200), ('unlock', 423)]
    assert (result['changed'], result['lock_owner']) == (False, 'other') and 'another user' in result['warnings'][0]


def stolen_config_write(bench):
    session = expired_and_stolen(bench)
    err = bench.fails(write, bench, session)
    assert err.reason == 'lock_lost' and 'expired' in str(err) and 'not sending the change' in str(err)
    assert bench.kinds() == [('login', 200)]  # nothing but the login that found the lock gone


def stolen_config_write_sbc_first(bench):
    session = expired_and_stolen(bench, client_knows=False)
    err = bench.fails(write, bench, session)
    assert err.reason == 'lock_lost'
    assert bench.kinds() == [('config_write', 401), ('login', 200)]


STOLEN = {
    'sbc-reauthentication': stolen_reauthentication,
    'sbc-lock': stolen_lock,
    'sbc-unlock': stolen_unlock,
    'sbc-unlock-sbc-expired-it-first': stolen_unlock_sbc_first,
    'sbc-config-write': stolen_config_write,
    'sbc-config-write-sbc-expired-it-first': stolen_config_write_sbc_first,
}


@pytest.mark.parametrize('scenario', sorted(STOLEN))
def test_lock_stolen_after_our_token_expired(bench, scenario):
    STOLEN[scenario](bench)
    assert bench.sim.state_snapshot()['lock']['held_by_other'] is True
    assert not [e for e in bench.wire(kind='config_write') if e['status'] != 401]


# -- the table --------------------------------------------------------------------------------------------------

def test_every_row_of_the_reliability_table_is_a_test_that_exists():
    path = os.path.join(ROOT, 'docs', 'reliability.md')
    if not os.path.exists(path):
        pytest.skip('docs/reliability.md is not in this copy of the collection')
    with open(path) as handle:
        text = handle.read()
    rows = [line for line in text.splitlines() if line.startswith('| ') and not line.startswith('| operation')]
    named = [re.findall(r'`((?:tests/\S+::)?test_\w+(?:\[[\w-]+\])?)`\s*\|$', row) for row in rows]
    assert all(len(found) == 1 for found in named), [row for row, found in zip(rows, named) if len(found) != 1]
    named = [found[0] for found in named]
    here = set()
    for test in (test_503_burst_shorter_than_the_retries_is_recovered, test_503_burst_longer_than_the_retries_fails_naming_the_status,
                 test_slow_reply_past_the_timeout_fails_at_once_and_is_not_sent_again, test_500_with_an_html_page_fails_without_the_page,
                 test_malformed_reply_fails_clearly):
        here.update('%s[%s]' % (test.__name__, op.name) for op in OPS)
    for test in (test_dropped_connection_is_retried, test_connection_dropped_every_time_fails_after_bounded_attempts):
        here.update('%s[%s]' % (test.__name__, op.name) for op in REPLAYABLE)
    here.update('%s[%s-%s]' % (test_change_whose_connection_is_lost_is_not_sent_again.__name__, when, op.name)
                for op in CHANGES for when in ('dropped-before-acting', 'dropped-after-acting'))
    here.update('%s[%s]' % (test_cut_off_xml_or_json_fails_clearly_without_quoting_the_body.__name__, op.name) for op in WITH_BODY)
    here.update('%s[%s]' % (test_token_revoked_early.__name__, name) for name in REVOKED)
    here.update('%s[%s]' % (test_lock_stolen_after_our_token_expired.__name__, name) for name in STOLEN)
    assert sorted(name for name in named if '::' not in name) == sorted(here), 'each test here is one row, and each row a test'
    for name in named:
        if '::' in name:  # a test in another file: it must be there
            test_file, function = name.split('::')
            with open(os.path.join(ROOT, test_file)) as handle:
                assert 'def %s(' % function in handle.read(), name
