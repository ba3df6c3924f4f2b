# -*- coding: utf-8 -*-
"""sbc_config_info without a vendor server: its bounds are checked before anything is sent."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

NOWHERE = 'https://127.0.0.1:9'  # nothing listens: a request sent would fail as unreachable


@pytest.mark.parametrize('page_size', [0, 10001])
def test_a_page_size_out_of_bounds_is_refused_before_sending(run_module, page_size):
    result = run_module('sbc_config_info', element_type='realm-config', page_size=page_size, url=NOWHERE,
                        username='admin', password='sbc-admin-pass')
    assert result['failed'] and result['msg'] == 'page_size must be between 1 and 10000'
