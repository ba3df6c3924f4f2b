# -*- coding: utf-8 -*-
"""The vendor_token lookup and bigid_token_exchange, driven by real ansible-playbook runs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess

from playbook_runner import ansible_playbook, explain

WRONG_PASSWORD = 'Wr0ng-But-Secret-Passw0rd'


def kinds(sim, vendor):
    return [entry['kind'] for entry in sim.journal_entries(vendor=vendor)]


def test_twenty_lookups_in_five_forks_make_one_login(simulator, runner):
    proc, result = runner.run('sbc_forks.yml', forks=5)
    assert proc.returncode == 0, explain(proc)
    assert len(result['hashes']) == 20
    assert len(set(result['hashes'])) == 1, 'every lookup must return the same cached token'
    assert kinds(simulator, 'oracle_sbc') == ['login']


def test_token_at_refresh_margin_is_reauthenticated_with_old_token_in_body(simulator, runner):
    simulator.configure(sbc_token_lifetime=6)  # the play renews once the token is a second old (margin 5 s)
    proc, result = runner.run('sbc_refresh.yml')
    assert proc.returncode == 0, explain(proc)
    entries = simulator.journal_entries(vendor='oracle_sbc')
    auth = [e for e in entries if e['kind'] in ('login', 'reauth')]
    assert [e['kind'] for e in auth] == ['login', 'reauth', 'reauth']  # the last one forced with force_renew=true
    login, reauth, forced = auth
    assert reauth['status'] == 200
    assert reauth['body_token_fp'] == login['new_token_fp'], 'the re-authentication must carry the current token'
    assert forced['body_token_fp'] == reauth['new_token_fp']
    assert result['same_token'] is False and result['forced_is_new'] is True
    assert (result['new_status'], result['old_status']) == (200, 401)
    assert int(result['second_expires_in']) >= 5


def test_bigfix_ready_token_makes_no_call(simulator, runner):
    token = 'f' * 40
    proc, result = runner.run('bigfix_ready_token.yml', extra_vars={'sso_token': token})
    assert proc.returncode == 0, explain(proc)
    assert result == {'header_names': ['Token'], 'token_is_given': True}
    assert simulator.journal_entries(vendor='bigfix_inventory') == []


def test_wrong_password_fails_with_vendor_message_and_never_shows_the_password(simulator, runner):
    proc, _result = runner.run('wrong_password.yml', verbosity=4, extra_vars={'sbc_password': WRONG_PASSWORD})
    assert proc.returncode != 0
    assert 'Invalid username or password' in proc.stdout, explain(proc)
    assert "Oracle SBC login as user 'admin' at %s/rest/v1.2/auth/token failed: HTTP 401" % simulator.url in proc.stdout
    assert WRONG_PASSWORD not in proc.stdout
    assert 'Traceback' not in proc.stdout

    env = {'ORACLE_SBC_PASSWORD': WRONG_PASSWORD}
    proc, _result = runner.run('wrong_password.yml', verbosity=4, env=env, extra_vars={'sbc_password': None})
    assert proc.returncode != 0 and 'Invalid username or password' in proc.stdout, explain(proc)
    assert WRONG_PASSWORD not in proc.stdout
    assert [e['status'] for e in simulator.journal_entries(vendor='oracle_sbc', kind='login')] == [401, 401]


def test_bad_input_gets_clear_errors_not_tracebacks(simulator, runner):
    simulator.configure(faults=[
        {'path': '/rest/v1.1/auth/token', 'action': 'malformed', 'times': 1},
        {'path': '/api/v1/refresh-access-token', 'action': 'malformed', 'times': 1},
    ])
    proc, found = runner.run('bad_input.yml')
    assert proc.returncode == 0, explain(proc)
    assert 'Traceback' not in proc.stdout
    assert "unknown vendor 'cisco_asa'" in found['unknown_vendor']
    assert 'missing url for vendor bigid' in found['missing_url'] and 'BIGID_URL' in found['missing_url']
    assert 'requires https://' in found['plain_http']
    assert 'HTTP 404' in found['bad_version'] and "'v9.9'" in found['bad_version']
    assert 'expected an XML reply' in found['not_xml'] and 'text/html' in found['not_xml']
    assert 'expected a JSON reply' in found['not_json']
    assert 'cannot reach 127.0.0.1:9' in found['unreachable']
    assert 'TLS verification failed' in found['untrusted'] and 'ca_path' in found['untrusted']
    assert 'unknown option(s) pasword' in found['unknown_option']
    for message in found.values():
        assert 'Traceback' not in message and 'sbc-admin-pass' not in message


def test_bigid_exchange_seeds_the_cache_for_lookups(simulator, runner):
    proc, result = runner.run('bigid_exchange.yml')
    assert proc.returncode == 0, explain(proc)
    assert result['changed'] is False and result['exchanged'] is True and result['again_exchanged'] is False
    assert result['same_token'] is True
    assert result['expires_at'].endswith('Z')
    assert 'user_token' not in result['result_keys']
    assert (result['connections_status'], result['connections']) > (199, 0)
    assert kinds(simulator, 'bigid').count('exchange') == 1


def test_bigid_system_token_is_reexchanged_when_exp_is_near(simulator, runner):
    simulator.configure(bigid_token_lifetime=3)
    proc, _result = runner.run('bigid_exchange.yml', extra_vars={'apiauth_refresh_margin': 2})
    assert proc.returncode == 0, explain(proc)
    first = kinds(simulator, 'bigid').count('exchange')
    proc, _result = runner.run('bigid_exchange.yml', extra_vars={'apiauth_refresh_margin': 2})
    assert proc.returncode == 0, explain(proc)
    # A second run within the margin of a 3 s token must exchange again rather than reuse it.
    assert kinds(simulator, 'bigid').count('exchange') > first


def test_no_token_in_any_url(simulator, runner):
    proc, _result = runner.run('bigid_exchange.yml')
    assert proc.returncode == 0, explain(proc)
    proc, _result = runner.run('sbc_forks.yml')
    assert proc.returncode == 0, explain(proc)
    for entry in simulator.journal_entries():
        assert 'token=' not in (entry['query'] or ''), entry


def test_options_come_from_keyword_variable_environment_ansible_cfg_in_that_order(simulator, runner, tmp_path):
    config = tmp_path / 'ansible.cfg'
    config.write_text(u'[apiauth_vendors]\napi_version = v7.1\n')
    env = {'ANSIBLE_CONFIG': str(config), 'BIGFIX_INVENTORY_TOKEN': 'env-token',
           'ORACLE_SBC_URL': 'https://127.0.0.1:9'}  # unreachable: the play's oracle_sbc_url must win over it
    proc, found = runner.run('lookup_option_sources.yml', env=env)
    assert proc.returncode == 0, explain(proc)
    assert "'v7.1'" in found['from_ini'] and 'HTTP 404' in found['from_ini'], found['from_ini']
    assert "'v7.2'" in found['from_var'] and "'v7.3'" in found['from_keyword']
    assert (found['token_env'], found['token_var'], found['token_keyword']) == ('env-token', 'variable-token', 'keyword-token')
    assert int(found['sbc_expires']) > 0 and int(found['bigid_expires']) > 0
    assert [e['kind'] for e in simulator.journal_entries(vendor='bigid')] == ['exchange']


def test_ansible_doc_and_ansible_config_list_every_source(runner):
    doc = subprocess.run([os.path.join(os.path.dirname(ansible_playbook()), 'ansible-doc'), '-t', 'lookup', '--json',
                          'apiauth.vendors.vendor_token'], env=runner.env, stdout=subprocess.PIPE, universal_newlines=True,
                         timeout=120, check=True)
    options = json.loads(doc.stdout)['apiauth.vendors.vendor_token']['doc']['options']
    assert [e['name'] for e in options['url']['env']] == ['ORACLE_SBC_URL', 'BIGFIX_INVENTORY_URL', 'BIGID_URL']
    assert [e['name'] for e in options['user_token']['vars']] == ['bigid_user_token']
    assert options['timeout']['ini'] == [{'section': 'apiauth_vendors', 'key': 'timeout'}]
    config = subprocess.run([os.path.join(os.path.dirname(ansible_playbook()), 'ansible-config'), 'list', '-t', 'lookup',
                             '--format', 'json', 'apiauth.vendors.vendor_token'], env=runner.env, stdout=subprocess.PIPE,
                            universal_newlines=True, timeout=120, check=True)
    listed = list(json.loads(config.stdout)['PLUGINS']['lookup'].values())[0]
    assert [e['name'] for e in listed['password']['env']] == ['ORACLE_SBC_PASSWORD', 'BIGFIX_INVENTORY_PASSWORD', 'BIGID_PASSWORD']
    assert listed['validate_certs']['env'] == [{'name': 'APIAUTH_VALIDATE_CERTS'}]
