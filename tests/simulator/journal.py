"""Request journal: one dict per vendor request, so tests can assert what went over the wire."""

import hashlib
import threading
import time

FIELDS = (
    "seq", "ts", "vendor", "method", "path", "query", "status", "kind", "user", "token_fp",
    "body_token_fp", "new_token_fp", "lock_owner_fp", "is_lock_owner", "tls", "header_names", "fault",
)

# Oldest entries are dropped past this many, so a long benchmark cannot exhaust memory.
MAX_ENTRIES = 50000


def fingerprint(token):
    """Return the first 12 hex digits of sha256(token), or None: lets tests compare tokens without storing them."""
    if not token:
        return None
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()[:12]


def new_entry(request, vendor):
    """Start the journal entry of a request; handlers fill in kind, user and token fields."""
    return {
        "seq": None,
        "ts": time.time(),
        "vendor": vendor,
        "method": request.method,
        "path": request.path,
        "query": request.query,
        "status": None,
        "kind": None,
        "user": None,
        "token_fp": None,
        "body_token_fp": None,
        "new_token_fp": None,
        "lock_owner_fp": None,
        "is_lock_owner": False,
        "tls": request.tls,
        "header_names": list(request.headers.keys()),
        "fault": None,
        "applied": None,  # the status of a request acted on whose reply was then dropped (fault apply_drop)
    }


def _copy(entry):
    return dict(entry, header_names=list(entry["header_names"]))


def _matches(entry, filters):
    for name, wanted in filters.items():
        value = entry[name]
        if callable(wanted):
            if not wanted(value):
                return False
        elif isinstance(wanted, (list, tuple, set, frozenset)):
            if value not in wanted:
                return False
        elif value != wanted:
            return False
    return True


def text_filter(text):
    """Turn a query-string filter value into a predicate (control API: everything arrives as text)."""
    lowered = text.lower()

    def predicate(value):
        if value is None:
            return lowered in ("", "none", "null")
        if isinstance(value, bool):
            return lowered == str(value).lower()
        return str(value) == text
    return predicate


class Journal:
    """Thread-safe, bounded list of request entries."""

    def __init__(self, limit=MAX_ENTRIES):
        self._lock = threading.Lock()
        self._entries = []
        self._seq = 0
        self._limit = limit

    def record(self, entry):
        """Number the entry and append it."""
        with self._lock:
            self._seq += 1
            entry["seq"] = self._seq
            self._entries.append(entry)
            if len(self._entries) > self._limit:
                del self._entries[:len(self._entries) - self._limit]

    def entries(self, since=None, **filters):
        """Return copies of the entries (seq > since, if given) whose fields match every filter.

        A filter value may be a plain value (equality), a list/tuple/set (membership) or a callable (predicate).
        """
        unknown = set(filters) - set(FIELDS)
        if unknown:
            raise ValueError("unknown journal fields: %s" % ", ".join(sorted(unknown)))
        with self._lock:
            selected = [entry for entry in self._entries if since is None or entry["seq"] > since]
            return [_copy(entry) for entry in selected if _matches(entry, filters)]

    def clear(self, reset_seq=False):
        """Drop all entries and return how many there were; seq numbers keep counting unless reset_seq."""
        with self._lock:
            count = len(self._entries)
            self._entries = []
            if reset_seq:
                self._seq = 0
            return count
