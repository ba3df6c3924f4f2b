# -*- coding: utf-8 -*-
"""Configuration elements (sbc/config.py) without a server: reading element bodies, and one parse per reply."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils import _payload
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc import config_read as sbc_config
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_keys import read_metadata
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_plan import element_body
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_read import parse_elements
from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import TokenRecord


def test_multi_valued_attributes_are_read_in_both_shapes():
    repeated = ('<configElement><elementType>session-group</elementType><attribute><name>group-name</name><value>g</value>'
                '</attribute><attribute><name>dest</name><value>a</value></attribute><attribute><name>dest</name>'
                '<value>b</value></attribute></configElement>')
    in_one = ('<configElement><elementType>session-group</elementType><attribute><name>group-name</name><value>h</value>'
              '</attribute><attribute><name>dest</name><value>c</value><value>d</value></attribute>'
              '<attribute><name>empty</name></attribute></configElement>')
    found = parse_elements('<response><data>%s%s</data></response>' % (repeated, in_one))
    assert found == [('session-group', {'group-name': 'g', 'dest': ['a', 'b']}, False),
                     ('session-group', {'group-name': 'h', 'dest': ['c', 'd'], 'empty': ''}, False)]


def test_xml_round_trip_of_multi_valued_attributes():
    body = element_body('session-group', {'group-name': 'g', 'dest': ['a', 'b']})
    found = parse_elements('<response><data>%s</data></response>' % body)
    assert found == [('session-group', {'group-name': 'g', 'dest': ['a', 'b']}, False)]


METADATA = ('<response><data><elementTypeMetadata><attributeMetadata><name>name</name><key>true</key></attributeMetadata>'
            '<attributeMetadata><name>realm</name><key>false</key></attributeMetadata></elementTypeMetadata></data>'
            '<messages/><links/></response>')


@pytest.fixture
def parses(monkeypatch):
    """The texts parsed as XML from now on, wherever sbc/config.py or _payload.py parse them."""
    seen = []
    real = _payload.parse_xml_text

    def counted(text):
        seen.append(text)
        return real(text)
    monkeypatch.setattr(_payload, 'parse_xml_text', counted)
    monkeypatch.setattr(sbc_config, 'parse_xml_text', counted)
    return seen


def test_a_metadata_reply_is_parsed_once(canned_session, parses):
    """Issue 19 item 4: call() parses the reply for its result and checks; the keys are read from that parse."""
    session = canned_session('oracle_sbc', (200, 'application/xml', METADATA))
    session.token = lambda **_kw: TokenRecord('tok-1234', expires_at=None)
    assert read_metadata(session, 'sip-feature')[0] == ('name',)
    assert len(parses) == 1


def test_each_page_of_elements_is_parsed_once(canned_session, parses):
    session = canned_session('oracle_sbc', (200, 'application/xml', '<response><data>%s</data><messages/><links/></response>'
                                            % element_body('realm-config', {'identifier': 'core'})))
    session.token = lambda **_kw: TokenRecord('tok-1234', expires_at=None)
    assert sbc_config.read_type(session, 'realm-config') == [('realm-config', {'identifier': 'core'}, False)]
    assert len(parses) == len(session.http.sent), 'one parse per page'
