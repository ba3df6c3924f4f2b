# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The token cache: one record per (vendor, url, principal), shared by every fork and task.

Files are 0600 in a 0700 directory and replaced atomically. Each key has its own lock file;
whoever holds it decides alone whether to reuse, renew or log in, which is what makes five
parallel forks produce one login instead of five, and what keeps an SBC token (and the
configuration lock tied to it) from being replaced by a concurrent fresh login.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import contextlib
import errno
import hashlib
import hmac
import json
import math
import os
import stat
import tempfile
import threading
import time

try:
    import fcntl
except ImportError:  # pragma: no cover - Ansible controllers are POSIX
    fcntl = None

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError

# Format 2 added the verifier: a format 1 file (no verifier) is discarded, so no token obtained before this
# check existed is handed to a caller whose secret was never checked against it.
_FORMAT = 2
# PBKDF2-HMAC-SHA256 rounds of a new verifier: about 0.8 ms here (0.4 us a round on the 2-core build machine), so
# a cache hit stays under 2 ms while guessing a password from a stolen cache file costs 2000 hashes a guess.
# Stored per record, so raising it later does not invalidate existing files.
VERIFIER_ROUNDS = 2000
_MAX_ROUNDS = 1000000  # a record asking for more is not ours (or is hostile): refuse to spend seconds on it
# Epoch seconds beyond which a time is not a real expiry (year 9999): such a record is discarded as corrupt.
MAX_EPOCH = 253402300799.0


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


def _b64(raw):
    return base64.b64encode(raw).decode('ascii')


def make_verifier(secret, rounds=VERIFIER_ROUNDS):
    """A salted, slow verifier of ``secret`` (never the secret nor a plain hash of it)."""
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac('sha256', _secret_bytes(secret), salt, rounds)
    return {'alg': 'pbkdf2-sha256', 'rounds': rounds, 'salt': _b64(salt), 'hash': _b64(digest)}


def _secret_bytes(secret):
    return secret if isinstance(secret, bytes) else str(secret).encode('utf-8')


def verifier_matches(verifier, secret):
    """Whether ``secret`` is the one ``verifier`` was made from (constant-time comparison)."""
    if not _valid_verifier(verifier) or secret is None:
        return False
    try:
        salt = base64.b64decode(verifier['salt'].encode('ascii'))
        expected = base64.b64decode(verifier['hash'].encode('ascii'))
    except (binascii.Error, ValueError, UnicodeError):
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


class TokenRecord(object):
    """A token and what we know about it. ``expires_at`` is epoch seconds or None (no timer).

    ``verifier`` binds the token to the secret (password, user token) that obtained it: see make_verifier.
    """

    def __init__(self, token, expires_at=None, obtained_at=None, data=None, verifier=None):
        self.token = token
        self.expires_at = expires_at
        self.obtained_at = time.time() if obtained_at is None else obtained_at
        # Vendor state that lives and dies with this token, e.g. {'locked': True} for the SBC.
        self.data = dict(data or {})
        self.verifier = verifier

    def bind(self, secret):
        """Record which secret obtained this token."""
        self.verifier = make_verifier(secret)
        return self

    def verifies(self, secret):
        return verifier_matches(self.verifier, secret)

    def remaining(self, now):
        """Seconds of life left (infinity for tokens without a timer)."""
        return float('inf') if self.expires_at is None else self.expires_at - now

    def alive(self, now):
        return self.remaining(now) > 0

    def to_dict(self):
        return {'format': _FORMAT, 'token': self.token, 'expires_at': self.expires_at,
                'obtained_at': self.obtained_at, 'data': self.data, 'verifier': self.verifier}

    @classmethod
    def from_dict(cls, raw):
        """A record from a cache file's JSON, or None when any field has the wrong type or an absurd value.

        Valid JSON is not enough: a hand-edited or foreign file must not crash every run (a string expires_at)
        nor hand out a token that cannot be sent (a CR/LF in it).
        """
        if not isinstance(raw, dict) or raw.get('format') != _FORMAT:
            return None
        expires_at, obtained_at, data = raw.get('expires_at'), raw.get('obtained_at'), raw.get('data')
        verifier = raw.get('verifier')  # None: bound to no secret, so handed to no caller without the vendor's word
        if (token_problem(raw.get('token')) is not None or not (verifier is None or _valid_verifier(verifier))
                or not (expires_at is None or _is_time(expires_at)) or not _is_time(obtained_at)
                or not isinstance(data if data is not None else {}, dict)):
            return None
        return cls(raw['token'], expires_at, obtained_at, data, verifier)


