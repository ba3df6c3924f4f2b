# -*- coding: utf-8 -*-
"""Issue 24 row 11: a takeover is a decision. After taking the lock over from a run that is gone, the role applies
its own desired state and stops before verify, save and activate, unless told to go on."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from playbook_runner import explain
from test_sbc_lock_runs import flat, lock_free


def _leave_the_lock(simulator, runner):
    proc, _result = runner.run('lock_and_leave.yml')
    assert proc.returncode == 0, explain(proc)
    assert not lock_free(simulator), 'the run ended holding the lock'
    return simulator.journal_entries()[-1]['seq']


def test_after_a_takeover_the_role_applies_its_change_and_stops_before_saving(simulator, runner):
    mark = _leave_the_lock(simulator, runner)
    proc, _result = runner.run('role_takeover.yml', extra_vars={'realm': 'mine-1', 'go_on': False})
    assert proc.returncode != 0, explain(proc)
    out = flat(proc.stdout)
    assert 'The SBC change stopped before verify, save and activate, and the configuration lock was released: the ' \
           'configuration lock was taken over from the run of admin on this controller, pid' in out, explain(proc)
    assert 'run again with sbc_locked_change_force_management=true' in out
    entries = [e for e in simulator.journal_entries(since=mark) if e['vendor'] == 'oracle_sbc']
    assert [(e['kind'], e['status']) for e in entries if e['kind'] in ('config_write', 'management')] == [('config_write', 200)]
    assert lock_free(simulator)
    config = simulator.state_snapshot()['config']
    assert {'left-half', 'mine-1'} <= set(config['elements']['realm-config'])  # both in the candidate configuration
    assert config['saved_revision'] < config['revision'], 'nothing was saved'


def test_after_a_takeover_the_role_goes_on_when_told_to(simulator, runner):
    mark = _leave_the_lock(simulator, runner)
    proc, _result = runner.run('role_takeover.yml', extra_vars={'realm': 'mine-2', 'go_on': True})
    assert proc.returncode == 0, explain(proc)
    assert 'took over the configuration lock from the run of admin' in flat(proc.stdout)  # the warning still says so
    entries = [e for e in simulator.journal_entries(since=mark) if e['vendor'] == 'oracle_sbc']
    kinds = [e['kind'] for e in entries]
    assert kinds.count('config_write') == 1 and 'management' in kinds, kinds
    assert lock_free(simulator)
