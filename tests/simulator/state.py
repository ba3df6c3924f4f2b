"""Mutable server state: issued tokens, the SBC configuration lock, the SBC config store and async operations.

Everything here is guarded by State.lock; handlers hold it for the whole of their (sleep-free) work.
"""

import secrets
import threading
import time
from dataclasses import dataclass, field

from .journal import fingerprint
from .sbc_elements import ConfigStore

# Past this many tokens, dead and expired ones are forgotten, then the oldest (the lock holder is always kept).
MAX_TOKENS = 5000
MAX_OPERATIONS = 1000

SEED_CONFIG = {
    "realm-config": [
        [("identifier", "core"), ("addr-prefix", "0.0.0.0"), ("network-interfaces", "M00:0"), ("description", "core realm")],
        [("identifier", "peer"), ("addr-prefix", "0.0.0.0"), ("network-interfaces", "M10:0"), ("description", "peering realm")],
    ],
}


@dataclass(eq=False)
class Token:
    """An issued token; identity (not value equality) tells lock holders apart."""

    value: str
    vendor: str
    user: str
    issued: float
    expires: float
    dead: bool = False  # replaced by re-authentication, revoked or released
    fp: str = field(init=False)

    def __post_init__(self):
        self.fp = fingerprint(self.value)

    def live(self, now=None):
        """True until the token expires or is killed."""
        return not self.dead and (time.time() if now is None else now) < self.expires


@dataclass
class Operation:
    """An SBC save/verify/activate run, reported as ``result`` ('success' or 'fail') once ready_at has passed."""

    op_id: int
    action: str
    version: str
    user: str
    created: float
    ready_at: float
    result: str = "success"

    def status(self):
        """The SBC operationState status."""
        return self.result if time.time() >= self.ready_at else "inProgress"


def seed_config():
    """A fresh config store (candidate, saved and running configurations) holding SEED_CONFIG."""
    return ConfigStore(SEED_CONFIG)


class State:
    """Tokens, lock, config store and operations of one simulator."""

    def __init__(self, settings):
        self.settings = settings
        self.lock = threading.RLock()
        self.jwt_secret = secrets.token_bytes(32)
        self.clear()

    def clear(self):
        """Forget every token, the lock, config changes and operations."""
        with self.lock:
            self.tokens = {}
            self.lock_token = None
            self.other_token = None  # the token lock_by_other took the lock with
            self.config = seed_config()
            self.revision = 0
            self.saved_revision = 0
            self.active_revision = 0
            self.operations = {}
            self.next_op_id = 1

    def issue(self, vendor, user, lifetime, value=None):
        """Create and remember a token for user (value defaults to an opaque random string)."""
        now = time.time()
        token = Token(value or secrets.token_urlsafe(32), vendor, user, now, now + lifetime)
        self.tokens[token.value] = token
        if len(self.tokens) > MAX_TOKENS:
            self._prune(now)
        return token

    def _prune(self, now):
        keep = {value: token for value, token in self.tokens.items() if token.live(now) or token is self.lock_token}
        if len(keep) > MAX_TOKENS:
            # still too many live tokens (a login storm): forget the oldest, never the lock holder
            newest = sorted(keep.values(), key=lambda token: token.issued)[-MAX_TOKENS:]
            keep = {token.value: token for token in newest}
            if self.lock_token is not None:
                keep[self.lock_token.value] = self.lock_token
        self.tokens = keep

    def lookup(self, vendor, value):
        """The token record for value (live or not), or None if it was never issued."""
        token = self.tokens.get(value) if value else None
        return token if token is not None and token.vendor == vendor else None

    def live_token(self, vendor, value):
        """The token record for value if it is still live, else None."""
        token = self.lookup(vendor, value)
        return token if token is not None and token.live() else None

    def lock_holder(self):
        """The live token holding the SBC lock; a dead or expired holder frees the lock."""
        if self.lock_token is not None and not self.lock_token.live():
            self.lock_token = None
        return self.lock_token

    def revoke(self, vendor, user=None):
        """Kill the live tokens of vendor (of one user if given); return how many died."""
        count = 0
        for token in self.tokens.values():
            if token.vendor == vendor and token.live() and (user is None or token.user == user):
                token.dead = True
                count += 1
        return count

    def new_operation(self, action, version, user, delay, result="success"):
        """Start an async SBC operation."""
        now = time.time()
        operation = Operation(self.next_op_id, action, version, user, now, now + delay, result)
        self.operations[operation.op_id] = operation
        self.next_op_id += 1
        if len(self.operations) > MAX_OPERATIONS:
            del self.operations[min(self.operations)]
        return operation

    def last_operation(self):
        """The most recently started async operation (what admin/asyncstatus reports), or None."""
        return self.operations[max(self.operations)] if self.operations else None

    def live_counts(self):
        """{vendor: {user: number of live tokens}}."""
        counts = {}
        now = time.time()
        for token in self.tokens.values():
            if token.live(now):
                per_user = counts.setdefault(token.vendor, {})
                per_user[token.user] = per_user.get(token.user, 0) + 1
        return counts

    def snapshot(self):
        """A JSON-ready summary for /_sim/state (fingerprints only, never raw tokens)."""
        with self.lock:
            holder = self.lock_holder()
            counts = self.live_counts()
            return {
                "lock": {
                    "owner_fp": holder.fp if holder else None,
                    "owner_user": holder.user if holder else None,
                    "expires_at": holder.expires if holder else None,
                    "held_by_other": holder is not None and holder is self.other_token,
                },
                "tokens": {
                    vendor: {"live": sum(per_user.values()), "by_user": per_user} for vendor, per_user in counts.items()
                },
                "config": {
                    "revision": self.revision,
                    "saved_revision": self.saved_revision,
                    "active_revision": self.active_revision,
                    "elements": self.config.snapshot(),
                },
                "operations": [
                    {"id": op.op_id, "action": op.action, "user": op.user, "status": op.status()} for op in self.operations.values()
                ],
            }
