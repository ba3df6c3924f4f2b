# -*- coding: utf-8 -*-
"""Issue 20's round trip: what sbc_config_info returns (sub-elements nested, multi-valued attributes, a singleton,
more elements than one page) handed back unchanged to sbc_config_element changes nothing; and the collection's
example playbooks/sbc_backup_and_drift.yml backs a configuration up, finds no drift, names the drift made behind
its back by path without writing, and restores it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest
import yaml

from playbook_runner import COLLECTION_ROOT, explain

EXAMPLE = os.path.join(COLLECTION_ROOT, 'playbooks', 'sbc_backup_and_drift.yml')
AGENTS = 130  # more than one page of 100
TYPES = ['realm-config', 'sip-manipulation', 'sip-interface', 'session-agent', 'session-group', 'local-policy',
         'steering-pool', 'sip-config']


def agent(n):
    return 'sa%03d.peer2.example.com' % n


def manipulation(host_rule=True, host='sbc.example.com'):
    rules = [{'name': 'user', 'type': 'uri-user', 'action': 'replace', 'new-value': '+15551230000'}]
    if host_rule:
        rules.append({'name': 'host', 'type': 'uri-host', 'action': 'replace', 'new-value': host})
    return {'name': 'peer-2-in', 'header-rule': [
        {'name': 'fix-pai', 'header-name': 'P-Asserted-Identity', 'action': 'manipulate', 'element-rule': rules},
        {'name': 'strip-diversion', 'header-name': 'Diversion', 'action': 'delete'}]}


def interface(tls_profile='peer-tls'):
    return {'realm-id': 'peer-2', 'in-manipulationid': 'peer-2-in', 'sip-port': [
        {'address': '192.0.2.10', 'port': '5060', 'transport-protocol': 'UDP'},
        {'address': '192.0.2.10', 'port': '5061', 'transport-protocol': 'TLS', 'tls-profile': tls_profile}]}


SEED = {
    'realm-config': [{'identifier': 'peer-2', 'network-interfaces': ['M10:0', 'M11:0'], 'description': 'peering partner 2'}],
    'sip-manipulation': [manipulation()],
    'sip-interface': [interface()],
    'session-agent': [{'hostname': agent(n), 'ip-address': '198.51.100.%d' % (n + 1), 'port': '5060', 'realm-id': 'peer-2'}
                      for n in range(AGENTS)],
    'session-group': [{'group-name': 'peer-2-agents', 'dest': [agent(0), agent(1)]}],
    'local-policy': [{'from-address': '*', 'to-address': '+1555', 'source-realm': 'core', 'policy-attribute': [
        {'next-hop': agent(0), 'realm': 'peer-2'}, {'next-hop': agent(1), 'realm': 'peer-2'}]}],
    'steering-pool': [{'ip-address': '192.0.2.10', 'start-port': '20000', 'end-port': '29999', 'realm-id': 'peer-2'}],
    'sip-config': [{'registrar-domain': '*', 'options': ['max-udp-length=0', 'reg-cache-mode=none']}],
}
# realm-config core and peer are the simulator's own
COUNT = sum(len(elements) for elements in SEED.values()) + 2


def seed(sim, **replace):
    with sim.state.lock:
        for etype, elements in dict(SEED, **replace).items():
            sim.state.config.seed(etype, elements)


def stored(sim):
    """The candidate configuration as comparable data: attributes and sub-elements sorted."""
    def plain(element):
        return (element.etype, sorted(element.attrs), sorted(plain(sub) for sub in element.subs))
    with sim.state.lock:
        return {etype: {key: plain(element) for key, element in elements.items()}
                for etype, elements in sim.state.config.candidate.items() if elements}


def writes(sim):
    return [e['method'] for e in sim.journal_entries(vendor='oracle_sbc', kind='config_write')]


@pytest.mark.parametrize('settings', [
    pytest.param({}, id='subElementType-attributes'),
    pytest.param({'sbc_multivalue': 'values', 'sbc_subelement_tag': 'elementType'}, id='values-elementType'),
])
def test_what_info_returns_changes_nothing_when_handed_back(simulator, runner, settings):
    simulator.configure(**settings)
    seed(simulator)
    before = stored(simulator)
    proc, result = runner.run('config_roundtrip.yml', extra_vars={'types': TYPES})
    assert proc.returncode == 0 and result, explain(proc)
    elements = result['elements']
    assert len(elements) == COUNT
    by_type = {}
    for element in elements:
        by_type.setdefault(element['element_type'], []).append(element['attributes'])
    assert len(by_type['session-agent']) == AGENTS
    (found,) = by_type['sip-manipulation']
    rules = found['header-rule']
    assert [rule['name'] for rule in rules] == ['fix-pai', 'strip-diversion']
    assert [rule['name'] for rule in rules[0]['element-rule']] == ['user', 'host']
    assert [port['port'] for port in by_type['sip-interface'][0]['sip-port']] == ['5060', '5061']
    assert by_type['sip-config'] == [{'registrar-domain': '*', 'options': ['max-udp-length=0', 'reg-cache-mode=none']}]
    assert by_type['session-group'][0]['dest'] == [agent(0), agent(1)]

    applied = result['applied']
    assert applied['changed'] is False and applied['writes'] == 0, applied
    assert [r['action'] for r in applied['results']] == ['none'] * COUNT
    assert writes(simulator) == []
    assert stored(simulator) == before


def test_the_backup_and_drift_example(simulator, runner, tmp_path):
    seed(simulator)
    before = stored(simulator)
    backup, report = str(tmp_path / 'sbc-backup.yml'), str(tmp_path / 'drift.json')
    options = {'sbc_backup_file': backup, 'sbc_backup_types': TYPES}

    proc, _result = runner.run(EXAMPLE, extra_vars=options)
    assert proc.returncode == 0, explain(proc)
    with open(backup) as handle:
        saved = yaml.safe_load(handle)
    assert len(saved['elements']) == COUNT and saved['sbc_backup_types'] == TYPES
    assert writes(simulator) == []

    def apply(check):
        simulator.clear_journal()
        proc, _result = runner.run(EXAMPLE, extra_vars=dict(options, sbc_backup_action='apply', sbc_drift_report=report),
                                   check=check, env={'ANSIBLE_DIFF_ALWAYS': '1'})
        assert proc.returncode == 0, explain(proc)
        with open(report) as handle:
            return proc, json.load(handle)

    proc, drift = apply(check=True)
    assert drift == {'drift': False, 'elements': [], 'sub_elements': [], 'writes': 0}, explain(proc)
    assert 'no drift' in proc.stdout and writes(simulator) == []

    # behind the playbook's back: an element-rule removed, a sip-port edited, a realm described otherwise
    seed(simulator, **{'sip-manipulation': [manipulation(host_rule=False)], 'sip-interface': [interface('other-tls')],
                       'realm-config': [dict(SEED['realm-config'][0], description='edited by hand')]})
    proc, drift = apply(check=True)
    assert drift['drift'] is True and writes(simulator) == [], explain(proc)
    assert sorted(drift['elements']) == ['realm-config[identifier=peer-2] (update)', 'sip-interface[realm-id=peer-2] (update)',
                                         'sip-manipulation[name=peer-2-in] (update)']
    changed = ['sip-interface[realm-id=peer-2].sip-port[address=192.0.2.10,port=5061,transport-protocol=TLS]',
               'sip-manipulation[name=peer-2-in].header-rule[name=fix-pai].element-rule[name=host]']
    assert set(changed) <= set(drift['sub_elements']), drift
    assert all(any(path.startswith(other + '.') for path in changed) for other in set(drift['sub_elements']) - set(changed)), drift
    assert 'element-rule[name=host]' in proc.stdout, explain(proc)

    proc, drift = apply(check=False)
    assert writes(simulator) == ['PUT'] * 3 and drift['writes'] == 3, explain(proc)
    assert stored(simulator) == before
