# -*- coding: utf-8 -*-
"""module_defaults groups: a vendor's connection is set once and reaches every module of that vendor, only."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from playbook_runner import explain

# Nothing from the environment: the groups alone must carry each vendor's connection.
NO_ENV = dict((name, None) for name in (
    'ORACLE_SBC_URL', 'ORACLE_SBC_USERNAME', 'ORACLE_SBC_PASSWORD', 'BIGFIX_INVENTORY_URL', 'BIGFIX_INVENTORY_USERNAME',
    'BIGFIX_INVENTORY_PASSWORD', 'BIGID_URL', 'BIGID_USER_TOKEN', 'APIAUTH_CA_PATH', 'APIAUTH_TOKEN_CACHE_DIR'))


def test_each_vendor_group_reaches_its_own_modules_only(simulator, runner):
    extra_vars = {'sbc_password': 'sbc-admin-pass', 'bfi_password': 'bfi-pass',
                  'bigid_user_token': 'bigid-user-token-0123456789', 'ca_path': simulator.ca_path,
                  'cache_dir': os.path.join(runner.workdir, 'group-cache')}
    proc, result = runner.run('module_defaults_groups.yml', extra_vars=extra_vars, env=NO_ENV)
    assert proc.returncode == 0, explain(proc)
    sbc = simulator.journal_entries(vendor='oracle_sbc')
    # All three groups are set in the play, and vendor_request is in none of them: had Ansible merged them into
    # its arguments, the SBC calls would have carried the BigFix user and password (the last group set).
    assert set(e['user'] for e in sbc if e['user']) == {'admin'}
    assert [e['kind'] for e in sbc].count('login') == 1
    writes = [e for e in sbc if e['kind'] == 'config_write']
    assert [(e['status'], e['is_lock_owner']) for e in writes] == [(200, True), (200, True)]
    realms = simulator.state_snapshot()['config']['elements']['realm-config']
    assert 'md-1' in realms and 'md-2' in realms
    assert simulator.state_snapshot()['lock']['owner_fp'] is None
    assert result['bigid_status'] == 200 and result['bigfix_version'] == '10.0.16.0'
    bigfix_logins = simulator.journal_entries(vendor='bigfix_inventory', kind='login')
    assert [e['status'] for e in bigfix_logins] == [200, 401] and bigfix_logins[0]['user'] == 'bfi-user'
    assert result['inner_failed'] is True and 'HTTP 401' in result['inner_msg'], result
    assert result['own_failed'] is True and 'HTTP 401' in result['own_msg'], result
    assert [e['status'] for e in simulator.journal_entries(vendor='bigid', kind='exchange')] == [200, 401]
