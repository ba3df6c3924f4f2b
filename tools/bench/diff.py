# -*- coding: utf-8 -*-
"""Print the difference between two `make bench` results files: every number, old -> new, and the verdicts.

    python tools/bench/diff.py OLD/results.json NEW/results.json [--match TEXT] [--all]
    make bench-diff OLD=path/to/old/results.json [NEW=build/bench/results.json]

Numbers are matched by their path in the file (`lookup_in_play.per_task_over_noop_ms`, `calls[forks=2].wall_ratio`:
list entries are named by their `forks`, `style` or `url` field where they have one, else by position). Each line shows
the old and new value, the change and new/old; lines whose value did not change are left out unless --all. The
acceptance verdicts that changed, and the settings that differ (commit, ansible-core, load average...), come first:
wall times from two runs compare only as far as the machines and their load do, ratios taken within one run
compare better. Exit status 0, or 2 when a file cannot be read.
"""

import argparse
import json
import sys

LIST_KEYS = ('forks', 'style', 'url', 'item', 'name')


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('old')
    parser.add_argument('new')
    parser.add_argument('--match', default='', help='only numbers whose path contains this text')
    parser.add_argument('--all', action='store_true', help='also the numbers that did not change')
    return parser.parse_args(argv)


def flatten(data, prefix=''):
    """{path: leaf value} for every number, string and boolean in ``data``."""
    leaves = {}
    if isinstance(data, dict):
        for key in sorted(data):
            leaves.update(flatten(data[key], '%s.%s' % (prefix, key) if prefix else str(key)))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            label = str(index)
            if isinstance(item, dict):
                for key in LIST_KEYS:
                    if key in item and not isinstance(item[key], (dict, list)):
                        label = '%s=%s' % (key, item[key])
                        break
            leaves.update(flatten(item, '%s[%s]' % (prefix, label)))
    else:
        leaves[prefix] = data
    return leaves


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _format(value):
    if value is None:
        return '-'
    if isinstance(value, float):
        return '%.4g' % value
    return str(value)


def number_lines(old, new, match='', show_all=False):
    """(path, old, new, change, ratio) for each number in either file, in path order."""
    rows = []
    for path in sorted(set(old) | set(new)):
        if match not in path or path.startswith(('meta.', 'acceptance[')):
            continue
        before, after = old.get(path), new.get(path)
        if not (_number(before) or _number(after)):
            continue
        if before == after and not show_all:
            continue
        change = ratio = ''
        if _number(before) and _number(after):
            change = '%+.4g' % (after - before)
            ratio = '%.3f' % (float(after) / before) if before else ''
        rows.append((path, _format(before), _format(after), change, ratio))
    return rows


def verdicts(old_data, new_data):
    """Lines for the acceptance items whose verdict differs, or that only one run judged."""
    def by_item(data):
        return dict((check['item'], check) for check in data.get('acceptance', []))
    before, after = by_item(old_data), by_item(new_data)
    lines = []
    for item in sorted(set(before) | set(after)):
        was, now = _state(before.get(item)), _state(after.get(item))
        criterion = (after.get(item) or before.get(item))['criterion']
        lines.append('%s %d. %s: %s -> %s' % ('  ' if was == now else '->', item, criterion, was, now))
    return lines


def _state(check):
    if check is None:
        return 'not measured'
    return 'PASS' if check['pass'] else 'FAIL'


def settings_lines(old_data, new_data):
    before, after = flatten(old_data.get('meta', {})), flatten(new_data.get('meta', {}))
    return ['   %s: %s -> %s' % (path, _format(before.get(path)), _format(after.get(path)))
            for path in sorted(set(before) | set(after)) if before.get(path) != after.get(path)]


def render(old_data, new_data, match='', show_all=False):
    lines = ['Settings that differ:'] + (settings_lines(old_data, new_data) or ['   none'])
    lines += ['', 'Acceptance (-> marks a changed verdict):'] + (verdicts(old_data, new_data) or ['   none judged'])
    rows = number_lines(flatten(old_data), flatten(new_data), match, show_all)
    lines += ['', 'Numbers%s:' % ('' if show_all else ' that changed')]
    if rows:
        width = max(len(row[0]) for row in rows)
        lines.append('   %-*s %12s %12s %12s %8s' % (width, 'path', 'old', 'new', 'change', 'new/old'))
        lines += ['   %-*s %12s %12s %12s %8s' % ((width,) + row) for row in rows]
    else:
        lines.append('   none')
    return '\n'.join(lines)


def main(argv=None):
    args = parse_args(argv)
    loaded = []
    for path in (args.old, args.new):
        try:
            with open(path) as handle:
                loaded.append(json.load(handle))
        except (OSError, ValueError) as exc:
            print('bench diff: cannot read %s: %s' % (path, exc), file=sys.stderr)
            return 2
    print(render(loaded[0], loaded[1], args.match, args.all))
    return 0


if __name__ == '__main__':
    sys.exit(main())
