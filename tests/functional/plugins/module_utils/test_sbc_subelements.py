# -*- coding: utf-8 -*-
"""Issue 20: sub-elements at any depth, singletons and write order, through sbc/config.py against the simulator,
under each behaviour Oracle's pages leave open (a PUT's sub-elements replace or merge; how a sub-element names its
type; how multi-valued attributes are written; whether a singleton POST takes attributes; whether one is deleted)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config import apply
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_read import read_type
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.lock import acquire

PORT_UDP = {'address': '192.0.2.10', 'port': '5060', 'transport-protocol': 'UDP'}
PORT_TLS = {'address': '192.0.2.10', 'port': '5061', 'transport-protocol': 'TLS', 'tls-profile': 'peer-tls'}
TLS_PATH = 'sip-interface[realm-id=peer-2].sip-port[address=192.0.2.10,port=5061,transport-protocol=TLS]'
UDP_PATH = 'sip-interface[realm-id=peer-2].sip-port[address=192.0.2.10,port=5060,transport-protocol=UDP]'


@pytest.fixture
def session(make):
    """The SBC user's session (conftest's ``make``), holding the lock; its warnings in ``session.warnings``."""
    made = make('oracle_sbc')
    made.warnings = make.warnings
    acquire(made)
    return made


def writes(sim):
    return [(e['method'], e['status']) for e in sim.journal_entries(vendor='oracle_sbc', kind='config_write')]


def sip_interface(*ports, **attrs):
    attrs.update({'realm-id': 'peer-2', 'sip-port': [dict(port) for port in ports]})
    return dict(element_type='sip-interface', attributes=attrs)


def stored(sim, etype, key):
    """(attributes, sub-elements) of one element of the simulator's candidate configuration."""
    element = sim.state.config.candidate[etype][key]
    return dict(element.attrs), element.subs


def ports_of(sim):
    return sorted((dict(sub.attrs)['port'], dict(sub.attrs)) for sub in stored(sim, 'sip-interface', 'peer-2')[1])


def manipulation(rule_value='+15551230000'):
    rules = [{'name': 'user', 'type': 'uri-user', 'action': 'replace', 'new-value': rule_value},
             {'name': 'host', 'type': 'uri-host', 'action': 'replace', 'new-value': 'peer.example.com'}]
    return dict(element_type='sip-manipulation', attributes={'name': 'peer-2-in', 'header-rule': [
        {'name': 'fix-from', 'header-name': 'From', 'action': 'manipulate', 'element-rule': rules},
        {'name': 'drop-pai', 'header-name': 'P-Asserted-Identity', 'action': 'delete'}]})


@pytest.mark.parametrize('setting', [{}, {'sbc_subelement_tag': 'elementType'}, {'sbc_multivalue': 'values'},
                                     {'sbc_put_subelements': 'merge'}], ids=lambda s: '-'.join(s.values()) or 'default')
def test_created_once_then_nothing_to_send_in_any_order(simulator, session, setting):
    simulator.configure(**setting)
    first = apply(session, [sip_interface(PORT_UDP, PORT_TLS, description='trunk', **{'allow-anonymous': ['all', 'realm']})])
    assert writes(simulator) == [('POST', 200)] and first['results'][0]['action'] == 'create'
    assert [attrs for _port, attrs in ports_of(simulator)] == [PORT_UDP, PORT_TLS]
    simulator.clear_journal()
    again = apply(session, [sip_interface(PORT_TLS, PORT_UDP, description='trunk', **{'allow-anonymous': ['all', 'realm']})])
    assert writes(simulator) == [] and again['changed'] is False, again['results']
    # what the SBC returns, handed back unchanged, changes nothing either (the round trip of sbc_config_info)
    gathered = [dict(element_type=etype, attributes=attrs) for etype, attrs, _sub in read_type(session, 'sip-interface')]
    assert gathered[0]['attributes']['sip-port'] and apply(session, gathered)['writes'] == 0
    assert writes(simulator) == []


