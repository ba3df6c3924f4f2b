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

import contextlib
import errno
import hashlib
import json
import os
import stat
import tempfile
import threading
import time

try:
    import fcntl
except ImportError:  # pragma: no cover - Ansible controllers are POSIX
    fcntl = None

from ansible_collections.apiauth.vendors.plugins.module_utils.errors import ApiAuthError

_FORMAT = 1


class TokenRecord(object):
    """A token and what we know about it. ``expires_at`` is epoch seconds or None (no timer)."""

    def __init__(self, token, expires_at=None, obtained_at=None, data=None):
        self.token = token
        self.expires_at = expires_at
        self.obtained_at = time.time() if obtained_at is None else obtained_at
        # Vendor state that lives and dies with this token, e.g. {'locked': True} for the SBC.
        self.data = dict(data or {})

    def remaining(self, now):
        """Seconds of life left (infinity for tokens without a timer)."""
        return float('inf') if self.expires_at is None else self.expires_at - now

    def alive(self, now):
        return self.remaining(now) > 0

    def to_dict(self):
        return {'format': _FORMAT, 'token': self.token, 'expires_at': self.expires_at,
                'obtained_at': self.obtained_at, 'data': self.data}

    @classmethod
    def from_dict(cls, raw):
        if not isinstance(raw, dict) or raw.get('format') != _FORMAT or not raw.get('token'):
            return None
        return cls(raw['token'], raw.get('expires_at'), raw.get('obtained_at'), raw.get('data'))


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
                raise ApiAuthError('cannot create token cache directory %s: %s' % (self.directory, exc.strerror),
                                   reason='cache')
        info = os.stat(self.directory)
        if not stat.S_ISDIR(info.st_mode):
            raise ApiAuthError('token cache path %s is not a directory' % self.directory, reason='cache')
        _check_private('token cache directory', self.directory, info)

    def _path(self, key, suffix):
        return os.path.join(self.directory, key + suffix)

    @contextlib.contextmanager
    def slot(self, key):
        # Each open() is its own open file description, so flock excludes threads of one
        # process from each other just as it excludes forks.
        fd = os.open(self._path(key, '.lock'), os.O_RDWR | os.O_CREAT, 0o600)
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
            raise ApiAuthError('cannot read token cache file %s: %s' % (path, exc.strerror), reason='cache')
        with os.fdopen(fd) as handle:
            _check_private('token cache file', path, os.fstat(handle.fileno()))  # the file read, not the name
            try:
                record = TokenRecord.from_dict(json.load(handle))
            except ValueError:  # truncated, corrupted, not UTF-8
                record = None
        if record is None:
            self.warn('discarded the unreadable token cache file %s (truncated or corrupted); a new token replaces it' % path)
            self.remove(key)
        return record

    def store(self, key, record):
        fd, tmp = tempfile.mkstemp(prefix='.%s.' % key, dir=self.directory)  # mkstemp creates 0600
        try:
            with os.fdopen(fd, 'w') as handle:
                json.dump(record.to_dict(), handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.rename(tmp, self._path(key, '.json'))  # atomic on POSIX
        except Exception:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def remove(self, key):
        try:
            os.unlink(self._path(key, '.json'))
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                raise


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
