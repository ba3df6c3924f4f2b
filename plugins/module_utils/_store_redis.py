# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Redis backend of the token store (``token_cache: redis``): one store shared by every host and container.

What Redis holds is sealed (_store_sealed.py): records encrypted and authenticated under a key derived from
``token_cache_key``, key names that are keyed hashes, every key with a TTL. Anyone reading Redis learns how many
keys there are, and nothing of users, URLs, vendors or tokens.

Single flight across hosts: a transaction on a key holds a Redis lock (SET NX PX with a random value, kept alive by
its holder while the transaction lasts, released only by its holder through a compare-and-delete script), so it
expires within LOCK_TTL when its holder dies. Writes are fenced by the same lock.

Failure is explicit: Redis unreachable, slow (each command bounded by the ``timeout`` option), refusing the
credentials, or found to have lost its data while this process used it fails the task with reason 'cache' before
anything is sent to a vendor. A process that holds a record (a token in hand) when it finds the data lost writes the
record back and says so. docs/shared_store.md lists every case.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import os
import threading
import time

try:
    from urllib.parse import unquote, urlsplit
except ImportError:  # pragma: no cover - Python 2 targets
    from urllib import unquote
    from urlparse import urlsplit

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError, redact
from ansible_collections.apiauth.vendors.plugins.module_utils._store_file import EXPIRED_GRACE
from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import dump_record, parse_record

try:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry
    REDIS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by a test that hides the package
    redis = None
    REDIS_IMPORT_ERROR = exc

LOCK_TTL = 10.0  # seconds a transaction's lock outlives a holder that died; a live holder renews it every third of it
NO_EXPIRY_TTL = 30 * 86400  # a record of a token without a timer (BigFix Inventory) still leaves Redis some day
MIN_KEY_LENGTH = 16

# KEYS[1] the lock, ARGV[1] the holder's value: delete only if it is still the holder's.
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
# ... extend it (PEXPIRE ARGV[2] ms) only if it is still the holder's.
_EXTEND = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
# A write fenced by the lock: KEYS[1] lock, KEYS[2] record; ARGV[1] holder, ARGV[2] value ('' deletes), ARGV[3] TTL
# ms, ARGV[4] lock TTL ms. A lock that vanished (Redis restarted) is taken again; another holder's refuses the write.
_FENCED = """
local held = redis.call('get', KEYS[1])
if held == false then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[4])
elseif held ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('del', KEYS[2]) else redis.call('set', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
return 1
"""
# Leases: KEYS[1] the lease, ARGV[1] the holder's tag (a keyed hash), ARGV[2] the stored value, ARGV[3] TTL ms.
_LEASE_ACQUIRE = """
local held = redis.call('get', KEYS[1])
if held == false or string.sub(held, 1, string.len(ARGV[1])) == ARGV[1] then
  redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end
return 0
"""
_LEASE_RENEW = """
local held = redis.call('get', KEYS[1])
if held ~= false and string.sub(held, 1, string.len(ARGV[1])) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[3]) end
return 0
"""
_LEASE_RELEASE = """
local held = redis.call('get', KEYS[1])
if held ~= false and string.sub(held, 1, string.len(ARGV[1])) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


def _cache_error(message, secrets=None, reason='cache'):
    return ApiAuthError(redact(message, secrets or []), reason=reason)


def parse_url(url):
    """{host, port, db, username, password, ssl} from a token_cache_url, or raises ApiAuthError (bad_option) that
    never quotes the URL (it may hold a password)."""
    fix = 'token_cache_url must be redis://[user:password@]host[:port][/db] or rediss://... (TLS)'
    parts = urlsplit((url or '').strip())
    try:
        host, port = parts.hostname, parts.port or 6379
    except ValueError:
        host = port = None
    path = parts.path.strip('/')
    if parts.scheme not in ('redis', 'rediss') or not host or parts.query or parts.fragment or \
            (path and not path.isdigit()):
        raise _cache_error('option %s (query options are not taken: the CA is token_cache_ca_path, and TLS is always '
                           'verified)' % fix, reason='bad_option')
    return {'host': host, 'port': port, 'db': int(path or 0),
            'username': unquote(parts.username) if parts.username else None,
            'password': unquote(parts.password) if parts.password is not None else None,
            'ssl': parts.scheme == 'rediss'}


_CLIENTS = {}  # (pid, connection settings) -> client: lookups in one process (a loop, many lookups in one task)
#              share a connection; a forked child makes its own (a socket must not be shared across processes)


def _client(kwargs):
    """The client for ``kwargs``, made once per process."""
    marker = (os.getpid(),) + tuple(sorted((name, str(value)) for name, value in kwargs.items() if name != 'retry'))
    client = _CLIENTS.get(marker)
    if client is None:
        try:
            # No CLIENT SETINFO: one round trip less per connection, and redis-py 8 would read its own package
            # metadata (about 1 ms) for every client to send it.
            client = redis.Redis(driver_info=None, **kwargs)
        except TypeError:  # redis-py before 7.1 has no driver_info
            client = redis.Redis(**kwargs)
        _CLIENTS.clear()  # one store per process in practice: never a pile of open connections
        _CLIENTS[marker] = client
    return client


class RedisSlot(object):
    """The transaction on one key: read, fenced write and delete while this process holds the key's Redis lock."""

    def __init__(self, store, key, holder):
        self._store, self._key, self._holder = store, key, holder

    def read(self):
        return self._store.load(self._key, self._holder)

    def write(self, record):
        self._store.store(self._key, record, self._holder)

    def delete(self):
        self._store.remove(self._key, self._holder)


