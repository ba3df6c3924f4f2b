# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Noticing an Oracle SBC whose re-authentication acted as a fresh login, and getting the lock back.

Oracle documents that re-authenticating with the current token in the body keeps the configuration
lock, but not the body's shape. An appliance that does not read the body answers with a new token
all the same, and the lock stays with the replaced token, which lives on until it expires. The
driver's first renewal under the lock checks that once per appliance and hands the lock over
(_drivers/oracle_sbc.py); tell_renewal_as_login says so in the next task under the lock. What is
left here is the case that check could not settle (no answer): the sign is then a lock-requiring
call refused with 423 while the token record says the lock is ours and a token it replaced is
still alive. Then the lock is released with that old token and taken with the current one; the
token record remembers that this appliance renews that way, and the driver hands the lock over at
each later renewal. A 423 means the call was refused, not applied: the caller may send that one
call once more, and nothing else is repeated.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.apiauth.vendors.plugins.module_utils._drivers.oracle_sbc import REPLACED_GRACE

NOTICE = ('the Oracle SBC answered a re-authentication (reauth_body=%s) as a fresh login: the configuration lock stayed with '
          'the replaced token. %s; later renewals hand the lock over the same way. Check which re-authentication body this '
          'appliance takes (playbooks/check_appliance.yml, docs/protocols.md)')
MOVED = 'It was released with that token and taken with the new one'
RELEASED = 'It was released with that token'


def _alive_replaced(record, now):
    """Tokens this record's token replaced that may still be alive, newest first."""
    return [token for token, expires in reversed(record.data.get('replaced') or [])
            if token and (expires is None or expires + REPLACED_GRACE > now)]


def _release_with_replaced(session, record, now):
    """Unlock with each replaced, still-alive token until one held the lock; True if one did."""
    for token in _alive_replaced(record, now):
        if session.driver.lock_call(session.http, 'unlock', token).status == 204:
            return True
    return False


def recover_lock(session, reply, clock=time.time):
    """After ``reply`` (a 423 to a lock-requiring call, or to taking the lock): if a renewal left the lock with the token
    it replaced, move the lock to the current token. True when the current token now holds the lock."""
    if session.driver.name != 'oracle_sbc' or reply.status != 423 or session.key is None:
        return False
    with session.cache.slot(session.key) as slot:
        record = slot.read()
        now = clock()
        if record is None or not record.data.get('locked') or not record.alive(now):
            return False
        if not _release_with_replaced(session, record, now):
            return False  # no replaced token held it: the lock is really someone else's, or gone
        taken = session.driver.lock_call(session.http, 'lock', record.token)
        record.data['replaced'] = []
        if taken.status != 204:
            record.data.update(locked=False, lock_lost='handover')
            slot.write(record)
            return False
        first = not record.data.get('reauth_as_login')
        record.data['reauth_as_login'] = True
        slot.write(record)
    session.events.append('lock_handover')
    if first:
        session.warn(NOTICE % (record.data.get('reauth_body', 'auto'), MOVED))
    return True


def release_with_replaced(session, clock=time.time):
    """Unlock refused for the current token: if a token it replaced still holds the lock, release it with that one.
    True when the lock was released that way."""
    if session.driver.name != 'oracle_sbc' or session.key is None:
        return False
    with session.cache.slot(session.key) as slot:
        record = slot.read()
        now = clock()
        if record is None or not record.data.get('locked') or not _release_with_replaced(session, record, now):
            return False
        first = not record.data.get('reauth_as_login')
        record.data.update(replaced=[], reauth_as_login=True)
        slot.write(record)
    session.events.append('lock_handover')
    if first:
        session.warn(NOTICE % (record.data.get('reauth_body', 'auto'), RELEASED))
    return True


def tell_renewal_as_login(session):
    """Warn once that a renewal found this appliance renewing like a login (the driver's check after the first renewal
    under the lock leaves ``reauth_notice`` on the token record: the keeper that may have renewed has no one to tell)."""
    if session.driver.name != 'oracle_sbc' or session.key is None:
        return
    record = session.cached()
    if record is None or not record.data.get('reauth_notice'):
        return
    with session.cache.slot(session.key) as slot:
        record = slot.read()
        if record is None or not record.data.pop('reauth_notice', None):
            return  # told by another task meanwhile
        slot.write(record)
    session.warn(NOTICE % (record.data.get('reauth_body', 'auto'), MOVED))
