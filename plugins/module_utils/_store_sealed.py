# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sealing what a shared store holds: records encrypted and authenticated, names that are keyed hashes.

From ``token_cache_key`` HKDF-SHA256 derives two independent keys: one for AES-256-GCM (each value with a fresh
96-bit nonce, and the Redis key name as associated data, so a value moved to another name does not open), one for
HMAC-SHA256 names. Without token_cache_key, Redis's content tells nothing but how many keys there are.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import hmac
import os

try:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    CRYPTOGRAPHY_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - ansible-core requires cryptography; _store_redis names it if missing
    CRYPTOGRAPHY_IMPORT_ERROR = exc

_NONCE = 12
_PREFIX = 'av:'  # so that an operator can tell (and flush) this collection's keys; it says nothing else


class Sealed(object):
    """Seal and open values, and name keys, under one token_cache_key."""

    def __init__(self, secret):
        material = HKDF(algorithm=hashes.SHA256(), length=64, salt=b'apiauth.vendors token store',
                        info=b'v1 record and name keys').derive(secret.encode('utf-8'))
        self._aead = AESGCM(material[:32])
        self._names = material[32:]
        self.marker_field = self.tag('marker')

    def tag(self, text):
        """A keyed hash of ``text`` (hex): equal for equal text under one key, meaningless without it."""
        return hmac.new(self._names, text.encode('utf-8'), hashlib.sha256).hexdigest()[:40]

    def name(self, kind, key):
        """The Redis key name of ``key`` for ``kind`` (record, lock, lease): kind and key are both hidden."""
        return _PREFIX + self.tag(kind + '\0' + key)

    def seal(self, plain, name):
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, plain, name.encode('utf-8'))

    def open(self, value, name):
        """The plain bytes, or None for a value that was not sealed by this key for this name (or was altered)."""
        if not isinstance(value, bytes) or len(value) <= _NONCE + 16:
            return None
        try:
            return self._aead.decrypt(value[:_NONCE], value[_NONCE:], name.encode('utf-8'))
        except InvalidTag:
            return None
