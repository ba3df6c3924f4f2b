# -*- coding: utf-8 -*-
"""Sub-elements without a server: their XML both ways, their keys from the metadata, and the comparison that names
each change by its path."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import xml.etree.ElementTree as ET

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_desired import Desired
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_keys import SUB_KEY_ATTRIBUTES, parse_metadata
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_plan import diff_entries, element_body, merge_tree, plan
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_read import parse_elements

TRUNK = {'realm-id': 'peer-2', 'description': 'trunk',
         'sip-port': [{'address': '192.0.2.10', 'port': '5060', 'transport-protocol': 'UDP'},
                      {'address': '192.0.2.10', 'port': '5061', 'transport-protocol': 'TLS', 'tls-profile': 't'}]}


def desired(attributes, element_type='sip-interface', keys=('realm-id',)):
    return Desired(element_type, attributes, keys, 'present', 1, lambda sub_type, where='': SUB_KEY_ATTRIBUTES[sub_type])


@pytest.mark.parametrize('tag', ('subElementType', 'elementType'))
def test_sub_elements_are_written_nested_and_read_back_in_either_shape(tag):
    rules = {'name': 'peer-in', 'header-rule': [{'name': 'h1', 'action': 'manipulate', 'element-rule': [
        {'name': 'e1', 'new-value': 'x'}, {'name': 'e2', 'new-value': ['a', 'b']}]}]}
    body = element_body('sip-manipulation', rules)
    root = ET.fromstring(body)
    assert [node.tag for node in root] == ['elementType', 'attribute', 'subElement']
    assert root.find('subElement/subElementType').text == 'header-rule'
    assert root.find('subElement/subElement/subElementType').text == 'element-rule'
    reply = '<response><data>%s</data></response>' % body.replace('subElementType>', tag + '>')
    assert parse_elements(reply) == [('sip-manipulation', rules, True)]


def test_a_name_that_is_both_attribute_and_sub_element_is_a_bad_reply():
    body = ('<configElement><elementType>sip-interface</elementType><attribute><name>sip-port</name><value>x</value>'
            '</attribute><subElement><subElementType>sip-port</subElementType></subElement></configElement>')
    with pytest.raises(ApiAuthError) as caught:
        parse_elements('<response><data>%s</data></response>' % body)
    assert caught.value.reason == 'bad_reply'


def test_metadata_keys_of_the_element_and_of_its_sub_elements_and_a_singleton():
    row = '<attributeMetadata><name>%s</name><key>%s</key></attributeMetadata>'
    root = ET.fromstring('<response><data><elementType>sip-interface</elementType>%s%s<subElementMetadata>'
                         '<elementType>sip-port</elementType>%s%s</subElementMetadata></data></response>'
                         % (row % ('realm-id', 'true'), row % ('description', 'false'),
                            row % ('address', 'true'), row % ('port', 'true')))
    assert parse_metadata(root, 'sip-interface') == (('realm-id',), {'sip-port': ('address', 'port')})
    single = ET.fromstring('<response><data><elementType>sip-config</elementType>%s</data></response>' % (row % ('state', 'false')))
    assert parse_metadata(single, 'sip-config') == ((), {})
    with pytest.raises(ApiAuthError):
        parse_metadata(ET.fromstring('<response><data/></response>'), 'x')


def test_re_ordered_lists_are_no_change_and_a_removal_is_named():
    current = parse_elements('<response><data>%s</data></response>' % element_body('sip-interface', TRUNK))[0][1]
    same = dict(TRUNK, **{'sip-port': list(reversed(TRUNK['sip-port']))})
    assert plan(desired(same), current)['action'] == 'none'
    fewer = dict(TRUNK, **{'sip-port': TRUNK['sip-port'][:1]})
    result = plan(desired(fewer), current)
    assert result['changed_sub_elements'] == [{'path': 'sip-interface[realm-id=peer-2].sip-port'
                                               '[address=192.0.2.10,port=5061,transport-protocol=TLS]',
                                               'action': 'delete', 'changed_attributes': []}]
    # the PUT carries the key and the complete list of the type that changed, nothing else
    assert result['_send'] == {'realm-id': 'peer-2', 'sip-port': TRUNK['sip-port'][:1]}
    assert [entry['before_header'] for entry in diff_entries(result)] == [result['changed_sub_elements'][0]['path'] + ' (before)']


def test_an_item_sent_again_keeps_what_the_desired_state_does_not_name():
    current = {'realm-id': 'peer-2', 'sip-port': [dict(TRUNK['sip-port'][1], **{'trust-mode': 'all'})]}
    wanted = {'realm-id': 'peer-2', 'sip-port': [dict(TRUNK['sip-port'][1], **{'tls-profile': 'u'})]}
    merged = merge_tree(current, wanted, SUB_KEY_ATTRIBUTES.get)
    assert merged['sip-port'] == [dict(TRUNK['sip-port'][1], **{'tls-profile': 'u', 'trust-mode': 'all'})]


def test_an_odd_reply_with_a_list_where_a_key_should_be_is_compared_not_a_crash():
    current = {'realm-id': 'peer-2', 'sip-port': [{'address': ['a', 'b'], 'port': '5060', 'transport-protocol': 'UDP'}]}
    wanted = {'realm-id': 'peer-2', 'sip-port': [{'address': 'a', 'port': '5060', 'transport-protocol': 'UDP'}]}
    result = plan(desired(wanted), current)
    assert [change['action'] for change in result['changed_sub_elements']] == ['create', 'delete']
