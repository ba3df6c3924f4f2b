# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP layer: TLS settings, timeouts, bounded retries, and transport errors in plain words."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import os
import socket
import time

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 targets
    from urlparse import urlsplit

try:
    from importlib.util import find_spec
except ImportError:  # pragma: no cover - Python 2 targets
    find_spec = None

# requests is imported when the first request is made, not here: Ansible starts a worker process per task,
# and a lookup that finds its token cached should not pay for importing an HTTP library it will not use.
HAS_REQUESTS = find_spec is None or find_spec('requests') is not None
REQUESTS_IMPORT_ERROR = None if HAS_REQUESTS else 'No module named requests'

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError, redact

USER_AGENT = 'apiauth.vendors (ansible collection)'
RETRY_STATUSES = (502, 503, 504)
# 503 says the request was not served; a 502 or 504 from a gateway may come after the appliance acted on it,
# so those are retried only for requests that are safe to repeat.
RETRY_STATUSES_ANY_METHOD = (503,)
SAFE_METHODS = ('GET', 'HEAD', 'OPTIONS')
CHUNK = 64 * 1024
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
# Backoff before retry n is BACKOFF_BASE * 2**n, capped: 0.5 s, 1 s, 2 s, ... 4 s.
BACKOFF_BASE = 0.5
BACKOFF_CAP = 4.0


class Reply(object):
    """What a vendor answered: status, headers, body text, and the request's method and URL."""

    def __init__(self, status, headers, text, method, url):
        self.status = status
        self.headers = headers
        self.text = text
        self.method = method
        self.url = url

    @property
    def content_type(self):
        return (self.headers.get('Content-Type') or '').split(';')[0].strip().lower()

    @property
    def ok(self):
        return 200 <= self.status < 300


def host_of(url):
    parts = urlsplit(url)
    return parts.netloc or url


