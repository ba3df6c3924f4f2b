# -*- coding: utf-8 -*-
"""The BigID driver without a server: what a system token's JWT says about its expiry."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import time

import pytest


def _jwt(exp):
    claims = base64.urlsafe_b64encode(json.dumps({'sub': 'u', 'exp': exp}).encode()).decode().rstrip('=')
    return 'eyJhbGciOiJIUzI1NiJ9.%s.c2lnbmF0dXJl' % claims


@pytest.mark.parametrize('exp_ms', [True, False], ids=['exp-in-milliseconds', 'exp-absurd'])
def test_a_jwt_exp_in_milliseconds_does_not_stick(canned_session, exp_ms):
    now = time.time()
    exp = (now + 900) * 1000 if exp_ms else 1e15 * 1000
    warnings = []
    session = canned_session('bigid', (200, 'application/json', json.dumps({'success': True, 'systemToken': _jwt(exp)})),
                             warnings=warnings)
    record = session.token()
    assert now < record.expires_at <= now + 366 * 86400
    if exp_ms:
        assert abs(record.expires_at - (now + 900)) < 5
    assert session.describe(record)['expires_at'].startswith(time.strftime('%Y', time.gmtime(record.expires_at)))
