# -*- coding: utf-8 -*-
"""vendor_request's plumbing: body encoding per body_format and SBC envelopes turned into data."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._http_client import Reply
from ansible_collections.apiauth.vendors.plugins.module_utils._request import describe_reply, encode_body


def test_sbc_envelope_becomes_data_messages_and_links():
    text = ('<response><data><operationState><status>inProgress</status></operationState></data><messages/>'
            '<links><link>/rest/v1.2/configuration/management/operations/7</link></links></response>')
    result = describe_reply(Reply(202, {'Content-Type': 'application/xml'}, text, 'PUT',
                                  'https://sbc/rest/v1.2/configuration/management?action=save'))
    assert result['data'] == {'operationState': {'status': 'inProgress'}}
    assert result['links'] == ['/rest/v1.2/configuration/management/operations/7']
    assert result['url'] == 'https://sbc/rest/v1.2/configuration/management'  # no query string
    assert result['messages'] == []


def test_empty_sbc_data_is_none_and_json_stays_json():
    empty = describe_reply(Reply(200, {}, '<response><data/><messages/><links/></response>', 'GET', 'https://sbc/x'))
    assert empty['data'] is None
    bigid = describe_reply(Reply(200, {'Content-Type': 'application/json'}, '{"status": "success", "data": {"ds_connections": []}}',
                                 'GET', 'https://bigid/api/v1/ds-connections'))
    assert bigid['data'] == {'status': 'success', 'data': {'ds_connections': []}}


@pytest.mark.parametrize('body, body_format, data, content_type', [
    ({'a': 1}, 'json', '{"a": 1}', 'application/json'),
    ({'configElement': {'elementType': 'realm-config'}}, 'xml',
     '<configElement><elementType>realm-config</elementType></configElement>', 'application/xml'),
    ({'action': 'save', 'x': 'a b'}, 'form', 'action=save&x=a+b', 'application/x-www-form-urlencoded'),
    ('<raw/>', 'raw', '<raw/>', None),
    (None, 'json', None, None),
])
def test_encode_body(body, body_format, data, content_type):
    encoded, headers = encode_body(body, body_format)
    assert encoded == data
    assert headers.get('Content-Type') == content_type


def test_callers_content_type_wins_and_bad_form_body_is_an_error():
    assert encode_body({'a': 1}, 'json', {'Content-Type': 'application/vnd.x+json'})[1] == {'Content-Type': 'application/vnd.x+json'}
    with pytest.raises(ApiAuthError):
        encode_body(['a'], 'form')
    with pytest.raises(ApiAuthError):
        encode_body({'a': 1, 'b': 2}, 'xml')
