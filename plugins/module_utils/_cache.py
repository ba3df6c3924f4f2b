# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The names the token cache had before the store interface (_store.py), for code and tests that use them.

New code imports from _store.py (the interface, the memory backend), _store_file.py or _store_redis.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.apiauth.vendors.plugins.module_utils._store import MemoryStore as MemoryTokenCache  # noqa: F401
from ansible_collections.apiauth.vendors.plugins.module_utils._store import Slot as _Slot  # noqa: F401
from ansible_collections.apiauth.vendors.plugins.module_utils._store import open_store as open_cache  # noqa: F401
from ansible_collections.apiauth.vendors.plugins.module_utils._store_file import FileStore as FileTokenCache  # noqa: F401
from ansible_collections.apiauth.vendors.plugins.module_utils._store_file import cache_error  # noqa: F401
