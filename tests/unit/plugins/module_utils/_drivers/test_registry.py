# -*- coding: utf-8 -*-
"""The driver registry: every vendor by its name, an unknown one refused naming the known ones."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._drivers.registry import VENDORS, get_driver_class
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError


def test_each_vendor_is_its_drivers_name():
    assert VENDORS == tuple(sorted(VENDORS)) and {'bigfix_inventory', 'bigid', 'oracle_sbc'} <= set(VENDORS)
    assert all(get_driver_class(vendor).name == vendor for vendor in VENDORS)


@pytest.mark.parametrize('vendor', ['oracle', None, ['bigid']])
def test_an_unknown_vendor_is_a_bad_option_naming_the_known_ones(vendor):
    with pytest.raises(ApiAuthError) as err:
        get_driver_class(vendor)
    assert err.value.reason == 'bad_option' and ', '.join(VENDORS) in str(err.value)
