# -*- coding: utf-8 -*-
"""The vendor_token lookup against a BigID that refuses with HTTP 200 (issue 12): the user reads BigID's own words.

Here and not beside the driver tests: ansible-test runs module_utils tests without the controller's ansible."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleError


def test_bigid_lookup_with_a_wrong_user_token_fails_with_the_vendors_message(simulator, tmp_path, vendor_token):
    simulator.configure(bigid_refusal='ok')
    with pytest.raises(AnsibleError) as caught:
        vendor_token().run(['bigid'], variables={}, url=simulator.url, user_token='wrong-user-token-123',
                           ca_path=simulator.ca_path, token_cache_dir=str(tmp_path / 'cache'))
    assert 'Failed to authenticate token.' in str(caught.value)
    assert 'wrong-user-token-123' not in str(caught.value)
