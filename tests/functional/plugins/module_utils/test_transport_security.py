# -*- coding: utf-8 -*-
"""Where credentials may go: verified TLS by default, no plain HTTP unless allowed, no redirect followed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

try:
    from http.server import BaseHTTPRequestHandler, HTTPServer
except ImportError:  # pragma: no cover - Python 2
    from BaseHTTPServer import BaseHTTPRequestHandler, HTTPServer

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, vendor_settings
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._request import call

CREDENTIALS = {
    'oracle_sbc': {'username': 'admin', 'password': 'sbc-admin-pass'},
    'bigfix_inventory': {'username': 'bfi-user', 'password': 'bfi-pass'},
    'bigid': {'user_token': 'bigid-user-token-0123456789'},
}


def session(vendor, url, tmp_path, **options):
    direct = dict(CREDENTIALS[vendor], url=url, token_cache_dir=str(tmp_path / 'cache'), retries=0, timeout=5)
    direct.update(options)
    return VendorSession(vendor_settings(vendor, direct, environ={}))


def test_untrusted_certificate_fails_naming_both_ways_out(simulator, tmp_path):
    with pytest.raises(ApiAuthError) as err:
        session('oracle_sbc', simulator.url, tmp_path).token()
    assert err.value.reason == 'tls'
    assert 'ca_path' in err.value.message and 'validate_certs' in err.value.message
    assert simulator.journal_entries(kind='login') == []  # the handshake failed: no password was sent
    assert session('oracle_sbc', simulator.url, tmp_path, ca_path=simulator.ca_path).token().token


@pytest.mark.parametrize('vendor', ['bigfix_inventory', 'bigid'])
def test_plain_http_is_refused_before_anything_is_sent(simulator, tmp_path, vendor):
    with pytest.raises(ApiAuthError) as err:
        session(vendor, simulator.plain_url, tmp_path).token()
    assert 'plain HTTP' in err.value.message and 'allow_plain_http' in err.value.message
    assert simulator.journal == []


def test_plain_http_when_explicitly_allowed(simulator, tmp_path):
    record = session('bigfix_inventory', simulator.plain_url, tmp_path, allow_plain_http=True).token()
    assert record.token
    assert [e['tls'] for e in simulator.journal_entries(kind='login')] == [False]


def test_the_sbc_needs_https_even_when_plain_http_is_allowed(simulator, tmp_path):
    with pytest.raises(ApiAuthError) as err:
        session('oracle_sbc', simulator.plain_url, tmp_path, allow_plain_http=True).token()
    assert 'requires https://' in err.value.message
    assert simulator.journal == []


class _Recorder(BaseHTTPRequestHandler):
    """Records every request; the redirecting server answers each with a redirect to ``target``."""

    def _any(self):
        length = int(self.headers.get('Content-Length') or 0)
        self.server.seen.append((self.command, self.path, dict(self.headers), self.rfile.read(length)))
        if self.server.target:
            self.send_response(self.server.status)
            self.send_header('Location', self.server.target + self.path)
        else:
            self.send_response(200)
            self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', '2')
        self.end_headers()
        self.wfile.write(b'{}')

    do_GET = do_POST = do_PUT = _any

    def log_message(self, *args):
        pass


@pytest.fixture
def servers():
    """(redirector, elsewhere): two local HTTP servers; the first redirects everything to the second."""
    started = []

    def start(target=None, status=302):
        server = HTTPServer(('127.0.0.1', 0), _Recorder)
        server.seen, server.target, server.status = [], target, status
        thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.05})
        thread.daemon = True
        thread.start()
        started.append(server)
        return server, 'http://127.0.0.1:%d' % server.server_address[1]

    elsewhere, elsewhere_url = start()
    redirector, redirector_url = start(target=elsewhere_url)
    yield redirector, redirector_url, elsewhere, elsewhere_url
    for server in started:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize('status', [301, 302, 303, 307, 308])
def test_a_redirected_login_is_not_followed(servers, tmp_path, status):
    redirector, redirector_url, elsewhere, elsewhere_url = servers
    redirector.status = status
    with pytest.raises(ApiAuthError) as err:
        session('bigfix_inventory', redirector_url, tmp_path, allow_plain_http=True).token()
    assert err.value.reason == 'redirect' and elsewhere_url in err.value.message
    assert len(redirector.seen) == 1 and elsewhere.seen == []


def test_a_redirected_api_call_does_not_carry_the_token_elsewhere(servers, tmp_path):
    redirector, redirector_url, elsewhere, _elsewhere_url = servers
    ready = session('bigfix_inventory', redirector_url, tmp_path, allow_plain_http=True, token='f' * 40,
                    username=None, password=None)
    with pytest.raises(ApiAuthError) as err:
        call(ready, 'GET', '/api/sam/v2/computers')
    assert err.value.reason == 'redirect'
    assert [seen[2].get('Token') for seen in redirector.seen] == ['f' * 40]
    assert elsewhere.seen == []