class HttpClient(object):
    """A ``requests`` session configured from resolved settings; ``secrets`` are scrubbed from errors."""

    def __init__(self, settings, secrets=(), sleep=time.sleep):
        try:
            import requests
        except ImportError as exc:
            raise ApiAuthError('the Python library "requests" is required on the host running this task: %s' % exc,
                               reason='dependency')
        from urllib3.exceptions import ConnectTimeoutError
        self.exceptions = requests.exceptions
        # urllib3's NewConnectionError and NameResolutionError are ConnectTimeoutErrors: all fail before sending.
        self._not_connected = (ConnectTimeoutError, socket.gaierror, ConnectionRefusedError)
        self.timeout = settings.timeout
        self.retries = settings.retries
        self.max_reply_size = settings.get('max_reply_size', 64 * 1024 * 1024)
        self.secrets = list(secrets)
        self._sleep = sleep
        self._replayable = False
        self.session = requests.Session()
        self.session.headers['User-Agent'] = USER_AGENT
        # No compressed replies: the size cap then counts what is held in memory, and no gzip bomb can inflate.
        self.session.headers['Accept-Encoding'] = 'identity'
        # Passed with every request: a session-level verify loses to REQUESTS_CA_BUNDLE in the environment.
        if not settings.validate_certs:
            self.verify = False
        elif settings.ca_path:
            self.verify = _readable_ca_path(settings.ca_path)
        else:
            self.verify = True

    @contextlib.contextmanager
    def replayable(self):
        """Requests made inside are safe to repeat after a lost connection whatever their method (a login only issues a token)."""
        before, self._replayable = self._replayable, True
        try:
            yield
        finally:
            self._replayable = before

    def request(self, method, url, headers=None, params=None, data=None, json=None):
        """Send one request and read its reply within ``timeout`` seconds, retrying only what cannot repeat a change.

        Connection failures before the request can have reached the server (refused, name resolution, connect
        timeout) and 503 are retried a bounded number of times. A connection lost after the request went out is
        retried only for a request safe to repeat (GET, HEAD, a login); any other fails with reason 'maybe_applied'.
        """
        safe = method.upper() in SAFE_METHODS or self._replayable
        self._remember_credentials(headers)
        attempt = 0
        while True:
            deadline = time.monotonic() + self.timeout
            try:
                with _quiet_insecure_warning(self.verify is False):
                    resp = self.session.request(method, url, headers=headers, params=params, data=data, json=json,
                                                timeout=(self.timeout, self.timeout), allow_redirects=False,
                                                verify=self.verify, stream=True)
            except self.exceptions.SSLError as exc:
                raise self._error('TLS verification failed for %s: %s. Point ca_path at the CA certificate that signed the '
                                  'server certificate, or set validate_certs=false (not recommended)'
                                  % (host_of(url), _reason(exc)), url, 'tls')
            except self.exceptions.ReadTimeout:
                # The server has the request and may be acting on it: resending could repeat a change.
                raise self._error('no reply from %s within %s seconds' % (host_of(url), self.timeout), url, 'timeout')
            except self.exceptions.ConnectionError as exc:  # includes connect timeouts and dropped connections
                before_sending = self._before_sending(exc)
                if attempt < self.retries and (before_sending or safe):
                    attempt = self._backoff(attempt)
                    continue
                if not before_sending and not safe:
                    raise self._maybe_applied(method, url, _reason(exc))
                raise self._error('cannot reach %s after %d attempts: %s' % (host_of(url), attempt + 1, _reason(exc)),
                                  url, 'unreachable')
            except self.exceptions.RequestException as exc:
                raise self._error('request to %s failed: %s' % (host_of(url), _reason(exc)), url, 'request')
            if resp.status_code in RETRY_STATUSES and attempt < self.retries and (
                    safe or resp.status_code in RETRY_STATUSES_ANY_METHOD):
                resp.close()
                attempt = self._backoff(attempt)
                continue
            if resp.status_code in REDIRECT_STATUSES:
                resp.close()
                # Never followed: the request carries credentials or a token, which must reach only the url given.
                target = urlsplit(resp.headers.get('Location') or '')
                raise self._error('%s answered HTTP %s, a redirect to %s, which is not followed so that credentials and '
                                  'tokens go to no other address: set url to the address the API is served at'
                                  % (host_of(url), resp.status_code, '%s://%s' % (target.scheme, target.netloc)
                                     if target.netloc else 'another path'), url, 'redirect')
            try:
                body = self._read_body(resp, method, url, deadline)
            except _LostMidReply as lost:
                if safe and attempt < self.retries:
                    attempt = self._backoff(attempt)
                    continue
                if safe:
                    raise self._error('cannot read the reply of %s after %d attempts: %s'
                                      % (host_of(url), attempt + 1, lost.reason), url, 'unreachable')
                raise self._maybe_applied(method, url, lost.reason, status=resp.status_code)
            return Reply(resp.status_code, resp.headers, self._decode(body, resp, method, url), method, url)

    def _remember_credentials(self, headers):
        """Credentials a request carries in its headers join the secrets scrubbed from everything said about it (and
        from the results of the plugin that made it): a reply that quotes them must not put them in a result."""
        for name, value in (headers or {}).items():
            lowered = str(name).lower()
            if value and ('auth' in lowered or 'token' in lowered):
                for secret in (str(value), str(value).split(' ', 1)[-1].strip()):
                    if secret not in self.secrets:
                        self.secrets.append(secret)

    def _before_sending(self, exc):
        """Whether a requests ConnectionError happened before the request could have reached the server."""
        if isinstance(exc, self.exceptions.ConnectTimeout):
            return True
        seen = exc
        for _dummy in range(10):  # bounded walk down the cause chain
            if isinstance(seen, self._not_connected):
                return True
            inner = getattr(seen, 'reason', None)
            if not isinstance(inner, BaseException):
                inner = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else seen.__cause__ or seen.__context__
            if inner is None or inner is seen:
                return False
            seen = inner
        return False

    def _read_body(self, resp, method, url, deadline):
        """The reply body as bytes, read within ``deadline`` and at most max_reply_size bytes, never more in memory."""
        cap = self.max_reply_size
        length = resp.headers.get('Content-Length')
        if length and length.strip().isdigit() and int(length) > cap:
            resp.close()  # closes the connection: nothing of the body is read
            raise self._too_large(method, url, resp.status_code, 'announces %s bytes' % length.strip())
        raw = resp.raw
        read1 = getattr(raw, 'read1', None) or getattr(getattr(raw, '_fp', None), 'read1', None)
        sock = _socket_of(raw)
        # One growing buffer, not a list of chunks joined at the end: a large reply is held once, not twice.
        body, size = bytearray(), 0
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise socket.timeout()
                if sock is not None:
                    # One recv at a time, each bounded by what is left: a trickling server cannot stretch the reply.
                    sock.settimeout(remaining)
                chunk = read1(CHUNK) if read1 is not None else raw.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    raise self._too_large(method, url, resp.status_code, 'went past %d bytes' % cap)
                body += chunk
        except ApiAuthError:
            resp.close()
            raise
        except Exception as exc:  # pylint: disable=broad-except  # urllib3, http.client and socket errors alike
            resp.close()
            if _is_timeout(exc):
                raise self._error('no complete reply from %s within %s seconds (HTTP %s, %d bytes read)'
                                  % (host_of(url), self.timeout, resp.status_code, size), url, 'timeout')
            raise _LostMidReply('the connection was lost while reading the reply (HTTP %s): %s'
                                % (resp.status_code, _reason(exc) or type(exc).__name__))
        release = getattr(raw, 'release_conn', None)
        if release is not None:
            release()  # read to the end: the connection goes back to the pool for the next request
        else:
            resp.close()
        return body

    def _decode(self, body, resp, method, url):
        """The body (bytes or bytearray) as text in the charset the Content-Type names (UTF-8 when it names none). Bytes that are not valid
        there fail the request: text guessed around them (U+FFFD) would be taken for names and values, and acted on."""
        charset = _charset(resp.headers.get('Content-Type'))
        try:
            return body.decode(charset)
        except LookupError:  # a charset Python does not know: what JSON and the SBC's XML use
            charset = 'utf-8'
            try:
                return body.decode(charset)
            except UnicodeDecodeError as exc:
                bad = exc
        except UnicodeDecodeError as exc:
            bad = exc
        message = ('the reply of %s (HTTP %s) is not valid %s text (byte %d of %d): it was not used'
                   % (host_of(url), resp.status_code, charset, bad.start, len(body)))
        if method.upper() not in SAFE_METHODS:
            message += '; the request itself was answered, so it may have been applied: check before repeating it'
        raise self._error(message, url, 'bad_reply')

    def _too_large(self, method, url, status, how):
        message = ('the reply of %s (HTTP %s) %s, more than max_reply_size (%d bytes); it was not read. Raise '
                   'max_reply_size if such a reply is expected' % (host_of(url), status, how, self.max_reply_size))
        if method.upper() not in SAFE_METHODS:
            message += '; the request itself was answered, so it may have been applied'
        return self._error(message, url, 'too_large')

    def _maybe_applied(self, method, url, why, status=None):
        detail = ('HTTP %s, ' % status if status else '') + why
        return self._error('the connection to %s was lost after the request was sent (%s): the change may have been '
                           'applied. It was not sent again: check the current state on the server (for instance with a GET '
                           'of the same resource) before repeating it' % (host_of(url), detail), url, 'maybe_applied')

    def _backoff(self, attempt):
        self._sleep(min(BACKOFF_BASE * (2 ** attempt), BACKOFF_CAP))
        return attempt + 1

    def _error(self, message, url, reason):
        return ApiAuthError(redact(message, self.secrets), url=url, reason=reason)


