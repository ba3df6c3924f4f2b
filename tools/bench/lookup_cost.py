# -*- coding: utf-8 -*-
"""Item 2: what a vendor_token lookup costs. In process (the plugin's run(), thousands of calls): a cached lookup
against a login. In a play: what the lookup adds to a task, where every task is a freshly forked worker that
imports the plugin and its libraries again."""

import os
import statistics
import time

from ansible_run import SBC_PASSWORD, SBC_USER, write_inventory, write_repeated_play
from journal_audit import sbc_summary

LOGIN_SAMPLES = 5


def _load_lookup():
    # The plugin as Ansible loads it: through the collection loader (see init_collection_loader), by its full name.
    from ansible.plugins.loader import lookup_loader
    lookup = lookup_loader.get('apiauth.vendors.vendor_token')
    if lookup is None:
        raise RuntimeError('apiauth.vendors.vendor_token not found on the collections path')
    return lookup


def _timed_ms(func):
    started = time.perf_counter()
    func()
    return (time.perf_counter() - started) * 1000.0


def in_process(ctx, url, iterations):
    """Median cost of a login (token_cache=none: every call logs in) and of a cached lookup."""
    lookup = _load_lookup()
    cache_dir = ctx.runner.fresh_cache('lookup-cost')
    options = dict(url=url, username=SBC_USER, password=SBC_PASSWORD, ca_path=ctx.sim.ca_path, output='headers')
    ctx.sim.reset([url])
    logins = [_timed_ms(lambda: lookup.run(['oracle_sbc'], variables={}, token_cache='none', **options))
              for _sample in range(LOGIN_SAMPLES)]
    first = _timed_ms(lambda: lookup.run(['oracle_sbc'], variables={}, token_cache_dir=cache_dir, **options))
    before = len(ctx.sim.journal(url))
    cached = [_timed_ms(lambda: lookup.run(['oracle_sbc'], variables={}, token_cache_dir=cache_dir, **options))
              for _call in range(iterations)]
    cached.sort()
    return {
        'iterations': iterations,
        'login_ms_median': round(statistics.median(logins), 2),
        'first_lookup_ms': round(first, 2),
        'cached_ms_median': round(statistics.median(cached), 3),
        'cached_ms_p95': round(cached[int(len(cached) * 0.95) - 1], 3),
        'cached_requests_sent': len(ctx.sim.journal(url)) - before,  # must be 0: a cached lookup stays off the wire
        'cache_dir': cache_dir,
    }


def in_play(ctx, url, cache_dir, tasks):
    """Per-task cost of the lookup in a real play (one host, the token already cached): set_fact with the lookup
    against the same set_fact without it."""
    inventory = write_inventory(os.path.join(ctx.workdir, 'overhead-inventory.ini'), {'host01': url}, ctx.sim.ca_path)
    walls = {}
    logins_before = sbc_summary(ctx.sim.journal(url))['logins']
    for style, task_file in (('with_lookup', 'lookup_only.yml'), ('without', 'no_lookup.yml')):
        playbook = write_repeated_play(os.path.join(ctx.workdir, 'overhead-%s.yml' % style), task_file, tasks, style)
        result = ctx.runner.run('overhead-' + style, playbook, inventory, 1, cache_dir)
        if result['rc'] != 0:
            raise RuntimeError('overhead play %s failed, see %s' % (style, result['log']))
        walls[style] = result['wall_s']
    return {
        'tasks': tasks,
        'wall_with_lookup_s': walls['with_lookup'],
        'wall_without_s': walls['without'],
        'per_task_ms': round((walls['with_lookup'] - walls['without']) / tasks * 1000.0, 1),
        'logins_in_play': sbc_summary(ctx.sim.journal(url))['logins'] - logins_before,
    }
