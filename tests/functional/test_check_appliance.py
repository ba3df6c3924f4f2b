# -*- coding: utf-8 -*-
"""playbooks/check_appliance.yml: what it reports about an appliance, for each re-authentication behaviour."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from playbook_runner import COLLECTION_ROOT, explain

PLAYBOOK = os.path.join(COLLECTION_ROOT, 'playbooks', 'check_appliance.yml')


def run(runner, **extra):
    report = os.path.join(runner.workdir, 'check-report.json')
    proc, _result = runner.run(PLAYBOOK, extra_vars=dict(extra, check_appliance_report=report))
    assert proc.returncode == 0, explain(proc)
    import json
    with open(report) as handle:
        return proc, json.load(handle)


def test_read_only_check_logs_in_reads_and_changes_nothing(simulator, runner):
    proc, report = run(runner)
    assert report['login'] == 'ok' and report['latest_version'] == 'v1.2'
    assert report['other_versions'] == ['v1.0', 'v1.1']
    assert report['read'].endswith('HTTP 200')
    assert report['reauth_body'].startswith('not known yet')
    kinds = [e['kind'] for e in simulator.journal_entries(vendor='oracle_sbc')]
    assert kinds == ['login', 'versions', 'config_read']
    assert 'sbc-admin-pass' not in proc.stdout


@pytest.mark.parametrize('shape', ('token', 'accessToken', 'raw', 'ignored'))
def test_lock_cycle_reports_the_reauth_body_the_appliance_takes(simulator, runner, shape):
    simulator.configure(sbc_reauth_body=shape)
    proc, report = run(runner, check_lock_cycle=True)
    assert report['reauth_body'] == ('token' if shape == 'ignored' else shape)
    assert report['renewal_acts_as_login'] is (shape == 'ignored')
    assert report['lock_cycle'] == 'lock taken, token renewed, lock released'
    assert report['holder_relock'] == 'accepted (HTTP 204)'
    assert simulator.state_snapshot()['lock']['owner_fp'] is None
    assert not simulator.journal_entries(kind='config_write')
    if shape == 'ignored':
        assert 'as a fresh login' in ' '.join(proc.stdout.split())  # ansible-core 2.16 wraps warnings at 80 columns
    assert 'sbc-admin-pass' not in proc.stdout


def test_lock_cycle_reports_an_appliance_that_refuses_a_lock_to_its_holder(simulator, runner):
    # Undocumented (docs/protocols.md): sbc_config_lock confirms a held lock by asking for it again. The check says
    # what this appliance answers, and still gives the lock back.
    simulator.configure(sbc_relock='refused')
    _proc, report = run(runner, check_lock_cycle=True)
    assert report['holder_relock'].startswith('refused: ') and 'HTTP 423' in report['holder_relock']
    assert report['lock_cycle'] == 'lock taken, token renewed, lock released'
    assert report['renewal_acts_as_login'] is False or report['renewal_acts_as_login'] == 'not known yet'
    assert simulator.state_snapshot()['lock']['owner_fp'] is None
