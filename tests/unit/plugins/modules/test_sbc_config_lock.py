# -*- coding: utf-8 -*-
"""sbc_config_lock without a vendor server: check mode reports the change and sends nothing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

NOWHERE = 'https://127.0.0.1:9'  # nothing listens: a request sent would fail as unreachable


@pytest.mark.parametrize('state,changed', [('present', True), ('absent', False)])
def test_check_mode_without_a_cached_token_sends_nothing(run_module, state, changed):
    result = run_module('sbc_config_lock', state=state, url=NOWHERE, username='admin', password='sbc-admin-pass',
                        _ansible_check_mode=True)
    assert result.get('failed') is not True, result
    assert result['changed'] is changed and result['logged_in'] is False and result['renewed'] is False
