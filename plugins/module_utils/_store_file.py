# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The file backend of the token store (``token_cache: file``): one host's private directory.

Records are JSON files, 0600 in a 0700 directory, replaced atomically (write a temp file, fsync, rename). Each key
has its own lock file; ``flock`` on it is the transaction (_store.py). A lock file whose key has no record is removed
by the last holder, and each transaction sweeps a few other entries (expired records, stale lock, lease and temp
files), so the directory stays bounded without a scan of it on any one call.

Loaded by a lookup's cache hit (peek_in): it imports nothing else of the collection at load time.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import errno
import json
import os
import random
import stat
import tempfile
import time

try:
    import fcntl
except ImportError:  # pragma: no cover - Ansible controllers are POSIX
    fcntl = None

from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import MAX_RECORD, dump_record, parse_record

# A record that expired this long ago is removed when the store meets it. Not at once: the session reads an expired
# SBC record to say how its configuration lock was lost.
EXPIRED_GRACE = 3600
SWEEP_SCAN = 1000  # directory entries looked at, at most, per transaction
SWEEP_PICK = 4  # of which this many are examined (a non-blocking lock and a small read each)
_NOFOLLOW = getattr(os, 'O_NOFOLLOW', 0)


def _error(message):
    """The collection's error, its module loaded only when there is one to raise (a cache hit loads no more)."""
    from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
    return ApiAuthError(message, reason='cache')


_ERRNO_HINTS = {
    errno.ENOSPC: 'the file system is full: free some space, or point token_cache_dir (APIAUTH_TOKEN_CACHE_DIR) elsewhere',
    errno.EROFS: 'the file system is read-only: point token_cache_dir (APIAUTH_TOKEN_CACHE_DIR) at a writable directory, '
                 'or set token_cache=none',
    errno.EACCES: 'permission denied: the directory must be writable by the user running the task, or point '
                  'token_cache_dir (APIAUTH_TOKEN_CACHE_DIR) elsewhere',
    errno.EPERM: 'operation not permitted: point token_cache_dir (APIAUTH_TOKEN_CACHE_DIR) at a directory of your own',
    errno.ELOOP: 'it is a symbolic link, which the token cache never follows (it could lead to a file of someone '
                 'else\'s choosing): remove the link, or point token_cache_dir (APIAUTH_TOKEN_CACHE_DIR) at a directory '
                 'of your own',
}
if hasattr(errno, 'EDQUOT'):
    _ERRNO_HINTS[errno.EDQUOT] = 'the disk quota is exhausted: free some space, or point token_cache_dir elsewhere'


def cache_error(doing, path, exc):
    """An OSError of the cache as the collection's error: what failed, where, and what to do about it."""
    hint = _ERRNO_HINTS.get(exc.errno) or (exc.strerror or str(exc))
    return _error('cannot %s %s: %s' % (doing, path, hint))


def private_problem(what, path, info):
    """Why a cache directory or file must not be used (another user owns it or may read it), or None."""
    if info.st_uid != os.getuid():
        return '%s %s belongs to another user (uid %d); refusing to use it' % (what, path, info.st_uid)
    if stat.S_IMODE(info.st_mode) & 0o077:
        return ('%s %s is open to other users (mode %04o); refusing to use it. Remove it, or restrict it with: '
                'chmod go= %s' % (what, path, stat.S_IMODE(info.st_mode), path))
    return None


def _creatable(directory):
    """Whether ``directory`` exists as a writable directory or could be created by this user."""
    while not os.path.exists(directory):
        parent = os.path.dirname(directory)
        if parent == directory:
            return False
        directory = parent
    return os.path.isdir(directory) and os.access(directory, os.W_OK | os.X_OK)


def fallback_directory():
    """The per-user directory under the system temp directory, for users whose home is not writable."""
    return os.path.join(tempfile.gettempdir(), 'apiauth_vendors-%d' % os.getuid())


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
    return fallback_directory()


def cache_directory(settings):
    """The token cache directory ``settings`` name: token_cache_dir, else default_directory()."""
    return os.path.abspath(os.path.expanduser(settings.token_cache_dir or default_directory()))


def read_record(path):
    """(record, problem) from the cache file ``path``: opened without following a symlink, checked private through the
    open file (not the name), read bounded; record None for a file that is not a valid record, problem the reason a
    file must not be used. Raises OSError (ENOENT: no such file; ELOOP: a symlink)."""
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    with os.fdopen(fd, 'rb') as handle:
        problem = private_problem('token cache file', path, os.fstat(handle.fileno()))
        if problem:
            return None, problem
        return parse_record(handle.read(MAX_RECORD + 1)), None  # bytes: a file that is not UTF-8 is just not a record


