# -*- coding: utf-8 -*-
"""Issue 24 rows 6 and 7: element inputs the SBC cannot take fail before the first request of the task.

Row 7: a control character in a value made the SBC answer 400 "Malformed XML body" after the earlier elements of the
list were written. Row 6: ``network-interfaces: []`` sent nothing and reported changed on every run; the SBC REST
documents give no way to clear a multi-valued attribute (a PUT leaves what it does not carry), so it is refused,
saying how to clear it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config import apply


def realm(identifier, **attributes):
    return dict(element_type='realm-config', attributes=dict(attributes, identifier=identifier))


@pytest.mark.parametrize('bad', [u'M00:0\n', u'a\x00b', u'a\x1bb', u'tab\there', u'del\x7f', u'c1\x85', u'\ufffe'])
def test_a_list_whose_second_element_is_bad_sends_nothing(simulator, make, bad):
    session = make('oracle_sbc')
    simulator.clear_journal()
    # The first element's type is not in the built-in table: its keys would be asked of the SBC, which must not happen.
    specs = [dict(element_type='codec-policy', attributes={'name': 'first-one', 'allow-codecs': '*'}),
             realm('second', **{'network-interfaces': ['M00:0', bad]})]
    with pytest.raises(ApiAuthError) as caught:
        apply(session, specs)
    assert caught.value.reason == 'bad_option'
    assert "element 2 (realm-config) attribute 'network-interfaces'" in caught.value.message
    control = next(char for char in bad if ord(char) < 0x20 or 0x7f <= ord(char) <= 0x9f or ord(char) >= 0xfffe)
    assert 'U+%04X' % ord(control) in caught.value.message
    assert simulator.journal_entries() == [], 'nothing at all is sent, not even the login'


@pytest.mark.parametrize('where', ['element_type', 'name'])
def test_control_characters_in_names_are_refused_too(simulator, make, where):
    session = make('oracle_sbc')
    simulator.clear_journal()
    spec = realm('ok')
    if where == 'element_type':
        spec['element_type'] = 'realm-config\r'
    else:
        spec['attributes']['descr\tiption'] = 'x'
    with pytest.raises(ApiAuthError) as caught:
        apply(session, [spec])
    assert caught.value.reason == 'bad_option'
    assert simulator.journal_entries() == []


def test_an_empty_list_is_refused_saying_how_to_clear_it(simulator, make):
    session = make('oracle_sbc')
    simulator.clear_journal()
    with pytest.raises(ApiAuthError) as caught:
        apply(session, [realm('core'), realm('peer', **{'network-interfaces': []})])
    message = caught.value.message
    assert caught.value.reason == 'bad_option'
    assert "element 2 (realm-config) attribute 'network-interfaces': an empty list" in message
    assert 'state=absent' in message and 'Nothing was sent' in message
    assert simulator.journal_entries() == []


def test_ordinary_values_still_pass(simulator, make):
    session = make('oracle_sbc')
    result = apply(session, [realm('core', description=u'caf\xe9 \u2013 ok')], check_mode=True)
    assert result['results'][0]['action'] in ('update', 'none')
