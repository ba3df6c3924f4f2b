# -*- coding: utf-8 -*-
"""Item 4: two plays want the same SBC's configuration lock (as two admin users). The holder keeps it until the
waiter is seen polling (refused with 423), then releases; the time from the release to the waiter's acquisition is
read from the SBC's journal."""

import os
import time

from ansible_run import PLAYBOOKS, write_inventory

WAIT_BOUND = 120.0  # seconds: the longest the benchmark waits for either play to reach a step
HOLDER = ('admin', 'sbc-admin-pass')  # the simulator's test principals (tests/simulator/README.md)
WAITER = ('other-admin', 'other-admin-pass')


def _wait_for(predicate, what, plays):
    deadline = time.monotonic() + WAIT_BOUND
    while time.monotonic() < deadline:
        if predicate():
            return
        if any(proc.poll() is not None for proc in plays):
            raise RuntimeError('a contention play ended before %s' % what)
        time.sleep(0.1)
    raise RuntimeError('no %s within %ss' % (what, WAIT_BOUND))


def _entries(ctx, url, kind, user, status=None):
    return [e for e in ctx.sim.journal(url, kind=kind) if e['user'] == user and (status is None or e['status'] == status)]


def run(ctx, url, poll_interval, latency):
    """One holder, one waiter; returns the release-to-acquisition time and what the waiter did after the release."""
    inventory = write_inventory(os.path.join(ctx.workdir, 'contention-inventory.ini'), {'sbc-contended': url}, ctx.sim.ca_path)
    playbook = os.path.join(PLAYBOOKS, 'contender.yml')
    release_file = os.path.join(ctx.workdir, 'contention-release-now')
    if os.path.exists(release_file):
        os.remove(release_file)
    ctx.sim.reset([url])
    common = {'poll_interval': poll_interval}
    holder = ctx.runner.run('contention-holder', playbook, inventory, 1, ctx.runner.fresh_cache('contention-holder'),
                            dict(common, contender_user=HOLDER[0], contender_password=HOLDER[1], wait_timeout=0,
                                 release_file=release_file), background=True)
    waiter = None
    try:
        _wait_for(lambda: _entries(ctx, url, 'lock', HOLDER[0], 204), 'lock taken by the holder', [holder[0]])
        waiter = ctx.runner.run('contention-waiter', playbook, inventory, 1, ctx.runner.fresh_cache('contention-waiter'),
                                dict(common, contender_user=WAITER[0], contender_password=WAITER[1], wait_timeout=60,
                                     release_file=''), background=True)
        _wait_for(lambda: _entries(ctx, url, 'lock', WAITER[0], 423), 'waiter refused while the lock is held',
                  [holder[0], waiter[0]])
    finally:
        with open(release_file, 'w') as handle:
            handle.write('release\n')
        results = [ctx.runner.finish(*play) for play in (holder, waiter) if play is not None]
    released = _entries(ctx, url, 'unlock', HOLDER[0], 204)
    acquired = _entries(ctx, url, 'lock', WAITER[0], 204)
    if len(results) < 2 or not released or not acquired:
        raise RuntimeError('contention plays did not complete: see %s' % ', '.join(r['log'] for r in results))
    release_ts = released[0]['ts']
    attempts = _entries(ctx, url, 'lock', WAITER[0])
    # Arrival times both: the unlock and the winning lock request each wait the same latency before they are served.
    gap = acquired[0]['ts'] - release_ts
    return {
        'rc': [r['rc'] for r in results], 'logs': [r['log'] for r in results],
        'poll_interval_s': poll_interval, 'request_latency_s': latency,
        'release_to_acquire_s': round(gap, 3),
        'waiter_attempts_before_release': sum(1 for e in attempts if e['ts'] < release_ts),
        'waiter_refused_after_release': sum(1 for e in attempts if e['ts'] > release_ts and e['status'] != 204),
    }
