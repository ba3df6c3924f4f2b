# -*- coding: utf-8 -*-
"""Item 2: what a vendor_token lookup costs. In process (the plugin's run(), thousands of calls): a cached lookup
against a login. In a play: what the lookup adds to a task, where every task is a freshly forked worker that
imports the plugin and its libraries again."""

import json
import os
import statistics
import subprocess
import sys
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


PLAY_ROUNDS = 5  # each play runs this many times, the three alternating; the median wall time of each counts
WORKER_CHILDREN = 30


def in_play(ctx, url, cache_dir, tasks):
    """Per-task cost of the lookup in a real play (one host, the token already cached): set_fact with vendor_token,
    with a no-op collection lookup, and without a lookup, alternating; what vendor_token adds over the no-op lookup
    is the figure of the acceptance. The first no-op play also records what a worker has imported (worker_shape)."""
    inventory = write_inventory(os.path.join(ctx.workdir, 'overhead-inventory.ini'), {'host01': url}, ctx.sim.ca_path)
    styles = (('with_lookup', 'lookup_only.yml'), ('noop_lookup', 'noop_lookup.yml'), ('without', 'no_lookup.yml'))
    walls = dict((style, []) for style, _task_file in styles)
    cpus = dict((style, []) for style, _task_file in styles)
    logins_before = sbc_summary(ctx.sim.journal(url))['logins']
    modules_file = os.path.join(ctx.workdir, 'worker-modules.txt')
    for round_number in range(PLAY_ROUNDS):
        for style, task_file in styles:
            playbook = write_repeated_play(os.path.join(ctx.workdir, 'overhead-%s.yml' % style), task_file, tasks, style)
            env = {'APIAUTH_BENCH_MODULES_FILE': modules_file} if style == 'noop_lookup' and round_number == 0 else None
            result = ctx.runner.run('overhead-%s-%d' % (style, round_number), playbook, inventory, 1, cache_dir, env=env)
            if result['rc'] != 0:
                raise RuntimeError('overhead play %s failed, see %s' % (style, result['log']))
            walls[style].append(result['wall_s'])
            cpus[style].append(result['cpu_s'])
    wall = dict((style, statistics.median(values)) for style, values in walls.items())
    # CPU of the play's process tree: what the workers spent, whatever else the machine was doing meanwhile.
    cpu = dict((style, statistics.median(values)) for style, values in cpus.items())
    return {
        'tasks': tasks,
        'rounds': PLAY_ROUNDS,
        'walls_s': walls,
        'wall_with_lookup_s': wall['with_lookup'],
        'wall_noop_lookup_s': wall['noop_lookup'],
        'wall_without_s': wall['without'],
        'per_task_ms': round((wall['with_lookup'] - wall['without']) / tasks * 1000.0, 1),
        'per_task_over_noop_ms': round((wall['with_lookup'] - wall['noop_lookup']) / tasks * 1000.0, 1),
        'noop_per_task_ms': round((wall['noop_lookup'] - wall['without']) / tasks * 1000.0, 1),
        'cpus_s': cpus,
        'cpu_per_task_over_noop_ms': round((cpu['with_lookup'] - cpu['noop_lookup']) / tasks * 1000.0, 1),
        'logins_in_play': sbc_summary(ctx.sim.journal(url))['logins'] - logins_before,
        'worker_modules_file': modules_file,
    }


def worker_shape(ctx, url, cache_dir, modules_file):
    """vendor_token and the no-op lookup loaded and run once in each of many forked children of a process that has
    imported what a real worker had (worker_imports.py): the same comparison as in_play, without the play's noise."""
    from ansible_run import NOOP_COLLECTIONS, collections_path
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'worker_imports.py')
    args = [sys.executable, script, modules_file, '--repeat', str(WORKER_CHILDREN),
            '--collections-path', collections_path(ctx.workdir), '--collections-path', NOOP_COLLECTIONS,
            '--lookup', 'apiauth.vendors.vendor_token', '--lookup', 'apiauth_bench.noop.noop', '--term', 'oracle_sbc',
            '-o', 'url=' + url, '-o', 'username=' + SBC_USER, '-o', 'password=' + SBC_PASSWORD, '-o', 'ca_path=' + ctx.sim.ca_path,
            '-o', 'output=headers']
    env = dict(ctx.runner.env, APIAUTH_TOKEN_CACHE_DIR=cache_dir)
    before = len(ctx.sim.journal(url))
    proc = subprocess.run(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=300, check=False)
    if proc.returncode != 0:
        raise RuntimeError('worker_imports.py failed: %s' % proc.stderr.strip()[-2000:])
    found = json.loads(proc.stdout)
    ours, noop = found['apiauth.vendors.vendor_token'], found['apiauth_bench.noop.noop']
    return {
        'children': WORKER_CHILDREN,
        'vendor_token': ours,
        'noop': noop,
        'over_noop_ms': round(ours['load_ms'] + ours['run_ms'] - noop['load_ms'] - noop['run_ms'], 2),
        'requests_sent': len(ctx.sim.journal(url)) - before,
    }
