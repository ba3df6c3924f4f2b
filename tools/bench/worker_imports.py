# -*- coding: utf-8 -*-
"""A process shaped like the worker Ansible forks for each task, to see what a cached lookup costs it.

MODULES_FILE lists what a real worker had imported when a lookup ran (the benchmark's no-op lookup writes it when
APIAUTH_BENCH_MODULES_FILE is set; item 2 of `make bench` does both steps). This script imports those modules, then
sets up Ansible's plugin loader as ansible-playbook does. The token must be cached already: a hit is what is measured.

    # what the lookup imports in a worker, with the cost of each module (stderr, after the marker line)
    python -X importtime tools/bench/worker_imports.py MODULES_FILE --collections-path PATH \
        --lookup apiauth.vendors.vendor_token --term oracle_sbc -o url=https://... -o username=admin -o password=...

    # --repeat N: N forked children per lookup, alternating, each loading and running the lookup once, as workers do;
    # prints {lookup: {load_ms, run_ms}} medians as JSON
    python tools/bench/worker_imports.py MODULES_FILE ... --lookup apiauth.vendors.vendor_token \
        --lookup apiauth_bench.noop.noop --repeat 30
"""

import argparse
import importlib
import json
import os
import statistics
import sys
import time

MARKER = '=== worker ready: what follows is the lookup ==='
# Collection modules come through Ansible's collection loader, set up after these imports; the lookup's own are measured.
SKIP = ('ansible_collections', '__main__', '__mp_main__')


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('modules_file')
    parser.add_argument('--lookup', required=True, action='append', help='full name, e.g. apiauth.vendors.vendor_token')
    parser.add_argument('--collections-path', required=True, action='append')
    parser.add_argument('--term', action='append', default=[])
    parser.add_argument('-o', dest='options', action='append', default=[], help='key=value: a keyword argument of the lookup')
    parser.add_argument('--repeat', type=int, default=0, help='forked children per lookup (0: one run in this process)')
    return parser.parse_args(argv)


def import_worker_modules(path):
    with open(path) as handle:
        names = [line.strip() for line in handle if line.strip() and not line.startswith(SKIP)]
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # pylint: disable=broad-except
            pass  # a module that only imports in its own context: the worker had it, it costs the lookup nothing


def load_and_run(name, terms, options):
    """(ms to load the lookup through the plugin loader, ms to run it once)."""
    from ansible.plugins.loader import lookup_loader
    started = time.perf_counter()
    lookup = lookup_loader.get(name)
    loaded = time.perf_counter()
    lookup.run(terms, variables={}, **options)
    return (loaded - started) * 1000.0, (time.perf_counter() - loaded) * 1000.0


def in_child(name, terms, options):
    """load_and_run in a forked child, as a task's worker; the parent keeps nothing of it."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read_end)
        try:
            os.write(write_end, json.dumps(load_and_run(name, terms, options)).encode('ascii'))
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as handle:
        data = handle.read()
    os.waitpid(pid, 0)
    if not data:
        raise RuntimeError('the child running %s failed' % name)
    return json.loads(data)


def main(argv=None):
    args = parse_args(argv)
    import_worker_modules(args.modules_file)
    from ansible.plugins.loader import init_plugin_loader
    init_plugin_loader(args.collections_path)
    options = dict(option.split('=', 1) for option in args.options)
    if args.repeat:
        samples = dict((name, []) for name in args.lookup)
        for _round in range(args.repeat):
            for name in args.lookup:  # alternating, so that other work on the machine slows both alike
                samples[name].append(in_child(name, args.term, options))
        json.dump(dict((name, {'load_ms': round(statistics.median(s[0] for s in runs), 2),
                               'run_ms': round(statistics.median(s[1] for s in runs), 2), 'children': len(runs)})
                       for name, runs in samples.items()), sys.stdout, sort_keys=True)
    else:
        sys.stderr.write(MARKER + '\n')
        sys.stderr.flush()
        load_ms, run_ms = load_and_run(args.lookup[0], args.term, options)
        json.dump({'load_ms': round(load_ms, 2), 'run_ms': round(run_ms, 2)}, sys.stdout)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
