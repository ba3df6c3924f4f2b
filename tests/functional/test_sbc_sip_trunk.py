# -*- coding: utf-8 -*-
"""The SIP-trunk example of README.md (issue 20), run through the sbc_locked_change role against the simulator for
each behaviour the documents leave open (one setting at a time), and judged from the simulator's journal and its
stored configuration: the first run applies it, the second writes nothing, a deep edit is one write named by its
path, a sip-port left out is removed alone, check mode shows the one changed path and writes nothing. A singleton
(sip-config) is created when absent and edited when present."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import os
import re

import pytest
import yaml

from playbook_runner import COLLECTION_ROOT, explain

FENCE = re.compile(r'^```yaml\n(.*?)^```', re.M | re.S)
DIFF = {'ANSIBLE_DIFF_ALWAYS': '1'}
HOST_RULE = 'sip-manipulation[name=peer-2-in].header-rule[name=fix-pai].element-rule[name=host]'
UDP_PORT = 'sip-interface[realm-id=peer-2].sip-port[address=192.0.2.10,port=5060,transport-protocol=UDP]'
TLS_PORT = 'sip-interface[realm-id=peer-2].sip-port[address=192.0.2.10,port=5061,transport-protocol=TLS]'


def trunk_elements(readme):
    """sbc_locked_change_elements of the one YAML block of ``readme`` that holds sip-ports: the example users read."""
    with open(os.path.join(COLLECTION_ROOT, readme)) as handle:
        found = [yaml.safe_load(body) for body in FENCE.findall(handle.read()) if 'sip-port:' in body]
    assert len(found) == 1, '%s: one SIP-trunk example expected' % readme

    def elements(node):
        if isinstance(node, dict):
            if 'sbc_locked_change_elements' in node:
                return node['sbc_locked_change_elements']
            node = list(node.values())
        for item in node if isinstance(node, list) else ():
            hit = elements(item)
            if hit is not None:
                return hit
        return None

    return copy.deepcopy(elements(found[0]))


def writes(sim):
    return [e['method'] for e in sim.journal_entries(vendor='oracle_sbc', kind='config_write')]


def stored(sim, etype):
    """{key: (attributes, sub-elements)} of the candidate configuration, sub-elements as [(type, attributes, subs)]."""
    def plain(element):
        return (element.etype, sorted(element.attrs), [plain(sub) for sub in element.subs])
    with sim.state.lock:
        return {key: plain(element) for key, element in sim.state.config.candidate.get(etype, {}).items()}


def sub_keys(element, stype, *names):
    """The key tuples of the sub-elements of type ``stype`` of a stored element, sorted."""
    return sorted(tuple(dict(attrs)[name] for name in names) for etype, attrs, _subs in element[2] if etype == stype)


def run(runner, elements, **kwargs):
    proc, result = runner.run('elements_change.yml', extra_vars={'elements': elements}, **kwargs)
    assert proc.returncode == 0 and result and result['failure'] is None, explain(proc)
    return proc, result['result']


def sub_paths(result):
    return [(change['path'], change['action']) for item in result['results'] for change in item.get('changed_sub_elements', [])]


def diff_headers(result):
    diff = result.get('diff', [])
    return [entry.get('before_header') for entry in (diff if isinstance(diff, list) else [diff])]


def element_rule(trunk, name):
    manipulation = next(e for e in trunk if e['element_type'] == 'sip-manipulation')
    return next(rule for rule in manipulation['attributes']['header-rule'][0]['element-rule'] if rule['name'] == name)


def sip_ports(trunk):
    return next(e for e in trunk if e['element_type'] == 'sip-interface')['attributes']['sip-port']


def test_both_readmes_show_the_same_trunk():
    assert trunk_elements('README.md') == trunk_elements(os.path.join('roles', 'sbc_locked_change', 'README.md'))


# One behaviour the documents leave open at a time (tests/simulator/README.md), each with the steps it bears on (every
# ansible-playbook run costs seconds): all of them on the defaults; the writes under a merging PUT; the reads (run 2
# must see exactly what run 1 wrote) under the other reply shapes.
ALL = ('apply', 'again', 'deep', 'check', 'remove')


@pytest.mark.parametrize('settings,steps', [
    pytest.param({}, ALL, id='replace-subElementType-attributes'),
    pytest.param({'sbc_put_subelements': 'merge'}, ('apply', 'deep', 'remove'), id='put-merge'),
    pytest.param({'sbc_subelement_tag': 'elementType'}, ('apply', 'again'), id='tag-elementType'),
    pytest.param({'sbc_multivalue': 'values'}, ('apply', 'again'), id='multivalue-values'),
])
def test_the_readme_sip_trunk(simulator, runner, settings, steps):
    simulator.configure(**settings)
    trunk = trunk_elements('README.md')

    # run 1 applies it: one POST per element, sub-elements inside
    _proc, result = run(runner, trunk)
    assert writes(simulator) == ['POST'] * len(trunk)
    assert result['changed'] is True and result['writes'] == len(trunk)
    interface = stored(simulator, 'sip-interface')['peer-2']
    assert sub_keys(interface, 'sip-port', 'address', 'port', 'transport-protocol') == [
        ('192.0.2.10', '5060', 'UDP'), ('192.0.2.10', '5061', 'TLS')]
    manipulation = stored(simulator, 'sip-manipulation')['peer-2-in']
    (rule,) = [sub for sub in manipulation[2] if sub[0] == 'header-rule']
    assert sub_keys(rule, 'element-rule', 'name') == [('host',), ('user',)]
    (policy,) = stored(simulator, 'local-policy').values()
    assert sub_keys(policy, 'policy-attribute', 'next-hop') == [('sa1.peer2.example.com',)]
    realm = stored(simulator, 'realm-config')['peer-2']
    assert [v for n, v in realm[1] if n == 'network-interfaces'] == ['M10:0', 'M11:0']

    # run 2: nothing to do, no write, no verify or save
    if 'again' in steps:
        simulator.clear_journal()
        _proc, result = run(runner, trunk)
        assert writes(simulator) == [] and result['changed'] is False and result['writes'] == 0, result
        assert simulator.journal_entries(vendor='oracle_sbc', kind='management') == []
    if 'deep' not in steps:
        return

    # one element-rule deep inside the sip-manipulation: one write, the diff names its path
    simulator.clear_journal()
    element_rule(trunk, 'host')['new-value'] = 'edge.example.com'
    proc, result = run(runner, trunk, env=DIFF)
    assert writes(simulator) == ['PUT'] and result['writes'] == 1, result
    assert (HOST_RULE, 'update') in sub_paths(result), sub_paths(result)
    assert [path for path, _action in sub_paths(result) if 'element-rule' in path] == [HOST_RULE]
    assert HOST_RULE + ' (before)' in diff_headers(result) and HOST_RULE in proc.stdout, explain(proc)
    (rule,) = [sub for sub in stored(simulator, 'sip-manipulation')['peer-2-in'][2] if sub[0] == 'header-rule']
    rules = {dict(attrs)['name']: dict(attrs) for _etype, attrs, _subs in rule[2]}
    assert rules['host']['new-value'] == 'edge.example.com' and rules['user']['new-value'] == '+15551230000'

    # --check --diff after editing one sip-port: exactly that path, no write
    if 'check' in steps:
        simulator.clear_journal()
        edited = copy.deepcopy(trunk)
        sip_ports(edited)[1]['tls-profile'] = 'peer-tls-2'
        proc, result = run(runner, edited, check=True, env=DIFF)
        assert writes(simulator) == [] and result['writes'] == 0, result
        assert sub_paths(result) == [(TLS_PORT, 'update')]
        assert diff_headers(result) == [TLS_PORT + ' (before)'], explain(proc)
        assert [r['element_type'] for r in result['results'] if r['changed']] == ['sip-interface']
        interface = stored(simulator, 'sip-interface')['peer-2']
        assert [dict(attrs).get('tls-profile') for etype, attrs, _subs in interface[2] if etype == 'sip-port'
                and dict(attrs)['port'] == '5061'] == ['peer-tls']

    # a sip-port left out of the list is removed, the other stays (replace: one PUT; merge: the engine's way round)
    simulator.clear_journal()
    del sip_ports(trunk)[0]
    proc, result = run(runner, trunk)
    if not settings:
        assert writes(simulator) == ['PUT'] and result['writes'] == 1, result
    else:  # the PUT merged, so the removal took more: the run says so
        assert '[WARNING]' in proc.stdout and 'sip-port' in proc.stdout, explain(proc)
    assert sub_paths(result) == [(UDP_PORT, 'delete')]
    interface = stored(simulator, 'sip-interface')['peer-2']
    assert sub_keys(interface, 'sip-port', 'address', 'port', 'transport-protocol') == [('192.0.2.10', '5061', 'TLS')]
    assert dict(interface[1]).get('in-manipulationid') == 'peer-2-in'
    assert [dict(attrs).get('tls-profile') for _etype, attrs, _subs in interface[2]] == ['peer-tls']
    assert sorted(stored(simulator, 'realm-config')) == ['core', 'peer', 'peer-2']


@pytest.mark.parametrize('singleton_post', ['attributes', 'type_only'])
def test_a_singleton_is_created_when_absent_and_edited_when_present(simulator, runner, singleton_post):
    simulator.configure(sbc_singleton_post=singleton_post)
    assert stored(simulator, 'sip-config') == {}
    desired = [{'element_type': 'sip-config', 'attributes': {'registrar-domain': '*', 'sip-message-len': '4096'}}]
    _proc, result = run(runner, desired)
    done = writes(simulator)
    assert done[:1] == ['POST'] and set(done) <= {'POST', 'PUT'} and len(done) <= 2, done
    assert [(r['action'], r['key']) for r in result['results']] == [('create', {})]
    attrs = dict(stored(simulator, 'sip-config')[''][1])
    assert attrs['registrar-domain'] == '*' and attrs['sip-message-len'] == '4096'

    simulator.clear_journal()
    desired[0]['attributes']['sip-message-len'] = '8192'
    proc, result = run(runner, desired, env=DIFF)
    assert writes(simulator) == ['PUT'], explain(proc)
    assert [(r['action'], r['changed_attributes']) for r in result['results']] == [('update', ['sip-message-len'])]
    assert diff_headers(result) == ['sip-config (before)']
    attrs = dict(stored(simulator, 'sip-config')[''][1])
    assert attrs['registrar-domain'] == '*' and attrs['sip-message-len'] == '8192'


def test_the_role_takes_sub_element_keys_for_a_type_nothing_else_describes(simulator, runner):
    """rate-constraints: neither the built-in table nor the simulator's metadata names its keys; the entry does."""
    hostname = 'sa1.peer2.example.com'
    with simulator.state.lock:
        simulator.state.config.seed('session-agent', [{'hostname': hostname, 'port': '5060', 'rate-constraints': [
            {'name': 'invite', 'method': 'INVITE', 'max-inbound-burst-rate': '10'},
            {'name': 'register', 'method': 'REGISTER', 'max-inbound-burst-rate': '10'}]}])
    desired = [{'element_type': 'session-agent', 'sub_element_keys': {'rate-constraints': ['name']}, 'attributes': {
        'hostname': hostname, 'rate-constraints': [{'name': 'invite', 'method': 'INVITE', 'max-inbound-burst-rate': 20}]}}]
    _proc, result = run(runner, desired)
    assert writes(simulator) == ['PUT'], result
    path = 'session-agent[hostname=%s].rate-constraints[name=%%s]' % hostname
    assert sorted(sub_paths(result)) == [(path % 'invite', 'update'), (path % 'register', 'delete')]
    (agent,) = stored(simulator, 'session-agent').values()
    assert [dict(attrs)['max-inbound-burst-rate'] for _etype, attrs, _subs in agent[2]] == ['20']
