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

A cached token is handed only to a caller presenting the secret (password, user token) that obtained it, checked
against the record's salted verifier. Any other caller is judged by the vendor: a login with its own credentials
(BigFix Inventory, BigID), or for the SBC a re-authentication with its credentials and the cached token in the body,
which keeps the configuration lock. A refusal fails the task and leaves the cached token, and the lock, alone.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import datetime
import math
import time

from ansible_collections.apiauth.vendors.plugins.module_utils._drivers.registry import get_driver_class
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError, redact
from ansible_collections.apiauth.vendors.plugins.module_utils._options import resolve_options
from ansible_collections.apiauth.vendors.plugins.module_utils._store import open_store
from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import MAX_EPOCH, Caller, TokenRecord, cache_key

_UTC = datetime.timezone.utc
# An expiry further away than this is not believed (an exp claim in milliseconds, a typo): the driver's lifetime is used.
MAX_TOKEN_LIFE = 366 * 86400


def vendor_settings(vendor, direct, variables=None, environ=None):
    """Resolve options for ``vendor`` (validated by name) from task args, variables and env."""
    driver_class = get_driver_class(vendor)
    return resolve_options(vendor, driver_class.env, direct, variables=variables, environ=environ)


def iso_time(epoch):
    """Epoch seconds as an ISO 8601 UTC string, or None."""
    if epoch is None or not math.isfinite(epoch) or not 0 <= epoch <= MAX_EPOCH:
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
        self.warn = warn or (lambda message: None)
        self.driver.warn = self.warn  # what a driver finds worth saying about a token it was given (BigID clock skew)
        # A ready token (token=) is used as is: no cache key, no cache directory.
        self.key = None if settings.token else cache_key(settings.vendor, self.driver.base_url(), self.driver.principal())
        self.secret = None if settings.token else self.driver.secret()
        # The token store (_store.py), ``cache`` by its historical name; vendor packages use transaction(), not this.
        self.cache = cache if cache is not None or self.key is None else open_store(settings, warn=warn)
        self.events = []  # what this session did over the wire: 'login', 'renew'; for tests and module results
        # The usability rule, shared with the lookup's hit path (_token_record.Caller).
        self.caller = None if settings.token else Caller(self.secret, settings.refresh_margin)
        self._unsaved = None  # a token the cache could not keep (disk full), used for the rest of this task

    @property
    def http(self):
        """The HTTP client, made on first use: a token found in the cache needs none."""
        if self._http is None:
            # Imported here: a lookup that finds its token cached (most tasks of a play, each a fresh worker process
            # that compiles what it imports) never sends a request.
            from ansible_collections.apiauth.vendors.plugins.module_utils._http_client import HttpClient
            self._http = HttpClient(self.settings, secrets=self.secrets)
        return self._http

    # -- tokens -------------------------------------------------------------------------
    def token(self, reject=None, force=False, renew_only=False):
        """A TokenRecord good for at least ``refresh_margin`` more seconds.

        ``reject`` is a token the server has just refused (401): it is never returned again,
        and if the cache still holds it, it is replaced by a fresh login (it is dead, renewing
        it would fail). If another fork has meanwhile renewed it, that newer token is used.
        ``force`` renews a cached token however long it still has (a login if it has expired).
        ``renew_only`` (the lock keeper) never logs in: a refused renewal is raised, an expired token is an error.
        """
        if self.settings.token:
            return TokenRecord(self.settings.token, expires_at=None)  # a ready token: no login, no cache
        held = self._unsaved
        if held is not None and held.token != reject and not force and held.remaining(self.clock()) > self.settings.refresh_margin:
            return held
        with self.cache.slot(self.key) as slot:
            record = self._fresh(slot, reject, force, renew_only)
        self._hide(record.token)
        return record

    def _ours(self, record):
        """Whether this session's secret is the one that obtained ``record`` (one slow check per record)."""
        return self.caller.owns(record)

    def _fresh(self, slot, reject, force=False, renew_only=False):
        record = self._unsaved if self._unsaved is not None else slot.read()
        now = self.clock()
        usable = record is not None and record.token != reject
        ours = usable and self._ours(record)
        if usable and not force and self.caller.may_have(record, now):
            if record.presented is None and record is not self._unsaved:
                self._present(record)  # a record written before tokens carried it: once, so later hits take the fast path
                if record.presented is not None:  # a vendor whose header does not end with the token has none to save
                    self._save_quietly(slot, record)
            return record
        new = None
        lost = 'expired'
        if usable and record.alive(now) and (ours or self.driver.renewal_checks_credentials):
            # Someone else's live token is renewed only where the renewal itself checks our credentials (the SBC's
            # Basic header): that keeps the lock, and a refusal leaves their token alone.
            try:
                new = self.driver.renew(self.http, record, now)
                self.events.append('renew')
            except ApiAuthError as exc:
                if exc.status != 401 or not ours or renew_only:
                    raise self._in_context(exc, self.driver.action_name(renewal=True), renewal=True)
                # The server no longer knows this token (revoked, or expired early): log in anew.
                lost = 'rejected'
        elif record is not None and record.token == reject:
            lost = 'rejected'
        renewed = new is not None
        if new is None and renew_only:
            raise ApiAuthError('%s: no live token of this principal to renew (no fresh login here)' % self.driver.title,
                               vendor=self.driver.name, reason='expired')
        if new is None:
            try:
                # A login lost on the wire may be sent again: it only issues a token. (Test doubles lack replayable.)
                with getattr(self.http, 'replayable', contextlib.nullcontext)():
                    new = self.driver.login(self.http, now)
            except ApiAuthError as exc:
                raise self._in_context(exc, self.driver.action_name())
            self.events.append('login')
            self.driver.carry_over(record, new, lost)
        self._hide(new.token)
        self.driver.checked_token(new.token, self.driver.action_name(renewal=renewed))
        self._believable_expiry(new, now)
        new.bind(self.secret)
        self._present(new)
        self.caller.remember(new)
        try:
            slot.write(new)
        except ApiAuthError as exc:
            if exc.reason != 'cache':
                raise
            return self._keep_unsaved(slot, new, renewed, exc)
        self._unsaved = None
        return new

    def _present(self, record):
        """Record how the vendor takes the token, for cache hits that do not load the driver (_token_record.find)."""
        record.present(self.driver.auth_headers(record.token))

    @staticmethod
    def _save_quietly(slot, record):
        try:
            slot.write(record)
        except ApiAuthError:
            pass  # an optimisation only: the token is good as it is, and a cache that cannot write says so elsewhere

    def _believable_expiry(self, record, now):
        """Nothing absurd goes into the cache: an expiry past a year (or not a number) becomes the driver's lifetime."""
        expires_at = record.expires_at
        if expires_at is None:
            return
        if not isinstance(expires_at, (int, float)) or not math.isfinite(expires_at) or expires_at > now + MAX_TOKEN_LIFE:
            self.warn('%s issued a token whose expiry is not believable (more than a year away); it is treated as '
                      'living %d seconds' % (self.driver.title, self.driver.lifetime() or 300))
            record.expires_at = now + (self.driver.lifetime() or 300)

    def _keep_unsaved(self, slot, new, renewed, exc):
        """The cache could not save a token the vendor has just issued: never lose it silently.

        A renewal replaced the cached token, which is dead now: it is dropped. What the new token alone holds (the SBC's
        configuration lock) the driver gives back (``unsaved_renewal``), and the task fails saying so; otherwise the
        token serves this task from memory.
        """
        if renewed:
            try:
                slot.delete()  # the cached token was replaced by the renewal: the next task must not renew a dead one
            except ApiAuthError:
                pass
            tail = self.driver.unsaved_renewal(self.http, new)
            if tail:
                raise ApiAuthError('%s; %s' % (exc.message, tail), vendor=self.driver.name,
                                   reason='cache').scrubbed(self.secrets)
        self._unsaved = new
        self.warn('%s; the new %s token is used for this task only (kept in memory, not saved)%s'
                  % (exc.message, self.driver.title,
                     ': the token it replaced is no longer valid, so the next task logs in again' if renewed else ''))
        return new

    def _hide(self, token):
        """Scrub ``token`` from every message this session, its driver and its HTTP client make from now on."""
        if token and token not in self.secrets:
            for secrets in (self.secrets, self.driver.secrets, getattr(self._http, 'secrets', None)):
                if isinstance(secrets, list) and token not in secrets:
                    secrets.append(token)

    def _in_context(self, exc, action, method=None, renewal=False):
        """A failure without a reply (timeout, unreachable), named with the vendor and what was being done.

        A request that timed out is not repeated (http_client): the server may have acted on it, which the
        message says when that matters: for a change, and for a renewal that replaces the token (the SBC's).
        """
        if exc.status is not None or exc.vendor is not None or exc.reason not in ('timeout', 'unreachable', 'maybe_applied',
                                                                                  'too_large'):
            exc.message = redact(exc.message, self.secrets)  # in place: callers may have set attributes on it
            exc.args = (exc.message,)
            return exc
        message = '%s %s: %s' % (self.driver.title, action, exc.message)
        if exc.reason == 'maybe_applied' and renewal and self.driver.renewal_timeout_hint:
            message += ' (' + self.driver.renewal_timeout_hint + ')'
        elif exc.reason == 'timeout' and renewal:
            if self.driver.renewal_timeout_hint:
                message += '. It was not sent again: ' + self.driver.renewal_timeout_hint
        elif exc.reason == 'timeout' and method not in (None, 'GET', 'HEAD'):
            message += '. It was not sent again, as the server may have acted on it: check before repeating it'
        return ApiAuthError(message, vendor=self.driver.name, url=exc.url, reason=exc.reason).scrubbed(self.secrets)

    # -- the session's own token record, for what a vendor package keeps on it (sbc/state.py) ----------------------
    @property
    def has_record(self):
        """Whether this session keeps a token record (not with a ready token: no cache, nothing shared)."""
        return self.key is not None

    @contextlib.contextmanager
    def transaction(self):
        """This session's token record under the store's lock: yields its slot (``read()``, ``write(record)``,
        ``delete()``); other tasks and runs wait until the block ends. Only where ``has_record``."""
        with self.cache.slot(self.key) as slot:
            yield slot

    def lease(self, name):
        """The store's lease ``name`` for this session's principal (``acquire``, ``renew``, ``release``, ``holder``);
        None where there is no record (a ready token)."""
        if self.key is None:
            return None
        return self.cache.lease('%s:%s' % (name, self.key))

    def send_as(self, method, path, token):
        """One call with ``token`` itself, not this session's current one (a token the record no longer names, or one
        not yet saved): no renewal, no second try, no guard."""
        return self.http.request(method, self.driver.api_url(path), headers=self.driver.auth_headers(token))

    def connect(self):
        """Make the HTTP client now (a process about to fork imports what it will need)."""
        return self.http

    def change_record(self, change):
        """Apply ``change(record)`` to the cached record, under the cache lock, and save it (nothing if there is none)."""
        if self.key is None:
            return
        if self._unsaved is not None:
            change(self._unsaved)
            return
        with self.cache.slot(self.key) as slot:
            record = slot.read()
            if record is not None:
                change(record)
                slot.write(record)

    def update_state(self, **data):
        """Record ``data`` on the cached token, under the cache lock."""
        self.change_record(lambda record: record.data.update(data))

    def cached(self):
        """The cached record as it stands, without any network call (None if there is none)."""
        if self.key is None:
            return None
        if self._unsaved is not None:
            return self._unsaved
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

        ``guard.check(record)`` (a _request.RequestGuard) runs before each send with the token about to be used and
        may raise to stop the call, e.g. when a replacement token no longer holds the SBC lock.
        """
        url = self.driver.api_url(path)
        record = self.token()
        if guard:
            guard.check(record)
        reply = self._send(method, url, record, headers, params, data, json, path)
        if (reply.status == 401 or self.driver.refused(reply)) and not self.settings.token:
            record = self.token(reject=record.token)
            if guard:
                guard.check(record)
            reply = self._send(method, url, record, headers, params, data, json, path)
        if self.driver.refused(reply):
            self.driver.fail(reply, '%s %s' % (method, path), reason='auth')
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
        result.update(self.driver.facts(record))
        if with_token:
            result['token'] = record.token
            result['headers'] = self.headers(record)
        return result
