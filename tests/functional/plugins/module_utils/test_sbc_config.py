# -*- coding: utf-8 -*-
"""module_utils/sbc_config.py against the simulator: keys, paging, compare, only the writes needed, lock first."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time
from xml.sax.saxutils import escape

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, vendor_settings
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config import apply
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_read import read_type
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.lock import acquire


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


def offsets(sim):
    return [e['query'].split('offset=')[1].split('&')[0] for e in sim.journal_entries(kind='config_read')]


@pytest.mark.parametrize('paging', ('link', 'offset'))
def test_reads_page_by_page(simulator, session, paging):
    simulator.configure(sbc_paging=paging)
    acquire(session)
    apply(session, [realm('r%02d' % n) for n in range(7)])
    simulator.clear_journal()
    found = read_type(session, 'realm-config', page_size=3)
    assert [attrs['identifier'] for _t, attrs, _s in found] == ['core', 'peer'] + ['r%02d' % n for n in range(7)]
    # 9 elements: by link, the last page is the one without a link; by offset alone, an empty page says so
    assert offsets(simulator) == (['0', '3', '6'] if paging == 'link' else ['0', '3', '6', '9'])


@pytest.mark.parametrize('paging', ('link', 'offset'))
def test_reads_every_page_whatever_page_size_the_appliance_chooses(simulator, session, paging):
    simulator.configure(sbc_paging=paging, sbc_page_cap=100)
    with simulator.state.lock:
        simulator.state.config.seed('session-agent', [{'hostname': 'sa%03d' % n} for n in range(250)])
    found = read_type(session, 'session-agent', page_size=500)  # asks for more than the appliance gives
    assert [attrs['hostname'] for _t, attrs, _s in found] == ['sa%03d' % n for n in range(250)]
    assert offsets(simulator) == (['0', '100', '200'] if paging == 'link' else ['0', '100', '200', '250'])
    simulator.clear_journal()
    simulator.configure(sbc_page_cap=7)  # a short first page is not the last one
    assert len(read_type(session, 'session-agent', page_size=100)) == 250
    assert len(offsets(simulator)) == (36 if paging == 'link' else 37)


@pytest.mark.parametrize('paging', ('link', 'offset'))
def test_a_page_without_a_link_is_not_taken_for_the_last_and_a_key_is_never_paged(simulator, session, paging):
    simulator.configure(sbc_paging=paging)
    assert len(read_type(session, 'realm-config')) == 2
    # no link yet: the page may be all the appliance gives at once, so the next offset is asked; it is empty
    assert offsets(simulator) == ['0', '2']
    simulator.clear_journal()
    assert len(read_type(session, 'realm-config', filters={'identifier': 'core'})) == 1
    assert len(simulator.journal_entries(kind='config_read')) == 1


class Reply(object):
    url, method, content_type, headers = 'https://sbc.example.com/rest/v1.2/configuration/configElements', 'GET', 'application/xml', {}

    def __init__(self, text, status=200):
        self.text, self.status = text, status


class Replies(object):
    """read_type's GETs answered from a list of (links, elements) pages; records the paths asked."""

    def __init__(self, pages):
        self.pages, self.asked = list(pages), []

    def __call__(self, session, path, query):
        self.asked.append((path, query))
        links, names = self.pages.pop(0) if self.pages else ([], [])
        if links == 'error':
            return Reply('<response><data/><messages><message>%s</message></messages><links/></response>' % names, status=500)
        data = ''.join('<configElement><elementType>realm-config</elementType><attribute><name>identifier</name>'
                       '<value>%s</value></attribute></configElement>' % name for name in names)
        links = ''.join('<link>%s</link>' % escape(link) for link in links)
        return Reply('<response><data>%s</data><messages/><links>%s</links></response>' % (data, links))


def fake(monkeypatch, pages):
    from ansible_collections.apiauth.vendors.plugins.module_utils.sbc import config_read as _sbc_config
    replies = Replies(pages)
    monkeypatch.setattr(_sbc_config, '_send_page', replies)
    return replies


