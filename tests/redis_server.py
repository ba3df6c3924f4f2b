# -*- coding: utf-8 -*-
"""A real redis-server for the shared-store tests: Debian's package (`make` installs it where root may apt-get),
on a free loopback port, with a password, no persistence (a restart is a Redis that lost its data), stopped by the
fixture that started it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import os
import secrets
import shutil
import socket
import subprocess
import time

import pytest


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


class RedisServer(object):
    """start(), stop(), restart() (same port, empty), url, password, client(), dump()."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.password = 'redis-pw-' + secrets.token_hex(8)
        self.port = None
        self.process = None

    @property
    def url(self):
        return 'redis://:%s@127.0.0.1:%d/0' % (self.password, self.port)

    def start(self):
        binary = shutil.which('redis-server')
        if binary is None:
            if os.environ.get('CI'):
                pytest.fail('redis-server is not installed: `make redis-server` installs it (apt-get, as root)')
            pytest.skip('redis-server is not installed (make redis-server installs it where root may apt-get)')
        for _attempt in range(5):
            self.port = self.port or _free_port()
            self.process = subprocess.Popen(
                [binary, '--port', str(self.port), '--bind', '127.0.0.1', '--requirepass', self.password,
                 '--save', '', '--appendonly', 'no', '--dir', self.workdir, '--daemonize', 'no',
                 '--logfile', os.path.join(self.workdir, 'redis.log')],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if self._ready(10.0):
                return self
            self.stop()
            self.port = None  # taken meanwhile: another port
        raise RuntimeError('redis-server did not start; see %s' % os.path.join(self.workdir, 'redis.log'))

    def _ready(self, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                if self.client().ping():
                    return True
            except Exception:  # pylint: disable=broad-except
                time.sleep(0.02)
        return False

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # no persistence: nothing to save
            self.process.wait(10)
        self.process = None

    def restart(self):
        """The same server address, empty: a Redis restarted without persistence."""
        self.stop()
        return self.start()

    def client(self):
        import redis
        return redis.Redis(host='127.0.0.1', port=self.port, password=self.password, socket_timeout=5)

    def dump(self):
        """Every key and value as text, each also decoded from base64 and hex where it looks encoded."""
        client = self.client()
        chunks = []
        for name in client.scan_iter('*'):
            chunks.append(name)
            kind = client.type(name)
            if kind == b'string':
                chunks.append(client.get(name))
            elif kind == b'hash':
                for field, value in client.hgetall(name).items():
                    chunks.extend([field, value])
            else:
                chunks.append(repr(kind).encode())
        texts = []
        for chunk in chunks:
            texts.append(chunk.decode('latin-1'))
            for piece in chunk.replace(b':', b' ').split():
                for decode in (base64.b64decode, base64.urlsafe_b64decode, binascii.unhexlify):
                    try:
                        texts.append(decode(piece + b'=' * (-len(piece) % 4) if decode is not binascii.unhexlify
                                            else piece).decode('latin-1'))
                    except (ValueError, binascii.Error):
                        pass
        return '\n'.join(texts)
