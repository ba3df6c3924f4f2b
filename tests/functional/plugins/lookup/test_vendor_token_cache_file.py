# -*- coding: utf-8 -*-
"""The vendor_token lookup in-process: what the user is told when the token cache held a damaged file."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import cache_key


def test_a_corrupted_cache_file_is_a_warning_and_a_new_login(simulator, tmp_path, monkeypatch, vendor_token):
    lookup = vendor_token()
    warnings = []
    monkeypatch.setattr(sys.modules[type(lookup).__module__].display, 'warning', warnings.append)
    cache_dir = tmp_path / 'cache'
    cache_dir.mkdir(mode=0o700)
    damaged = cache_dir / (cache_key('oracle_sbc', simulator.url, 'admin') + '.json')
    fd = os.open(str(damaged), os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b'{"format": 1, "token": "trunc')
    os.close(fd)
    token = lookup.run(['oracle_sbc'], variables={}, url=simulator.url, username='admin',
                       password='sbc-admin-pass', ca_path=simulator.ca_path, token_cache_dir=str(cache_dir))[0]
    assert token and [e['kind'] for e in simulator.journal] == ['login']
    assert len(warnings) == 1 and 'discarded the unreadable token cache file %s' % damaged in warnings[0]
