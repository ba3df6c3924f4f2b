# -*- coding: utf-8 -*-
"""`make bench`: what the collection saves a real playbook and how it scales, against the simulator.

One simulator process serves --sbcs virtual SBCs (one port each) with a per-request latency and an extra login cost,
like a real appliance. The four measurements of the issue run one after the other, each pair side by side in this one
run; the table goes to stdout, everything to OUT/results.json; the exit status is 1 when an acceptance ratio fails,
2 when a play or the simulator fails before there is anything to judge. Sized for about five minutes on two cores:
see README.md here for what each number is.
"""

import argparse
import json
import os
import platform
import sys
import time

import bulk_change
import calls
import contention
import fleet_change
import fleet_store
import lookup_cost
import paged_read
import store_hit
from ansible_run import COLLECTION_ROOT, AnsibleRunner, init_collection_loader, write_inventory, write_repeated_play
from report import acceptance, table
from sim_fleet import SimFleet


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default=os.path.join('build', 'bench'), help='results.json and the work files go here')
    parser.add_argument('--latency', type=float, default=0.05, help='seconds the simulator adds to every request')
    parser.add_argument('--login-latency', type=float, default=0.3, help='seconds it adds to every login and re-authentication')
    parser.add_argument('--calls', type=int, default=10, help='item 1: API calls (tasks) per host')
    parser.add_argument('--call-hosts', type=int, default=2, help='item 1: inventory hosts')
    parser.add_argument('--call-sbcs', type=int, default=1, help='item 1: SBCs the hosts share')
    parser.add_argument('--forks', default='1,2', help='item 1: fork counts, comma-separated')
    parser.add_argument('--iterations', type=int, default=2000, help='item 2: cached lookups timed in process')
    parser.add_argument('--sbcs', type=int, default=100, help='item 3: SBCs changed under their lock')
    parser.add_argument('--fleet-forks', type=int, default=50, help='item 3: forks')
    parser.add_argument('--poll-interval', type=int, default=1, help='item 4: poll_interval of the waiting sbc_config_lock')
    parser.add_argument('--bulk-elements', type=int, default=200, help='item 5 (acceptance 7-8): config elements in one bulk change')
    parser.add_argument('--bulk-raw-elements', type=int, default=50, help='item 5: elements of the task-per-request play beside it')
    parser.add_argument('--paged-elements', type=int, default=2000, help='item 7: elements of one type read page by page')
    parser.add_argument('--page-cap', type=int, default=100, help='item 7: the most elements the simulator returns per GET')
    parser.add_argument('--overhead-tasks', type=int, default=30, help='item 2: set_fact tasks per play in the per-task cost')
    parser.add_argument('--items', default='1,2,3,4,5,6,7,8', help='which items to measure, comma-separated (the acceptance '
                        'judges only those); e.g. --items 2 to time the lookup alone without disturbing the machine long')
    parser.add_argument('--source-commit', default='', help='recorded in results.json')
    args = parser.parse_args(argv)
    args.forks = [int(value) for value in args.forks.split(',')]
    args.items = set(int(value) for value in args.items.split(','))
    return args


class Context(object):
    """What every measurement uses: the simulator, the play runner and a work directory."""

    def __init__(self, sim, runner, workdir):
        self.sim = sim
        self.runner = runner
        self.workdir = workdir


def warm_up(ctx, url):
    """One small play first, so that the first timed play does not pay for a cold disk cache."""
    inventory = write_inventory(os.path.join(ctx.workdir, 'warmup-inventory.ini'), {'host01': url}, ctx.sim.ca_path)
    playbook = write_repeated_play(os.path.join(ctx.workdir, 'warmup.yml'), 'lookup_call.yml', 1, 'warm-up')
    ctx.runner.run('warmup', playbook, inventory, 1, ctx.runner.fresh_cache('warmup'))
    ctx.sim.reset([url])


def meta(args, sim):
    from ansible.release import __version__ as ansible_core
    return {
        'started': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()), 'source_commit': args.source_commit,
        'collection': COLLECTION_ROOT, 'python': platform.python_version(), 'ansible_core': ansible_core,
        'cpus': os.cpu_count(), 'load_avg_at_start': [round(load, 2) for load in os.getloadavg()],
        'latency_s': args.latency, 'login_latency_s': args.login_latency, 'simulated_sbcs': len(sim.urls),
        'items': sorted(args.items),
    }