class _LostMidReply(Exception):
    def __init__(self, reason):
        super(_LostMidReply, self).__init__(reason)
        self.reason = reason


def _socket_of(raw):
    """The socket under a urllib3 response (None when it cannot be found: then reads use the request's timeout)."""
    connection = getattr(raw, 'connection', None) or getattr(raw, '_connection', None)
    sock = getattr(connection, 'sock', None)
    return sock if hasattr(sock, 'settimeout') else None


def _is_timeout(exc):
    seen = exc
    for _dummy in range(10):
        if isinstance(seen, socket.timeout) or type(seen).__name__ in ('ReadTimeoutError', 'TimeoutError', 'ReadTimeout'):
            return True
        seen = getattr(seen, '__context__', None) or getattr(seen, '__cause__', None)
        if seen is None:
            return False
    return False


def _charset(content_type):
    """The charset parameter of a Content-Type header, else UTF-8 (what JSON and the SBC's XML use)."""
    for param in (content_type or '').split(';')[1:]:
        name, _sep, value = param.partition('=')
        if name.strip().lower() == 'charset' and value.strip().strip('"\''):
            return value.strip().strip('"\'').lower()
    return 'utf-8'


def _readable_ca_path(path):
    """``ca_path`` as given, once it is known to be a readable file or directory: requests would otherwise fail with
    its own words, naming neither the option nor the path."""
    problem = None
    if not os.path.exists(path):
        problem = 'does not exist'
    elif os.path.isdir(path):
        if not os.access(path, os.R_OK | os.X_OK):
            problem = 'is a directory this user cannot read'
    else:
        try:
            with open(path, 'rb') as handle:
                handle.read(1)
        except (IOError, OSError) as exc:
            problem = 'cannot be read (%s)' % (exc.strerror or exc)
    if problem:
        raise ApiAuthError('ca_path %s %s: point ca_path at the PEM file (or c_rehash directory) of the CA that signed the '
                           'server certificate' % (path, problem), reason='tls')
    return path


class _quiet_insecure_warning(object):
    """Silence urllib3's per-request warning when the user chose validate_certs=false."""

    def __init__(self, active):
        self.active = active
        self._catcher = None

    def __enter__(self):
        if self.active:
            import warnings
            self._catcher = warnings.catch_warnings()
            self._catcher.__enter__()
            warnings.simplefilter('ignore')
        return self

    def __exit__(self, *exc):
        if self._catcher is not None:
            self._catcher.__exit__(*exc)
        return False


def _reason(exc):
    """The innermost, most specific message of a requests/urllib3 exception chain."""
    seen = exc
    for _dummy in range(10):  # bounded walk down the cause chain
        inner = getattr(seen, 'reason', None)
        if not isinstance(inner, BaseException):
            inner = seen.__cause__ or seen.__context__
        if inner is None or inner is seen:
            break
        seen = inner
    text = str(seen)
    # urllib3 prefixes "<urllib3.connection.HTTPSConnection object at 0x...>: "; drop it.
    if text.startswith('<') and '>: ' in text:
        text = text.split('>: ', 1)[1]
    return text
