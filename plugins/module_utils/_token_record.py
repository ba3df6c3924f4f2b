# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A cached token record: its format, the verifier that binds it to a secret, its key, the rule that says who may
have it (Caller), and finding a live one (find).

This and the store interface are all a cache hit needs. A task whose lookup finds its token runs in a freshly forked
worker that compiles every collection module it imports (tools/bench/README.md), so this module imports nothing of
the collection at load time and :func:`find` decides a hit without the session, the drivers, the lock or the HTTP
client. ``find`` never raises and never writes: whatever it cannot vouch for is a miss, and the full path (_auth.py
and the store, _store.py) decides and explains. Where records are kept (files, Redis) is the store's business only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import hmac
import json
import math
import os
import time

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 targets
    from urlparse import urlsplit

# Format 2 added the verifier: a format 1 file (no verifier) is discarded, so no token obtained before this
# check existed is handed to a caller whose secret was never checked against it.
FORMAT = 2
# PBKDF2-HMAC-SHA256 rounds of a new verifier: about 0.8 ms here (0.4 us a round on the 2-core build machine), so
# a cache hit stays under 2 ms while guessing a password from a stolen cache file costs 2000 hashes a guess.
# Stored per record, so raising it later does not invalidate existing files.
VERIFIER_ROUNDS = 2000
_MAX_ROUNDS = 1000000  # a record asking for more is not ours (or is hostile): refuse to spend seconds on it
# Epoch seconds beyond which a time is not a real expiry (year 9999): such a record is discarded as corrupt.
MAX_EPOCH = 253402300799.0
MAX_RECORD = 64 * 1024  # a token record is well under a kilobyte; anything bigger is not one of ours
_DEFAULT_PORTS = {'http': 80, 'https': 443}


def token_problem(token):
    """Why ``token`` cannot be sent in an HTTP header, or None. Never quotes it.

    Tokens are opaque but the vendors' are hex, base64url (JWT) or similar: visible ASCII. A CR or LF
    would split the header it is sent in (header injection), other control or non-ASCII characters
    are refused by the HTTP library later, with the header (and so the token) in the message.
    """
    if not isinstance(token, str) or not token:
        return 'it is empty or not text'
    for char in token:
        code = ord(char)
        if code < 0x21 or code > 0x7e:
            return ('it contains a control character (CR, LF, NUL...)' if code < 0x20 or code == 0x7f
                    else 'it contains a space' if code == 0x20 else 'it contains a non-ASCII character')
    return None


def _secret_bytes(secret):
    return secret if isinstance(secret, bytes) else str(secret).encode('utf-8')


def make_verifier(secret, rounds=VERIFIER_ROUNDS):
    """A salted, slow verifier of ``secret`` (never the secret nor a plain hash of it)."""
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac('sha256', _secret_bytes(secret), salt, rounds)
    return {'alg': 'pbkdf2-sha256', 'rounds': rounds, 'salt': base64.b64encode(salt).decode('ascii'),
            'hash': base64.b64encode(digest).decode('ascii')}


def verifier_matches(verifier, secret):
    """Whether ``secret`` is the one ``verifier`` was made from (constant-time comparison)."""
    if not _valid_verifier(verifier) or secret is None:
        return False
    try:
        salt = base64.b64decode(verifier['salt'].encode('ascii'))
        expected = base64.b64decode(verifier['hash'].encode('ascii'))
    except ValueError:  # binascii.Error and UnicodeError are ValueErrors
        return False
    digest = hashlib.pbkdf2_hmac('sha256', _secret_bytes(secret), salt, verifier['rounds'])
    return hmac.compare_digest(digest, expected)


