# -*- coding: utf-8 -*-
"""Items 5 and 6 (issue 15 goals 2 and 3): a bulk change of N configuration elements on one SBC.

Goal 2: the declarative path in one module run (the module's own code, sbc_config.apply, in this process: login, lock,
one read per element type, N writes, save, unlock) against the floor the wire sets, N x request latency + login + lock +
unlock + save, from the simulator's settings. Beside it, as plays (what a user runs): the role on the declarative path
and today's task-per-request path (sbc_locked_change_requests, one vendor_request task per element).
Goal 3: the same N elements again, nothing to change, against the reads it needs (one GET per element type), both
timed in this process one after the other.
"""

import os
import statistics
import time

from ansible_run import PLAYBOOKS, SBC_PASSWORD, SBC_USER, write_inventory
from journal_audit import sbc_summary

REPEATS = 5
TYPES = ('realm-config', 'session-agent', 'session-group', 'steering-pool')


def desired(count):
    """``count`` elements spread over four element types, keyed by their real key attributes."""
    elements = []
    for index in range(count):
        kind = TYPES[index % len(TYPES)]
        if kind == 'realm-config':
            attrs = {'identifier': 'bulk-%04d' % index, 'network-interfaces': 'M10:0', 'description': 'bulk %d' % index}
        elif kind == 'session-agent':
            attrs = {'hostname': 'sa%04d.bulk.example.com' % index, 'ip-address': '192.0.2.1', 'port': '5060'}
        elif kind == 'session-group':
            attrs = {'group-name': 'group-%04d' % index, 'description': 'bulk group'}
        else:
            attrs = {'ip-address': '198.51.100.1', 'start-port': str(10000 + index * 10), 'end-port': str(10009 + index * 10),
                     'realm-id': 'core'}
        elements.append({'element_type': kind, 'attributes': attrs})
    return elements


def _raw_requests(elements):
    requests = []
    for element in elements:
        attrs = [{'name': name, 'value': value} for name, value in element['attributes'].items()]
        requests.append({'path': 'configuration/configElements',
                         'body': {'configElement': {'elementType': element['element_type'], 'attribute': attrs}}})
    return requests


def _session(url, ca_path, cache_dir):
    from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, vendor_settings
    settings = vendor_settings('oracle_sbc', {'url': url, 'username': SBC_USER, 'password': SBC_PASSWORD, 'ca_path': ca_path,
                                              'token_cache_dir': cache_dir}, environ={})
    return VendorSession(settings)


def _in_process(ctx, url, elements):
    from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config import apply, read_type
    from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.lock import acquire, release
    cache_dir = ctx.runner.fresh_cache('bulk-in-process')
    ctx.sim.reset([url])
    started = time.perf_counter()
    session = _session(url, ctx.sim.ca_path, cache_dir)
    acquire(session)
    first = apply(session, elements, management=['save'])
    release(session)
    first_s = time.perf_counter() - started
    first_journal = sbc_summary(ctx.sim.journal(url))
    acquire(session)
    # Alternately, REPEATS times each, so that neither side has the machine to itself: medians compared.
    seconds, reads = [], []
    for _repeat in range(REPEATS):
        ctx.sim.control(url, 'DELETE', 'journal')
        started = time.perf_counter()
        second = apply(_session(url, ctx.sim.ca_path, cache_dir), elements, management=['save'])
        seconds.append(time.perf_counter() - started)
        second_journal = ctx.sim.journal(url)
        started = time.perf_counter()
        for kind in sorted(set(element['element_type'] for element in elements)):
            read_type(session, kind)
        reads.append(time.perf_counter() - started)
    second_s, reads_s = statistics.median(seconds), statistics.median(reads)
    release(session)
    return {'first_s': round(first_s, 3), 'first_writes': first['writes'], 'first_management': first['management'],
            'first_logins': first_journal['logins'], 'first_lock_losses': first_journal['lock_losses'],
            'second_s': round(second_s, 3), 'second_writes': second['writes'], 'second_changed': second['changed'],
            'second_requests': len(second_journal), 'reads_s': round(reads_s, 3),
            'second_ratio': round(second_s / reads_s, 3)}


