# -*- coding: utf-8 -*-
"""Issue 24 row 12: a BigID system token whose exp is already past when it arrives (this host's clock runs ahead of
BigID's) was used with expires_in 0, never cached, exchanged again on every lookup, and nobody was told. Now: a warning
naming the skew, the token used, and cached for the lifetime BigID gave it (exp - iat)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.apiauth.vendors.plugins.module_utils._drivers.bigid import Driver
from ansible_collections.apiauth.vendors.plugins.module_utils._options import resolve_options

AHEAD = 1000  # seconds this host's clock runs ahead of the simulator's; its tokens live 300 s


def test_a_token_expired_on_arrival_is_used_cached_and_the_skew_named(simulator, make, clock):
    clock.now += AHEAD
    warnings = []
    record = make('bigid', clock, warnings=warnings).token()
    assert len(warnings) == 1, warnings
    skew = re.search(r'clock skew, .* about (\d+) seconds ahead', warnings[0])
    assert skew and AHEAD - 5 <= int(skew.group(1)) <= AHEAD + 5, warnings[0]
    assert 295 <= record.expires_at - clock.now <= 300, 'cached for the lifetime BigID gave it'
    assert record.token not in warnings[0]
    # The next lookups of the run find it in the cache: one exchange, not one per lookup.
    for _dummy in range(3):
        assert make('bigid', clock).token().token == record.token
    assert len(simulator.journal_entries(kind='exchange')) == 1
    # And it is good at BigID, which judges it by its own clock.
    assert make('bigid', clock).request('GET', 'ds-connections').status == 200


def test_without_iat_it_is_used_for_this_call_only(tmp_path):
    driver = Driver(resolve_options('bigid', {}, {'url': 'https://bigid.example.com', 'user_token': 'u' * 20}, environ={}))
    warnings = []
    driver.warn = warnings.append
    now = 2000000000.0
    assert driver._expired_on_arrival({'exp': now - 50}, now - 50, now) == now
    assert 'at least 50 seconds ahead' in warnings[0] and 'this call only' in warnings[0]


def test_a_token_with_time_left_says_nothing(simulator, make, clock):
    warnings = []
    record = make('bigid', clock, warnings=warnings).token()
    assert warnings == [] and record.expires_at > clock.now
