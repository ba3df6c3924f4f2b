# -*- coding: utf-8 -*-
"""Reply parsing: SBC XML into plain data, vendor messages, and clear errors for junk."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json

from ansible_collections.apiauth.vendors.plugins.module_utils._drivers.bigid import jwt_expiry
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import redact
from ansible_collections.apiauth.vendors.plugins.module_utils._http_client import Reply
from ansible_collections.apiauth.vendors.plugins.module_utils._payload import (
    data_to_xml, decode_body, reply_messages)

SBC_ERROR = ('<response><data/><messages><message>Resource locked by another user</message>'
             '<message>second</message></messages><links/></response>')


def reply(text, status=200, content_type='application/xml'):
    return Reply(status, {'Content-Type': content_type}, text, 'GET', 'https://h/x')


def test_sbc_messages_are_read_in_order():
    assert reply_messages(reply(SBC_ERROR, 423)) == ['Resource locked by another user', 'second']


def test_json_messages():
    assert reply_messages(reply('{"error": "Bad Request", "message": "missing user"}', 500, 'application/json')) == \
        ['missing user', 'Bad Request']


def test_xml_round_trip_of_config_element():
    data = {'configElement': {'elementType': 'realm-config',
                              'attribute': [{'name': 'identifier', 'value': 'core'}, {'name': 'network-interfaces', 'value': 'M00:0'}]}}
    assert decode_body(reply(data_to_xml(data))) == data


def test_redact_masks_longest_first_and_skips_tiny_values():
    assert redact('pw=abcdef tok=abcdefgh', ['abcdef', 'abcdefgh']) == 'pw=******** tok=********'
    assert redact('a b c', ['a']) == 'a b c'


def _b64(obj):
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip('=')


def _jwt(claims):
    return '%s.%s.sig' % (_b64({'alg': 'HS256'}), _b64(claims))


def test_jwt_expiry():
    assert jwt_expiry(_jwt({'exp': 1900000000})) == 1900000000.0
    assert jwt_expiry(_jwt({'sub': 'x'})) is None
    assert jwt_expiry('not-a-jwt') is None
    assert jwt_expiry('a.!!!.c') is None
