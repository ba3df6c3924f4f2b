# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The names the token cache had before the store interface (_store.py), for code and tests that use them.

New code imports from _store.py (the interface, the memory backend), _store_file.py or _store_redis.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.apiauth.vendors.plugins.module_utils import _store, _store_file

MemoryTokenCache = _store.MemoryStore
FileTokenCache = _store_file.FileStore
open_cache = _store.open_store
cache_error = _store_file.cache_error
_Slot = _store.Slot
