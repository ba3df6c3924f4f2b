# -*- coding: utf-8 -*-
"""Issue 10 point 5: ``timeout`` bounds the whole reply, and a reply over ``max_reply_size`` is refused unread.

The simulator answers whole replies at once, so these use a small raw HTTP server of their own (127.0.0.1, plain
HTTP, bounded in time and bytes) that trickles a body or streams an endless one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, vendor_settings
from ansible_collections.apiauth.vendors.plugins.module_utils._cache import MemoryTokenCache
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError

HUGE = int(os.environ.get('APIAUTH_TEST_HUGE_MB', '200')) * 1024 * 1024
MB = 1024 * 1024


class RawServer(object):
    """Answers each connection's first request by path: /trickle, /huge, /announced-huge, anything else a small JSON."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.url = 'http://127.0.0.1:%d' % self.sock.getsockname()[1]
        self.stop = False
        self.thread = threading.Thread(target=self._serve)
        self.thread.daemon = True
        self.thread.start()

    def _serve(self):
        while not self.stop:
            try:
                conn, _addr = self.sock.accept()
            except socket.timeout:
                continue
            threading.Thread(target=self._answer, args=(conn,)).start()

    def _answer(self, conn):
        try:
            conn.settimeout(10)
            data = b''
            while b'\r\n\r\n' not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            path = data.split(b' ', 2)[1].decode()
            if path.startswith('/trickle') or path.startswith('/api/get_token'):
                conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{')
                deadline = time.time() + 20  # bounded: an unbounded client would stop waiting here, and fail the test
                while time.time() < deadline and not self.stop:
                    conn.sendall(b' ')
                    time.sleep(0.25)
            elif path.startswith('/huge') or path.startswith('/announced-huge'):
                head = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n'
                if path.startswith('/announced-huge'):
                    head += b'Content-Length: %d\r\n' % HUGE
                conn.sendall(head + b'\r\n[')
                block = b'1,' * (MB // 2)
                sent = 0
                while sent < HUGE and not self.stop:
                    conn.sendall(block)
                    sent += len(block)
            else:
                conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}')
        except OSError:
            pass  # the client hung up, as it should
        finally:
            conn.close()

    def close(self):
        self.stop = True
        self.thread.join(5)
        self.sock.close()


@pytest.fixture
def raw_server():
    server = RawServer()
    yield server
    server.close()


def test_a_trickling_reply_fails_at_the_timeout(raw_server):
    settings = vendor_settings('bigfix_inventory', {'url': raw_server.url, 'username': 'u', 'password': 'trickle-pass',
                                                    'allow_plain_http': True, 'timeout': 2, 'retries': 0}, environ={})
    session = VendorSession(settings, cache=MemoryTokenCache())
    start = time.monotonic()
    with pytest.raises(ApiAuthError) as err:
        session.token()
    elapsed = time.monotonic() - start
    print('trickling reply: failed after %.2f s with timeout 2' % elapsed)
    assert err.value.reason == 'timeout' and 'within 2 seconds' in str(err.value)
    assert elapsed < 2 + 1


_CLIENT = r'''
import json, resource, sys
from ansible_collections.apiauth.vendors.plugins.module_utils._auth import vendor_settings
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._http_client import HttpClient

url, path = sys.argv[1], sys.argv[2]
settings = vendor_settings('bigfix_inventory', {'url': url, 'username': 'u', 'password': 'p', 'allow_plain_http': True,
                                                'timeout': 120, 'retries': 0}, environ={})
client = HttpClient(settings)
client.request('GET', url + '/small')  # imports done, a connection made: the idle module
idle = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    reply = client.request('GET', url + path)
    outcome = ['read', len(reply.text)]
except ApiAuthError as exc:
    outcome = [exc.reason, str(exc)]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({'idle_kb': idle, 'peak_kb': peak, 'outcome': outcome}))
'''


@pytest.mark.parametrize('path', ['/huge', '/announced-huge'], ids=['streamed-without-length', 'announced-length'])
def test_a_huge_reply_fails_without_being_held_in_memory(raw_server, path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    done = subprocess.run([sys.executable, '-c', _CLIENT, raw_server.url, path], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    result = json.loads(done.stdout.decode().strip().splitlines()[-1])
    grown_mb = (result['peak_kb'] - result['idle_kb']) / 1024.0
    print('%d MB reply (%s): peak RSS %.1f MB above the idle client, outcome %s'
          % (HUGE // MB, path, grown_mb, result['outcome'][0]))
    assert result['outcome'][0] == 'too_large', result['outcome']
    assert 'max_reply_size' in result['outcome'][1]
    assert grown_mb < 100
