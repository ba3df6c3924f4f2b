# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The keeper: a detached process that keeps the SBC lock's token alive while its run holds the lock.

A play may hold the lock across tasks that make no SBC call (a pause, a long task on other hosts)
for longer than a token lives. ``sbc_config_lock state=present`` therefore forks one keeper per
run that holds the lock. Each second it looks at the cached record and at its run, and renews the
token through VendorSession (under the cache lock, as every task does: the lock moves to the new
token) once less than ``refresh_margin`` (less a poll, at least MIN_MARGIN) seconds are left. It
never logs in: a renewal the SBC refuses (a revoked token) means the lock is gone with that token,
which the keeper records on the token record for the run's next task to name, and it exits.

A keeper serves the run that registered it and no other. The record names it with that run
(``lock_keeper: {pid, start, run}``); a run that takes the lock from another run clears the name
in the same cache transaction that records the lock (sbc.lock.acquire), so it always starts a
keeper of its own, whatever state the other run's keeper is in. The keeper exits, leaving the
lock as it is, as soon as:

* the lock is released, taken by another run, or its token has expired ("released");
* its renewal was refused ("lost", recorded as the reason the lock was lost);
* its run (the ansible-playbook process) is gone: killed, crashed, an AWX job cancelled ("run_gone").
  The lock stays with the cached token: the run's next start takes it over at once, and otherwise
  the SBC frees it when the token expires (see docs/sbc_lock_ownership.md for why);
* ``max_hold`` seconds have passed since its run took the lock ("max_hold");
* the record no longer names it as its run's keeper ("superseded").

It is forked twice with a new session in between, so it is not a child of the module (which must
return), receives no signal meant for the play's process group, and keeps none of the module's
file descriptors: Ansible reads the module's stdout until every writer has closed it. The module's
code is already imported when it forks (AnsiballZ deletes its payload once the module returns), and
the child always leaves through os._exit, never back into the module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import time

from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, iso_time, vendor_settings
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._options import COMMON_OPTIONS
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.run_identity import GONE, process_stat, run_state, same_run
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.state import LockState
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.run_lease import give_lease_back, keep_lease, run_lease

POLL = 1.0
MIN_MARGIN = 2  # renew at least this long before expiry: a poll and a reply fit in it
PROCESS_NAME = b'apiauth-keeper'  # what ps and /proc/<pid>/comm show


def _me():
    stat = process_stat(os.getpid())
    return {'pid': os.getpid(), 'start': stat[1] if stat else None}


def keeper_alive(keeper):
    """Whether the keeper recorded as ``{'pid', 'start', ...}`` still runs."""
    if not isinstance(keeper, dict) or not isinstance(keeper.get('pid'), int) or isinstance(keeper.get('pid'), bool):
        return False
    stat = process_stat(keeper['pid'])
    return stat is not None and stat[0] not in ('Z', 'X') and (keeper.get('start') is None or stat[1] == keeper['start'])


def _run_id(run):
    return run.get('id') if isinstance(run, dict) else None


def registered_keeper(record, run):
    """The keeper the record names for ``run``'s lock (alive or not), or None. The keeper's one ownership check: a
    shared store that keeps the keeper as a lease answers this instead of the token record."""
    keeper = LockState(record).keeper
    if not isinstance(keeper, dict) or _run_id(run) is None or keeper.get('run') != _run_id(run):
        return None
    return keeper


def _mine(record, run, now):
    """Whether ``record`` still says: a live token whose lock ``run`` holds."""
    return bool(record is not None and record.alive(now) and LockState(record).get('locked') is True
                and same_run(LockState(record).run, run))


def _serves(record, run, me, now):
    """Whether ``me`` is the registered keeper of the lock ``run`` holds in ``record``."""
    return _mine(record, run, now) and (registered_keeper(record, run) or {}).get('pid') == me['pid']


def _register(session, run, me, now):
    """Record ``me`` as the keeper of ``run``'s lock unless another live keeper of that run is; False when there is
    nothing to keep or another keeper keeps it. A keeper registered for another run is replaced (it exits)."""
    with session.transaction() as slot:
        record = slot.read()
        if not _mine(record, run, now):
            return False
        current = registered_keeper(record, run)
        if current and current.get('pid') != me['pid'] and keeper_alive(current):
            return False
        LockState(record).set(lock_keeper=dict(me, run=_run_id(run)))
        slot.write(record)
        return True


def _leave(session, me):
    """Unregister ``me`` if the record still names it."""
    with session.transaction() as slot:
        record = slot.read()
        keeper = LockState(record).keeper
        if isinstance(keeper, dict) and keeper.get('pid') == me['pid']:
            LockState(record).pop('lock_keeper')
            slot.write(record)


