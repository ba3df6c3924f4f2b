# -*- coding: utf-8 -*-
"""What went over the wire to one simulated SBC, read from its journal: logins, API calls, the lock."""

UNDER_LOCK = ('config_write', 'management')


def sbc_summary(entries):
    """Counts of one device's journal: logins and re-authentications that succeeded, API calls, lock events."""
    ok = [e for e in entries if e['status'] is not None and e['status'] < 400]
    under_lock = [e for e in entries if e['kind'] in UNDER_LOCK]
    times = [e['ts'] for e in entries]
    return {
        'logins': sum(1 for e in ok if e['kind'] == 'login'),
        'reauths': sum(1 for e in ok if e['kind'] == 'reauth'),
        'api_ok': sum(1 for e in ok if e['kind'] == 'config_read'),
        'api_failed': sum(1 for e in entries if e['kind'] == 'config_read' and (e['status'] is None or e['status'] >= 400)),
        'writes_ok': sum(1 for e in ok if e['kind'] == 'config_write'),
        'locks': [e['status'] for e in entries if e['kind'] == 'lock'],
        'unlocks': [e['status'] for e in entries if e['kind'] == 'unlock'],
        # A change sent with a token that does not hold the lock, or refused for the lock: the lock was lost.
        'lock_losses': sum(1 for e in under_lock if not e['is_lock_owner'] or e['status'] in (401, 423)),
        'span_s': (max(times) - min(times)) if times else 0.0,
    }


def total(summaries, field):
    """Sum of one numeric field over device summaries."""
    return sum(summary[field] for summary in summaries)
