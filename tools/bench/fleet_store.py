# -*- coding: utf-8 -*-
"""Item 8: item 3's lock-held change on many SBCs with the shared Redis store (token_cache=redis, as AWX's token
store credential sets it), each against its own floor, with the file store's pair beside it in the same run.

With Redis every task's token record, the configuration lock's run ownership (a lease, sbc/run_lease.py) and each
keeper's renewals go through one redis-server of its own (a free loopback port, a password, no persistence), stopped
at the end. The floor is the same play with every SBC's token already in that store."""

import secrets

import fleet_change
from store_hit import _Redis

FLOOR_RATIO_MAX = 1.3


def run(ctx, urls, forks):
    results = {'file': fleet_change.run(ctx, urls, forks)}
    with _Redis(ctx.workdir) as server:
        store = dict(token_cache='redis', token_cache_url=server.url, token_cache_key=secrets.token_hex(16))
        env = {'APIAUTH_TOKEN_CACHE': 'redis', 'APIAUTH_TOKEN_CACHE_URL': server.url,
               'APIAUTH_TOKEN_CACHE_KEY': store['token_cache_key']}

        def empty_store():
            import redis
            redis.Redis(host='127.0.0.1', port=server.port, password=server.password, socket_timeout=10).flushall()

        results['redis'] = fleet_change.run(ctx, urls, forks, store=store, env=env, empty_store=empty_store)
    return results


def _clean(fleet):
    return fleet['measured']['logins'] == fleet['sbcs'] and fleet['measured']['lock_losses'] == 0 \
        and fleet['floor']['logins'] == 0 and all(
            one['rc'] == 0 and one['sbcs_changed_cleanly'] == fleet['sbcs'] and one['locks_left_held'] == 0
            for one in (fleet['measured'], fleet['floor']))


def checks(result, check):
    redis, file_ = result['redis'], result['file']
    return [check(11, '%d-SBC lock-held change with the Redis store: %d logins, 0 lock losses, wall <= %.1fx its floor'
                  % (redis['sbcs'], redis['sbcs'], FLOOR_RATIO_MAX),
                  _clean(redis) and redis['wall_ratio'] <= FLOOR_RATIO_MAX,
                  'redis: wall %.1f s vs floor %.1f s = %.3f (logins %d, changed cleanly %d/%d); file store beside it: '
                  '%.1f s vs %.1f s = %.3f' % (
                      redis['measured']['wall_s'], redis['floor']['wall_s'], redis['wall_ratio'],
                      redis['measured']['logins'], redis['measured']['sbcs_changed_cleanly'], redis['sbcs'],
                      file_['measured']['wall_s'], file_['floor']['wall_s'], file_['wall_ratio']))]


def lines(result):
    out = ['Item 8: lock-held change on %d SBCs, forks %d, by store' % (result['redis']['sbcs'], result['redis']['forks']),
           '  %-6s | %6s %11s %9s %8s %8s %7s' % ('store', 'logins', 'lock losses', 'clean', 'wall s', 'floor s', 'ratio')]
    for name in ('file', 'redis'):
        fleet = result[name]
        out.append('  %-6s | %6d %11d %9s %8.1f %8.1f %7.3f' % (
            name, fleet['measured']['logins'], fleet['measured']['lock_losses'],
            '%d/%d' % (fleet['measured']['sbcs_changed_cleanly'], fleet['sbcs']), fleet['measured']['wall_s'],
            fleet['floor']['wall_s'], fleet['wall_ratio']))
    return out + ['']
