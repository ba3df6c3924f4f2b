# -*- coding: utf-8 -*-
"""Item 7 (issue 20): reading every element of one type from an appliance that pages its replies.

2,000 session-agents on an SBC that returns at most 100 per GET and links to the next page (Oracle 10.0), read with
sbc_config's read_type in this process, logged in beforehand: the wall time against the floor the wire sets, pages x
request latency. Beside it, the same read from an appliance that gives no next-page link (offsets only: one more
read to see the end), for the record. And side by side, what the wire alone costs on this machine now: as many
GETs of one element each as the read has pages (sleep overshoot and the simulator's own work under load are in it):
the read against that says what the client adds, whatever else the machine is doing.
"""

import math
import statistics
import time

from bulk_change import _session

REPEATS = 5
ELEMENT_TYPE = 'session-agent'
RATIO_MAX = 1.2  # issue 20 acceptance: at most 1.2x the floor


def _timed_reads(ctx, url, session, expected):
    from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_read import read_type
    seconds, reads = [], []
    for _repeat in range(REPEATS):
        ctx.sim.control(url, 'DELETE', 'journal')
        started = time.perf_counter()
        found = read_type(session, ELEMENT_TYPE)
        seconds.append(time.perf_counter() - started)
        if len(found) != expected:
            raise RuntimeError('paged read found %d %s elements, not %d' % (len(found), ELEMENT_TYPE, expected))
        reads.append(len(ctx.sim.journal(url, kind='config_read')))
    return statistics.median(seconds), max(reads)


def _timed_wire(session, pages):
    """Median seconds of ``pages`` sequential GETs of a one-element page (the same request path as read_type)."""
    from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_read import ELEMENTS_PATH, _send_page
    seconds = []
    for _repeat in range(REPEATS):
        started = time.perf_counter()
        for page in range(pages):
            _send_page(session, ELEMENTS_PATH, {'elementType': ELEMENT_TYPE, 'offset': page, 'maxElements': 1})
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def run(ctx, url, count, page_cap, latency):
    """Median of REPEATS reads by next-page link and by offset, each against pages x latency."""
    pages = int(math.ceil(count / float(page_cap)))
    floor_s = pages * latency
    result = {'elements': count, 'page_cap': page_cap, 'pages': pages, 'latency_s': latency, 'floor_s': round(floor_s, 3),
              'repeats': REPEATS}
    for paging in ('link', 'offset'):
        ctx.sim.reset([url], sbc_page_cap=page_cap, sbc_paging=paging)
        ctx.sim.control(url, 'POST', 'elements', {
            'element_type': ELEMENT_TYPE,
            'elements': [{'hostname': 'sa%05d.paged.example.com' % n, 'ip-address': '192.0.2.1', 'port': '5060',
                          'description': 'paged read %d' % n} for n in range(count)]})
        session = _session(url, ctx.sim.ca_path, ctx.runner.fresh_cache('paged-read-' + paging))
        session.token()  # the login is not part of the read
        wall_s, reads = _timed_reads(ctx, url, session, count)
        result[paging] = {'wall_s': round(wall_s, 3), 'reads': reads, 'ratio': round(wall_s / floor_s, 3)}
        if paging == 'link':
            wire_s = _timed_wire(session, pages)
            result['wire_s'] = round(wire_s, 3)
            result[paging]['ratio_to_wire'] = round(wall_s / wire_s, 3)
    ctx.sim.reset([url])
    return result


def checks(result):
    """Acceptance in report.acceptance's shape (item 10)."""
    link = result['link']
    return [{
        'item': 10,
        'criterion': 'reading %d elements of one type at %d per page, %d ms latency <= %.1fx the floor (pages x latency)' % (
            result['elements'], result['page_cap'], result['latency_s'] * 1000, RATIO_MAX),
        'pass': link['ratio'] <= RATIO_MAX and link['reads'] == result['pages'],
        'detail': 'by next-page link %.3f s in %d reads vs floor %.3f s (%d pages) = %.3f (vs %d one-element GETs side by '
                  'side, %.3f s: %.3f); offsets only %.3f s in %d reads = %.3f (medians of %d)' % (
                      link['wall_s'], link['reads'], result['floor_s'], result['pages'], link['ratio'], result['pages'],
                      result['wire_s'], link['ratio_to_wire'], result['offset']['wall_s'], result['offset']['reads'],
                      result['offset']['ratio'], result['repeats']),
    }]


def lines(result):
    """The table's lines for the paged read."""
    return ['7. paged read of %d %s elements, %d per page, %d ms latency (floor: %d pages x latency = %.2f s), in process:'
            % (result['elements'], ELEMENT_TYPE, result['page_cap'], result['latency_s'] * 1000, result['pages'], result['floor_s']),
            '   by next-page link %.3f s (%d reads): %.3f; offsets only %.3f s (%d reads): %.3f' % (
                result['link']['wall_s'], result['link']['reads'], result['link']['ratio'], result['offset']['wall_s'],
                result['offset']['reads'], result['offset']['ratio']),
            '   the wire alone, side by side: %d GETs of one element %.3f s; the linked read over it: %.3f' % (
                result['pages'], result['wire_s'], result['link']['ratio_to_wire']), '']
