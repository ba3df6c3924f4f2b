# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP layer: TLS settings, timeouts, bounded retries, and transport errors in plain words."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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

from ansible_collections.apiauth.vendors.plugins.module_utils.errors import ApiAuthError, redact

USER_AGENT = 'apiauth.vendors (ansible collection)'
RETRY_STATUSES = (502, 503, 504)
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
        self.exceptions = requests.exceptions
        self.timeout = settings.timeout
        self.retries = settings.retries
        self.secrets = list(secrets)
        self._sleep = sleep
        self.session = requests.Session()
        self.session.headers['User-Agent'] = USER_AGENT
        # Passed with every request: a session-level verify loses to REQUESTS_CA_BUNDLE in the environment.
        if not settings.validate_certs:
            self.verify = False
        elif settings.ca_path:
            self.verify = settings.ca_path
        else:
            self.verify = True

    def request(self, method, url, headers=None, params=None, data=None, json=None):
        """Send one request, retrying connection failures and 502/503/504 a bounded number of times."""
        attempt = 0
        while True:
            try:
                with _quiet_insecure_warning(self.verify is False):
                    resp = self.session.request(method, url, headers=headers, params=params, data=data, json=json,
                                                timeout=self.timeout, allow_redirects=False, verify=self.verify)
            except self.exceptions.SSLError as exc:
                raise self._error('TLS verification failed for %s: %s. Point ca_path at the CA certificate that signed the '
                                  'server certificate, or set validate_certs=false (not recommended)'
                                  % (host_of(url), _reason(exc)), url, 'tls')
            except self.exceptions.ReadTimeout:
                # The server has the request and may be acting on it: resending could repeat a change.
                raise self._error('no reply from %s within %s seconds' % (host_of(url), self.timeout), url, 'timeout')
            except self.exceptions.ConnectionError as exc:  # includes connect timeouts and dropped connections
                if attempt < self.retries:
                    attempt = self._backoff(attempt)
                    continue
                raise self._error('cannot reach %s after %d attempts: %s' % (host_of(url), attempt + 1, _reason(exc)),
                                  url, 'unreachable')
            except self.exceptions.RequestException as exc:
                raise self._error('request to %s failed: %s' % (host_of(url), _reason(exc)), url, 'request')
            if resp.status_code in RETRY_STATUSES and attempt < self.retries:
                attempt = self._backoff(attempt)
                continue
            if resp.status_code in REDIRECT_STATUSES:
                # Never followed: the request carries credentials or a token, which must reach only the url given.
                target = urlsplit(resp.headers.get('Location') or '')
                raise self._error('%s answered HTTP %s, a redirect to %s, which is not followed so that credentials and '
                                  'tokens go to no other address: set url to the address the API is served at'
                                  % (host_of(url), resp.status_code, '%s://%s' % (target.scheme, target.netloc)
                                     if target.netloc else 'another path'), url, 'redirect')
            return Reply(resp.status_code, resp.headers, resp.text, method, url)

    def _backoff(self, attempt):
        self._sleep(min(BACKOFF_BASE * (2 ** attempt), BACKOFF_CAP))
        return attempt + 1

    def _error(self, message, url, reason):
        return ApiAuthError(redact(message, self.secrets), url=url, reason=reason)


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