def _same_file(fd, path):
    """Whether ``path`` still names the open file ``fd`` (a lock file's last holder removes it)."""
    try:
        named = os.lstat(path)
    except OSError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _try_flock(fd, how):
    """flock without waiting: True if taken, False if someone else holds it."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, how | fcntl.LOCK_NB)
        return True
    except (IOError, OSError) as exc:
        if exc.errno not in (errno.EAGAIN, errno.EACCES):
            raise
        return False


class FileLease(object):
    """A lease as a small JSON file ``<name>.lease`` ({holder, expires_at}), changed under its own flock.

    Expiry is by the clock of the host: a file lease is for processes of one host (the file store's scope).
    """

    def __init__(self, store, name, clock=time.time):
        self._store, self._name, self._clock = store, name, clock
        self._path = os.path.join(store.directory, name + '.lease')

    @contextlib.contextmanager
    def _locked(self):
        with self._store.locked_file(self._path) as fd:
            yield fd

    def _read(self, fd):
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            entry = json.loads(os.read(fd, 4096) or b'null')
        except ValueError:
            return None
        if (not isinstance(entry, dict) or not isinstance(entry.get('holder'), str)
                or not isinstance(entry.get('expires_at'), (int, float)) or entry['expires_at'] <= self._clock()):
            return None
        return entry

    def _write(self, fd, entry):
        data = json.dumps(entry).encode('utf-8') if entry else b''
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data)

    def _change(self, holder, ttl, may):
        with self._locked() as fd:
            entry = self._read(fd)
            if not may(entry):
                return False
            self._write(fd, None if ttl is None else {'holder': holder, 'expires_at': self._clock() + ttl})
            return True

    def acquire(self, holder, ttl):
        return self._change(holder, ttl, lambda entry: entry is None or entry['holder'] == holder)

    def renew(self, holder, ttl):
        return self._change(holder, ttl, lambda entry: entry is not None and entry['holder'] == holder)

    def release(self, holder):
        return self._change(holder, None, lambda entry: entry is not None and entry['holder'] == holder)

    def holder(self):
        with self._locked() as fd:
            entry = self._read(fd)
        return None if entry is None else entry['holder']


class FileStore(object):
    """Records as JSON files under ``directory``, transactions as per-key ``flock`` locks.

    ``explicit``: the directory was named by token_cache_dir (else it is the default, which decides the hints).
    """

    def __init__(self, directory, lock_timeout=120.0, warn=None, explicit=True, clock=time.time):
        self.directory = os.path.abspath(os.path.expanduser(directory))
        self.lock_timeout = lock_timeout
        self.warn = warn or (lambda message: None)
        self.explicit = explicit
        self.clock = clock
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
            raise _error('token cache path %s is not a directory' % self.directory)
        problem = private_problem('token cache directory', self.directory, info)
        if problem and not self.explicit and self.directory == os.path.abspath(fallback_directory()):
            # Anyone may create a name under /tmp first: the fix is a directory of the user's own, not a chmod.
            problem = ('%s. It is the fallback under the system temporary directory (used because the home directory '
                       'is not writable), which another user may have created first: set token_cache_dir '
                       '(APIAUTH_TOKEN_CACHE_DIR) to a directory of your own, for example under the job\'s private '
                       'data directory' % problem.split('. Remove it')[0])
        if problem:
            raise _error(problem)

    def _path(self, key, suffix):
        return os.path.join(self.directory, key + suffix)

    # -- the hit path ----------------------------------------------------------------------
    @staticmethod
    def peek_in(directory, key):
        """``key``'s record in ``directory``, read under a shared lock taken without waiting, or None for anything
        else (no such record, a writer deciding, a directory or file that is not private). Never raises."""
        base = os.path.join(directory, key)
        try:
            info = os.stat(directory)
            if not stat.S_ISDIR(info.st_mode) or private_problem('', directory, info):
                return None
            lock = os.open(base + '.lock', os.O_RDONLY | _NOFOLLOW)
            try:
                if not _try_flock(lock, fcntl.LOCK_SH if fcntl else 0):
                    return None  # someone is deciding: let the full path wait for the answer
                record, problem = read_record(base + '.json')
            finally:
                os.close(lock)
        except OSError:
            return None
        return None if problem else record

    def peek(self, key):
        return self.peek_in(self.directory, key)

    # -- transactions ----------------------------------------------------------------------
    @contextlib.contextmanager
    def locked_file(self, path):
        """``path`` opened (created 0600, never through a symlink) and locked exclusively: the open descriptor.

        The file may be removed by its holder (an empty key's lock file): whoever then gets the lock on the removed
        file opens the path again, so two holders never lock two different files of one name.
        """
        deadline = time.time() + self.lock_timeout
        while True:
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600)
            except OSError as exc:
                raise cache_error('open token cache lock file', path, exc)
            try:
                self._acquire(fd, path, deadline)
                if _same_file(fd, path):
                    break
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)
        try:
            yield fd
        finally:
            os.close(fd)  # closing releases the flock

    def _acquire(self, fd, path, deadline):
        if fcntl is None:
            return
        delay = 0.01
        while not _try_flock(fd, fcntl.LOCK_EX):
            if time.time() >= deadline:
                raise _error('timed out after %ss waiting for the token cache lock %s' % (self.lock_timeout, path))
            time.sleep(delay)
            delay = min(delay * 2, 0.2)

    @contextlib.contextmanager
    def slot(self, key):
        # Each open() is its own open file description, so flock excludes threads of one
        # process from each other just as it excludes forks.
        from ansible_collections.apiauth.vendors.plugins.module_utils._store import Slot
        lock_path = self._path(key, '.lock')
        with self.locked_file(lock_path):
            try:
                yield Slot(self, key)
            finally:
                if not os.path.lexists(self._path(key, '.json')):
                    _unlink_quietly(lock_path)  # a failed login, a forgotten token: no file left behind
        self.sweep(keep=key)

    def lease(self, name):
        return FileLease(self, name, clock=self.clock)

    def load(self, key):
        path = self._path(key, '.json')
        try:
            record, problem = read_record(path)
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                return None
            raise cache_error('read token cache file', path, exc)
        if problem:
            raise _error(problem)
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
            with os.fdopen(fd, 'wb') as handle:
                handle.write(dump_record(record))
                handle.flush()
                os.fsync(handle.fileno())
            os.rename(tmp, self._path(key, '.json'))  # atomic on POSIX; a symlink in its place is replaced, not followed
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

    # -- keeping the directory bounded -----------------------------------------------------------
    def sweep(self, keep=None):
        """Remove what a few random entries of the directory leave behind: records expired more than EXPIRED_GRACE
        ago, lock files without a record, expired leases, temp files of a crashed writer. Bounded work (SWEEP_SCAN
        names listed, SWEEP_PICK examined, no waiting for any lock); errors are ignored, the next call tries again."""
        try:
            names = []
            with os.scandir(self.directory) as entries:
                for entry in entries:
                    names.append(entry.name)
                    if len(names) >= SWEEP_SCAN:
                        break
        except OSError:
            return
        now = self.clock()
        for name in random.sample(names, min(SWEEP_PICK, len(names))):
            try:
                self._sweep_one(name, keep, now)
            except OSError:
                pass

    def _sweep_one(self, name, keep, now):
        path = os.path.join(self.directory, name)
        if name.startswith('.'):
            if os.lstat(path).st_mtime < now - EXPIRED_GRACE:
                os.unlink(path)  # a temp file whose writer died before its rename
            return
        for suffix in ('.json', '.lock'):
            if name.endswith(suffix):
                key = name[:-len(suffix)]
                if key != keep:
                    self._sweep_key(key, now)
                return
        if name.endswith('.lease'):
            self._sweep_lease(path)

    def _sweep_key(self, key, now):
        lock_path = self._path(key, '.lock')
        try:
            fd, created = os.open(lock_path, os.O_RDWR | _NOFOLLOW), False
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                raise
            fd, created = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600), True
        try:
            if not _try_flock(fd, fcntl.LOCK_EX if fcntl else 0) or not _same_file(fd, lock_path):
                return  # in use: its holder decides
            record_path = self._path(key, '.json')
            if os.path.lexists(record_path):
                record, problem = read_record(record_path)
                if problem or record is None or record.expires_at is None or record.expires_at > now - EXPIRED_GRACE:
                    if created:
                        os.unlink(lock_path)  # leave the key as it was
                    return  # a live record, or one the next reader reports (not ours to judge here)
                os.unlink(record_path)
            os.unlink(lock_path)
        finally:
            os.close(fd)

    def _sweep_lease(self, path):
        fd = os.open(path, os.O_RDWR | _NOFOLLOW)
        try:
            if not _try_flock(fd, fcntl.LOCK_EX if fcntl else 0) or not _same_file(fd, path):
                return
            try:
                entry = json.loads(os.read(fd, 4096) or b'null')
            except ValueError:
                entry = None
            if not isinstance(entry, dict) or not isinstance(entry.get('expires_at'), (int, float)) \
                    or entry['expires_at'] <= self.clock():
                os.unlink(path)
        finally:
            os.close(fd)


def _unlink_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass
