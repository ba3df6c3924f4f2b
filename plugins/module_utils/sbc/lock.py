# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Taking and giving back the Oracle SBC configuration lock through a VendorSession.

The SBC has no "who holds the lock" call, so whether *we* hold it is recorded on the cached
token (``data['locked']``): the lock belongs to that token and moves with it on renewal.
Every run of the same principal on this host shares that token, so the record also names the
run that holds the lock (``data['lock_run']``, see run_identity): another live run is treated
like another user, and a run that is gone (killed, crashed) leaves the lock to the next run,
which takes it over at once with the cached token instead of waiting ten minutes.

Changes of the lock state are committed under the cache lock with a new random generation
(``data['lock_gen']``): the run whose commit finds the generation it read before sending
``configuration/lock`` owns the lock; one that finds it changed looks again (both may have sent
the lock call with the shared token, which the SBC answers 204 twice).
The rules for users are in docs/sbc_lock_ownership.md.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.apiauth.vendors.plugins.module_utils._auth import iso_time
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._payload import reply_messages
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.reauth import recover_lock, release_with_replaced, tell_renewal_as_login
from ansible_collections.apiauth.vendors.plugins.module_utils._request import RequestGuard
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.state import LOST_HOW, LockState
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.run_identity import (
    ALIVE, GONE, describe_run, host_id, is_ancestor, run_state, same_run)
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.run_lease import give_lease_back, lease_lapsed, run_lease, take_lease


# Lock states of the cached record as seen by one run.
FREE, SELF, OTHER, ABANDONED = 'free', 'self', 'other', 'abandoned'


def _lock_record(session, warnings):
    """The cached record, or None after discarding one whose lock fields are not valid (with a warning)."""
    record = session.cached()
    problem = LockState(record).problem() if record is not None else None
    if problem is None:
        return record
    session.forget()
    warnings.append('discarded the cached Oracle SBC token of %s at %s: its configuration lock fields are not valid (%s), '
                    'so nothing it says about the lock is believed; a fresh login follows'
                    % (session.driver.principal(), session.driver.base_url(), problem))
    return None


def _holder_words(holder, principal):
    """'the run of admin on this controller, pid N since T', or 'an earlier run of admin that did not record itself'."""
    words = describe_run(holder, principal)
    return words if not isinstance(holder, dict) else 'the ' + words


def _holds_lock(record, now):
    return bool(record is not None and LockState(record).locked and record.alive(now))


def lock_state(record, run, now, lease=None):
    """(FREE|SELF|OTHER|ABANDONED, holder run) of the lock recorded in ``record``, for ``run``.

    OTHER is a run that is alive or cannot be checked from here; ABANDONED a run that is gone (or a
    record from before runs were recorded). ``run`` None (a module called without its action plugin)
    counts a lock without a recorded run as its own. ``lease``: the shared store's run lease (run_lease.py), which
    answers for a holder on another host or in another container.
    """
    if not _holds_lock(record, now):
        return FREE, None
    holder = LockState(record).run
    if run is None and holder is None:
        return SELF, None
    if run is not None and same_run(holder, run):
        return SELF, holder
    state = run_state(holder) if holder is not None else GONE
    if state == GONE or (state != ALIVE and lease_lapsed(lease, record, holder)):
        return ABANDONED, holder
    return OTHER, holder


def _result(session, locked, owner, changed, **extra):
    record = session.cached()
    described = session.describe(record, with_token=False) if record is not None else {'expires_at': None, 'expires_in': None}
    result = dict(changed=changed, locked=locked, lock_owner=owner, token_expires_at=described['expires_at'],
                  token_expires_in=described['expires_in'], renewed='renew' in session.events,
                  logged_in='login' in session.events)
    result.update(extra)
    return result


def _lost_how(lost):
    """How the lock was lost, from the token record's ``lock_lost`` ('expired', 'rejected', or True from older caches)."""
    return LOST_HOW.get(lost, LOST_HOW['rejected'])


def _other_run(session, holder):
    """'another run of admin on this controller, pid N since T', or a hint when it cannot be checked from here."""
    words = 'another ' + describe_run(holder, session.driver.principal())
    if run_state(holder) != ALIVE:
        words += ' (whether it still runs cannot be checked from this host)'
    return words


