# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The vendor drivers, by vendor name. A new vendor is a new module in _drivers/ plus its line below.

_drivers/__init__.py stays empty: ansible-test sanity on ansible-core 2.16 and 2.17 requires it.
The imports are static on purpose: Ansible packs a module's module_utils by reading its
imports, so drivers found at run time would be missing on the managed host.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.apiauth.vendors.plugins.module_utils._drivers import bigfix_inventory, bigid, oracle_sbc
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError

DRIVERS = dict((module.Driver.name, module.Driver) for module in (bigfix_inventory, bigid, oracle_sbc))
VENDORS = tuple(sorted(DRIVERS))


def get_driver_class(vendor):
    try:
        return DRIVERS[vendor]
    except (KeyError, TypeError):
        raise ApiAuthError('unknown vendor %r: choose one of %s' % (vendor, ', '.join(VENDORS)), reason='bad_option')
