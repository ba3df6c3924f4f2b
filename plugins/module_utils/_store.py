# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The token store interface: where token records live between tasks, forks, runs and (with Redis) hosts.

A store offers three things, and nothing outside a store touches files, ``flock`` or Redis:

* ``peek(key)``: the record, read without taking the key's lock, for a cache hit (_token_record.find). None for a
  miss, a record being replaced, or anything unusual; never raises, never waits, never writes.
* ``slot(key)``: a transaction on one key (a context manager yielding an object with ``read()``, ``write(record)``
  and ``delete()``). Whoever holds it decides alone whether to reuse, renew or log in: that is what makes parallel
  forks (or jobs on several nodes) produce one login, and what keeps an SBC token, and the configuration lock tied to
  it, from being replaced by a concurrent login. Failures are ApiAuthError(reason='cache') naming the fix.
* ``lease(name)``: a named lease (acquire with a TTL, renew, release, read the holder) that expires by itself when
  its holder dies: the primitive for ownership that must outlive one process, e.g. the SBC lock's run ownership.

Backends: memory (``token_cache: none``, this file), files (_store_file.py) and Redis (_store_redis.py, loaded
only when asked for, since it needs the ``redis`` package).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import threading
import time

from ansible_collections.apiauth.vendors.plugins.module_utils._store_file import FileStore, cache_directory


class Slot(object):
    """Read/write access to one key while its transaction is held (backends may subclass it)."""

    def __init__(self, store, key):
        self._store = store
        self._key = key

    def read(self):
        return self._store.load(self._key)

    def write(self, record):
        self._store.store(self._key, record)

    def delete(self):
        self._store.remove(self._key)


class MemoryLease(object):
    """A lease in one process's memory (``token_cache: none``): the same contract as the shared stores' leases."""

    def __init__(self, table, name, clock=time.time):
        self._table, self._name, self._clock = table, name, clock

    def _live(self):
        entry = self._table.get(self._name)
        return entry if entry is not None and entry[1] > self._clock() else None

    def acquire(self, holder, ttl):
        entry = self._live()
        if entry is not None and entry[0] != holder:
            return False
        self._table[self._name] = (holder, self._clock() + ttl)
        return True

    def renew(self, holder, ttl):
        entry = self._live()
        if entry is None or entry[0] != holder:
            return False
        self._table[self._name] = (holder, self._clock() + ttl)
        return True

    def release(self, holder):
        entry = self._live()
        if entry is None or entry[0] != holder:
            return False
        del self._table[self._name]
        return True

    def holder(self):
        entry = self._live()
        return None if entry is None else entry[0]


class MemoryStore(object):
    """``token_cache: none``: nothing outlives the plugin call that created it."""

    def __init__(self):
        self._records = {}
        self._leases = {}
        self._lock = threading.Lock()

    def peek(self, key):
        return self._records.get(key)

    @contextlib.contextmanager
    def slot(self, key):
        with self._lock:
            yield Slot(self, key)

    def lease(self, name):
        return MemoryLease(self._leases, name)

    def load(self, key):
        return self._records.get(key)

    def store(self, key, record):
        self._records[key] = record

    def remove(self, key):
        self._records.pop(key, None)


def _redis_store(settings, warn):
    from ansible_collections.apiauth.vendors.plugins.module_utils._store_redis import RedisStore
    return RedisStore.from_settings(settings, warn=warn)


def open_store(settings, warn=None):
    """The store ``settings`` (validated options) ask for; ``warn`` receives what the user should know."""
    if settings.token_cache == 'none':
        return MemoryStore()
    if settings.token_cache == 'redis':
        return _redis_store(settings, warn)
    return FileStore(cache_directory(settings), lock_timeout=max(60.0, 4.0 * settings.timeout), warn=warn,
                     explicit=bool(settings.token_cache_dir))


def peek(settings, key):
    """The lookup's hit path: ``key``'s record read without locking, or None.

    A cache directory that cannot be read is a miss here: the session opens it again and fails with the reason.
    A Redis store that cannot be reached fails here already (ApiAuthError, reason 'cache'): asking again would only
    double the wait, and nothing must go to a vendor while the shared store is out of reach.
    """
    if settings.token_cache == 'redis':
        return _redis_store(settings, None).peek(key)
    if settings.token_cache == 'file':
        return FileStore.peek_in(cache_directory(settings), key)
    return None
