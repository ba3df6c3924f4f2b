# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""BigFix Inventory driver: the user's API token, from POST /api/get_token or given ready (SSO)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import TokenRecord
from ansible_collections.apiauth.vendors.plugins.module_utils._drivers.base import VendorDriver, html_page

_SSO_HINT = ('if single sign-on is enabled, get_token is not available: copy the token from Profile > Show token '
             'and pass it as token= (or BIGFIX_INVENTORY_TOKEN)')


class Driver(VendorDriver):
    name = 'bigfix_inventory'
    title = 'BigFix Inventory'
    env = {'url': 'BIGFIX_INVENTORY_URL', 'username': 'BIGFIX_INVENTORY_USERNAME',
           'password': 'BIGFIX_INVENTORY_PASSWORD', 'token': 'BIGFIX_INVENTORY_TOKEN'}
    default_lifetime = None  # the API token does not expire on a timer

    def check_credentials(self):
        # AWX accepts a credential with only its URL filled: say which fields to fill, not just which option is missing.
        why = ('or give a ready token= (BIGFIX_INVENTORY_TOKEN) when single sign-on is on; in an AWX credential of type'
               ' "BigFix Inventory API", fill Username and Password, or API token (single sign-on)')
        self.settings.require('username', why=why)
        self.settings.require('password', why=why)

    def principal(self):
        return self.settings.username

    def auth_headers(self, token):
        # The header, not ?token=: a token in a URL ends up in access logs.
        return {'Token': token}

    def login(self, http, now):
        reply = http.request('POST', self.api_url('/api/get_token'),
                             headers={'Accept-Language': 'en-US', 'Accept': 'application/json'},
                             json={'user': self.settings.username, 'password': self.settings.password})
        if reply.status in (401, 403, 500) and html_page(reply) is None:  # an HTML page is a proxy's, not BigFix's refusal
            self.fail(reply, 'login', hint=_SSO_HINT, reason='auth' if reply.status != 500 else 'http')
        if not reply.ok:
            self.fail(reply, 'login')
        token = self.token_from(self.parse_token_reply(reply, 'login', 'json'), 'token', 'login', reply)
        lifetime = self.lifetime()
        return TokenRecord(token, expires_at=now + lifetime if lifetime else None, obtained_at=now)
