# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Oracle Communications Session Border Controller REST API driver.

Tokens live ten minutes and the configuration lock belongs to a token. Renewal therefore
re-authenticates with the current token in the body, which hands the lock over to the
new token; a fresh login while that token lives would orphan the lock until it expires.

The body's shape is not documented (docs/protocols.md): renewal tries the form field ``token``,
the form field ``accessToken`` and the raw token, moving on after a 400, and the token record
remembers the one the appliance took. Whether the lock moves with the token is not documented either: the first
renewal under the lock checks it once per appliance (whoever renews: a task, or the keeper during a pause), and an
appliance known to answer a renewal as a fresh login gets the lock handed over to the new token at each renewal.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64

from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import TokenRecord
from ansible_collections.apiauth.vendors.plugins.module_utils._drivers.base import VendorDriver
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError

KNOWN_VERSIONS = ('v1.0', 'v1.1', 'v1.2')
REAUTH_SHAPES = ('token', 'accessToken', 'raw')  # the order 'auto' tries them in
FORM = 'application/x-www-form-urlencoded'
# Token record data that describes the appliance rather than one token: kept across fresh logins.
APPLIANCE_FACTS = ('reauth_body', 'reauth_as_login')
# Our expiry for a token counts from before the request that got it, so the SBC may honour it a little longer: a
# replaced token is remembered (and tried by sbc/reauth.py) until this long past our own estimate; a dead one earns a 401.
REPLACED_GRACE = 30
MAX_REPLACED = 8  # replaced tokens remembered while still alive (sbc/reauth.py may need them to release the lock)


