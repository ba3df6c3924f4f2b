# -*- coding: utf-8 -*-
"""bigid_token_exchange without a vendor server: a ready system token is returned as is, nothing exchanged."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

NOWHERE = 'https://127.0.0.1:9'  # nothing listens: a request sent would fail as unreachable


def test_a_ready_token_is_used_as_is(run_module):
    result = run_module('bigid_token_exchange', url=NOWHERE, token='ready-system-token-0123456789')
    assert result.get('failed') is not True, result
    # Returned as given (Ansible masks it here: the same value was passed in a no_log option), nothing exchanged.
    assert result['system_token'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' and result['exchanged'] is False
    assert result['changed'] is False and result['expires_at'] is None
