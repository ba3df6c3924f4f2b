# -*- coding: utf-8 -*-
"""The AWX credential type of the shared token store: AWX accepts it, and what it injects is what the plugins read
(the environment variables of the store's options), so a job with it uses Redis with no playbook change."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from playbook_runner import COLLECTION_ROOT
from test_awx_job import awx_refusals

from ansible_collections.apiauth.vendors.plugins.module_utils._options import COMMON_OPTIONS, resolve_options

PATH = os.path.join(COLLECTION_ROOT, 'extensions', 'awx', 'credential_types', 'token_store.yml')
STORE_OPTIONS = ('token_cache', 'token_cache_url', 'token_cache_key', 'token_cache_ca_path')


def definition():
    with open(PATH) as handle:
        return yaml.safe_load(handle)


def inject(inputs):
    """The environment AWX injects: env injectors rendered in a sandbox, with tower.filename for the file injector."""
    namespace = dict((name, value) for name, value in inputs.items() if value)
    namespace['tower'] = {'filename': {'ca': '/runner/env/tmpca'}}
    env = ImmutableSandboxedEnvironment()  # a field left empty renders empty, as in AWX
    return dict((name, env.from_string(template).render(**namespace) if '{' in template else template)
                for name, template in definition()['injectors']['env'].items())


def test_awx_accepts_the_token_store_type():
    store = definition()
    store['injectors']['env']['APIAUTH_TOKEN_CACHE_CA_PATH'] = '{{ ca }}'  # tower.* is AWX's own namespace
    assert awx_refusals(store) == []
    store['injectors']['env']['APIAUTH_TOKEN_CACHE_X'] = '{{ no_such_field }}'
    assert len(awx_refusals(store)) == 1  # the check can fail
    fields = dict((field['id'], field) for field in store['inputs']['fields'])
    assert set(name for name, field in fields.items() if field.get('secret')) == {'url', 'key'}


def test_the_injected_environment_is_what_the_store_options_read():
    assert set(definition()['injectors']['env']) == set(COMMON_OPTIONS[name][2] for name in STORE_OPTIONS)
    env = inject({'url': 'rediss://:pw@redis.example:6380/0', 'key': 'k' * 20, 'ca': '-----BEGIN CERTIFICATE-----'})
    settings = resolve_options('oracle_sbc', {}, {}, environ=env)
    assert (settings.token_cache, settings.token_cache_url, settings.token_cache_key, settings.token_cache_ca_path) == (
        'redis', 'rediss://:pw@redis.example:6380/0', 'k' * 20, '/runner/env/tmpca')
    assert 'rediss://:pw@redis.example:6380/0' in settings.secrets() and 'k' * 20 in settings.secrets()
    # Without a CA the path is empty, which counts as unset: the system's CAs verify the server.
    assert resolve_options('oracle_sbc', {}, {}, environ=inject({'url': 'redis://r', 'key': 'k' * 20})).token_cache_ca_path is None
