# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Oracle SBC's fields on a token record: the configuration lock, its run and keeper, the re-authentication facts.

The lock belongs to a token, so its state is kept on that token's record (``record.data``), which every run of the
principal on this host shares. LockState is the one reader and writer of those fields and the one place that knows
their types: the record is written by this collection only, and a field of another type was written by something else
or edited, so nothing it says about the lock is believed (lock.py discards such a record).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import uuid

# How the lock was lost (``lock_lost``; True from older caches reads as 'rejected').
LOST_HOW = {
    'expired': 'the token that held it expired, and the SBC freed the lock for anyone to take',
    'rejected': 'the token that held it was rejected by the SBC (revoked, replaced or expired early)',
    'handover': 'a renewal had left it with the replaced token, and another user or session took it before it could be moved',
    'elsewhere': 'after a renewal, neither the new token nor the one it replaced held it: another user or session did',
}
# Each field and what it holds; nothing else of the SBC's is kept on a record.
FIELDS = (
    'locked',            # bool: this principal's token holds the configuration lock
    'lock_run',          # run (run_identity.current_run, plus 'since'): the run that holds it
    'lock_gen',          # str: a new random value at each change of the lock state (lock.py's commit rule)
    'lock_lost',         # False, or how it was lost: a key of LOST_HOW (True from older caches)
    'lock_lost_detail',  # str: what the keeper saw when it lost the lock
    'lock_forced_by',    # run: the run that released another run's lock with force=true
    'lock_keeper',       # {pid, start, run}: the keeper process of the run that holds the lock
    'lock_lease',        # bool: the run holds the lock's run lease in the shared store (run_lease.py)
    'keeper_error',      # str: the keeper's last renewal that got no answer
    'replaced',          # [[token, expires_at], ...]: tokens renewals replaced, maybe still alive (reauth.py)
    'reauth_body',       # str: the re-authentication body shape the appliance took
    'reauth_as_login',   # bool: this appliance answers a renewal as a fresh login
    'reauth_notice',     # True: a renewal found that out; the next task under the lock warns
)
# What describes the appliance rather than one token: kept across fresh logins.
APPLIANCE_FACTS = ('reauth_body', 'reauth_as_login')


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _integer(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _run_problem(run):
    if not isinstance(run, dict):
        return 'a %s, not a mapping' % type(run).__name__
    for field, check in (('id', lambda v: isinstance(v, str) and v), ('host', lambda v: isinstance(v, str)), ('pid', _integer)):
        if not check(run.get(field)):
            return '%s is missing or of the wrong type' % field
    for field, check in (('hostname', lambda v: isinstance(v, str)), ('start', _integer), ('started_at', _number),
                         ('since', _number)):
        if run.get(field) is not None and not check(run[field]):
            return '%s is of the wrong type' % field
    return None


def _keeper_problem(keeper):
    if not isinstance(keeper, dict):
        return 'a %s, not a mapping' % type(keeper).__name__
    if not _integer(keeper.get('pid')) or (keeper.get('start') is not None and not _integer(keeper['start'])) \
            or (keeper.get('run') is not None and not isinstance(keeper['run'], str)):
        return 'pid, start or run is of the wrong type'
    return None


def lock_fields_problem(data):
    """What is wrong with the lock fields of a token record's ``data`` (each has one type), or None."""
    checks = (
        ('locked', lambda v: isinstance(v, bool)),
        ('lock_lease', lambda v: isinstance(v, bool)),
        ('lock_lost', lambda v: isinstance(v, bool) or v in LOST_HOW),
        ('lock_lost_detail', lambda v: isinstance(v, str)),
        ('lock_gen', lambda v: isinstance(v, str)),
        ('keeper_error', lambda v: isinstance(v, str)),
    )
    for field, check in checks:
        if data.get(field) is not None and not check(data[field]):
            return '%s: a %s of an unexpected value' % (field, type(data[field]).__name__)
    for field, problem in (('lock_run', _run_problem), ('lock_forced_by', _run_problem), ('lock_keeper', _keeper_problem)):
        if data.get(field) is not None:
            found = problem(data[field])
            if found:
                return '%s: %s' % (field, found)
    return None


def _field(name):
    """A read-only attribute of LockState for the field ``name`` (None when absent)."""
    return property(lambda self: self._data.get(name))  # pylint: disable=protected-access


class LockState(object):
    """The SBC fields of one token record (``LockState(record)``), read and written in place."""

    __slots__ = ('_data',)

    def __init__(self, record):
        self._data = record.data if record is not None else {}

    @staticmethod
    def _known(field):
        if field not in FIELDS:
            raise KeyError('not an SBC field of the token record: %s' % field)  # a bug here, never the user's input
        return field

    def get(self, field, default=None):
        return self._data.get(self._known(field), default)

    def set(self, **fields):
        for field in fields:
            self._known(field)
        self._data.update(fields)

    def pop(self, field):
        return self._data.pop(self._known(field), None)

    def new_generation(self):
        """Mark a change of the lock state (lock.py: a run that finds another generation than it read looks again)."""
        self._data['lock_gen'] = uuid.uuid4().hex

    def problem(self):
        """What is wrong with these fields' types, or None."""
        return lock_fields_problem(self._data)

    def snapshot(self):
        """A copy, as the fields stand now."""
        copy = LockState(None)
        copy._data.update((field, self._data[field]) for field in FIELDS if field in self._data)
        return copy

    @property
    def locked(self):
        return bool(self._data.get('locked'))

    run = _field('lock_run')
    lost = _field('lock_lost')
    keeper = _field('lock_keeper')
    reauth_body = _field('reauth_body')
    reauth_as_login = _field('reauth_as_login')

    def carry_over(self, old, lost):
        """This fresh login's record from ``old``, the state of the record it replaces: the appliance facts, and why a
        lock was lost: as recorded (e.g. the keeper's renewal refused), or with ``old``'s token ('expired', 'rejected')."""
        before = old._data  # pylint: disable=protected-access
        self._data.update((key, before[key]) for key in APPLIANCE_FACTS if key in before)
        if before.get('locked') is False and before.get('lock_lost'):
            self._data.update((key, before[key]) for key in ('lock_lost', 'lock_lost_detail') if key in before)
        if old.locked:
            self._data['lock_lost'] = lost
