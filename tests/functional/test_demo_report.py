# -*- coding: utf-8 -*-
"""What `make demo` shows: the role's console output agrees with what the element module did, and
tools/demo_report.py turns the simulator's journal of a real run under the lock into a table of every request (method,
path, status, token label) and an SVG timeline of the lock across token renewals, without a token or its fingerprint."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from playbook_runner import COLLECTION_ROOT, explain

TOOL = os.path.join(COLLECTION_ROOT, 'tools', 'demo_report.py')
SVG = '{http://www.w3.org/2000/svg}'

PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.include_role:
        name: apiauth.vendors.sbc_locked_change
      vars:
        sbc_locked_change_connection: {token_lifetime: 3, refresh_margin: 2}
        sbc_locked_change_elements: "{{ report_elements }}"
'''
ELEMENTS = [{'element_type': 'realm-config', 'attributes': {'identifier': 'report-%d' % n, 'network-interfaces': 'M10:0'}}
            for n in range(1, 13)]


def run_role(runner, tmp_path):
    playbook = tmp_path / 'report.yml'
    playbook.write_text(PLAY)
    proc, _result = runner.run(str(playbook), extra_vars={'report_elements': ELEMENTS})
    assert proc.returncode == 0, explain(proc)
    return proc


def test_the_role_output_and_the_demo_report_agree_with_a_real_run_under_the_lock(simulator, runner, tmp_path):
    # Tokens renewed once a second old (2 s of slack on a loaded machine); the run takes longer: at least one renewal.
    simulator.configure(sbc_token_lifetime=3, latency=0.1)
    proc = run_role(runner, tmp_path)
    # The role's console: what the element module did, and no verify/save shown as skipped in the run that did them.
    assert not re.search(r'skipping: .*item=(verify|save|activate)', proc.stdout), proc.stdout
    assert '12 element(s) changed in 12 write(s); then verify, save' in proc.stdout
    actions = [e['query'] for e in simulator.journal_entries(vendor='oracle_sbc', kind='management')]
    assert actions == ['action=verify', 'action=save']
    if not os.path.exists(TOOL):
        pytest.skip('tools/ is development tooling, not in the tarball')
    entries = simulator.journal_entries(vendor='oracle_sbc')
    renewals = [e for e in entries if e['kind'] == 'reauth']
    writes = [e for e in entries if e['kind'] == 'config_write']
    assert renewals and len(writes) == 12
    run_file = tmp_path / 'run-1.json'
    run_file.write_text(json.dumps({'run': 1, 'token_lifetime': 3, 'refresh_margin': 2, 'changed': True,
                                    'entries': entries}))
    svg_file = tmp_path / 'timeline.svg'
    report = subprocess.run([sys.executable, TOOL, '--table', '--svg', str(svg_file), str(run_file)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=60,
                            check=False)
    assert report.returncode == 0, report.stdout
    table = report.stdout
    assert 'SBC token lifetime 3 s' in table and '%d renewal(s)' % len(renewals) in table
    # Every request is in the table: one row each, or a folded row that says how many.
    rows = [line.split() for line in table.splitlines() if re.match(r'^  \d', line)]
    counted = sum(int(row[2][1:]) if row[2].startswith('x') else 1 for row in rows)
    assert counted == len(entries)
    assert re.search(r'POST +200 +new T1 +auth/token', table) and re.search(r'POST +200 +T1 -> T2 +auth/token', table)
    assert re.search(r'POST +204 +T\d+ \(lock holder\) +configuration/unlock', table)
    # Labels, never a token or its fingerprint.
    fingerprints = {e[k] for e in entries for k in ('token_fp', 'body_token_fp', 'new_token_fp') if e[k]}
    picture = svg_file.read_text()
    for text in (table, picture):
        assert not [fp for fp in fingerprints if fp in text]
    root = ET.fromstring(picture)
    titles = [t.text for t in root.iter(SVG + 'title')]
    assert len([t for t in titles if t.startswith('login:')]) == 1
    assert len([t for t in titles if t.startswith('renewal:')]) == len(renewals)
    ticks = [t for t in titles if t.startswith(('POST ', 'PUT ', 'DELETE '))]
    assert len(ticks) == len(writes) and all('(lock holder)' in t for t in ticks)
    assert 'released' in [t.text for t in root.iter(SVG + 'text')]