class RedisLease(object):
    """A lease in Redis (acquire with a TTL, renew, release by its holder, read the holder): it expires by Redis's
    clock when the holder stops renewing, whichever host the holder ran on. Holders are sealed like records."""

    def __init__(self, store, name):
        self._store = store
        self._name = store.sealed.name('lease', name)

    def _tag(self, holder):
        return self._store.sealed.tag(holder) + ':'

    def acquire(self, holder, ttl):
        value = self._tag(holder) + self._store.sealed.seal(holder.encode('utf-8'), self._name).hex()
        return bool(self._store.call(self._store.scripts['lease_acquire'], keys=[self._name],
                                     args=[self._tag(holder), value, int(ttl * 1000)]))

    def renew(self, holder, ttl):
        return bool(self._store.call(self._store.scripts['lease_renew'], keys=[self._name],
                                     args=[self._tag(holder), '', int(ttl * 1000)]))

    def release(self, holder):
        return bool(self._store.call(self._store.scripts['lease_release'], keys=[self._name],
                                     args=[self._tag(holder), '', 0]))

    def holder(self):
        value = self._store.call(self._store.client.get, self._name)
        if value is None:
            return None
        try:
            plain = self._store.sealed.open(bytes.fromhex(value.decode('ascii').split(':', 1)[1]), self._name)
        except (ValueError, IndexError, UnicodeError):
            plain = None
        return None if plain is None else plain.decode('utf-8', 'replace')


