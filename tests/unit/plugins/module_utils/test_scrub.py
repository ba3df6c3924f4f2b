# -*- coding: utf-8 -*-
"""The scrubber every plugin boundary uses (issue 24 row 3): secrets masked at any depth, keys included."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import REDACTED, scrub

TOKEN = 'tok-0123456789abcdef'


def test_every_string_at_any_depth_is_scrubbed():
    result = {'msg': 'refused ' + TOKEN, 'messages': ['token %s is not valid' % TOKEN],
              'data': {'token': TOKEN, TOKEN: [(TOKEN,)]}, 'content': '<t>%s</t>' % TOKEN, 'status': 400}
    scrubbed = scrub(result, [TOKEN])
    assert TOKEN not in repr(scrubbed)
    assert scrubbed['data'] == {'token': REDACTED, REDACTED: [(REDACTED,)]} and scrubbed['status'] == 400
    assert TOKEN in repr(result), 'the input is left as it was'


def test_kept_keys_and_clean_values_are_returned_as_they_are():
    clean = {'a': ['b', {'c': 1}]}
    assert scrub(clean, [TOKEN]) is clean
    assert scrub({'system_token': TOKEN, 'msg': TOKEN}, [TOKEN], keep=('system_token',)) == \
        {'system_token': TOKEN, 'msg': REDACTED}


def test_short_and_empty_secrets_are_not_masked():
    assert scrub('a b c', ['', None, 'a']) == 'a b c'


def test_str_subclasses_keep_their_type():
    class Marked(str):
        pass
    assert scrub(Marked("x " + TOKEN), [TOKEN]).__class__ is Marked
