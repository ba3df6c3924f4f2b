# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""BigID driver: a long-lived user token (or username/password) exchanged for a short-lived system token."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import math
import time

from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import TokenRecord, identity
from ansible_collections.apiauth.vendors.plugins.module_utils._drivers.base import VendorDriver
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
# payload is imported by the functions that read replies: not on a cache hit (tools/bench/README.md).

# Words of BigID's HTTP 200 refusals ("Failed to authenticate token.", "Authentication failed. ..."): a
# {"success": false} reply to an API call that says none of them is the API's answer, not a refusal.
_REFUSAL_WORDS = ('authenticat', 'token', 'unauthori')


def json_body(reply):
    """The reply body as JSON when it is JSON, whatever its Content-Type (BigID labels some JSON text/html); else None."""
    from ansible_collections.apiauth.vendors.plugins.module_utils._payload import reply_json
    head = (reply.text or '')[:64].lstrip()  # not the whole body stripped: a copy of a large reply
    if not head.startswith(('{', '[')):
        return None
    try:
        return reply_json(reply)  # parsed once per reply, shared with the result's data
    except ValueError:  # TooDeep included: such a body is no refusal, and check_api_reply names it
        return None


def refusal_message(body):
    """The vendor's message of a ``{"success": false, ...}`` body, or None for any other body."""
    from ansible_collections.apiauth.vendors.plugins.module_utils._payload import json_messages
    if not isinstance(body, dict) or body.get('success') is not False:
        return None
    return '; '.join(json_messages(body)) or 'no message'


_MS_THRESHOLD = 1e11


def _iso(epoch):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(epoch))


def jwt_claims(token):
    """The claims of a JWT, read without verifying it (we only schedule renewals with them); {} for any other token."""
    parts = token.split('.')
    if len(parts) != 3:
        return {}
    try:
        payload = parts[1] + '=' * (-len(parts[1]) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload.encode('ascii')).decode('utf-8'))
    except (ValueError, TypeError, UnicodeError, RecursionError):
        return {}
    return claims if isinstance(claims, dict) else {}


def claim_time(claims, name):
    """A NumericDate claim (exp, iat) in epoch seconds, or None when absent or not a usable number."""
    value = claims.get(name)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value) or value <= 0:
        return None
    # RFC 7519 says seconds, but some issuers write milliseconds: 1e11 s is the year 5138, 1e11 ms is 1973.
    return float(value) / 1000.0 if value > _MS_THRESHOLD else float(value)


def jwt_expiry(token):
    """The ``exp`` claim of a JWT in epoch seconds, or None."""
    return claim_time(jwt_claims(token), 'exp')


class Driver(VendorDriver):
    name = 'bigid'
    title = 'BigID'
    env = {'url': 'BIGID_URL', 'user_token': 'BIGID_USER_TOKEN', 'username': 'BIGID_USERNAME',
           'password': 'BIGID_PASSWORD'}
    # A system token without an exp claim: assume a short life, and re-exchange on 401 anyway.
    default_lifetime = 300

    def check_credentials(self):
        if self.settings.user_token:
            return
        if self.settings.username or self.settings.password:
            self.settings.require('username')
            self.settings.require('password')
            return
        self.settings.require('user_token', why='or username= and password= for a session login')

    def principal(self):
        # Not a hash of the user token: the cache keeps no plain hash of a secret (_token_record.identity).
        return identity(self.settings.username, self.settings.password, self.settings.user_token)[0]

    def secret(self):
        return identity(self.settings.username, self.settings.password, self.settings.user_token)[1]

    def api_root(self):
        return self.base_url() + '/api/v1/'

    def auth_headers(self, token):
        return {'Authorization': token}  # BigID takes the bare token, no "Bearer"

    def _hint(self):
        if self.settings.user_token:
            return 'check user_token (a BigID user token is shown once, when generated under Administration > Access Management)'
        return 'check username/password for user %r' % self.settings.username

    def action_name(self, renewal=False):
        return 'user token exchange' if self.settings.user_token else 'session login'

    def refused(self, reply):
        """BigID answers an API call with a dead system token by HTTP 200 {"success": false, "message": "Authentication failed."}."""
        if reply.status != 200:
            return False
        message = refusal_message(json_body(reply))
        return message is not None and any(word in message.lower() for word in _REFUSAL_WORDS)

    def login(self, http, now):
        if self.settings.user_token:
            # Sent as GET, like the vendor's own API browser does.
            reply = http.request('GET', self.api_url('refresh-access-token'),
                                 headers=dict(self.auth_headers(self.settings.user_token), Accept='application/json'))
            action, field = 'user token exchange', 'systemToken'
        else:
            reply = http.request('POST', self.api_url('sessions'), headers={'Accept': 'application/json'},
                                 json={'username': self.settings.username, 'password': self.settings.password})
            action, field = 'session login', 'auth_token'
        if not reply.ok:
            self.fail(reply, action, hint=self._hint() if reply.status in (401, 403) else None)
        body = json_body(reply)  # JSON by its content: the sandbox sends some as text/html
        if body is None:
            body = self.parse_token_reply(reply, action, 'json')  # names what came instead, never quoting it
        message = refusal_message(body)
        if message is not None:
            # BigID refuses a bad user token or password with HTTP 200 and {"success": false, "message": ...}
            from ansible_collections.apiauth.vendors.plugins.module_utils._payload import snippet
            said = snippet(message, self.secrets)
            raise ApiAuthError('%s %s failed: %s%s %s' % (self.title, action, said, '' if said.endswith('.') else '.', self._hint()),
                               status=reply.status, vendor=self.name, url=reply.url, reason='auth').scrubbed(self.secrets)
        token = self.token_from(body, field, action, reply)
        claims = jwt_claims(token)
        expires_at = claim_time(claims, 'exp')
        if expires_at is None:
            expires_at = now + self.lifetime()
        elif expires_at <= now:
            expires_at = self._expired_on_arrival(claims, expires_at, now)
        return TokenRecord(token, expires_at=expires_at, obtained_at=now)

    def _expired_on_arrival(self, claims, exp, now):
        """A system token whose exp is already past by this host's clock: the clocks differ, since BigID has just issued
        it. It is used (BigID judges it by its own clock), with a warning naming the skew, and cached for the lifetime
        BigID gave it (exp - iat) counted from now; without iat, for this call only."""
        issued = claim_time(claims, 'iat')
        intended = exp - issued if issued is not None and exp > issued else None
        if intended is not None:
            skew = 'this host\'s clock is about %d seconds ahead of BigID\'s (the token says it was issued at %s)' % (
                now - issued, _iso(issued))
            use = 'it is used and cached for the %d seconds BigID gave it (exp - iat), counted by this host\'s clock' % intended
            expires_at = now + intended
        else:
            skew = 'this host\'s clock is at least %d seconds ahead of BigID\'s' % (now - exp)
            use = 'it carries no iat claim to tell how long BigID meant it to live, so it is used for this call only'
            expires_at = now
        warn = getattr(self, 'warn', None)
        if warn is not None:
            warn('%s issued a system token that had already expired by this host\'s clock (exp %s): clock skew, %s; %s. '
                 'Synchronise the clocks (NTP)' % (self.title, _iso(exp), skew, use))
        return expires_at
