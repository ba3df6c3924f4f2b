# -*- coding: utf-8 -*-
"""Where the vendor_token lookup takes its options from: Ansible's config system, with the vendor's own names.

Precedence, highest first: keyword argument, Ansible variable, environment variable, ansible.cfg, default (ansible.cfg
is covered by the functional test, since Ansible reads it once per process). A ready token (token=) makes no network
call, which lets these tests see which source won by the token the lookup returns.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

import pytest
from ansible import constants as C
from ansible.errors import AnsibleLookupError

from ansible_collections.apiauth.vendors.plugins.module_utils._drivers.registry import DRIVERS

BFI = 'https://bfi.example.com:9081'
ENV_NAMES = ('ORACLE_SBC_URL', 'ORACLE_SBC_USERNAME', 'ORACLE_SBC_PASSWORD', 'BIGFIX_INVENTORY_URL',
             'BIGFIX_INVENTORY_USERNAME', 'BIGFIX_INVENTORY_PASSWORD', 'BIGFIX_INVENTORY_TOKEN', 'BIGID_URL',
             'BIGID_USER_TOKEN', 'BIGID_USERNAME', 'BIGID_PASSWORD', 'APIAUTH_VALIDATE_CERTS', 'APIAUTH_CA_PATH',
             'APIAUTH_ALLOW_PLAIN_HTTP', 'APIAUTH_TOKEN_CACHE_DIR')


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


def ready_token(lookup, variables=None, **direct):
    return lookup.run(['bigfix_inventory'], variables=variables or {}, **direct)[0]


@pytest.mark.parametrize('direct, variables, env, expected', [
    ({'token': 'from-keyword'}, {'bigfix_inventory_token': 'from-variable'}, 'from-env', 'from-keyword'),
    ({}, {'bigfix_inventory_token': 'from-variable'}, 'from-env', 'from-variable'),
    ({}, {}, 'from-env', 'from-env'),
    ({'token': None}, {}, 'from-env', 'from-env'),  # a keyword given as null counts as not given
])
def test_keyword_then_variable_then_environment(vendor_token, monkeypatch, direct, variables, env, expected):
    monkeypatch.setenv('BIGFIX_INVENTORY_TOKEN', env)
    assert ready_token(vendor_token(), variables, url=BFI, **direct) == expected


def test_only_the_chosen_vendors_names_count(vendor_token, monkeypatch):
    # Every vendor's variables and environment variables are declared; another vendor's never configure this one.
    lookup = vendor_token()
    variables = {'oracle_sbc_token': 'sbc-var', 'bigid_token': 'bigid-var', 'bigfix_inventory_url': BFI}
    monkeypatch.setenv('BIGID_URL', 'https://bigid.example.com')  # declared after BIGFIX_INVENTORY_URL: Ansible's pick
    monkeypatch.setenv('BIGFIX_INVENTORY_TOKEN', 'bfi-env')
    assert ready_token(lookup, variables) == 'bfi-env'
    lookup.load_options(variables, {})
    assert lookup.vendor_options('bigfix_inventory', ['url', 'token'])['url'] == BFI
    assert lookup.vendor_options('bigid', ['url', 'token']) == {'url': 'https://bigid.example.com', 'token': 'bigid-var'}
    assert lookup.vendor_options('oracle_sbc', ['url', 'token']) == {'url': None, 'token': 'sbc-var'}


def test_another_vendors_environment_variable_never_shadows_this_ones(vendor_token, monkeypatch):
    monkeypatch.setenv('BIGFIX_INVENTORY_URL', BFI)
    monkeypatch.setenv('BIGID_URL', 'https://bigid.example.com')
    lookup = vendor_token()
    lookup.load_options({}, {})
    assert lookup.vendor_options('bigfix_inventory', ['url'])['url'] == BFI


def test_generic_options_variable_then_environment_then_default(vendor_token, monkeypatch):
    lookup = vendor_token()
    lookup.load_options({'apiauth_timeout': '7', 'apiauth_ca_path': '/var/ca.pem'}, {'retries': 1})
    monkeypatch.setenv('APIAUTH_VALIDATE_CERTS', 'no')
    lookup.load_options({'apiauth_timeout': '7', 'apiauth_ca_path': '/var/ca.pem'}, {'retries': 1})
    values = lookup.vendor_options('oracle_sbc', ['timeout', 'ca_path', 'retries', 'validate_certs', 'refresh_margin'])
    assert values == {'timeout': 7, 'ca_path': '/var/ca.pem', 'retries': 1, 'validate_certs': False, 'refresh_margin': 120}


def test_empty_environment_variables_count_as_unset(vendor_token, monkeypatch):
    # AWX injects the empty fields of a credential as empty variables; Ansible alone would read '' as false.
    monkeypatch.setenv('APIAUTH_VALIDATE_CERTS', '')
    monkeypatch.setenv('APIAUTH_CA_PATH', '')
    monkeypatch.setenv('BIGFIX_INVENTORY_USERNAME', '')
    lookup = vendor_token()
    lookup.load_options({}, {})
    values = lookup.vendor_options('bigfix_inventory', ['validate_certs', 'ca_path', 'username'])
    assert values == {'validate_certs': True, 'ca_path': None, 'username': None}


def test_a_relative_token_cache_dir_is_refused_not_made_absolute(vendor_token, monkeypatch, tmp_path):
    monkeypatch.chdir(str(tmp_path))
    with pytest.raises(AnsibleLookupError) as err:
        ready_token(vendor_token(), url=BFI, token='t', token_cache_dir='tokens')
    assert 'token_cache_dir must be an absolute path' in str(err.value)
    lookup = vendor_token()
    lookup.load_options({}, {'token_cache_dir': '~/tokens'})
    assert lookup.vendor_options('oracle_sbc', ['token_cache_dir']) == {'token_cache_dir': '~/tokens'}  # ~ left to _options.py


@pytest.mark.parametrize('direct, fragment', [
    ({'pasword': 'typo'}, 'unknown option(s) pasword'),
    ({'timeout': 'soon'}, 'timeout'),
    ({'output': 'xml'}, 'output'),
    ({'force_renew': 'maybe'}, 'force_renew'),
    ({'vendor': 'cisco_asa'}, "unknown vendor 'cisco_asa'"),
])
def test_bad_options_fail_with_one_clear_line(vendor_token, direct, fragment):
    with pytest.raises(AnsibleLookupError) as err:
        vendor_token().run(['bigfix_inventory'], variables={}, url=BFI, token='t', **direct)
    message = str(err.value)
    assert message.startswith('vendor_token: ') and fragment in message and 'Traceback' not in message


def test_documentation_declares_every_source_the_lookup_reads(vendor_token):
    lookup = vendor_token()  # loaded: its option definitions are registered, under the name the loader gave it
    definitions = C.config.get_configuration_definitions('lookup', lookup._load_name)

    def names(option, source):
        return set(entry['name'] for entry in definitions[option].get(source) or ())

    for option in ('url', 'username', 'password', 'token', 'user_token'):
        # the drivers' environment tables (what modules read) are exactly what the documentation declares
        assert names(option, 'env') == set(driver.env[option] for driver in DRIVERS.values() if option in driver.env)
        assert all(driver.env[option] == ('%s_%s' % (name, option)).upper() for name, driver in DRIVERS.items()
                   if option in driver.env), 'the lookup finds a vendor environment variable by this name rule'
        assert not definitions[option].get('ini'), 'no secrets or vendor-scoped settings in ansible.cfg'
    assert names('user_token', 'vars') == set(['bigid_user_token'])
    assert names('url', 'vars') == set(['oracle_sbc_url', 'bigfix_inventory_url', 'bigid_url'])
    for option in ('api_version', 'validate_certs', 'ca_path', 'allow_plain_http', 'timeout', 'retries', 'token_cache',
                   'token_cache_dir', 'refresh_margin', 'token_lifetime', 'max_reply_size', 'reauth_body'):
        assert names(option, 'vars') == set(['apiauth_' + option])
        ini = definitions[option].get('ini') or []
        assert ini == ([] if option == 'token_cache_dir' else [{'section': 'apiauth_vendors', 'key': option}])
    assert os.environ.get('APIAUTH_VALIDATE_CERTS') is None


def test_registered_definitions_are_the_documented_ones(vendor_token):
    # The lookup hands Ansible its option definitions itself (parsing the documentation in every worker costs as
    # much as importing the auth layer): they must say what ansible-doc says, source by source.
    from ansible.plugins.loader import fragment_loader
    from ansible.utils.plugin_docs import get_docstring

    lookup = vendor_token()
    path = sys.modules[type(lookup).__module__].__file__
    documented = get_docstring(path, fragment_loader, is_module=False)[0]['options']
    registered = C.config.get_configuration_definitions('lookup', lookup._load_name)
    assert sorted(documented) == sorted(registered)
    for name, definition in documented.items():
        for key in ('type', 'default', 'choices', 'elements', 'aliases', 'required', 'env', 'vars', 'ini'):
            if key == 'type' and definition.get(key) is None:
                continue
            assert definition.get(key) == registered[name].get(key), (name, key)