@pytest.mark.parametrize('mode', ('replace', 'merge'))
def test_one_sub_element_edited_with_one_put_and_its_path_in_the_diff(simulator, session, mode):
    simulator.configure(sbc_put_subelements=mode)
    apply(session, [sip_interface(PORT_UDP, dict(PORT_TLS, **{'trust-mode': 'all'}))])
    simulator.clear_journal()
    edited = dict(PORT_TLS, **{'tls-profile': 'new-tls'})
    checked = apply(session, [sip_interface(PORT_UDP, edited)], check_mode=True)
    assert writes(simulator) == [] and checked['results'][0]['changed_sub_elements'] == [
        {'path': TLS_PATH, 'action': 'update', 'changed_attributes': ['tls-profile']}]
    assert [(d['before_header'], d['before'], d['after']) for d in checked['diff']] == [
        (TLS_PATH + ' (before)', dict(PORT_TLS, **{'tls-profile': 'peer-tls'}), dict(PORT_TLS, **{'tls-profile': 'new-tls'}))]
    done = apply(session, [sip_interface(PORT_UDP, edited)])
    assert writes(simulator) == [('PUT', 200)] and done['writes'] == 1
    # the edited port keeps the attribute the desired state does not name; the other port is as it was
    assert [attrs for _port, attrs in ports_of(simulator)] == [PORT_UDP, dict(edited, **{'trust-mode': 'all'})]


@pytest.mark.parametrize('mode', ('replace', 'merge'))
def test_a_sub_element_left_out_is_removed_and_only_that_one(simulator, session, mode):
    simulator.configure(sbc_put_subelements=mode)
    apply(session, [sip_interface(PORT_UDP, PORT_TLS, description='trunk')])
    simulator.clear_journal()
    done = apply(session, [sip_interface(PORT_UDP)])
    assert done['results'][0]['changed_sub_elements'] == [{'path': TLS_PATH, 'action': 'delete', 'changed_attributes': []}]
    assert [attrs for _port, attrs in ports_of(simulator)] == [PORT_UDP]
    assert stored(simulator, 'sip-interface', 'peer-2')[0]['description'] == 'trunk'
    if mode == 'replace':
        assert writes(simulator) == [('PUT', 200)] and session.warnings == []
    else:  # the PUT reply shows the SBC kept it: the element is created again, complete
        assert writes(simulator) == [('PUT', 200), ('DELETE', 204), ('POST', 200)] and done['writes'] == 3
        assert TLS_PATH in session.warnings[-1] and 'created again' in session.warnings[-1]
    simulator.clear_journal()
    assert apply(session, [sip_interface(PORT_UDP)])['writes'] == 0


def test_a_merging_sbc_that_refuses_to_delete_the_element_is_explained(simulator, session):
    simulator.configure(sbc_put_subelements='merge')
    apply(session, [sip_interface(PORT_UDP, PORT_TLS, description='trunk')])
    simulator.clear_journal()
    simulator.configure(faults=[{'path': 'configElements', 'method': 'DELETE', 'action': 'status', 'status': 409}])
    with pytest.raises(ApiAuthError) as caught:
        apply(session, [sip_interface(PORT_UDP, description='renamed')])
    message = caught.value.message
    assert 'applied every change but the removal of ' + TLS_PATH in message and 'Remove them on the appliance' in message
    assert caught.value.result['writes'] == 1 and caught.value.result['changed'] is True
    assert writes(simulator) == [('PUT', 200), ('DELETE', 409)]
    assert stored(simulator, 'sip-interface', 'peer-2')[0]['description'] == 'renamed' and len(ports_of(simulator)) == 2


def test_a_sub_element_type_not_mentioned_is_left_alone(simulator, session):
    apply(session, [sip_interface(PORT_UDP, PORT_TLS)])
    simulator.clear_journal()
    apply(session, [dict(element_type='sip-interface', attributes={'realm-id': 'peer-2', 'description': 'renamed'})])
    assert writes(simulator) == [('PUT', 200)]
    assert len(ports_of(simulator)) == 2


@pytest.mark.parametrize('mode', ('replace', 'merge'))
def test_a_deep_element_rule_edit_is_one_put_naming_its_path(simulator, session, mode):
    simulator.configure(sbc_put_subelements=mode)
    apply(session, [manipulation()])
    simulator.clear_journal()
    result = apply(session, [manipulation('+15559990000')])
    path = 'sip-manipulation[name=peer-2-in].header-rule[name=fix-from].element-rule[name=user]'
    assert writes(simulator) == [('PUT', 200)]
    assert result['results'][0]['changed_sub_elements'] == [{'path': path, 'action': 'update', 'changed_attributes': ['new-value']}]
    assert [entry['after_header'] for entry in result['diff']] == [path + ' (after)']
    assert read_type(session, 'sip-manipulation')[0][1] == dict(manipulation('+15559990000')['attributes'])
    simulator.clear_journal()
    assert apply(session, [manipulation('+15559990000')])['writes'] == 0


