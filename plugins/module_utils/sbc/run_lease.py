# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A run's ownership of the SBC configuration lock as a lease in the shared store (``token_cache: redis``).

With the file store every run of a principal is on one host, and whether the run that holds the lock still lives is
asked of /proc (run_identity.run_state). With Redis the run may be on another node or in another container, where
nothing can be asked. So the run that takes the lock also holds a lease named after the principal's token record,
taken before the lock record names the run (a record never names a run whose lease another run could find lapsed);
its keeper renews the lease every poll. When the run, its keeper or its node dies, renewals stop, the lease expires
by Redis's clock within LEASE_TTL, and a run on any node takes the lock over with the shared token. A record marks
runs that hold a lease (``lock_lease: true``): only their lease is asked.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.state import LockState

LEASE_TTL = 5.0  # seconds a run's ownership outlives its last renewal: five keeper polls


def _id(run):
    return run.get('id') if isinstance(run, dict) and isinstance(run.get('id'), str) else None


def run_lease(session):
    """The lease of the principal's lock ownership; None where the store is one host's (file) or one process's."""
    if getattr(session.settings, 'token_cache', None) != 'redis':
        return None
    return session.lease('sbc-lock-run')


def lease_lapsed(lease, record, holder):
    """Whether ``holder`` (the run the record names as holding the lock) held a lease and no longer does."""
    return bool(lease is not None and LockState(record).get('lock_lease') is True and _id(holder)
                and lease.holder() != _id(holder))


def take_lease(lease, run, previous=None):
    """Hold the lease for ``run``, giving up on behalf of ``previous`` (a run found gone) what it held; False when
    another run holds it (it took the lock over first)."""
    if lease is None or _id(run) is None:
        return True
    if _id(previous) and _id(previous) != _id(run):
        lease.release(_id(previous))
    return lease.acquire(_id(run), LEASE_TTL)


def keep_lease(lease, run):
    """The keeper's renewal: 'renewed', 'taken' (it had lapsed without a new holder: Redis restarted empty, or the
    keeper paused past the TTL; taken again before the record is read, so that a record written back after a restart
    never names a run without a lease), or None when another run holds it. A keeper that then finds the lock no longer
    its run's gives back a lease it has just taken: the next run need not wait for its TTL."""
    if lease is None or _id(run) is None:
        return 'renewed'
    if lease.renew(_id(run), LEASE_TTL):
        return 'renewed'
    return 'taken' if lease.acquire(_id(run), LEASE_TTL) else None


def give_lease_back(lease, run):
    """Release ``run``'s lease (its lock was released, or the run is gone)."""
    if lease is not None and _id(run):
        lease.release(_id(run))
