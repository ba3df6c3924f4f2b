# -*- coding: utf-8 -*-
"""sbc_config_element without a vendor server: a bad element list is refused before anything is sent."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

NOWHERE = 'https://127.0.0.1:9'  # nothing listens: a request sent would fail as unreachable


def test_an_element_without_attributes_is_refused_before_sending(run_module):
    result = run_module('sbc_config_element', elements=[{'element_type': 'realm-config'}], url=NOWHERE,
                        username='admin', password='sbc-admin-pass')
    assert result['failed'] and 'attributes' in result['msg'] and 'unreachable' not in result['msg'], result
