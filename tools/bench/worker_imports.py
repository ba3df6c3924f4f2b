# -*- coding: utf-8 -*-
"""A process shaped like the worker Ansible forks for each task, to see what a cached lookup costs it.

    python -X importtime tools/bench/worker_imports.py MODULES_FILE --lookup apiauth.vendors.vendor_token \
        --collections-path PATH --term oracle_sbc -o url=https://... -o username=admin -o password=... -o output=headers

MODULES_FILE lists what a real worker had imported when a lookup ran (the benchmark's no-op lookup writes it when
APIAUTH_BENCH_MODULES_FILE is set; `lookup_cost.worker_shape` does both steps). This script imports those modules
first, then prints a marker line to stderr, then loads the lookup through Ansible's plugin loader and runs it once (the
token must be cached already: a cache hit is what is measured). Every `import time:` line after the marker is what the
lookup adds to a worker; stdout gets the wall times of loading and of running, in ms, as JSON.
"""

import argparse
import importlib
import json
import sys
import time

MARKER = '=== worker ready: what follows is the lookup ==='
SKIP = ('ansible_collections.apiauth', 'ansible_collections.apiauth_bench', '__main__', '__mp_main__')


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('modules_file')
    parser.add_argument('--lookup', required=True, help='full name, e.g. apiauth.vendors.vendor_token')
    parser.add_argument('--collections-path', required=True, action='append')
    parser.add_argument('--term', action='append', default=[])
    parser.add_argument('-o', dest='options', action='append', default=[], help='key=value: a keyword argument of the lookup')
    return parser.parse_args(argv)


def import_worker_modules(path):
    with open(path) as handle:
        names = [line.strip() for line in handle if line.strip() and not line.startswith(SKIP)]
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # pylint: disable=broad-except
            pass  # a module that only imports in its own context (e.g. a plugin): the worker had it, it costs us nothing


def main(argv=None):
    args = parse_args(argv)
    import_worker_modules(args.modules_file)
    from ansible.plugins.loader import init_plugin_loader, lookup_loader
    init_plugin_loader(args.collections_path)
    options = dict(option.split('=', 1) for option in args.options)
    sys.stderr.write(MARKER + '\n')
    sys.stderr.flush()
    started = time.perf_counter()
    lookup = lookup_loader.get(args.lookup)
    loaded = time.perf_counter()
    lookup.run(args.term, variables={}, **options)
    ran = time.perf_counter()
    json.dump({'load_ms': round((loaded - started) * 1000, 2), 'run_ms': round((ran - loaded) * 1000, 2)}, sys.stdout)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
