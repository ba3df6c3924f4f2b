# -*- coding: utf-8 -*-
"""The vendor_token lookup as Ansible loads it: through the plugin loader, which registers its option definitions."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.plugins.loader import lookup_loader

LOOKUP = 'apiauth.vendors.vendor_token'


def load_lookup(name=LOOKUP):
    """A fresh instance of lookup ``name`` from Ansible's plugin loader (set up by tests/unit/plugins/conftest.py)."""
    lookup = lookup_loader.get(name)
    assert lookup is not None, '%s not found on the collections path' % name
    return lookup


@pytest.fixture
def vendor_token():
    """vendor_token() -> a new instance of the lookup, loaded the way Ansible loads it."""
    return load_lookup
