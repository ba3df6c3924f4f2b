# -*- coding: utf-8 -*-
"""vendor_request without a vendor server: check mode sends nothing, a body that cannot be encoded is refused."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

NOWHERE = 'https://127.0.0.1:9'  # nothing listens: a request sent would fail as unreachable

SBC = dict(vendor='oracle_sbc', url=NOWHERE, username='admin', password='sbc-admin-pass')


def test_a_change_in_check_mode_is_reported_and_not_sent(run_module):
    result = run_module('vendor_request', path='configuration/configElements', method='POST', body={'a': 1},
                        _ansible_check_mode=True, **SBC)
    assert result.get('failed') is not True and result['changed'] is True and result['status'] is None
    assert 'not sent' in result['msg']


def test_a_form_body_that_is_no_mapping_is_refused_before_sending(run_module):
    result = run_module('vendor_request', path='x', method='POST', body=[1, 2], body_format='form', **SBC)
    assert result['failed'] and 'needs a mapping body' in result['msg'] and 'unreachable' not in result['msg']