def test_next_page_links_are_followed_only_on_the_appliance(simulator, session, monkeypatch):
    base = simulator.url + '/rest/v1.2/configuration/configElements?elementType=realm-config&offset='
    replies = fake(monkeypatch, [([base + '1'], ['a']), ([base + '2'], ['b']), ([], ['c'])])
    assert [attrs['identifier'] for _t, attrs, _s in read_type(session, 'realm-config')] == ['a', 'b', 'c']
    assert replies.asked[1] == ('/rest/v1.2/configuration/configElements?elementType=realm-config&offset=1', None)
    for link in ('https://elsewhere.example.com/rest/v1.2/configuration/configElements?offset=1',
                 simulator.url.replace('https://', 'http://') + '/rest/v1.2/configuration/configElements?offset=1',
                 'https://127.0.0.1:1/rest/v1.2/configuration/configElements?offset=1'):
        replies = fake(monkeypatch, [([link], ['a'])])
        with pytest.raises(ApiAuthError) as caught:
            read_type(session, 'realm-config')
        assert 'next-page link' in caught.value.message and 'not on' in caught.value.message
        assert len(replies.asked) == 1, 'the token went nowhere else'


def test_pages_are_bounded_and_a_link_loop_is_an_error(simulator, session, monkeypatch):
    from ansible_collections.apiauth.vendors.plugins.module_utils.sbc import config_read as _sbc_config
    monkeypatch.setattr(_sbc_config, 'MAX_PAGES', 5)
    fake(monkeypatch, [([], ['e%d' % n]) for n in range(10)])  # offset only, never an empty page
    with pytest.raises(ApiAuthError) as caught:
        read_type(session, 'realm-config')
    assert 'more than 5 pages' in caught.value.message
    same = simulator.url + '/rest/v1.2/configuration/configElements?elementType=realm-config&offset=1'
    fake(monkeypatch, [([same], ['a']), ([same], ['b']), ([same], ['c'])])
    with pytest.raises(ApiAuthError) as caught:
        read_type(session, 'realm-config')
    assert 'links back to a page already read' in caught.value.message


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


@pytest.mark.parametrize('shape', ('attributes', 'values'))
def test_multi_valued_attributes_round_trip_through_the_simulator(simulator, session, shape):
    simulator.configure(sbc_multivalue=shape)
    acquire(session)
    group = dict(element_type='session-group', attributes={'group-name': 'g', 'dest': ['a.example.com', 'b.example.com']})
    assert apply(session, [group])['writes'] == 1
    assert apply(session, [group])['changed'] is False  # read back as both values, so no change


def test_a_failed_page_fails_the_read_in_the_vendors_words_and_leaves_no_request_in_flight(simulator, session, monkeypatch):
    import threading
    base = simulator.url + '/rest/v1.2/configuration/configElements?elementType=realm-config&offset='
    replies = fake(monkeypatch, [([base + '1'], ['a']), ([base + '2'], ['b']), ('error', 'Internal error reading page')])
    with pytest.raises(ApiAuthError) as caught:
        read_type(session, 'realm-config')
    assert 'HTTP 500: Internal error reading page' in caught.value.message
    # By the name of the reader's prefetch thread, not a count of threads: other tests' threads (a simulator's, a
    # keeper's) may end meanwhile on the same pytest-xdist worker.
    assert len(replies.asked) == 3 and not [t for t in threading.enumerate() if t.name == 'sbc-config-next-page']


def test_a_page_that_does_not_parse_waits_for_the_next_page_already_asked(simulator, session, monkeypatch):
    import threading
    import time as _time
    base = simulator.url + '/rest/v1.2/configuration/configElements?elementType=realm-config&offset='
    replies = fake(monkeypatch, [([base + '1'], ['a']), ([base + '2'], ['b']), ([], ['c'])])
    served = replies.__call__

    def answer(session_, path, query):
        reply = served(session_, path, query)
        if len(replies.asked) == 2:  # page 2 links on (so page 3 is asked ahead) but does not parse
            reply.text = reply.text.replace('<data>', '<data><configElement>', 1)
        if len(replies.asked) == 3:
            _time.sleep(0.3)  # still in flight when page 2 fails
        return reply
    from ansible_collections.apiauth.vendors.plugins.module_utils.sbc import config_read as _sbc_config
    monkeypatch.setattr(_sbc_config, '_send_page', answer)
    with pytest.raises(ApiAuthError) as caught:
        read_type(session, 'realm-config')
    assert caught.value.reason == 'bad_reply'
    assert len(replies.asked) == 3, 'page 3 was asked ahead'
    assert not [t for t in threading.enumerate() if t.name == 'sbc-config-next-page'], 'no request left in flight'
