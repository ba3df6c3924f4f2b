# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one error type of the auth layer, and the scrubbing that keeps secrets out of it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

REDACTED = '********'
# Secrets shorter than this are not scrubbed from text: replacing "a" everywhere would
# mangle the message and a one-character password is not worth hiding from its owner.
_MIN_SECRET_LEN = 4


def redact(text, secrets):
    """Return ``text`` with every secret in ``secrets`` replaced by a fixed mask."""
    if not text:
        return text
    text = str(text)
    for secret in sorted((s for s in secrets if s and len(str(s)) >= _MIN_SECRET_LEN), key=len, reverse=True):
        text = text.replace(str(secret), REDACTED)
    return text


def _masks(secrets):
    return sorted(set(str(s) for s in secrets if s and len(str(s)) >= _MIN_SECRET_LEN), key=len, reverse=True)


def scrub(value, secrets, keep=(), _depth=0):
    """``value`` (a result, a warning, anything a plugin hands Ansible) with every secret masked wherever it occurs:
    in strings at any depth of mappings and lists, keys included. Top-level keys named in ``keep`` are left alone
    (a module whose purpose is to return a token). The input is not changed; what holds no secret is returned as
    the same object (Ansible marks some strings and mappings by their type, which a copy would lose)."""
    masks = secrets if _depth else _masks(secrets)
    if not masks:
        return value
    if isinstance(value, str):
        masked = value
        for secret in masks:
            if secret in masked:
                masked = masked.replace(secret, REDACTED)
        if masked is value or value.__class__ is str:
            return masked
        try:
            return value.__class__(masked)  # e.g. Ansible's unsafe text stays unsafe
        except Exception:  # pylint: disable=broad-except
            return masked
    if _depth > 100:  # deeper than any result we build; a cycle must not recurse forever
        return value
    if isinstance(value, dict):
        pairs = [(k, v, scrub(k, masks, (), _depth + 1), v if k in keep else scrub(v, masks, (), _depth + 1))
                 for k, v in value.items()]
        if all(k is k2 and v is v2 for k, v, k2, v2 in pairs):
            return value
        return dict((k2, v2) for _k, _v, k2, v2 in pairs)
    if isinstance(value, (list, tuple)):
        items = [scrub(item, masks, (), _depth + 1) for item in value]
        if all(a is b for a, b in zip(items, value)):
            return value
        return value.__class__(items) if value.__class__ in (list, tuple) else items
    return value


class ApiAuthError(Exception):
    """A failure talking to a vendor API, phrased for the playbook author.

    ``message`` already carries the vendor's own words (SBC ``<messages>``, JSON ``message``)
    and never a password or token: whoever raises it scrubs with :func:`redact`.
    ``status`` is the HTTP status when there was a reply, ``None`` for transport failures.
    """

    def __init__(self, message, status=None, vendor=None, url=None, reason=None):
        super(ApiAuthError, self).__init__(message)
        self.message = message
        self.status = status
        self.vendor = vendor
        self.url = url
        # A short machine-readable cause tests and callers branch on, e.g. 'auth', 'lock_held'.
        self.reason = reason

    def __str__(self):
        return self.message

    def scrubbed(self, secrets):
        """Return a copy whose message has ``secrets`` masked."""
        return ApiAuthError(redact(self.message, secrets), status=self.status, vendor=self.vendor,
                            url=self.url, reason=self.reason)

    def as_result(self):
        """Fields a module adds to its failure result besides ``msg``."""
        result = {}
        if self.status is not None:
            result['status'] = self.status
        if self.reason:
            result['reason'] = self.reason
        return result
