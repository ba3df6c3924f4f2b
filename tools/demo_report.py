# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What `make demo` sent to the simulated Oracle SBC, from the simulator's journal: a compact table of each run's
requests, and an SVG timeline of the configuration lock's life across token renewals.

Input: one JSON file per run, as playbooks/demo_sbc_change.yml writes them:
    {"run": 1, "token_lifetime": 3, "refresh_margin": 2, "changed": true, "entries": [journal entries]}
Tokens appear only as labels (T1, T2, ...) given in the order the simulator issued them: the journal holds
fingerprints, never tokens, and this report shows not even those.

    demo_report.py [--table] [--svg OUT.svg] run-1.json run-2.json ...

Standard library only (runs with any Python 3.6+).
"""

from __future__ import absolute_import, division, print_function

import argparse
import json
import sys
from xml.sax.saxutils import escape

API_PREFIX = '/rest/v1.2/'
REAL_LIFETIME = 600


class Labels(object):
    """T1, T2, ... for token fingerprints, in the order they are first seen (issued, or presented)."""

    def __init__(self):
        self.names = {}

    def __call__(self, fp):
        if not fp:
            return '-'
        if fp not in self.names:
            self.names[fp] = 'T%d' % (len(self.names) + 1)
        return self.names[fp]


def short_path(entry):
    path = entry['path']
    if path.startswith(API_PREFIX):
        path = path[len(API_PREFIX):]
    query = entry.get('query') or ''
    return path + ('?' + query if query else '')


def token_column(entry, label):
    """Which token: the one presented (with 'holder' when it held the lock), or what a login/renewal issued."""
    if entry['kind'] == 'login':
        return 'new ' + label(entry.get('new_token_fp'))
    if entry['kind'] == 'reauth':
        return '%s -> %s' % (label(entry.get('body_token_fp')), label(entry.get('new_token_fp')))
    text = label(entry.get('token_fp'))
    if entry.get('is_lock_owner'):
        return text + ' (lock holder)'
    if entry['kind'] == 'lock' and entry['status'] in (200, 204):
        return text + ' (takes the lock)'
    return text


def rows(entries, label):
    """One row per request, consecutive identical rows (method, path, status, token) folded into one with a count."""
    folded = []
    for entry in entries:
        # Labels in journal order, whatever is folded.
        for fp in (entry.get('body_token_fp'), entry.get('new_token_fp'), entry.get('token_fp')):
            label(fp)
        key = (entry['method'], short_path(entry), str(entry['status']), token_column(entry, label))
        if folded and folded[-1]['key'] == key:
            folded[-1]['count'] += 1
            folded[-1]['last'] = entry['seq']
        else:
            folded.append({'key': key, 'count': 1, 'first': entry['seq'], 'last': entry['seq'], 'ts': entry['ts']})
    return folded


def renewals(entries):
    return [entry for entry in entries if entry['kind'] == 'reauth']


def table(runs):
    """The text of the summary: per run, the token lifetime, then each request (folded) in a compact table."""
    label = Labels()
    out = []
    for run in runs:
        entries = run['entries']
        start = entries[0]['ts'] if entries else 0
        lifetime = run.get('token_lifetime')
        out.append('run %s (%s): SBC token lifetime %s s in this demo (a real SBC: %d s), renewed %s s before expiry; '
                   '%d request(s), %d renewal(s)' % (
                       run.get('run'), 'changed' if run.get('changed') else 'nothing to change', lifetime,
                       REAL_LIFETIME, run.get('refresh_margin', '?'), len(entries), len(renewals(entries))))
        folded = rows(entries, label)
        width = max([len(row['key'][3]) for row in folded] + [5])
        out.append('  %-7s %6s %4s  %-6s %6s  %-*s  %s' % ('#', 't (s)', 'n', 'method', 'status', width, 'token', 'path'))
        for row in folded:
            method, path, status, token = row['key']
            seq = '%d' % row['first'] if row['count'] == 1 else '%d-%d' % (row['first'], row['last'])
            count = '' if row['count'] == 1 else 'x%d' % row['count']
            fields = (seq, row['ts'] - start, count, method, status, width, token, path)
            out.append('  %-7s %6.2f %4s  %-6s %6s  %-*s  %s' % fields)
    return '\n'.join(out)


# --- SVG timeline ------------------------------------------------------------------------------------------------

COLOURS = ('#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22')


def svg(run, label=None):
    """An SVG picture of one run: each token's life on its own lane, the lock bar coloured by the token holding it,
    the login, each renewal (the lock handed to the new token), each write on the lane of the token that carried it,
    verify/save/activate, and the release."""
    label = label or Labels()
    entries = run['entries']
    for entry in entries:
        for fp in (entry.get('body_token_fp'), entry.get('new_token_fp'), entry.get('token_fp')):
            label(fp)
    issued = [e for e in entries if e['kind'] in ('login', 'reauth') and e.get('new_token_fp') and e['status'] == 200]
    tokens = [e['new_token_fp'] for e in issued]
    if not entries or not tokens:
        raise ValueError('run %s: no login or renewal in the journal' % run.get('run'))
    t0, t1 = entries[0]['ts'], entries[-1]['ts']
    span = max(t1 - t0, 0.001)
    left, right, top, lane = 150, 40, 78, 30
    width = 960
    plot = width - left - right
    lock_y = top
    lanes_top = top + 2 * lane
    height = lanes_top + lane * len(tokens) + 80

    def x(ts):
        return left + plot * (ts - t0) / span

    def colour(fp):
        return COLOURS[(int(label(fp)[1:]) - 1) % len(COLOURS)] if fp else '#999999'

    def lane_y(fp):
        return lanes_top + lane * tokens.index(fp) + lane / 2 if fp in tokens else None

    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
        'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">' % (width, height, width, height),
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        '<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>' % (left - 140, escape(
            'The Oracle SBC configuration lock across token renewals (make demo, run %s)' % run.get('run'))),
        '<text x="%d" y="42" fill="#444">%s</text>' % (left - 140, escape(
            'token lifetime %s s (a real SBC: %d s), renewed %s s before expiry: %d renewal(s), %d write(s), '
            'one lock from login to release' % (
                run.get('token_lifetime'), REAL_LIFETIME, run.get('refresh_margin', '?'), len(issued) - 1,
                len([e for e in entries if e['kind'] == 'config_write'])))),
    ]
    # Time axis.
    axis_y = height - 40
    parts.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888"/>' % (left, axis_y, left + plot, axis_y))
    step = 1 if span <= 12 else 2 if span <= 30 else 5 if span <= 80 else 10
    tick = 0
    while tick <= span + 1e-9:
        tx = left + plot * tick / span
        parts.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#888"/>' % (tx, axis_y, tx, axis_y + 4))
        parts.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#444">%d s</text>' % (tx, axis_y + 17, tick))
        tick += step
    # The lock: from the lock request that took it to the release, coloured by the token holding it.
    locked = [e for e in entries if e['kind'] == 'lock' and e['status'] in (200, 204)]
    released = [e for e in entries if e['kind'] == 'unlock' and e['status'] in (200, 204)]
    parts.append('<text x="%d" y="%d" dominant-baseline="middle">configuration lock</text>' % (left - 140, lock_y + 10))
    if locked:
        start = locked[0]
        end = released[-1]['ts'] if released else t1
        holder, since = start.get('token_fp'), start['ts']
        for entry in renewals(entries):
            if start['ts'] < entry['ts'] < end and entry.get('body_token_fp') == holder and entry['status'] == 200:
                parts.append(_bar(x(since), x(entry['ts']), lock_y, colour(holder), label(holder)))
                holder, since = entry['new_token_fp'], entry['ts']
        parts.append(_bar(x(since), x(end), lock_y, colour(holder), label(holder)))
        parts.append(_marker(x(start['ts']), lock_y - 4, 'lock taken', 'start'))
        if released:
            parts.append(_marker(x(end), lock_y - 4, 'released', 'end'))
    # One lane per token: from its issue to its replacement (or the end of the run).
    for index, entry in enumerate(issued):
        fp = entry['new_token_fp']
        y = lane_y(fp)
        end = issued[index + 1]['ts'] if index + 1 < len(issued) else t1
        parts.append('<text x="%d" y="%.1f" dominant-baseline="middle">token %s</text>' % (left - 140, y, label(fp)))
        parts.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="3" stroke-opacity="0.35"/>'
                     % (x(entry['ts']), y, x(end), y, colour(fp)))
        if entry['kind'] == 'login':
            parts.append('<circle cx="%.1f" cy="%.1f" r="5" fill="%s"><title>login: %s issued</title></circle>'
                         % (x(entry['ts']), y, colour(fp), label(fp)))
            parts.append('<text x="%.1f" y="%.1f" font-size="10" text-anchor="end" fill="#444">login</text>'
                         % (x(entry['ts']) - 8, y + 4))
        else:
            old_y = lane_y(entry.get('body_token_fp'))
            if old_y is not None:
                parts.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333" stroke-dasharray="3,2"/>'
                             % (x(entry['ts']), old_y, x(entry['ts']), y))
            parts.append('<path d="M%.1f %.1f l-4 -7 h8 z" fill="#333"><title>renewal: %s re-authenticated with %s, '
                         'the lock handed to %s</title></path>' % (x(entry['ts']), y - 3, label(fp),
                                                                   label(entry.get('body_token_fp')), label(fp)))
            parts.append('<text x="%.1f" y="%.1f" font-size="10" fill="#444">renewal</text>'
                         % (x(entry['ts']) + 5, y - 6))
    # Writes and configuration actions, on the lane of the token that carried them.
    for entry in entries:
        y = lane_y(entry.get('token_fp'))
        if y is None:
            continue
        if entry['kind'] == 'config_write':
            ok = entry.get('is_lock_owner')
            parts.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.5"><title>%s %s '
                         '-> %s with %s%s</title></line>' % (
                             x(entry['ts']), y - 8, x(entry['ts']), y + 8, '#2a7d2a' if ok else '#cc0000',
                             entry['method'], escape(short_path(entry)), entry['status'], label(entry.get('token_fp')),
                             ' (lock holder)' if ok else ' (NOT the lock holder)'))
        elif entry['kind'] == 'management':
            action = (entry.get('query') or '').replace('action=', '')
            parts.append('<rect x="%.1f" y="%.1f" width="8" height="8" transform="rotate(45 %.1f %.1f)" fill="#6a3d9a">'
                         '<title>%s</title></rect>' % (x(entry['ts']) - 4, y - 4, x(entry['ts']), y, escape(action)))
            parts.append('<text x="%.1f" y="%.1f" font-size="10" fill="#6a3d9a">%s</text>'
                         % (x(entry['ts']) + 2, y + 18, escape(action)))
    # Legend.
    legend_y = height - 10
    parts.append('<text x="%d" y="%d" font-size="11" fill="#444">%s</text>' % (left - 140, legend_y, escape(
        'bars: each token from its issue to its renewal; lock bar coloured by the token holding it; green ticks: '
        'writes (sent by the lock holder); diamonds: verify/save/activate')))
    parts.append('</svg>')
    return '\n'.join(parts) + '\n'


def _bar(x1, x2, y, colour, text):
    return ('<rect x="%.1f" y="%d" width="%.1f" height="20" fill="%s" fill-opacity="0.8"><title>held by %s</title></rect>'
            '<text x="%.1f" y="%d" font-size="10" fill="#fff" dominant-baseline="middle">%s</text>'
            % (x1, y, max(x2 - x1, 1), colour, text, x1 + 3, y + 10, text if x2 - x1 > 18 else ''))


def _marker(xpos, y, text, anchor):
    return '<text x="%.1f" y="%d" font-size="10" text-anchor="%s" fill="#444">%s</text>' % (xpos, y, anchor, escape(text))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('runs', nargs='+', help='run-N.json files written by playbooks/demo_sbc_change.yml')
    parser.add_argument('--table', action='store_true', help='print each run\'s requests as a compact table')
    parser.add_argument('--svg', help='write the lock timeline of the first run with a renewal to this file')
    args = parser.parse_args(argv)
    runs = []
    for path in args.runs:
        with open(path) as handle:
            runs.append(json.load(handle))
    runs.sort(key=lambda run: run.get('run', 0))
    if args.table:
        print(table(runs))
    if args.svg:
        label = Labels()
        chosen = None
        for run in runs:
            if renewals(run['entries']) and any(e['kind'] == 'config_write' for e in run['entries']):
                chosen = run
                break
        if chosen is None:
            print('demo_report: no run with a renewal and a write to draw', file=sys.stderr)
            return 1
        for run in runs:  # the same labels as the table
            if run is chosen:
                break
            rows(run['entries'], label)
        with open(args.svg, 'w') as handle:
            handle.write(svg(chosen, label))
        print('lock timeline: %s' % args.svg)
    return 0


if __name__ == '__main__':
    sys.exit(main())
