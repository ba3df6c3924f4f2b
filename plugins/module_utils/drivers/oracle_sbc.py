# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Oracle Communications Session Border Controller REST API driver.

Tokens live ten minutes and the configuration lock belongs to a token. Renewal therefore
re-authenticates with the current token in the form body, which hands the lock over to the
new token; a fresh login while that token lives would orphan the lock until it expires.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64

from ansible_collections.apiauth.vendors.plugins.module_utils.cache import TokenRecord
from ansible_collections.apiauth.vendors.plugins.module_utils.drivers.base import VendorDriver
from ansible_collections.apiauth.vendors.plugins.module_utils.errors import ApiAuthError

KNOWN_VERSIONS = ('v1.0', 'v1.1', 'v1.2')


class Driver(VendorDriver):
    name = 'oracle_sbc'
    title = 'Oracle SBC'
    env = {'url': 'ORACLE_SBC_URL', 'username': 'ORACLE_SBC_USERNAME', 'password': 'ORACLE_SBC_PASSWORD'}
    https_only = True
    default_lifetime = 600
    renewal_timeout_hint = ('if the SBC did re-authenticate, the token it replaced is no longer valid, and a configuration '
                            'lock that token held is lost')

    def check_credentials(self):
        self.settings.require('username')
        self.settings.require('password')

    def principal(self):
        return self.settings.username

    def api_root(self):
        return '%s/rest/%s/' % (self.base_url(), self.settings.api_version)

    def auth_headers(self, token):
        return {'Authorization': 'Bearer %s' % token}

    def explain(self, reply):
        from ansible_collections.apiauth.vendors.plugins.module_utils.payload import reply_messages  # not on a cache hit
        words = ' '.join(reply_messages(reply)).lower()
        if reply.status == 423 and 'another user' in words:
            return ('the configuration lock is held by another user or session', 'lock_held')
        if reply.status == 423:
            return ('this session does not hold the configuration lock (it was never taken, or it was lost with '
                    'its token); take it with apiauth.vendors.sbc_config_lock', 'lock_not_held')
        if reply.status == 403:
            return ('user %r lacks the administrator privileges this call needs' % self.settings.username, 'forbidden')
        return None, None

    def action_name(self, renewal=False):
        return 're-authentication' if renewal else 'login'

    def _basic(self):
        raw = '%s:%s' % (self.settings.username, self.settings.password)
        return {'Authorization': 'Basic %s' % base64.b64encode(raw.encode('utf-8')).decode('ascii'),
                'Accept': 'application/xml'}

    def login(self, http, now):
        return self._token_request(http, now, None)

    def renew(self, http, record, now):
        # requests form-encodes a dict body and sets application/x-www-form-urlencoded.
        renewed = self._token_request(http, now, {'token': record.token})
        renewed.data = dict(record.data)  # the lock (and anything else tied to the token) moves along
        return renewed

    def _token_request(self, http, now, body):
        action = self.action_name(renewal=bool(body))
        reply = http.request('POST', self.api_url('auth/token'), headers=self._basic(), data=body)
        if reply.status == 404:
            self.fail(reply, action, hint='the appliance does not serve REST API version %r at %s; set api_version to one '
                      'it supports (known: %s)' % (self.settings.api_version, self.api_url('auth/token'),
                                                   ', '.join(KNOWN_VERSIONS)), reason='api_version')
        if reply.status in (401, 403):
            self.fail(reply, action, hint='check username/password for user %r' % self.settings.username)
        if reply.status == 426:
            self.fail(reply, action, hint='use an https:// url')
        if not reply.ok:
            self.fail(reply, action)
        root = self.parse_token_reply(reply, action, 'xml')
        token = (root.findtext('data/accessToken') or '').strip()
        if not token:
            raise ApiAuthError('%s %s: the reply has no <data><accessToken>' % (self.title, action),
                               status=reply.status, vendor=self.name, reason='bad_reply')
        return TokenRecord(token, expires_at=now + self.lifetime(), obtained_at=now)