def _record_loss(session, run, me, refused, exc, now):  # pylint: disable=too-many-arguments
    """The SBC refused to renew the token that held the lock: the lock is gone with it. Say so on the record (the run's
    next task under the lock names it), unless another task has meanwhile replaced the token or the lock state."""
    detail = "the keeper's renewal at %s was refused by the SBC (HTTP %s)" % (iso_time(now), exc.status)
    with session.transaction() as slot:
        record = slot.read()
        if record is None or record.token != refused or not _serves(record, run, me, now):
            return
        state = LockState(record)
        state.set(locked=False, lock_lost='rejected', lock_lost_detail=detail)
        state.new_generation()
        state.pop('lock_keeper')
        slot.write(record)


def keep(session, run, until, me=None, poll=POLL, clock=time.time, sleep=time.sleep):
    """The keeper's loop; returns why it stopped (see the module docstring)."""
    me = me or _me()
    if not _register(session, run, me, clock()):
        return 'superseded'
    margin = session.settings.refresh_margin
    lease = run_lease(session)  # the shared store's: the run's ownership as other nodes see it (run_lease.py)
    try:
        while True:
            if run_state(run) == GONE:
                give_lease_back(lease, run)  # certain here, on the run's host: a run elsewhere need not wait for the TTL
                return 'run_gone'
            now = clock()
            if now >= until:
                return 'max_hold'
            try:
                kept = keep_lease(lease, run)  # before reading the record: one written back after a restart has its lease
                record = session.cached() if kept else None
            except ApiAuthError as exc:
                if exc.reason != 'cache':
                    raise
                # The store did not answer (Redis restarting): the record this process holds is written back once it
                # answers again (_store_redis.py), so the next poll tries again rather than deserting the run.
                sleep(poll)
                continue
            if not kept:
                return 'released'
            if not _mine(record, run, now):
                if kept == 'taken':
                    give_lease_back(lease, run)
                return 'released'
            if not _serves(record, run, me, now):
                return 'superseded'
            if record.remaining(now) <= margin:
                try:
                    # Decides again under the cache lock: a task may have renewed it meanwhile. Never a login: a new
                    # token would not hold the lock, and the run would not learn that it was lost.
                    session.token(renew_only=True)
                except ApiAuthError as exc:
                    if exc.status == 401:
                        _record_loss(session, run, me, record.token, exc, clock())
                        return 'lost'
                    # No answer (timeout, 5xx): told to the run through the record; the next poll tries again.
                    session.change_record(lambda record: LockState(record).set(keeper_error=exc.message))
            sleep(poll)
    finally:
        _leave(session, me)


def _detach():
    """Leave the module's directory, terminal and file descriptors behind."""
    os.chdir('/')
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    try:
        limit = min(os.sysconf('SC_OPEN_MAX'), 65536)
    except (AttributeError, ValueError, OSError):
        limit = 4096
    os.closerange(3, limit)
    try:
        import ctypes  # best effort: a name ps shows; PR_SET_NAME is 15

        ctypes.CDLL(None).prctl(15, PROCESS_NAME, 0, 0, 0)
    except Exception:  # pylint: disable=broad-except  # not Linux, no libc symbol
        pass


def keeper_settings(settings):
    """The task's settings with the keeper's renewal margin: a poll later than the tasks renew, so while tasks run they
    renew first and the keeper seldom replaces a token a task has just read (that task would get a 401 and resend
    with the new token: safe, but a wasted call)."""
    direct = dict((name, getattr(settings, name, None)) for name in COMMON_OPTIONS)
    direct['refresh_margin'] = int(max(settings.refresh_margin - POLL, MIN_MARGIN))
    return vendor_settings(settings.vendor, direct, environ={})


def start_keeper(settings, run, until):
    """Fork a detached keeper for ``run``'s lock; returns its pid (None if the fork failed)."""
    session = VendorSession(keeper_settings(settings))  # made before forking: everything the keeper needs is imported now
    session.connect()  # imports requests before AnsiballZ removes its payload
    read_end, write_end = os.pipe()
    first = os.fork()
    if first == 0:
        code = 0
        try:
            os.close(read_end)
            os.setsid()
            second = os.fork()
            if second:
                os.write(write_end, str(second).encode('ascii'))
            else:
                os.close(write_end)
                _detach()
                keep(session, run, until)
        except BaseException:  # pylint: disable=broad-except  # the child must never return into the module
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    chunks = []
    try:
        while True:
            chunk = os.read(read_end, 64)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        os.waitpid(first, 0)
    text = b''.join(chunks).decode('ascii')
    return int(text) if text.isdigit() else None


def ensure_keeper(session, run, until):
    """Start a keeper for ``run``'s lock unless a live keeper of that run is registered; returns (pid, started).

    A keeper registered for another run is not this run's: the run that took the lock from that run cleared it, and
    it exits at its next poll."""
    current = registered_keeper(session.cached(), run)
    if keeper_alive(current):
        return current['pid'], False
    return start_keeper(session.settings, run, until), True