def cache_key(vendor, url, principal):
    """A file-name-safe key that reveals the vendor but not the URL or principal."""
    digest = hashlib.sha256(json.dumps([vendor, url, principal]).encode('utf-8')).hexdigest()[:32]
    return '%s-%s' % (vendor, digest)


class _Slot(object):
    """Read/write access to one key while its lock is held."""

    def __init__(self, cache, key):
        self._cache = cache
        self._key = key

    def read(self):
        return self._cache.load(self._key)

    def write(self, record):
        self._cache.store(self._key, record)

    def delete(self):
        self._cache.remove(self._key)


class MemoryTokenCache(object):
    """``token_cache: none``: nothing outlives the plugin call that created it."""

    def __init__(self):
        self._records = {}
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def slot(self, key):
        with self._lock:
            yield _Slot(self, key)

    def load(self, key):
        return self._records.get(key)

    def store(self, key, record):
        self._records[key] = record

    def remove(self, key):
        self._records.pop(key, None)


class FileTokenCache(object):
    """Records as JSON files under ``directory``, guarded by per-key ``flock`` locks."""

    def __init__(self, directory, lock_timeout=120.0, warn=None):
        self.directory = os.path.abspath(os.path.expanduser(directory))
        self.lock_timeout = lock_timeout
        self.warn = warn or (lambda message: None)
        self._ensure_directory()

    def _ensure_directory(self):
        try:
            os.makedirs(self.directory, 0o700)
        except OSError as exc:
            if exc.errno != errno.EEXIST:
                raise cache_error('create token cache directory', self.directory, exc)
        try:
            info = os.stat(self.directory)
        except OSError as exc:
            raise cache_error('read token cache directory', self.directory, exc)
        if not stat.S_ISDIR(info.st_mode):
            raise ApiAuthError('token cache path %s is not a directory' % self.directory, reason='cache')
        _check_private('token cache directory', self.directory, info)

    def _path(self, key, suffix):
        return os.path.join(self.directory, key + suffix)

    @contextlib.contextmanager
    def slot(self, key):
        # Each open() is its own open file description, so flock excludes threads of one
        # process from each other just as it excludes forks.
        try:
            fd = os.open(self._path(key, '.lock'), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise cache_error('open token cache lock file', self._path(key, '.lock'), exc)
        try:
            self._acquire(fd, key)
            yield _Slot(self, key)
        finally:
            os.close(fd)  # closing releases the flock

    def _acquire(self, fd, key):
        if fcntl is None:
            return
        deadline = time.time() + self.lock_timeout
        delay = 0.01
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except (IOError, OSError) as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
            if time.time() >= deadline:
                raise ApiAuthError('timed out after %ss waiting for the token cache lock %s'
                                   % (self.lock_timeout, self._path(key, '.lock')), reason='cache')
            time.sleep(delay)
            delay = min(delay * 2, 0.2)

    def load(self, key):
        path = self._path(key, '.json')
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0))
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                return None
            raise cache_error('read token cache file', path, exc)
        with os.fdopen(fd) as handle:
            _check_private('token cache file', path, os.fstat(handle.fileno()))  # the file read, not the name
            try:
                # Bounded read: a token record is well under a kilobyte; a huge file is not one of ours.
                record = TokenRecord.from_dict(json.loads(handle.read(_MAX_FILE + 1)))
            except (ValueError, RecursionError):  # truncated, corrupted, not UTF-8, nested absurdly deep
                record = None
            except OSError as exc:
                raise cache_error('read token cache file', path, exc)
        if record is None:
            self.warn('discarded the unreadable token cache file %s (truncated, corrupted or with fields of the wrong '
                      'type); a new token replaces it' % path)
            self.remove(key)
        return record

    def store(self, key, record):
        try:
            fd, tmp = tempfile.mkstemp(prefix='.%s.' % key, dir=self.directory)  # mkstemp creates 0600
        except OSError as exc:
            raise cache_error('write token cache file', self._path(key, '.json'), exc)
        try:
            with os.fdopen(fd, 'w') as handle:
                json.dump(record.to_dict(), handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.rename(tmp, self._path(key, '.json'))  # atomic on POSIX
        except OSError as exc:
            _unlink_quietly(tmp)
            raise cache_error('write token cache file', self._path(key, '.json'), exc)
        except Exception:
            _unlink_quietly(tmp)
            raise

    def remove(self, key):
        try:
            os.unlink(self._path(key, '.json'))
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                raise cache_error('remove token cache file', self._path(key, '.json'), exc)


_MAX_FILE = 64 * 1024
_ERRNO_HINTS = {
    errno.ENOSPC: 'the file system is full: free some space, or point token_cache_dir (APIAUTH_TOKEN_CACHE_DIR) elsewhere',
    errno.EROFS: 'the file system is read-only: point token_cache_dir (APIAUTH_TOKEN_CACHE_DIR) at a writable directory, '
                 'or set token_cache=none',
    errno.EACCES: 'permission denied: the directory must be writable by the user running the task, or point '
                  'token_cache_dir (APIAUTH_TOKEN_CACHE_DIR) elsewhere',
    errno.EPERM: 'operation not permitted: point token_cache_dir (APIAUTH_TOKEN_CACHE_DIR) at a directory of your own',
}
if hasattr(errno, 'EDQUOT'):
    _ERRNO_HINTS[errno.EDQUOT] = 'the disk quota is exhausted: free some space, or point token_cache_dir elsewhere'


def cache_error(doing, path, exc):
    """An OSError of the cache as the collection's error: what failed, where, and what to do about it."""
    hint = _ERRNO_HINTS.get(exc.errno) or (exc.strerror or str(exc))
    return ApiAuthError('cannot %s %s: %s' % (doing, path, hint), reason='cache')


def _unlink_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def _check_private(what, path, info):
    """Refuse a cache directory or file that another user owns or may read: its tokens may be known."""
    if info.st_uid != os.getuid():
        raise ApiAuthError('%s %s belongs to another user (uid %d); refusing to use it' % (what, path, info.st_uid),
                           reason='cache')
    if stat.S_IMODE(info.st_mode) & 0o077:
        raise ApiAuthError('%s %s is open to other users (mode %04o); refusing to use it. Remove it, or restrict it '
                           'with: chmod go= %s' % (what, path, stat.S_IMODE(info.st_mode), path), reason='cache')


def _creatable(directory):
    """Whether ``directory`` exists as a writable directory or could be created by this user."""
    while not os.path.exists(directory):
        parent = os.path.dirname(directory)
        if parent == directory:
            return False
        directory = parent
    return os.path.isdir(directory) and os.access(directory, os.W_OK | os.X_OK)


def default_directory():
    """Where tokens go when no token_cache_dir is set: ~/.cache/apiauth_vendors.

    Some execution environment images run jobs as an arbitrary user whose home is ``/`` or not
    writable; there a per-user directory under the system temp directory takes its place. Lookups
    and modules on one host compute the same answer, so they still share one cache.
    """
    home = os.path.expanduser('~')
    preferred = os.path.join(home, '.cache', 'apiauth_vendors')
    if os.path.isabs(home) and home != os.sep and _creatable(preferred):
        return preferred
    return os.path.join(tempfile.gettempdir(), 'apiauth_vendors-%d' % os.getuid())


def open_cache(settings, warn=None):
    """The cache ``settings`` ask for; ``warn`` receives what the user should know (a discarded file)."""
    if settings.token_cache == 'none':
        return MemoryTokenCache()
    return FileTokenCache(settings.token_cache_dir or default_directory(), lock_timeout=max(60.0, 4.0 * settings.timeout),
                          warn=warn)
