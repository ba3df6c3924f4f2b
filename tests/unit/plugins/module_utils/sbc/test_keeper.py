# -*- coding: utf-8 -*-
"""sbc/keeper.py in process: what the keeper does when the store does not answer for a while."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import time
from types import SimpleNamespace

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import TokenRecord
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.keeper import keep
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.run_identity import current_run


class StoreAway(object):
    """A session whose store fails its first ``failures`` reads with reason cache (Redis restarting), then answers."""

    settings = SimpleNamespace(refresh_margin=0, token_cache='file')

    def __init__(self, record, failures):
        self.record, self.failures, self.reads = record, failures, 0

    @contextlib.contextmanager
    def transaction(self):
        session = self

        class Slot(object):
            def read(self):
                return session.record

            def write(self, record):
                session.record = record
        yield Slot()

    def cached(self):
        self.reads += 1
        if self.failures:
            self.failures -= 1
            raise ApiAuthError('token cache (Redis at 127.0.0.1:1) did not answer', reason='cache')
        return self.record


def test_the_keeper_outlasts_a_store_that_does_not_answer_for_a_while():
    run = current_run()
    record = TokenRecord('held-token', expires_at=time.time() + 600, data={'locked': True, 'lock_run': run})
    session = StoreAway(record, failures=3)
    ticks = iter(range(100))

    def clock():
        return time.time() + next(ticks) * 0.001

    until = time.time() + 0.05
    why = keep(session, run, until, poll=0, clock=clock, sleep=lambda seconds: time.sleep(0.01))
    assert why == 'max_hold', why  # kept the lock until its time, not deserted at the first unanswered read
    assert session.reads > 3