def _valid_verifier(verifier):
    return (isinstance(verifier, dict) and verifier.get('alg') == 'pbkdf2-sha256'
            and _is_int(verifier.get('rounds')) and 1 <= verifier['rounds'] <= _MAX_ROUNDS
            and isinstance(verifier.get('salt'), str) and isinstance(verifier.get('hash'), str))


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_time(value):
    """A plausible epoch time: a finite number between 1970 and year 9999."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            and 0 <= value <= MAX_EPOCH)


def _valid_presentation(presented):
    """[[header, prefix], ...]: how a token is sent (the driver's auth_headers, recorded when the token was issued)."""
    return (isinstance(presented, list) and 0 < len(presented) <= 4
            and all(isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair)
                    and pair[0] and token_problem(pair[0]) is None and pair[0] != ':' and '\r' not in pair[1]
                    and '\n' not in pair[1] for pair in presented))


class TokenRecord(object):
    """A token and what we know about it. ``expires_at`` is epoch seconds or None (no timer).

    ``verifier`` binds the token to the secret (password, user token) that obtained it: see make_verifier.
    ``presented`` is how the vendor takes the token ([header, prefix] pairs), so a cache hit can build the lookup's
    ``output=headers`` without loading the vendor's driver.
    """

    def __init__(self, token, expires_at=None, obtained_at=None, data=None, verifier=None, presented=None):
        self.token = token
        self.expires_at = expires_at
        self.obtained_at = time.time() if obtained_at is None else obtained_at
        # Vendor state that lives and dies with this token, e.g. {'locked': True} for the SBC.
        self.data = dict(data or {})
        self.verifier = verifier
        self.presented = presented

    def bind(self, secret):
        """Record which secret obtained this token."""
        self.verifier = make_verifier(secret)
        return self

    def verifies(self, secret):
        return verifier_matches(self.verifier, secret)

    def present(self, headers):
        """Record how ``headers`` (the driver's auth_headers for this token) carry it; nothing if they do not end with it."""
        pairs = [[name, value[:-len(self.token)]] for name, value in sorted(headers.items())
                 if isinstance(value, str) and value.endswith(self.token)]
        self.presented = pairs if len(pairs) == len(headers) and _valid_presentation(pairs) else None

    def headers(self):
        """The token's headers as recorded by present(), or None."""
        return dict((name, prefix + self.token) for name, prefix in self.presented) if self.presented else None

    def remaining(self, now):
        """Seconds of life left (infinity for tokens without a timer)."""
        return float('inf') if self.expires_at is None else self.expires_at - now

    def alive(self, now):
        return self.remaining(now) > 0

    def to_dict(self):
        raw = {'format': FORMAT, 'token': self.token, 'expires_at': self.expires_at,
               'obtained_at': self.obtained_at, 'data': self.data, 'verifier': self.verifier}
        if self.presented:
            raw['presented'] = self.presented
        return raw

    @classmethod
    def from_dict(cls, raw):
        """A record from a cache file's JSON, or None when any field has the wrong type or an absurd value.

        Valid JSON is not enough: a hand-edited or foreign file must not crash every run (a string expires_at)
        nor hand out a token that cannot be sent (a CR/LF in it).
        """
        if not isinstance(raw, dict) or raw.get('format') != FORMAT:
            return None
        expires_at, obtained_at, data = raw.get('expires_at'), raw.get('obtained_at'), raw.get('data')
        verifier = raw.get('verifier')  # None: bound to no secret, so handed to no caller without the vendor's word
        presented = raw.get('presented')
        if (token_problem(raw.get('token')) is not None or not (verifier is None or _valid_verifier(verifier))
                or not (expires_at is None or _is_time(expires_at)) or not _is_time(obtained_at)
                or not isinstance(data if data is not None else {}, dict)
                or not (presented is None or _valid_presentation(presented))):
            return None
        return cls(raw['token'], expires_at, obtained_at, data, verifier, presented)


def parse_record(text):
    """A record from a stored record's text or bytes, or None (too big, truncated, corrupted, not UTF-8, absurdly
    nested, wrong types)."""
    if text is None or len(text) > MAX_RECORD:
        return None
    try:
        return TokenRecord.from_dict(json.loads(text))
    except (ValueError, RecursionError):
        return None