class LockGuard(RequestGuard):
    """The request guard of calls that need the configuration lock: the token about to be sent must hold it, and hold it
    for this run (``run``: the one the action plugin passed) and not another run sharing the token. After a 423 it gets
    the lock back from a token a renewal replaced (reauth.py), and tells what such a renewal found."""

    def __init__(self, run=None, principal=None):
        self.run = run
        self.principal = principal

    def check(self, record):
        if self.run is None:
            _ancestor_holds(record)
            return
        _lock_held(record)
        holder = LockState(record).run
        if holder is not None and not same_run(holder, self.run):
            raise ApiAuthError('Oracle SBC: the configuration lock is held by another %s, not by this run; not sending the '
                               'change. Take the lock with apiauth.vendors.sbc_config_lock in this run first'
                               % describe_run(holder, self.principal), vendor='oracle_sbc', reason='lock_held_by_run')

    __call__ = check

    def recover(self, session, reply):
        # A renewal had left the lock with the token it replaced: the lock is ours again, and a 423 applied nothing.
        return recover_lock(session, reply)

    def after(self, session):
        tell_renewal_as_login(session)  # found by a renewal (maybe the keeper's, which cannot warn): told here, once


def _ancestor_holds(record):
    """For callers that were not told their run (modules without an action plugin that passes ``_run``), a lock
    recorded for a run on this host must be held by an ancestor of this process: the ansible-playbook that
    started the module through its worker. Where that cannot be told (another host), the token decides alone.
    """
    _valid_for_lock(record)
    if LockState(record).locked:
        holder = LockState(record).run
        if isinstance(holder, dict) and holder.get('host') == host_id() and not is_ancestor(holder):
            raise ApiAuthError('Oracle SBC: the configuration lock is held by another %s, not by this run; not sending the '
                               'change. Take the lock with apiauth.vendors.sbc_config_lock in this run first'
                               % describe_run(holder), vendor='oracle_sbc', reason='lock_held_by_run')
    _lock_held(record)


lock_guard = LockGuard()  # pylint: disable=invalid-name  # the guard of callers not told their run


def _valid_for_lock(record):
    problem = LockState(record).problem()
    if problem:
        raise ApiAuthError('Oracle SBC: the cached token record\'s configuration lock fields are not valid (%s); not sending '
                           'the change. Take the lock with apiauth.vendors.sbc_config_lock first, which discards that record'
                           % problem, vendor='oracle_sbc', reason='lock_not_held')


def _lock_held(record):
    """The token-level check: the cached record says the lock is held (and how it was lost if not)."""
    _valid_for_lock(record)
    state = LockState(record)
    if not state.locked:
        lost = state.lost
        forced = state.get('lock_forced_by')
        why = ''
        if lost:
            detail = state.get('lock_lost_detail')
            why = ' (it was lost: %s%s; others may have changed the configuration since)' % (
                _lost_how(lost), ': %s' % detail if detail else '')
        elif forced:
            why = ' (the %s released it with force=true)' % describe_run(forced)
        raise ApiAuthError('Oracle SBC: this session does not hold the configuration lock%s; not sending the change. '
                           'Take the lock with apiauth.vendors.sbc_config_lock first' % why,
                           vendor='oracle_sbc', reason='lock_lost' if lost else 'lock_not_held')


def run_lock_guard(run, principal=None):
    """The guard for ``run``: the lock must be held and held by this run, not another run sharing the token."""
    return lock_guard if run is None else LockGuard(run, principal)


def _commit(session, seen, now, **data):
    """Write lock state ``data`` unless another run changed the lock state since ``seen`` (the record read before
    sending): the data it replaced, else None. A token replaced by a fresh login starts without a generation."""
    if not session.has_record:  # a ready token: no cache, nothing shared
        return LockState(None)
    gen = LockState(seen).get('lock_gen')
    with session.transaction() as slot:
        record = slot.read()
        if record is None or not record.alive(now):
            return None
        state = LockState(record)
        current = state.get('lock_gen')
        if current != gen and not (current is None and (seen is None or record.token != seen.token)):
            return None
        before = state.snapshot()
        state.set(**data)
        state.new_generation()
        slot.write(record)
        return before


