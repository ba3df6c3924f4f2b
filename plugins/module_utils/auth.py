# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The auth layer's front door: a valid token for one vendor principal, and authenticated calls.

Every lookup, module and role goes through :class:`VendorSession`. The decision it makes under
the cache lock is the whole point of the collection:

* a cached token with more than ``refresh_margin`` seconds left is returned as is;
* a cached token that is still alive is *renewed* (SBC: re-authenticated with the token in the
  body, which keeps the configuration lock);
* only a missing, expired or server-rejected token leads to a fresh login.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import time

from ansible_collections.apiauth.vendors.plugins.module_utils.cache import TokenRecord, cache_key, open_cache
from ansible_collections.apiauth.vendors.plugins.module_utils.drivers.registry import get_driver_class
from ansible_collections.apiauth.vendors.plugins.module_utils.errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils.http_client import HttpClient
from ansible_collections.apiauth.vendors.plugins.module_utils.options import resolve_options

_UTC = datetime.timezone.utc


def vendor_settings(vendor, direct, variables=None, environ=None):
    """Resolve options for ``vendor`` (validated by name) from task args, variables and env."""
    driver_class = get_driver_class(vendor)
    return resolve_options(vendor, driver_class.env, direct, variables=variables, environ=environ)


def iso_time(epoch):
    """Epoch seconds as an ISO 8601 UTC string, or None."""
    if epoch is None:
        return None
    return datetime.datetime.fromtimestamp(epoch, _UTC).strftime('%Y-%m-%dT%H:%M:%SZ')


class VendorSession(object):
    """Tokens and authenticated requests for the principal described by ``settings``."""

    def __init__(self, settings, cache=None, http=None, clock=time.time, warn=None):
        self.settings = settings
        self.driver = get_driver_class(settings.vendor)(settings)
        self.driver.validate()
        self.secrets = settings.secrets()
        self._http = http
        self.clock = clock
        # A ready token (token=) is used as is: no cache key, no cache directory.
        self.key = None if settings.token else cache_key(settings.vendor, self.driver.base_url(), self.driver.principal())
        self.cache = cache if cache is not None or self.key is None else open_cache(settings, warn=warn)
        self.events = []  # what this session did over the wire: 'login', 'renew'; for tests and module results

    @property
    def http(self):
        """The HTTP client, made on first use: a token found in the cache needs none."""
        if self._http is None:
            self._http = HttpClient(self.settings, secrets=self.secrets)
        return self._http

    # -- tokens -------------------------------------------------------------------------
    def token(self, reject=None, force=False):
        """A TokenRecord good for at least ``refresh_margin`` more seconds.

        ``reject`` is a token the server has just refused (401): it is never returned again,
        and if the cache still holds it, it is replaced by a fresh login (it is dead, renewing
        it would fail). If another fork has meanwhile renewed it, that newer token is used.
        ``force`` renews a cached token however long it still has (a login if it has expired).
        """
        if self.settings.token:
            return TokenRecord(self.settings.token, expires_at=None)  # a ready token: no login, no cache
        with self.cache.slot(self.key) as slot:
            return self._fresh(slot, reject, force)

    def _fresh(self, slot, reject, force=False):
        record = slot.read()
        now = self.clock()
        usable = record is not None and record.token != reject
        if usable and not force and record.remaining(now) > self.settings.refresh_margin:
            return record
        new = None
        lost = 'expired'
        if usable and record.alive(now):
            try:
                new = self.driver.renew(self.http, record, now)
                self.events.append('renew')
            except ApiAuthError as exc:
                if exc.status != 401:
                    raise self._in_context(exc, self.driver.action_name(renewal=True), renewal=True)
                # The server no longer knows this token (revoked, or expired early): log in anew.
                lost = 'rejected'
        elif record is not None and record.token == reject:
            lost = 'rejected'
        if new is None:
            try:
                new = self.driver.login(self.http, now)
            except ApiAuthError as exc:
                raise self._in_context(exc, self.driver.action_name())
            self.events.append('login')
            if record is not None and record.data.get('locked'):
                # The lock belonged to the dead token: say how it died ('expired' or 'rejected').
                new.data['lock_lost'] = lost
        slot.write(new)
        return new

    def _in_context(self, exc, action, method=None, renewal=False):
        """A failure without a reply (timeout, unreachable), named with the vendor and what was being done.

        A request that timed out is not repeated (http_client): the server may have acted on it, which the
        message says when that matters: for a change, and for a renewal that replaces the token (the SBC's).
        """
        if exc.status is not None or exc.vendor is not None or exc.reason not in ('timeout', 'unreachable'):
            return exc
        message = '%s %s: %s' % (self.driver.title, action, exc.message)
        if exc.reason == 'timeout' and renewal:
            if self.driver.renewal_timeout_hint:
                message += '. It was not sent again: ' + self.driver.renewal_timeout_hint
        elif exc.reason == 'timeout' and method not in (None, 'GET', 'HEAD'):
            message += '. It was not sent again, as the server may have acted on it: check before repeating it'
        return ApiAuthError(message, vendor=self.driver.name, url=exc.url, reason=exc.reason).scrubbed(self.secrets)

    def update_state(self, **data):
        """Record vendor state (e.g. the SBC lock) on the cached token, under the cache lock."""
        if self.key is None:
            return
        with self.cache.slot(self.key) as slot:
            record = slot.read()
            if record is not None:
                record.data.update(data)
                slot.write(record)

    def cached(self):
        """The cached record as it stands, without any network call (None if there is none)."""
        if self.key is None:
            return None
        with self.cache.slot(self.key) as slot:
            return slot.read()

    def forget(self):
        """Drop the cached token (after the server said it is gone)."""
        if self.key is None:
            return
        with self.cache.slot(self.key) as slot:
            slot.delete()

    def headers(self, record):
        return self.driver.auth_headers(record.token)

    # -- requests -----------------------------------------------------------------------
    def request(self, method, path, headers=None, params=None, data=None, json=None, guard=None):
        """One authenticated call; on 401 the token is replaced once and the call repeated.

        ``guard(record)`` runs before each send with the token about to be used and may raise
        to stop the call, e.g. when a replacement token no longer holds the SBC lock.
        """
        url = self.driver.api_url(path)
        record = self.token()
        if guard:
            guard(record)
        reply = self._send(method, url, record, headers, params, data, json, path)
        if reply.status == 401 and not self.settings.token:
            record = self.token(reject=record.token)
            if guard:
                guard(record)
            reply = self._send(method, url, record, headers, params, data, json, path)
        return reply

    def _send(self, method, url, record, headers, params, data, json, path=None):
        merged = dict(headers or {})
        merged.update(self.driver.auth_headers(record.token))
        try:
            return self.http.request(method, url, headers=merged, params=params, data=data, json=json)
        except ApiAuthError as exc:
            raise self._in_context(exc, '%s %s' % (method, path or url), method=method)

    def describe(self, record, with_token=True):
        """The lookup's ``output=dict`` shape (also what modules build their results from)."""
        result = {
            'vendor': self.settings.vendor,
            'expires_at': iso_time(record.expires_at),
            'expires_in': None if record.expires_at is None else max(0, int(record.expires_at - self.clock())),
        }
        if with_token:
            result['token'] = record.token
            result['headers'] = self.headers(record)
        return result
