# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Taking and giving back the Oracle SBC configuration lock through a VendorSession.

The SBC has no "who holds the lock" call, so whether *we* hold it is recorded on the cached
token (``data['locked']``): the lock belongs to that token and moves with it on renewal.
A run killed mid-change leaves that record behind, and the next run of the same principal
finds it, renews the token if needed and carries on, instead of waiting ten minutes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.apiauth.vendors.plugins.module_utils.errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils.payload import reply_messages
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc_reauth import recover_lock, release_with_replaced


def _holds_lock(record, now):
    return bool(record is not None and record.data.get('locked') and record.alive(now))


def _result(session, locked, owner, changed, **extra):
    record = session.cached()
    described = session.describe(record, with_token=False) if record is not None else {'expires_at': None, 'expires_in': None}
    result = dict(changed=changed, locked=locked, lock_owner=owner, token_expires_at=described['expires_at'],
                  token_expires_in=described['expires_in'], renewed='renew' in session.events,
                  logged_in='login' in session.events)
    result.update(extra)
    return result


_LOST_HOW = {
    'expired': 'the token that held it expired, and the SBC freed the lock for anyone to take',
    'rejected': 'the token that held it was rejected by the SBC (revoked, replaced or expired early)',
    'handover': 'a renewal had left it with the replaced token, and another user or session took it before it could be moved',
}


def _lost_how(lost):
    """How the lock was lost, from the token record's ``lock_lost`` ('expired', 'rejected', or True from older caches)."""
    return _LOST_HOW.get(lost, _LOST_HOW['rejected'])


def lock_guard(record):
    """A VendorSession.request guard: refuse to send with a token that does not hold the lock."""
    if not record.data.get('locked'):
        lost = record.data.get('lock_lost')
        raise ApiAuthError('Oracle SBC: this session does not hold the configuration lock%s; not sending the change. '
                           'Take the lock with apiauth.vendors.sbc_config_lock first'
                           % (' (it was lost: %s; others may have changed the configuration since)' % _lost_how(lost) if lost else ''),
                           vendor='oracle_sbc', reason='lock_lost' if lost else 'lock_not_held')


def acquire(session, wait_timeout=0, poll_interval=5, check_mode=False, sleep=time.sleep, clock=time.time):
    """Hold the lock (state=present); idempotent for the principal whose cached token holds it."""
    held_before = _holds_lock(session.cached(), clock())
    warnings = []
    if check_mode:
        return _result(session, True, 'self', not held_before, waited=0, warnings=warnings)
    started = clock()
    while True:
        reply = session.request('POST', 'configuration/lock')
        if reply.status == 204 or recover_lock(session, reply):
            break
        waited = clock() - started
        if reply.status == 423 and waited < wait_timeout:
            sleep(max(0.05, min(poll_interval, wait_timeout - waited)))
            continue
        if reply.ok:  # a 2xx other than 204: an HTML page or a body that does not parse is named as such
            session.driver.check_api_reply(reply, 'configuration lock')
        hint, reason = session.driver.explain(reply)
        if reply.status == 423:
            hint = 'the configuration lock is held by another user or session; gave up after waiting %d of wait_timeout=%s seconds' \
                % (int(waited), wait_timeout)
            reason = 'lock_held'
        session.driver.fail(reply, 'configuration lock', hint, reason)
    record = session.cached()
    lost = record.data.get('lock_lost') if record is not None else None
    if lost:
        warnings.append('the configuration lock held by an earlier token of this user was lost (%s); '
                        'it has been taken again, but changes made by others meanwhile may exist'
                        % _lost_how(lost))
        held_before = False
    session.update_state(locked=True, lock_lost=False)
    return _result(session, True, 'self', not held_before, waited=round(clock() - started, 1), warnings=warnings)


def release(session, check_mode=False, clock=time.time):
    """Give the lock back (state=absent); "User does not have the lock" is success without change."""
    record = session.cached()
    if record is None or not record.alive(clock()):
        # The SBC frees a lock when its token expires: with no live token of ours there is nothing we could hold.
        return _result(session, False, 'unknown', False, warnings=[])
    if check_mode:
        return _result(session, False, 'none', _holds_lock(record, clock()), warnings=[])
    try:
        reply = session.request('POST', 'configuration/unlock')
        words = ' '.join(reply_messages(reply)).lower()
        if reply.status == 204 or (reply.status == 423 and release_with_replaced(session)):
            session.update_state(locked=False, lock_lost=False)
            return _result(session, False, 'none', True, warnings=[])
        if reply.status == 423:
            session.update_state(locked=False)
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
        if not record.data.get('locked'):
            raise
        # The cache still says this session holds the lock: say how to get it back.
        raise ApiAuthError('%s. The configuration lock may still be held by this session: run apiauth.vendors.sbc_config_lock '
                           'with state=absent again, or the SBC frees it when the token expires' % exc.message,
                           status=exc.status, vendor=exc.vendor, url=exc.url, reason=exc.reason)
    raise ApiAuthError('unreachable')  # pragma: no cover - fail() always raises
