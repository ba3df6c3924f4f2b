# -*- coding: utf-8 -*-
"""tools/bench/diff.py: what `make bench-diff` prints for two results files.

Here and not under tests/unit: tools/ is not in the collection's tarball, whose own tests must pass without it
(`make units` and `make ansible-test-units` run this file too)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys

BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
sys.path.insert(0, os.path.abspath(BENCH))

import diff  # noqa: E402 pylint: disable=wrong-import-position


def results(commit, per_task, passed, forks_ratio):
    return {
        'meta': {'source_commit': commit, 'load_avg_at_start': [0.5, 0.4, 0.3]},
        'lookup_in_play': {'per_task_over_noop_ms': per_task, 'tasks': 30},
        'calls': [{'forks': 1, 'wall_ratio': forks_ratio}, {'forks': 2, 'wall_ratio': 0.4}],
        'acceptance': [{'item': 6, 'criterion': 'cost', 'pass': passed}],
    }


def test_changed_numbers_verdicts_and_settings(tmp_path, capsys):
    old, new = tmp_path / 'old.json', tmp_path / 'new.json'
    old.write_text(json.dumps(results('abc', 20.0, False, 0.5)))
    new.write_text(json.dumps(results('def', 4.0, True, 0.5)))
    assert diff.main([str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert 'source_commit: abc -> def' in out
    assert '-> 6. cost: FAIL -> PASS' in out
    line = [row for row in out.splitlines() if 'lookup_in_play.per_task_over_noop_ms' in row][0]
    assert line.split()[1:] == ['20', '4', '-16', '0.200']
    assert 'calls[forks=1].wall_ratio' not in out  # unchanged: left out
    assert diff.main([str(old), str(new), '--all', '--match', 'calls']) == 0
    out = capsys.readouterr().out
    assert 'calls[forks=1].wall_ratio' in out and 'per_task' not in out


def test_unreadable_file(tmp_path, capsys):
    assert diff.main([str(tmp_path / 'missing.json'), str(tmp_path / 'missing.json')]) == 2
    assert 'cannot read' in capsys.readouterr().err
