# -*- coding: utf-8 -*-
"""Where connection settings come from, and how bad ones are reported."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._auth import vendor_settings
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError


def test_precedence_direct_then_variables_then_env_then_default():
    env = {'ORACLE_SBC_URL': 'https://env', 'ORACLE_SBC_USERNAME': 'env-user', 'APIAUTH_VALIDATE_CERTS': 'no'}
    variables = {'oracle_sbc_url': 'https://var', 'apiauth_timeout': '7'}
    settings = vendor_settings('oracle_sbc', {'url': 'https://direct'}, variables=variables, environ=env)
    assert settings.url == 'https://direct'
    assert settings.username == 'env-user'
    assert settings.timeout == 7
    assert settings.validate_certs is False
    assert settings.api_version == 'v1.2'
    assert vendor_settings('oracle_sbc', {}, variables=variables, environ=env).url == 'https://var'


def test_env_names_follow_the_vendor():
    env = {'ORACLE_SBC_URL': 'https://sbc', 'BIGID_URL': 'https://bigid', 'BIGID_USER_TOKEN': 'ut',
           'BIGFIX_INVENTORY_TOKEN': 'sso'}
    assert vendor_settings('bigid', {}, environ=env).url == 'https://bigid'
    assert vendor_settings('bigid', {}, environ=env).user_token == 'ut'
    assert vendor_settings('oracle_sbc', {}, environ=env).user_token is None
    assert vendor_settings('bigfix_inventory', {}, environ=env).token == 'sso'
    assert vendor_settings('oracle_sbc', {}, environ=env).token is None


def test_empty_environment_variables_count_as_unset():
    # An AWX credential injects every field of its type; the ones left empty arrive as empty variables.
    env = {'BIGFIX_INVENTORY_URL': 'https://bfi', 'BIGFIX_INVENTORY_USERNAME': '', 'BIGFIX_INVENTORY_PASSWORD': '',
           'BIGFIX_INVENTORY_TOKEN': 'sso'}
    settings = vendor_settings('bigfix_inventory', {}, environ=env)
    assert (settings.username, settings.password, settings.token) == (None, None, 'sso')


def test_missing_option_names_every_source():
    settings = vendor_settings('bigid', {}, variables={}, environ={})
    with pytest.raises(ApiAuthError) as err:
        settings.require('url')
    assert 'url=' in str(err.value) and 'bigid_url variable' in str(err.value) and 'BIGID_URL' in str(err.value)


@pytest.mark.parametrize('direct, fragment', [
    ({'timeout': 'soon'}, 'timeout'),
    ({'timeout': 0}, 'timeout'),
    ({'refresh_margin': -1}, 'refresh_margin'),
    ({'token_cache': 'memcached'}, 'token_cache'),
    ({'validate_certs': 'maybe'}, 'validate_certs'),
    ({'token_cache_dir': 'tokens'}, 'token_cache_dir must be an absolute path'),
])
def test_bad_values_are_clear_errors(direct, fragment):
    with pytest.raises(ApiAuthError) as err:
        vendor_settings('oracle_sbc', direct, environ={})
    assert fragment in str(err.value)


def test_relative_cache_dir_from_the_environment_is_refused_too():
    with pytest.raises(ApiAuthError) as err:
        vendor_settings('oracle_sbc', {}, environ={'APIAUTH_TOKEN_CACHE_DIR': '.cache/tokens'})
    assert 'in AWX, the project' in str(err.value)


def test_cache_dir_accepts_home_relative_paths():
    settings = vendor_settings('oracle_sbc', {'token_cache_dir': '~/tokens'}, environ={})
    assert settings.token_cache_dir == os.path.join(os.path.expanduser('~'), 'tokens')
    assert vendor_settings('oracle_sbc', {}, environ={}).token_cache_dir is None  # the cache picks its default


def test_unknown_vendor():
    with pytest.raises(ApiAuthError) as err:
        vendor_settings('cisco', {}, environ={})
    assert "unknown vendor 'cisco'" in str(err.value)
    assert 'oracle_sbc' in str(err.value)


def test_repr_hides_secrets():
    settings = vendor_settings('oracle_sbc', {'password': 's3cret-pw', 'token': 'tok-abc'}, environ={})
    assert 's3cret-pw' not in repr(settings) and 'tok-abc' not in repr(settings)
    assert sorted(settings.secrets()) == ['s3cret-pw', 'tok-abc']


@pytest.mark.parametrize('option,value', [('timeout', 1e10), ('timeout', 10 ** 10), ('token_lifetime', 0),
                                          ('token_lifetime', 10 ** 12), ('refresh_margin', 10 ** 9), ('retries', 1000),
                                          ('max_reply_size', 10)])
def test_absurd_option_values_are_refused(option, value):
    with pytest.raises(ApiAuthError) as err:
        vendor_settings('oracle_sbc', dict(username='admin', password='sbc-admin-pass', url='https://sbc.example',
                                           **{option: value}), environ={})
    assert err.value.reason == 'bad_option' and option in str(err.value)
