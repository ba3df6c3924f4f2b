# -*- coding: utf-8 -*-
"""Item 6: what a cache hit costs through the shared Redis store against the file store, in process, side by side.

The same vendor_token lookup (output=headers, the token cached) alternates between token_cache=file and
token_cache=redis in rounds, so that whatever else the machine does weighs on both alike. A Redis hit reuses the
process's connection (lookups of a loop, or several in one task); ``redis_cold`` beside it opens a new connection for
every hit, as the first lookup of a task's fresh worker process does. Every Redis hit decrypts the record. A
redis-server of its own is started on a free loopback port with a password, and stopped at the end.
"""

import os
import secrets
import shutil
import socket
import statistics
import subprocess
import time

from ansible_run import SBC_PASSWORD, SBC_USER

ROUNDS = 10
REDIS_EXTRA_MS_MAX = 2.0


def _free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


class _Redis(object):
    def __init__(self, workdir):
        self.workdir = workdir
        self.password = secrets.token_hex(12)
        self.port = _free_port()
        self.process = None

    def __enter__(self):
        binary = shutil.which('redis-server')
        if binary is None:
            raise RuntimeError('redis-server is not installed (make redis-server installs it where root may apt-get)')
        self.process = subprocess.Popen([binary, '--port', str(self.port), '--bind', '127.0.0.1', '--requirepass',
                                         self.password, '--save', '', '--appendonly', 'no', '--dir', self.workdir],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(('127.0.0.1', self.port), 0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.__exit__(None, None, None)
        raise RuntimeError('redis-server did not start')

    def __exit__(self, *exc_info):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    @property
    def url(self):
        return 'redis://:%s@127.0.0.1:%d/0' % (self.password, self.port)


def _timed_ms(func):
    started = time.perf_counter()
    func()
    return (time.perf_counter() - started) * 1000.0


def compare(ctx, url, iterations):
    """Median in-process cost of a cached lookup with each store, and what Redis adds."""
    from lookup_cost import _load_lookup
    lookup = _load_lookup()
    workdir = os.path.join(ctx.workdir, 'store-hit')
    os.makedirs(workdir, exist_ok=True)
    options = dict(url=url, username=SBC_USER, password=SBC_PASSWORD, ca_path=ctx.sim.ca_path, output='headers')
    ctx.sim.reset([url])
    with _Redis(workdir) as server:
        stores = {
            'file': dict(token_cache='file', token_cache_dir=ctx.runner.fresh_cache('store-hit')),
            'redis': dict(token_cache='redis', token_cache_url=server.url, token_cache_key=secrets.token_hex(16)),
        }
        for store in stores.values():
            lookup.run(['oracle_sbc'], variables={}, **dict(options, **store))  # the login, and a warm first hit
            lookup.run(['oracle_sbc'], variables={}, **dict(options, **store))
        before = len(ctx.sim.journal(url))
        from ansible_collections.apiauth.vendors.plugins.module_utils import _store_redis
        samples = dict((name, []) for name in list(stores) + ['redis_cold'])
        per_round = max(1, iterations // ROUNDS)

        def cold(merged):
            _store_redis._CLIENTS.clear()  # a fresh process: no connection yet
            return _timed_ms(lambda: lookup.run(['oracle_sbc'], variables={}, **merged))

        for _round in range(ROUNDS):
            for name, store in stores.items():
                merged = dict(options, **store)
                samples[name].extend(_timed_ms(lambda: lookup.run(['oracle_sbc'], variables={}, **merged))
                                     for _call in range(per_round))
            merged = dict(options, **stores['redis'])
            samples['redis_cold'].extend(cold(merged) for _call in range(max(1, per_round // 4)))
        sent = len(ctx.sim.journal(url)) - before
    medians = dict((name, statistics.median(values)) for name, values in samples.items())
    return {
        'iterations_each': per_round * ROUNDS,
        'file_ms_median': round(medians['file'], 3),
        'redis_ms_median': round(medians['redis'], 3),
        'redis_extra_ms_median': round(medians['redis'] - medians['file'], 3),
        'redis_cold_ms_median': round(medians['redis_cold'], 3),  # a new connection per hit: for information
        'redis_extra_ms_max': REDIS_EXTRA_MS_MAX,
        'requests_sent': sent,  # must be 0: hits stay off the wire with either store
    }


def checks(result, check):
    return [check(9, 'a cache hit through Redis adds at most %.1f ms over the file store (median, in process)'
                  % REDIS_EXTRA_MS_MAX,
                  result['redis_extra_ms_median'] <= REDIS_EXTRA_MS_MAX and result['requests_sent'] == 0,
                  'file %.3f ms, redis %.3f ms: +%.3f ms over %d hits each, %d requests sent' % (
                      result['file_ms_median'], result['redis_ms_median'], result['redis_extra_ms_median'],
                      result['iterations_each'], result['requests_sent']))]


def lines(result):
    return ['Item 6: cache hit by store, in process (median of %d hits each, alternating rounds)' % result['iterations_each'],
            '  file  %8.3f ms' % result['file_ms_median'],
            '  redis %8.3f ms  (+%.3f ms)' % (result['redis_ms_median'], result['redis_extra_ms_median']),
            '  redis, a new connection per hit %8.3f ms' % result['redis_cold_ms_median'], '']