def dump_record(record):
    """The stored form of ``record`` (UTF-8 JSON bytes), what parse_record reads."""
    return json.dumps(record.to_dict()).encode('utf-8')


def cache_key(vendor, url, principal):
    """A file-name-safe key that reveals the vendor but not the URL or principal."""
    digest = hashlib.sha256(json.dumps([vendor, url, principal]).encode('utf-8')).hexdigest()[:32]
    return '%s-%s' % (vendor, digest)


def normalise_url(url):
    """(url, None) with scheme and host lower-cased and the default port and trailing slashes dropped, or
    (None, 'userinfo') / (None, 'shape') for a url that must be refused. A path (a proxy's prefix) is kept."""
    parts = urlsplit(url.strip())
    if '@' in parts.netloc:
        return None, 'userinfo'
    scheme = parts.scheme.lower()
    try:
        host, port = parts.hostname, parts.port
    except ValueError:  # a port that is not a number, or out of range
        host = port = None
    if scheme not in _DEFAULT_PORTS or not host or parts.query or parts.fragment:
        return None, 'shape'
    if ':' in host:
        host = '[%s]' % host  # IPv6 literal
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = '%s:%d' % (host, port)
    return '%s://%s%s' % (scheme, host, parts.path.rstrip('/')), None


def identity(username, password, user_token):
    """(principal, secret): who a token belongs to (part of the cache key, never a raw secret) and what obtains it.

    A user token is its own credential: every user token shares one record per url, and the record's verifier
    decides whose it is. BigID's driver uses this rule; the others have no user tokens and name the user name and
    password, which is the same answer. A driver with another rule is correct, only slower: find() then misses.
    """
    if user_token:
        return 'user_token', user_token
    return username, password


class Caller(object):
    """The usability rule, written once: may this caller have this record now?

    A record is handed out, without asking the vendor, only while it has more than ``margin`` seconds left and only
    to the secret that obtained it (the record's verifier). The session (_auth.py) and the lookup's hit path (find)
    both ask this object; the options it is built from were validated first (_options.resolve_options), and the
    plain-HTTP rule is applied before there is a caller at all (hit_target here, the driver's validate() there).
    """

    def __init__(self, secret, margin):
        self.secret = secret
        self.margin = margin
        self._verified = None  # (token, verifier hash) this secret last matched: one slow check per record

    def owns(self, record):
        """Whether this caller's secret is the one that obtained ``record``."""
        marker = (record.token, (record.verifier or {}).get('hash'))
        if self._verified == marker:
            return True
        if record.verifies(self.secret):
            self._verified = marker
            return True
        return False

    def remember(self, record):
        """``record`` was just bound to this caller's secret: no need to check it again."""
        self._verified = (record.token, (record.verifier or {}).get('hash'))

    def may_have(self, record, now):
        return record is not None and record.remaining(now) > self.margin and self.owns(record)


def hit_target(settings):
    """(key, Caller) for a cache hit on ``settings`` (validated options), or None where only the session may decide:
    a ready token, no cache, a url that must be refused, plain HTTP without allow_plain_http, no principal or secret."""
    if settings.token or settings.token_cache == 'none' or not settings.url:
        return None
    url, problem = normalise_url(settings.url)
    principal, secret = identity(settings.username, settings.password, settings.user_token)
    if problem or not principal or not secret or (url.startswith('http:') and not settings.allow_plain_http):
        return None
    return cache_key(settings.vendor, url, principal), Caller(secret, settings.refresh_margin)


def find(settings, now):
    """The cached record ``settings`` may have now (Caller.may_have), or None for anything else, including anything
    unusual: the session then decides and explains. Never raises, never writes, never waits for a lock: the store's
    peek() reads without locking and answers None while a writer is deciding.
    """
    target = hit_target(settings)
    if target is None:
        return None
    key, caller = target
    # Imported here: a lookup imports this module for every task, the store only when it may hit.
    from ansible_collections.apiauth.vendors.plugins.module_utils._store import peek
    record = peek(settings, key)
    return record if caller.may_have(record, now) else None