@pytest.mark.parametrize('post', ('attributes', 'type_only'))
def test_a_singleton_is_created_when_absent_and_edited_when_present(simulator, session, post):
    simulator.configure(sbc_singleton_post=post)
    wanted = dict(element_type='sip-config', attributes={'home-realm-id': 'core', 'registrar-domain': '*'})
    assert read_type(session, 'sip-config', singleton=True) == []
    created = apply(session, [wanted])
    assert created['results'][0]['action'] == 'create' and created['results'][0]['key'] == {}
    assert writes(simulator) == [('POST', 200), ('PUT', 200)]
    simulator.clear_journal()
    assert apply(session, [wanted])['writes'] == 0 and writes(simulator) == []
    edited = apply(session, [dict(wanted, attributes={'home-realm-id': 'peer'})])
    assert writes(simulator) == [('PUT', 200)] and edited['results'][0]['path'] == 'sip-config'
    assert stored(simulator, 'sip-config', '')[0]['home-realm-id'] == 'peer'


@pytest.mark.parametrize('deletion', ('refused', 'allowed'))
def test_a_singleton_the_sbc_does_not_delete_is_refused_in_words(simulator, session, deletion):
    simulator.configure(sbc_singleton_delete=deletion)
    apply(session, [dict(element_type='sip-config', attributes={'home-realm-id': 'core'})])
    gone = [dict(element_type='sip-config', attributes={}, state='absent')]
    if deletion == 'allowed':
        assert apply(session, gone)['writes'] == 1
        assert simulator.state_snapshot()['config']['elements']['sip-config'] == []
        return
    with pytest.raises(ApiAuthError) as caught:
        apply(session, gone)
    assert 'singleton' in caught.value.message and 'does not delete it' in caught.value.message
    assert 'cannot be deleted' in caught.value.message, 'the SBC words'


def test_creates_in_list_order_and_deletes_in_reverse(simulator, session):
    realm = dict(element_type='realm-config', attributes={'identifier': 'peer-2'})
    trunk = sip_interface(PORT_UDP)
    apply(session, [realm, trunk])
    assert writes(simulator) == [('POST', 200), ('POST', 200)]
    assert sorted(simulator.state_snapshot()['config']['elements']['realm-config']) == ['core', 'peer', 'peer-2']
    simulator.clear_journal()
    result = apply(session, [dict(realm, state='absent'), dict(trunk, state='absent')])
    deleted = [e['query'] for e in simulator.journal_entries(kind='config_write')]
    assert 'sip-interface' in deleted[0] and 'realm-config' in deleted[1], deleted
    assert [r['element_type'] for r in result['results']] == ['realm-config', 'sip-interface'], 'results in list order'


@pytest.mark.parametrize('attributes, words', [
    ({'realm-id': 'peer-2', 'sip-port': []}, 'remove the last sub-element'),
    ({'realm-id': 'peer-2', 'sip-port': [PORT_UDP, dict(PORT_UDP)]}, 'give each sub-element once'),
    ({'realm-id': 'peer-2', 'sip-port': [{'address': '192.0.2.1', 'port': '5060'}]}, 'transport-protocol must be given'),
    ({'realm-id': 'peer-2', 'sip-port': {'address': '192.0.2.1'}}, 'list of mappings'),
    ({'realm-id': 'peer-2', 'sip-port': [PORT_UDP, 'x']}, 'not a mix'),
    ({'realm-id': 'peer-2', 'odd-sub': [{'name': 'a'}]}, 'sub_element_keys'),
])
def test_bad_sub_elements_are_refused_before_any_write(simulator, session, attributes, words):
    with pytest.raises(ApiAuthError) as caught:
        apply(session, [dict(element_type='sip-interface', attributes=attributes)])
    assert words in caught.value.message, caught.value.message
    assert writes(simulator) == []


def test_sub_element_keys_given_for_a_type_nobody_describes(simulator, session):
    spec = dict(element_type='sip-interface', attributes={'realm-id': 'peer-2', 'odd-sub': [{'name': 'a', 'v': '1'}]},
                sub_element_keys={'odd-sub': ['name']})
    apply(session, [spec])
    simulator.clear_journal()
    assert apply(session, [copy.deepcopy(spec)])['writes'] == 0