def acquire(session, run=None, wait_timeout=0, poll_interval=5, check_mode=False, sleep=time.sleep, clock=time.time):
    """Hold the lock for ``run`` (state=present); idempotent for the run that holds it.

    Another live run of this principal is waited for like another user; the lock of a run that is
    gone is taken over at once with the cached token.
    """
    warnings = []
    started = clock()
    orphan = None  # (holder, expiry) of a token that held our lock and that the SBC refused (see _orphaned)
    lease = run_lease(session)
    for _round in range(10000):  # every round sends a request or sleeps; the bound only guards against a bug
        record = _lock_record(session, warnings)
        now = clock()
        state, holder = lock_state(record, run, now, lease)
        waited = now - started
        if state == SELF and check_mode:
            return _result(session, True, 'self', False, waited=0, warnings=warnings)
        if state == OTHER:
            if check_mode:
                warnings.append('the configuration lock is held by %s; this run would wait for it' % _other_run(session, holder))
                return _result(session, False, 'other_run', False, waited=0, warnings=warnings)
            if waited < wait_timeout:
                sleep(max(0.05, min(poll_interval, wait_timeout - waited)))
                continue
            raise ApiAuthError('Oracle SBC configuration lock: held by %s; gave up after waiting %d of wait_timeout=%s seconds'
                               % (_other_run(session, holder), int(waited), wait_timeout),
                               vendor='oracle_sbc', reason='lock_held_by_run')
        if check_mode:
            return _result(session, True, 'self', True, waited=0, warnings=warnings)
        if not take_lease(lease, run, holder if state == ABANDONED else None):
            sleep(max(0.05, min(poll_interval, 1)))  # a run elsewhere took the lease first: it takes the lock over
            continue
        reply = session.request('POST', 'configuration/lock')
        if reply.status == 204 or recover_lock(session, reply):
            # Confirmed (this run held it: the SBC answers 204 to the token holding the lock) or taken.
            # Always named again: a token replaced by a fresh login on the way carries no lock state.
            since = holder.get('since') if state == SELF and isinstance(holder, dict) else None
            # In the same transaction: a keeper registered for another run is not this run's (it exits at its next
            # poll), so this run starts its own whatever state that keeper is in (sbc/keeper.py).
            keeper = {} if state == SELF else {'lock_keeper': None}
            before = _commit(session, record, clock(), locked=True, lock_lost=False, lock_lost_detail=None,
                             lock_forced_by=None, lock_run=dict(run, since=since or clock()) if run else None,
                             lock_lease=lease is not None and run is not None, **keeper)
            if before is None:
                continue  # another run changed the lock state meanwhile: look again
            lost = before.lost
            took_over = dict(took_over=False)
            if state == ABANDONED:
                took_over = dict(took_over=True, took_over_from=_holder_words(holder, session.driver.principal()))
                warnings.append('took over the configuration lock from %s, which is no longer running: its change may be '
                                'incomplete, check the configuration before saving or activating it' % took_over['took_over_from'])
            if lost:
                warnings.append('the configuration lock held by an earlier token of this user was lost (%s); '
                                'it has been taken again, but changes made by others meanwhile may exist'
                                % _lost_how(lost))
            changed = state != SELF or bool(lost) or not before.locked
            return _result(session, True, 'self', changed, waited=round(clock() - started, 1), warnings=warnings,
                           **took_over)
        if reply.status == 423 and orphan is None:
            orphan = _orphaned(session, record, state)
        waited = clock() - started
        if reply.status == 423 and waited < wait_timeout:
            sleep(max(0.05, min(poll_interval, wait_timeout - waited)))
            continue
        if reply.ok:  # a 2xx other than 204: an HTML page or a body that does not parse is named as such
            session.driver.check_api_reply(reply, 'configuration lock')
        hint, reason = session.driver.explain(reply)
        if reply.status == 423 and orphan is not None:
            hint = ORPHANED % (_holder_words(orphan[0], session.driver.principal()), iso_time(orphan[1]),
                               iso_time(orphan[1] + session.driver.lifetime()), int(waited), wait_timeout)
            reason = 'lock_orphaned'
        elif reply.status == 423:
            hint = 'the configuration lock is held by another user or session; gave up after waiting %d of wait_timeout=%s seconds' \
                % (int(waited), wait_timeout)
            reason = 'lock_held'
        session.driver.fail(reply, 'configuration lock', hint, reason)
    raise ApiAuthError('Oracle SBC configuration lock: its recorded state kept changing; try again', vendor='oracle_sbc',
                       reason='lock_held_by_run')  # pragma: no cover - see the loop's bound


