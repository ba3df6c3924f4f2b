# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The token cache: one record per (vendor, url, principal), shared by every fork and task.

Files are 0600 in a 0700 directory and replaced atomically. Each key has its own lock file;
whoever holds it decides alone whether to reuse, renew or log in, which is what makes five
parallel forks produce one login instead of five, and what keeps an SBC token (and the
configuration lock tied to it) from being replaced by a concurrent fresh login.

What a record holds, and how a lookup's cache hit reads one without this module (under a shared lock on the same
lock file, so never while a decision is being made), is in _token_record.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import errno
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

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import cache_directory, private_problem, read_record


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
            record, problem = read_record(path)
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                return None
            raise cache_error('read token cache file', path, exc)
        if problem:
            raise ApiAuthError(problem, reason='cache')
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
    problem = private_problem(what, path, info)
    if problem:
        raise ApiAuthError(problem, reason='cache')


def open_cache(settings, warn=None):
    """The cache ``settings`` ask for; ``warn`` receives what the user should know (a discarded file)."""
    if settings.token_cache == 'none':
        return MemoryTokenCache()
    return FileTokenCache(cache_directory(settings), lock_timeout=max(60.0, 4.0 * settings.timeout),
                          warn=warn)
