# -*- coding: utf-8 -*-
"""The options table (module_utils/_options.py: OPTIONS, VENDOR_NAMES) is the one definition of the connection options:
what is derived from it is derived (the lookup's definitions, the modules' argument spec), and what must stay text of
its own (the doc fragment ansible-doc reads, the drivers' environment tables, the AWX credential types) says the same."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import pytest
import yaml

from ansible_collections.apiauth.vendors.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.apiauth.vendors.plugins.module_utils._drivers.registry import DRIVERS
from ansible_collections.apiauth.vendors.plugins.module_utils._module_base import module_argument_spec
from ansible_collections.apiauth.vendors.plugins.module_utils._options import (OPTIONS, VENDOR_NAMES, resolve_options,
                                                                               vendor_environment)

COLLECTION = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
CREDENTIAL_TYPES = os.path.join(COLLECTION, 'extensions', 'awx', 'credential_types')
DOCUMENTED = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
LOOKUP_SOURCES = yaml.safe_load(ModuleDocFragment.LOOKUP)['options']


def env_names(option):
    """Every environment variable the table says ``option`` is read from."""
    if option.vendor_scoped:
        return set(vendor_environment(vendor)[option.name] for vendor in VENDOR_NAMES if option.name in VENDOR_NAMES[vendor]['env'])
    return set([option.env]) if option.env else set()


def test_the_doc_fragment_documents_the_table():
    assert list(DOCUMENTED) == [option.name for option in OPTIONS]
    for option in OPTIONS:
        documented = DOCUMENTED[option.name]
        assert documented['type'] == option.type, option.name
        assert documented.get('default') == option.default, option.name
        assert documented.get('choices') == (list(option.choices) if option.choices else None), option.name
        text = ' '.join(documented['description'])
        assert set(re.findall(r'E\(([A-Z0-9_]+)\)', text)) == env_names(option), option.name


def test_the_lookup_fragment_declares_the_tables_sources():
    assert sorted(LOOKUP_SOURCES) == sorted(option.name for option in OPTIONS)
    for option in OPTIONS:
        sources = LOOKUP_SOURCES[option.name]
        assert set(entry['name'] for entry in sources.get('env') or ()) == env_names(option), option.name
        if option.vendor_scoped:
            expected = set('%s_%s' % (vendor, option.name) for vendor in VENDOR_NAMES if option.name in VENDOR_NAMES[vendor]['vars'])
        else:
            expected = set(['apiauth_' + option.name])
        assert set(entry['name'] for entry in sources.get('vars') or ()) == expected, option.name
        assert bool(sources.get('ini')) == option.ini, option.name


def test_the_modules_argument_spec_is_the_table():
    spec = module_argument_spec()
    assert list(spec) == [option.name for option in OPTIONS]
    for option in OPTIONS:
        entry = spec[option.name]
        assert entry['type'] == option.type and entry.get('default') == option.default
        assert entry['no_log'] is option.secret
        assert entry.get('choices') == (list(option.choices) if option.choices else None)
        # the vendor-independent environment variables through AnsibleModule's fallback, the vendor's through resolve_options
        assert (entry['fallback'][1] if 'fallback' in entry else [None]) == [None if option.vendor_scoped else option.env]


def test_every_driver_has_a_table_entry_and_reads_its_environment_variables():
    assert sorted(DRIVERS) == sorted(VENDOR_NAMES)
    for vendor, driver in DRIVERS.items():
        assert driver.env == vendor_environment(vendor)


@pytest.mark.parametrize('vendor', sorted(VENDOR_NAMES))
def test_the_awx_credential_type_injects_the_vendors_environment_variables(vendor):
    with open(os.path.join(CREDENTIAL_TYPES, vendor + '.yml')) as handle:
        credential_type = yaml.safe_load(handle)
    environment = vendor_environment(vendor)
    assert credential_type['injectors']['env'] == dict((env, '{{ %s }}' % name) for name, env in environment.items())
    fields = dict((field['id'], field) for field in credential_type['inputs']['fields'])
    assert sorted(fields) == sorted(environment)
    secret = set(option.name for option in OPTIONS if option.secret)
    for name, field in fields.items():
        assert bool(field.get('secret')) == (name in secret), (vendor, name)


def test_a_vendor_reads_only_its_own_variables():
    # oracle_sbc has no user_token variable: another vendor's name never configures it
    variables = {'oracle_sbc_user_token': 'no', 'bigid_user_token': 'yes', 'apiauth_timeout': '9'}
    assert resolve_options('oracle_sbc', None, {}, variables=variables, environ={}).user_token is None
    settings = resolve_options('bigid', None, {}, variables=variables, environ={'BIGID_URL': 'https://bigid'})
    assert (settings.user_token, settings.timeout, settings.url) == ('yes', 9, 'https://bigid')