class RedisStore(object):
    """Records in Redis, sealed; transactions as Redis locks; leases as keys with TTLs."""

    def __init__(self, client, sealed, where, lock_timeout=120.0, warn=None, secrets=None, clock=time.time):
        self.client = client
        self.sealed = sealed
        self.where = where  # host:port, for messages (never the URL: it may hold a password)
        self.lock_timeout = lock_timeout
        self.warn = warn or (lambda message: None)
        self.secrets = list(secrets or [])
        self.clock = clock
        self.scripts = dict((name, client.register_script(text)) for name, text in (
            ('release', _RELEASE), ('extend', _EXTEND), ('fenced', _FENCED), ('lease_acquire', _LEASE_ACQUIRE),
            ('lease_renew', _LEASE_RENEW), ('lease_release', _LEASE_RELEASE)))
        self._generation = None  # the store's generation marker as this process first saw it
        self._in_hand = {}  # key -> the record this process last read or wrote: written back if Redis loses it

    @classmethod
    def from_settings(cls, settings, warn=None):
        """The store for validated ``settings``; ApiAuthError (bad_option, cache) for what is missing or wrong."""
        if not settings.token_cache_url:
            raise _cache_error('token_cache=redis needs token_cache_url (the APIAUTH_TOKEN_CACHE_URL environment '
                               'variable, or the apiauth_token_cache_url variable): redis://host:port or rediss://...',
                               reason='missing_option')
        if not settings.token_cache_key or len(settings.token_cache_key) < MIN_KEY_LENGTH:
            raise _cache_error('token_cache=redis needs token_cache_key (APIAUTH_TOKEN_CACHE_KEY, or the '
                               'apiauth_token_cache_key variable) of at least %d characters, the same for every job '
                               'that shares tokens' % MIN_KEY_LENGTH,
                               reason='missing_option' if not settings.token_cache_key else 'bad_option')
        where = parse_url(settings.token_cache_url)
        secrets = [settings.token_cache_url, settings.token_cache_key] + ([where['password']] if where['password'] else [])
        ca_path = settings.token_cache_ca_path
        if ca_path and not os.path.isfile(os.path.expanduser(ca_path)):
            raise _cache_error('token_cache_ca_path %s is not a readable file: give the CA bundle that signed the Redis '
                               "server's certificate" % ca_path, reason='bad_option')
        if redis is None:
            raise _cache_error("token_cache=redis needs the Python package 'redis' where the plugin runs (pip install "
                               "redis; the execution environment of extensions/ee installs it): %s" % REDIS_IMPORT_ERROR)
        from ansible_collections.apiauth.vendors.plugins.module_utils._store_sealed import CRYPTOGRAPHY_IMPORT_ERROR, Sealed
        if CRYPTOGRAPHY_IMPORT_ERROR is not None:
            raise _cache_error("token_cache=redis needs the Python package 'cryptography' where the plugin runs (pip "
                               "install cryptography): %s" % CRYPTOGRAPHY_IMPORT_ERROR)
        kwargs = dict(host=where['host'], port=where['port'], db=where['db'], username=where['username'],
                      password=where['password'], socket_timeout=settings.timeout,
                      socket_connect_timeout=settings.timeout, retry=Retry(NoBackoff(), 0))
        if where['ssl']:
            kwargs.update(ssl=True, ssl_cert_reqs='required', ssl_check_hostname=True,
                          ssl_ca_certs=os.path.expanduser(ca_path) if ca_path else None)
        return cls(_client(kwargs), Sealed(settings.token_cache_key), '%s:%s' % (where['host'], where['port']),
                   lock_timeout=max(60.0, 4.0 * settings.timeout), warn=warn, secrets=secrets)

    # -- Redis calls, every failure as reason 'cache' ------------------------------------------------
    def call(self, command, *args, **kwargs):
        try:
            return command(*args, **kwargs)
        except redis.exceptions.AuthenticationError as exc:
            why = ('refused the credentials: check the user and password in token_cache_url (APIAUTH_TOKEN_CACHE_URL) '
                   '(%s)' % exc)
        except redis.exceptions.TimeoutError:
            why = ('did not answer within %ss (the timeout option): check that Redis is up and not overloaded'
                   % self.client.connection_pool.connection_kwargs.get('socket_timeout'))
        except redis.exceptions.ConnectionError as exc:
            why = 'cannot be reached (%s): check token_cache_url and that Redis is running' % exc
        except redis.exceptions.ResponseError as exc:
            text = str(exc)
            if text.startswith(('NOAUTH', 'NOPERM', 'WRONGPASS')):
                why = 'refused the request (%s): put the right user and password in token_cache_url' % text
            else:
                why = 'failed a request (%s)' % text
        except redis.exceptions.RedisError as exc:
            why = 'failed (%s: %s)' % (type(exc).__name__, exc)
        raise _cache_error('token cache (Redis at %s) %s. Nothing was sent to the vendor; to go on without the shared '
                           'store meanwhile, set token_cache=file' % (self.where, why), self.secrets)

    # -- the hit path -----------------------------------------------------------------------------
    def peek(self, key):
        """``key``'s record, read without the lock; None for a miss or a record that does not open (the transaction's
        read warns about it). Raises ApiAuthError (reason 'cache') when Redis fails."""
        name = self.sealed.name('record', key)
        return self._open(self.call(self.client.get, name), name)

    def _open(self, value, name):
        if value is None:
            return None
        plain = self.sealed.open(value, name)
        return None if plain is None else parse_record(plain)

    # -- transactions -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def slot(self, key):
        lock = self.sealed.name('lock', key)
        holder = os.urandom(16).hex()
        deadline = time.time() + self.lock_timeout
        delay = 0.005
        while not self.call(self.client.set, lock, holder, nx=True, px=int(LOCK_TTL * 1000)):
            if time.time() >= deadline:
                raise _cache_error('timed out after %ss waiting for the token cache lock in Redis at %s (another job '
                                   'holds it; it expires %ss after its holder dies)'
                                   % (self.lock_timeout, self.where, LOCK_TTL), self.secrets)
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
        keeper = _LockKeeper(self, lock, holder)
        keeper.start()
        try:
            yield RedisSlot(self, key, holder)
        finally:
            keeper.stop()
            try:
                self.scripts['release'](keys=[lock], args=[holder])
            except redis.exceptions.RedisError:
                pass  # it expires within LOCK_TTL

    def lease(self, name):
        return RedisLease(self, name)

    def load(self, key, holder):
        name = self.sealed.name('record', key)
        with self.client.pipeline(transaction=False) as pipe:
            pipe.hget(_MARKER, self.sealed.marker_field)
            pipe.hlen(_MARKER)
            pipe.get(name)
            generation, markers, value = self.call(pipe.execute)
        record = self._open(value, name)
        if value is not None and record is None:
            self.warn('a token record in the shared token store (Redis at %s) does not decrypt with this '
                      'token_cache_key (written with another key, or altered): it is ignored and replaced by a new '
                      'token' % self.where)
        record = self._check_generation(generation, markers, key, record, holder)
        self._in_hand[key] = record
        return record

    def _check_generation(self, generation, markers, key, record, holder):
        """Tell a first use, another key's store and a Redis that lost its data apart (module docstring); the record
        the transaction reads (the one in hand, written back, when Redis lost it)."""
        if generation is not None and generation == self._generation:
            return record
        if generation is not None and self._generation is None:
            self._generation = generation
            return record
        lost = self._generation is not None  # this process saw the store, and its marker is gone or new
        self._generation = self._mark()
        if not lost:
            others = '' if not markers else (' (it holds some of %d other key(s): if this job should share their '
                                             'tokens, check token_cache_key)' % markers)
            self.warn('the shared token store (Redis at %s) holds no token of this token_cache_key yet%s: this job '
                      'logs in and stores its token there' % (self.where, others))
            return record
        held = self._in_hand.get(key)
        if held is not None and held.alive(self.clock()):
            # The run's own token wins over one a job may have written since the restart: it may hold more (an SBC
            # configuration lock); the other job's token stays valid for that job until it expires.
            self.store(key, held, holder)
            self.warn('the shared token store (Redis at %s) lost its data while this run used it (restarted without '
                      'persistence?): the token this run holds was written back to it, and serves on; other jobs\' '
                      'tokens were lost, and they log in again. Enable Redis persistence (appendonly yes) to keep '
                      'tokens across restarts' % self.where)
            return held
        if record is not None:
            self.warn('the shared token store (Redis at %s) lost its data while this run used it (restarted without '
                      'persistence?); the token record written since then is used' % self.where)
            return record
        raise _cache_error('token cache (Redis at %s) lost its data while this run used it (restarted without '
                           'persistence?): nothing was sent to the vendor, since a fresh login could stand in for a '
                           'token another job still holds (with an Oracle SBC configuration lock). Run the task again; '
                           'enable Redis persistence (appendonly yes) to keep tokens across restarts' % self.where,
                           self.secrets)

    def _mark(self):
        """This key's generation marker, set if missing: a later absence means Redis lost its data."""
        fresh = os.urandom(8).hex().encode('ascii')
        self.call(self.client.hsetnx, _MARKER, self.sealed.marker_field, fresh)
        return self.call(self.client.hget, _MARKER, self.sealed.marker_field)

    def store(self, key, record, holder):
        name = self.sealed.name('record', key)
        now = self.clock()
        ttl = NO_EXPIRY_TTL if record.expires_at is None else max(1.0, record.expires_at + EXPIRED_GRACE - now)
        value = self.sealed.seal(dump_record(record), name)
        self._fenced(key, holder, name, value, ttl)
        self._in_hand[key] = record

    def remove(self, key, holder):
        self._fenced(key, holder, self.sealed.name('record', key), b'', 1)
        self._in_hand[key] = None

    def _fenced(self, key, holder, name, value, ttl):
        lock = self.sealed.name('lock', key)
        done = self.call(self.scripts['fenced'], keys=[lock, name],
                         args=[holder, value, int(ttl * 1000), int(LOCK_TTL * 1000)])
        if not done:
            raise _cache_error('token cache (Redis at %s): this job\'s lock on a token record expired before it wrote '
                               'the record (Redis too slow, or this process paused): the record was left as it was'
                               % self.where, self.secrets)


_MARKER = 'av:stores'  # a hash: one generation field per token_cache_key (fields are keyed hashes too)


class _LockKeeper(object):
    """Keeps a transaction's Redis lock alive while its holder lives (a thread of the holder: it dies with it)."""

    def __init__(self, store, lock, holder):
        self._store, self._lock, self._holder = store, lock, holder
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name='apiauth-store-lock')
        self._thread.daemon = True

    def start(self):
        self._thread.start()

    def _run(self):
        while not self._stop.wait(LOCK_TTL / 3.0):
            try:
                if not self._store.scripts['extend'](keys=[self._lock], args=[self._holder, int(LOCK_TTL * 1000)]):
                    return
            except redis.exceptions.RedisError:
                return  # the fenced write then says what happened

    def stop(self):
        self._stop.set()
        self._thread.join(LOCK_TTL)
