# -*- coding: utf-8 -*-
"""canned_session: a VendorSession whose HTTP client answers with canned replies, for unit tests without a server."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, vendor_settings
from ansible_collections.apiauth.vendors.plugins.module_utils._cache import MemoryTokenCache
from ansible_collections.apiauth.vendors.plugins.module_utils._http_client import Reply

USERS = {
    'oracle_sbc': {'username': 'admin', 'password': 'sbc-admin-pass'},
    'bigfix_inventory': {'username': 'bfi-user', 'password': 'bfi-pass'},
    'bigid': {'user_token': 'bigid-user-token-0123456789'},
}  # as in tests/conftest.py: the secrets the tests look for in messages


class Canned(object):
    """An HttpClient stand-in answering each request with the next canned (status, content type, body); the last one
    again once the others are used."""

    def __init__(self, *replies):
        self.replies = list(replies)
        self.sent = []
        self.secrets = []

    def request(self, method, url, **_kwargs):
        self.sent.append((method, url))
        status, content_type, body = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return Reply(status, {'Content-Type': content_type}, body, method, url)


@pytest.fixture
def canned_session():
    """canned_session(vendor, *replies, warnings=None, **options): the session; its client is ``session.http``."""
    def make(vendor, *replies, **options):
        warnings = options.pop('warnings', None)
        direct = dict(USERS[vendor], url='https://appliance.example', token_cache='none')
        direct.update(options)
        return VendorSession(vendor_settings(vendor, direct, environ={}), cache=MemoryTokenCache(), http=Canned(*replies),
                             warn=warnings.append if warnings is not None else None)
    return make
