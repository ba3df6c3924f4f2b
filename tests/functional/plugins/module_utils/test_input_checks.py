# -*- coding: utf-8 -*-
"""Issue 24 rows 4, 5 and 8: inputs checked before anything is sent, and a reply that does not decode is an error.

api_version is a path segment of every URL (the login's included), so anything but a version id fails before a
request; a ca_path that is missing or unreadable is our error (reason tls) naming it; a reply with bytes that are not
valid in its charset fails as bad_reply instead of being read with U+FFFD in names and values.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config import apply
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_read import read_type


@pytest.mark.parametrize('version', ['../../_sim/reset#', 'v1.2/../../rest/v1.1', 'v1.2?x=1', 'v1.2#', 'v1.2\n',
                                     '1.2', 'v', 'v1..2', ''])
def test_an_api_version_that_is_not_a_version_id_sends_nothing(simulator, make, version):
    simulator.clear_journal()
    with pytest.raises(ApiAuthError) as caught:
        session = make('oracle_sbc', api_version=version)
        session.request('GET', 'configuration/configElements', params={'elementType': 'realm-config'})
    assert caught.value.reason == 'bad_option'
    assert 'api_version' in caught.value.message
    assert simulator.journal_entries() == []


@pytest.mark.parametrize('version', ['v1.1', 'v1.2', 'v2'])
def test_version_ids_are_accepted(simulator, make, version):
    simulator.configure(sbc_versions=['v1.1', 'v1.2', 'v2.0'])
    session = make('oracle_sbc', api_version=version)
    assert session.driver.api_url('x').endswith('/rest/%s/x' % version)


@pytest.mark.parametrize('vendor', ['oracle_sbc', 'bigid', 'bigfix_inventory'])
def test_a_missing_ca_path_is_our_error_naming_it(simulator, make, tmp_path, vendor):
    missing = str(tmp_path / 'no-such-ca.pem')
    simulator.clear_journal()
    with pytest.raises(ApiAuthError) as caught:
        make(vendor, ca_path=missing).token()
    assert caught.value.reason == 'tls'
    assert missing in caught.value.message and 'does not exist' in caught.value.message
    assert simulator.journal_entries() == []


@pytest.mark.skipif(hasattr(os, 'geteuid') and os.geteuid() == 0, reason='root reads any file')
def test_an_unreadable_ca_path_is_our_error_naming_it(simulator, make, tmp_path):
    unreadable = tmp_path / 'ca.pem'
    unreadable.write_text(open(simulator.ca_path).read())
    unreadable.chmod(0)
    with pytest.raises(ApiAuthError) as caught:
        make('oracle_sbc', ca_path=str(unreadable)).token()
    assert caught.value.reason == 'tls'
    assert str(unreadable) in caught.value.message and 'cannot be read' in caught.value.message


def test_a_reply_that_is_not_utf8_fails_as_bad_reply(simulator, make):
    session = make('oracle_sbc')
    session.token()
    simulator.add_fault(path='configElements', method='GET', action='bad_bytes')
    with pytest.raises(ApiAuthError) as caught:
        read_type(session, 'realm-config')
    assert caught.value.reason == 'bad_reply'
    assert 'not valid utf-8' in caught.value.message


def test_nothing_is_written_on_the_basis_of_a_reply_that_does_not_decode(simulator, make):
    """The role's case: an element name read as adm\\ufffdin-realm made state=absent report done (nothing deleted)."""
    session = make('oracle_sbc')
    session.token()
    session.request('POST', 'configuration/lock')
    session.update_state(locked=True)
    simulator.clear_journal()
    simulator.add_fault(path='configElements', method='GET', action='bad_bytes')
    specs = [dict(element_type='realm-config', attributes={'identifier': 'core'}, state='absent'),
             dict(element_type='realm-config', attributes={'identifier': 'new-one', 'network-interfaces': 'M00:0'})]
    with pytest.raises(ApiAuthError) as caught:
        apply(session, specs)
    assert caught.value.reason == 'bad_reply'
    assert [e['method'] for e in simulator.journal_entries() if 'configElements' in e['path']] == ['GET']


def test_a_declared_charset_is_honoured(simulator, make):
    """latin-1 declared: 0xFF is a letter there, not an error."""
    from ansible_collections.apiauth.vendors.plugins.module_utils._http_client import _charset
    assert _charset('text/xml; charset="ISO-8859-1"') == 'iso-8859-1'
    assert _charset('application/json') == 'utf-8'
    assert b'adm\xffin'.decode(_charset('text/plain; charset=latin-1')) == u'adm\xffin'