def measure(args, ctx):
    urls = ctx.sim.urls
    results = {}
    step = time.monotonic()

    def done(name):
        print('  %-14s %6.1f s' % (name, time.monotonic() - step), file=sys.stderr, flush=True)
        return time.monotonic()

    warm_up(ctx, urls[0])
    step = done('warm-up')
    if 1 in args.items:
        results['calls'] = calls.compare(ctx, urls[:args.call_sbcs], args.call_hosts, args.calls, args.forks)
        step = done('item 1')
        # Over several lifetimes: 4 hosts on 2 SBCs, 4 forks racing for each SBC's renewals; tokens live 4 s and are
        # renewed once they are 1 s old, so that a token outlives the longest gap between two tasks on a loaded machine.
        results['lifetime'] = calls.lifetimes(ctx, urls[:2], hosts=4, calls=8, forks=4, lifetime=4, margin=3)
        step = done('item 1 (life)')
    if 2 in args.items:
        results['lookup_cost'] = lookup_cost.in_process(ctx, urls[0], args.iterations)
        cache_dir = results['lookup_cost']['cache_dir']
        results['lookup_in_play'] = lookup_cost.in_play(ctx, urls[0], cache_dir, tasks=args.overhead_tasks)
        results['lookup_in_worker'] = lookup_cost.worker_shape(ctx, urls[0], cache_dir,
                                                               results['lookup_in_play']['worker_modules_file'])
        step = done('item 2')
    if 3 in args.items:
        results['fleet_change'] = fleet_change.run(ctx, urls[:args.sbcs], args.fleet_forks)
        step = done('item 3')
    if 4 in args.items:
        results['contention'] = contention.run(ctx, urls[0], args.poll_interval, args.latency)
        step = done('item 4')
    if 5 in args.items:
        results['bulk_change'] = bulk_change.run(ctx, urls[0], args.bulk_elements, args.latency, args.login_latency,
                                                 raw_count=args.bulk_raw_elements)
        step = done('item 5 (acceptance 7-8)')
    if 6 in args.items:
        results['store_hit'] = store_hit.compare(ctx, urls[0], args.iterations)
        step = done('item 6 (acceptance 9)')
    if 7 in args.items:
        results['paged_read'] = paged_read.run(ctx, urls[0], args.paged_elements, args.page_cap, args.latency)
        step = done('item 7 (acceptance 10)')
    if 8 in args.items:
        results['fleet_store'] = fleet_store.run(ctx, urls[:args.sbcs], args.fleet_forks)
        done('item 8 (acceptance 11)')
    return results


def main(argv=None):
    args = parse_args(argv)
    out = os.path.abspath(args.out)
    workdir = os.path.join(out, 'work')
    os.makedirs(workdir, exist_ok=True)
    started = time.monotonic()
    init_collection_loader(workdir)
    settings = {'latency': args.latency, 'login_latency': args.login_latency}
    devices = max(args.sbcs if args.items & {3, 8} else 0, 2)
    sim = SimFleet(os.path.join(COLLECTION_ROOT, 'tests', 'simulator'), os.path.join(out, 'sim'), devices, settings)
    with sim:
        ctx = Context(sim, AnsibleRunner(workdir), workdir)
        try:
            results = dict(meta=meta(args, sim), **measure(args, ctx))
        except (RuntimeError, OSError, ValueError, KeyError) as exc:
            # A play or the simulator did not get as far as the measurement: no numbers to judge.
            print('bench aborted: %s: %s (play logs in %s)' % (type(exc).__name__, exc, workdir), file=sys.stderr)
            return 2
    # Other work on the machine slows the plays unevenly: the load says how much to trust the wall times.
    results['meta']['load_avg_at_end'] = [round(load, 2) for load in os.getloadavg()]
    results['acceptance'] = acceptance(results)
    results['total_wall_s'] = round(time.monotonic() - started, 1)
    with open(os.path.join(out, 'results.json'), 'w') as handle:
        json.dump(results, handle, indent=2, sort_keys=True)
    print(table(results))
    print('\nresults: %s (%.0f s in all)' % (os.path.join(out, 'results.json'), results['total_wall_s']))
    failed = [check for check in results['acceptance'] if not check['pass']]
    for check in failed:
        print('FAILED acceptance %d: %s (%s)' % (check['item'], check['criterion'], check['detail']), file=sys.stderr)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