ORPHANED = ('the token cache says this controller held the configuration lock (taken by %s), but the SBC refused the token '
            'that held it: a renewal of that token was most likely interrupted (a run killed while the SBC\'s reply was on '
            'its way), at %s at the latest, when that token was due to expire. The lock went to the token that renewal '
            'issued, which nobody has; the SBC frees it when that token expires, by %s at the latest. Take the lock '
            'after that time, or set wait_timeout to wait for it; gave up after waiting %d of wait_timeout=%s seconds')


def _orphaned(session, before, state):
    """(holder, expiry) when the lock call was refused after the SBC refused the token the cache says held our lock (a
    renewal whose reply never arrived: the SBC moved the lock to a token nobody saved); else None."""
    if state not in (SELF, ABANDONED) or before is None or LockState(before).get('locked') is not True:
        return None
    current = session.cached()
    if 'login' not in session.events or current is None or current.token == before.token \
            or LockState(current).lost != 'rejected' or before.expires_at is None:
        return None
    return LockState(before).run, before.expires_at


def release(session, run=None, force=False, check_mode=False, clock=time.time):
    """Give the lock back (state=absent) if ``run`` holds it, or its run is gone, or ``force``.

    "User does not have the lock" is success without change.
    """
    warnings = []
    record = _lock_record(session, warnings)
    now = clock()
    if record is None or not record.alive(now):
        # The SBC frees a lock when its token expires: with no live token of ours there is nothing we could hold.
        return _result(session, False, 'unknown', False, warnings=warnings)
    state, holder = lock_state(record, run, now)
    if state == OTHER and not force:
        return _result(session, False, 'other_run', False, warnings=[
            'not released: the configuration lock is held by %s, not by this run; set force=true to release it anyway'
            % _other_run(session, holder)])
    if state == OTHER:
        warnings.append('force=true: released the configuration lock held by %s' % _other_run(session, holder))
    elif state == ABANDONED and holder is not None:
        warnings.append('released the configuration lock left by the %s, which is no longer running'
                        % describe_run(holder, session.driver.principal()))
    if check_mode:
        return _result(session, False, 'none', state != FREE, warnings=warnings)
    freed = dict(locked=False, lock_run=None, lock_keeper=None, lock_forced_by=dict(run) if state == OTHER and run else None)
    lease = run_lease(session)
    try:
        reply = session.request('POST', 'configuration/unlock')
        words = ' '.join(reply_messages(reply)).lower()
        if reply.status == 204 or (reply.status == 423 and release_with_replaced(session)):
            _force_commit(session, lock_lost=False, **freed)
            give_lease_back(lease, holder)
            tell_renewal_as_login(session)
            return _result(session, False, 'none', True, warnings=warnings)
        if reply.status == 423:
            _force_commit(session, **freed)
            give_lease_back(lease, holder)
            if 'another user' in words:
                return _result(session, False, 'other', False, warnings=[
                    'this session does not hold the configuration lock: another user or session holds it (%s)'
                    % '; '.join(reply_messages(reply))])
            return _result(session, False, 'unknown', False, warnings=[])
        if reply.ok:  # a 2xx other than 204: an HTML page or a body that does not parse is named as such
            session.driver.check_api_reply(reply, 'configuration unlock')
        hint, reason = session.driver.explain(reply)
        session.driver.fail(reply, 'configuration unlock', hint, reason)
    except ApiAuthError as exc:
        if not LockState(record).locked:
            raise
        # The cache still says this session holds the lock: say how to get it back.
        raise ApiAuthError('%s. The configuration lock may still be held by this session: run apiauth.vendors.sbc_config_lock '
                           'with state=absent again, or the SBC frees it when the token expires' % exc.message,
                           status=exc.status, vendor=exc.vendor, url=exc.url, reason=exc.reason)
    raise ApiAuthError('unreachable')  # pragma: no cover - fail() always raises


def _force_commit(session, **data):
    """Record a release whatever the generation: the SBC has answered, the record must follow it."""
    if not session.has_record:
        return
    with session.transaction() as slot:
        record = slot.read()
        if record is not None:
            state = LockState(record)
            state.set(**data)
            state.new_generation()
            slot.write(record)
