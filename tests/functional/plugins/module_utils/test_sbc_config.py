# -*- coding: utf-8 -*-
"""module_utils/sbc_config.py against the simulator: keys, paging, compare, only the writes needed, lock first."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, vendor_settings
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._sbc_config import apply, element_body, parse_elements, read_type
from ansible_collections.apiauth.vendors.plugins.module_utils._sbc_lock import acquire


@pytest.fixture
def session(simulator, tmp_path):
    direct = dict(username='admin', password='sbc-admin-pass', url=simulator.url, ca_path=simulator.ca_path,
                  token_cache_dir=str(tmp_path / 'cache'))
    return VendorSession(vendor_settings('oracle_sbc', direct, environ={}), clock=time.time)


def writes(sim):
    return [(e['method'], e['status']) for e in sim.journal_entries(vendor='oracle_sbc', kind='config_write')]


def realm(identifier, **attrs):
    attrs['identifier'] = identifier
    return dict(element_type='realm-config', attributes=attrs)


def test_reads_page_by_page(simulator, session):
    acquire(session)
    apply(session, [realm('r%02d' % n) for n in range(7)])
    simulator.clear_journal()
    found = read_type(session, 'realm-config', page_size=3)
    assert [attrs['identifier'] for _t, attrs, _s in found] == ['core', 'peer'] + ['r%02d' % n for n in range(7)]
    reads = simulator.journal_entries(kind='config_read')
    assert [e['query'].split('offset=')[1].split('&')[0] for e in reads] == ['0', '3', '6', '9']  # 9 elements: a full last page needs one more read


def test_only_the_difference_is_sent_and_unnamed_attributes_are_left_alone(simulator, session):
    acquire(session)
    first = apply(session, [realm('core', description='core realm'), realm('edge', description='e')])
    assert writes(simulator) == [('POST', 200)]
    assert [r['action'] for r in first['results']] == ['none', 'create']
    simulator.clear_journal()
    second = apply(session, [realm('edge', description='edge realm'), realm('core', mtu='1500')])
    # one PUT each, carrying only the key and what differs
    assert writes(simulator) == [('PUT', 200), ('PUT', 200)]
    assert second['results'][0]['changed_attributes'] == ['description']
    core = read_type(session, 'realm-config', filters={'identifier': 'core'})[0][1]
    assert core['network-interfaces'] == 'M00:0' and core['description'] == 'core realm'


def test_no_write_without_the_lock_and_check_mode_needs_none(simulator, session):
    with pytest.raises(ApiAuthError) as caught:
        apply(session, [realm('edge')])
    assert caught.value.reason == 'lock_not_held'
    assert [e['kind'] for e in simulator.journal_entries(vendor='oracle_sbc')] == ['login'], 'nothing read or written'
    planned = apply(session, [realm('edge')], check_mode=True, management=['save'])
    assert planned['changed'] is True and planned['writes'] == 0 and planned['management'] == ['save']
    assert writes(simulator) == [] and not simulator.journal_entries(kind='management')


def test_bad_input_fails_before_anything_is_sent(simulator, session):
    acquire(session)
    simulator.clear_journal()
    for specs, words in [
        ([dict(element_type='realm-config', attributes={'description': 'no key'})], 'key attribute(s) identifier'),
        ([realm('a'), realm('a')], 'give each element once'),
        ([realm('a', sub={'x': 1})], 'sub-elements'),
        ([dict(element_type='steering-pool', attributes={'ip-address': '192.0.2.1', 'start-port': 1})], 'realm-id'),
    ]:
        with pytest.raises(ApiAuthError) as caught:
            apply(session, specs)
        assert words in caught.value.message
    assert simulator.journal_entries(vendor='oracle_sbc') == []


def test_unknown_type_keys_come_from_the_metadata(simulator, session):
    acquire(session)
    result = apply(session, [dict(element_type='sip-feature', attributes={'name': 'replaces', 'realm': 'core'})])
    assert result['results'][0]['key'] == {'name': 'replaces'}
    assert len(simulator.journal_entries(path=lambda p: p.endswith('elementTypes/metadata'))) == 1


def test_xml_round_trip_of_multi_valued_attributes():
    body = element_body('session-group', {'group-name': 'g', 'dest': ['a', 'b']})
    found = parse_elements('<response><data>%s</data></response>' % body)
    assert found == [('session-group', {'group-name': 'g', 'dest': ['a', 'b']}, False)]