class Driver(VendorDriver):
    name = 'oracle_sbc'
    title = 'Oracle SBC'
    env = {'url': 'ORACLE_SBC_URL', 'username': 'ORACLE_SBC_USERNAME', 'password': 'ORACLE_SBC_PASSWORD'}
    https_only = True
    default_lifetime = 600
    renewal_checks_credentials = True  # re-authentication sends the Basic credentials with the token (_auth.py)
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
        from ansible_collections.apiauth.vendors.plugins.module_utils._payload import reply_messages  # not on a cache hit
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
        reply = http.request('POST', self.api_url('auth/token'), headers=self._basic())
        return self._token_reply(reply, self.action_name(), now)

    def carry_over(self, old, new):
        """What a fresh login keeps from the record it replaces: what was learned about the appliance."""
        if old is not None:
            new.data.update((key, old.data[key]) for key in APPLIANCE_FACTS if key in old.data)
            if old.data.get('locked') is False and old.data.get('lock_lost'):
                # Why the lock was lost (e.g. the keeper's renewal refused): the run's next task under the lock names it.
                new.data.update((key, old.data[key]) for key in ('lock_lost', 'lock_lost_detail') if key in old.data)

    def facts(self, record):
        """The re-authentication body this appliance accepted, and whether its renewals act as fresh logins."""
        found = {}
        if record.data.get('reauth_body'):
            found['reauth_body'] = record.data['reauth_body']
            found['renewal_acts_as_login'] = bool(record.data.get('reauth_as_login'))
        return found

    def reauth_shapes(self, record):
        """The body shapes to try, in order: the one set by reauth_body, else the remembered one first."""
        chosen = self.settings.get('reauth_body', 'auto')
        if chosen != 'auto':
            return [chosen]
        learned = record.data.get('reauth_body')
        return ([learned] if learned in REAUTH_SHAPES else []) + [shape for shape in REAUTH_SHAPES if shape != learned]

    def reauth_request(self, shape, token):
        """(data, headers) of a re-authentication whose body has ``shape``; always sent as a form."""
        headers = dict(self._basic(), **{'Content-Type': FORM})
        if shape == 'raw':
            return token, headers
        return {shape: token}, headers  # requests form-encodes a dict

    def renew(self, http, record, now):
        shape, renewed = self._reauthenticate(http, record, now)
        renewed.data = dict(record.data)  # the lock (and anything else tied to the token) moves along
        renewed.data['reauth_body'] = shape
        replaced = [[token, expires] for token, expires in record.data.get('replaced', []) if expires is None or expires + REPLACED_GRACE > now]
        renewed.data['replaced'] = (replaced + [[record.token, record.expires_at]])[-MAX_REPLACED:]
        if record.data.get('locked'):
            self._keep_lock(http, record, renewed)
        return renewed

    def _keep_lock(self, http, old, renewed):
        """After a renewal under the lock: the lock must be with the renewed token. An appliance known to renew like a
        login gets it handed over; on one not yet known, the first renewal under the lock checks where it went, whoever
        renews (a task, or the keeper during a pause, when no task would notice before the old token expires)."""
        try:
            if old.data.get('reauth_as_login'):
                self.hand_over_lock(http, old.token, renewed)
            elif 'reauth_as_login' not in old.data:
                self._check_lock_moved(http, old.token, renewed)
        except ApiAuthError:
            # No reply: the renewed token must not be lost for that. Unchecked, the next renewal asks again, and a
            # change refused with 423 meanwhile is recovered by sbc/reauth.py.
            pass

    def _check_lock_moved(self, http, old_token, renewed):
        """Once per appliance: a lock call with the renewed token, the cheapest proof of where the lock is. 204: it holds
        the lock (the renewal moved it, as documented; nothing changes). 423: the lock stayed with the replaced token,
        the renewal acted as a fresh login: hand it over. The answer is kept with the appliance facts."""
        probe = self.lock_call(http, 'lock', renewed.token)
        if probe.status == 204:
            renewed.data['reauth_as_login'] = False
            return
        if probe.status != 423:
            return  # no answer about the lock (5xx, ...): asked again at the next renewal under the lock
        released = self.lock_call(http, 'unlock', old_token).status
        if released == 401:
            # The replaced token is dead, as after a documented renewal: the 423 was about the lock itself, held by
            # another client or refused to its own holder (an appliance may answer so: the documents are silent).
            # Nothing is concluded; a change under the lock is refused with 423 if it is not ours, never applied.
            return
        if released != 204:
            renewed.data.update(locked=False, lock_lost='elsewhere')  # the old token lives and does not hold it either
            return
        renewed.data.update(reauth_as_login=True, reauth_notice=True)  # told by the next task under the lock
        if self.lock_call(http, 'lock', renewed.token).status != 204:
            renewed.data.update(locked=False, lock_lost='handover')

    def _reauthenticate(self, http, record, now):
        """(shape, TokenRecord): the first body shape the appliance does not refuse with 400."""
        action = self.action_name(renewal=True)
        shapes = self.reauth_shapes(record)
        for index, shape in enumerate(shapes):
            data, headers = self.reauth_request(shape, record.token)
            reply = http.request('POST', self.api_url('auth/token'), headers=headers, data=data)
            if reply.status != 400:
                return shape, self._token_reply(reply, action, now)
            if index == len(shapes) - 1:
                # A 400 means the appliance did not read that shape and nothing happened: the token still holds.
                self.fail(reply, action, hint='the appliance refused the re-authentication body shape(s) tried (%s, see the '
                          'reauth_body option)%s' % (', '.join(shapes), '' if len(shapes) > 1 else '; reauth_body=auto tries '
                                                     'each shape'), reason='reauth_body')
        raise ApiAuthError('no re-authentication body shape to try', vendor=self.name, reason='reauth_body')  # pragma: no cover

    def lock_call(self, http, action, token):
        """POST configuration/``action`` ('lock' or 'unlock') with ``token`` itself, not the session's current one: for a
        token the cache no longer names (replaced by a renewal) or not yet saved."""
        return http.request('POST', self.api_url('configuration/%s' % action), headers=self.auth_headers(token))

    def hand_over_lock(self, http, old_token, record):
        """On an appliance whose renewal acts as a fresh login: release the lock with ``old_token``, take it with
        ``record``'s token. Returns True when ``record`` holds the lock afterwards; else marks it lost on ``record``."""
        released = self.lock_call(http, 'unlock', old_token)
        if released.status == 401:
            # The old token is gone: this renewal replaced it as documented, and the lock moved with it.
            record.data['reauth_as_login'] = False
            return True
        taken = self.lock_call(http, 'lock', record.token)
        if taken.status == 204:
            return True
        record.data['locked'] = False
        record.data['lock_lost'] = 'handover'
        return False

    def _token_reply(self, reply, action, now):
        """A TokenRecord from an auth/token reply, or the error it means."""
        if reply.status == 404:
            self.fail(reply, action, hint='the appliance does not serve REST API version %r at %s; set api_version to one '
                      'it supports (known: %s)' % (self.settings.api_version, self.api_url('auth/token'),
                                                   ', '.join(KNOWN_VERSIONS)), reason='api_version')
        if reply.status in (401, 403):
            # One mistake, one message: a refused password reads the same whether it was sent in a login or in the
            # re-authentication of a token cached for this user (the Basic credentials are checked in both).
            self.fail(reply, 'login as user %r at %s' % (self.settings.username, self.api_url('auth/token')),
                      hint='check the username and password of user %r' % self.settings.username)
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