def _play(ctx, url, name, extra_vars):
    inventory = write_inventory(os.path.join(ctx.workdir, 'bulk-inventory.ini'), {'sbc001': url}, ctx.sim.ca_path)
    ctx.sim.reset([url])
    result = ctx.runner.run(name, os.path.join(PLAYBOOKS, 'bulk_change.yml'), inventory, 1, ctx.runner.fresh_cache(name),
                            extra_vars=extra_vars)
    summary = sbc_summary(ctx.sim.journal(url))
    return {'rc': result['rc'], 'wall_s': result['wall_s'], 'cpu_s': result['cpu_s'], 'log': result['log'],
            'writes': summary['writes_ok'], 'logins': summary['logins'], 'lock_losses': summary['lock_losses']}


def run(ctx, url, count, latency, login_latency, async_delay=0.2, raw_count=50):
    """The in-process module run against its floor, the no-change run against its reads, then the two role plays."""
    elements = desired(count)
    # login, lock, unlock: one request each (a login costs login_latency more); save: the PUT, then the operation
    # finishes after async_delay
    floor_s = count * latency + (latency + login_latency) + latency + latency + (latency + async_delay)
    result = {'elements': count, 'types': len(TYPES), 'floor_s': round(floor_s, 3)}
    result.update(_in_process(ctx, url, elements))
    result['first_ratio'] = round(result['first_s'] / floor_s, 3)
    result['declarative_play'] = _play(ctx, url, 'bulk-declarative', {'elements': elements})
    if raw_count:
        # Today's path costs a task per element (about half a second of Ansible's own work each): measured on the first
        # raw_count elements to keep `make bench` short, and compared per element.
        result['raw_play'] = _play(ctx, url, 'bulk-raw', {'requests': _raw_requests(elements[:raw_count])})
        result['raw_play']['elements'] = raw_count
        result['raw_over_declarative'] = round((result['raw_play']['wall_s'] / raw_count)
                                               / (result['declarative_play']['wall_s'] / count), 3)
    ctx.sim.reset([url])
    return result


FIRST_RATIO_MAX = 1.5   # goal 2: one module run of N elements / the wire's floor
SECOND_RATIO_MAX = 1.5  # goal 3: the no-change run / the reads it needs


def checks(result):
    """Acceptance of goals 2 and 3, in report.acceptance's shape (items 7 and 8)."""
    return [
        {'item': 7, 'criterion': '%d elements in one module run <= %.1fx the floor (N x latency + login + lock + unlock + save)'
                                 % (result['elements'], FIRST_RATIO_MAX),
         'pass': result['first_ratio'] <= FIRST_RATIO_MAX and result['first_writes'] == result['elements']
         and result['first_lock_losses'] == 0 and result['declarative_play']['rc'] == 0,
         'detail': '%.2f s vs floor %.2f s = %.3f; %d writes, %d lock losses; plays: declarative %.1f s%s' % (
             result['first_s'], result['floor_s'], result['first_ratio'], result['first_writes'], result['first_lock_losses'],
             result['declarative_play']['wall_s'],
             ', task-per-request %.1f s for %d (%.1fx per element)' % (
                 result['raw_play']['wall_s'], result['raw_play']['elements'], result['raw_over_declarative'])
             if 'raw_play' in result else '')},
        {'item': 8, 'criterion': 'the same %d elements again (nothing to change) <= %.1fx the reads it needs'
                                 % (result['elements'], SECOND_RATIO_MAX),
         'pass': result['second_ratio'] <= SECOND_RATIO_MAX and result['second_writes'] == 0 and not result['second_changed'],
         'detail': '%.3f s vs %d reads %.3f s = %.3f; %d requests, %d writes' % (
             result['second_s'], result['types'], result['reads_s'], result['second_ratio'], result['second_requests'],
             result['second_writes'])},
    ]


def lines(result):
    """The table's lines for the run's bulk change."""
    out = ['5. bulk change of %d config elements on one SBC (%d element types), declarative path in one module run:'
           % (result['elements'], result['types']),
           '   first run %.2f s (%d writes, save) vs floor %.2f s: %.3f; second run %.3f s (%d requests, 0 writes) vs its %d '
           'reads %.3f s: %.3f' % (result['first_s'], result['first_writes'], result['floor_s'], result['first_ratio'],
                                   result['second_s'], result['second_requests'], result['types'], result['reads_s'],
                                   result['second_ratio']),
           '   as plays (role sbc_locked_change): declarative %.1f s, %d writes' % (
               result['declarative_play']['wall_s'], result['declarative_play']['writes'])]
    if 'raw_play' in result:
        out[-1] += '; task-per-request (sbc_locked_change_requests) %.1f s for the first %d, %d writes: %.1fx per element' % (
            result['raw_play']['wall_s'], result['raw_play']['elements'], result['raw_play']['writes'],
            result['raw_over_declarative'])
    return out
