# -*- coding: utf-8 -*-
"""The collection as users get it: the tarball `ansible-galaxy collection build` makes, installed with
`ansible-galaxy collection install` into a fresh collections path, and every entry point the README and the guides
document run from there against the simulator (ansible-doc of each plugin and the role, the check_appliance playbook
in both modes, the role, the lookup, the AWX job-template playbooks). Nothing is taken from this checkout but the
tarball: only the fresh path is searched for collections."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
import subprocess
import sys
import tarfile

import pytest

from playbook_runner import ANSIBLE_VERSION, COLLECTION_ROOT

BIN = os.path.dirname(sys.executable)
TIMEOUT = 180
MODULES = ('vendor_request', 'sbc_config_lock', 'sbc_config_element', 'sbc_config_info', 'bigid_token_exchange')
JOB_TEMPLATES = ('bigfix_computers.yml', 'bigid_data_sources.yml', 'sbc_add_realm.yml')


def tool(name):
    path = os.path.join(BIN, name)
    return path if os.path.exists(path) else name


def clean_env(home, collections):
    """Only the fresh collections path: no ANSIBLE_* of the caller, no PYTHONPATH, no scan of sys.path."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(('ANSIBLE_', 'ORACLE_SBC_', 'BIGFIX_INVENTORY_', 'BIGID_', 'APIAUTH_'))
           and name != 'PYTHONPATH'}
    env.update({
        'PATH': BIN + os.pathsep + env.get('PATH', ''),
        'ANSIBLE_COLLECTIONS_PATH': collections,
        'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'false',
        'ANSIBLE_HOME': os.path.join(home, 'ansible-home'),
        'ANSIBLE_LOCAL_TEMP': os.path.join(home, 'ansible-tmp'),
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_LOCALHOST_WARNING': 'false',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false',
        'ANSIBLE_RETRY_FILES_ENABLED': 'false',
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
    })
    return env


def run(args, env, cwd, timeout=TIMEOUT, stderr=subprocess.STDOUT):
    return subprocess.run(args, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=stderr,
                          universal_newlines=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False)


@pytest.fixture(scope='session')
def installed(tmp_path_factory):
    """Build the tarball once, install it into a fresh collections path; (collections, root, tarball members)."""
    work = str(tmp_path_factory.mktemp('installed'))
    dist = os.path.join(work, 'dist')
    collections = os.path.join(work, 'collections')
    env = clean_env(work, collections)
    proc = run([tool('ansible-galaxy'), 'collection', 'build', COLLECTION_ROOT, '--output-path', dist], env, work)
    assert proc.returncode == 0, proc.stdout
    tarball, = glob.glob(os.path.join(dist, 'apiauth-vendors-*.tar.gz'))
    with tarfile.open(tarball) as archive:
        members = set(archive.getnames())
    proc = run([tool('ansible-galaxy'), 'collection', 'install', '--offline', '-p', collections, tarball], env, work)
    assert proc.returncode == 0, proc.stdout
    root = os.path.join(collections, 'ansible_collections', 'apiauth', 'vendors')
    assert os.path.isfile(os.path.join(root, 'MANIFEST.json'))
    return collections, root, members


@pytest.fixture
def user(installed, simulator, tmp_path):
    """Runs commands as a user of the installed collection whose connection is the README's environment variables."""
    collections, root, _members = installed
    env = clean_env(str(tmp_path), collections)
    env.update({
        'APIAUTH_CA_PATH': simulator.ca_path,
        'APIAUTH_TOKEN_CACHE_DIR': str(tmp_path / 'token-cache'),
        'ORACLE_SBC_URL': simulator.url, 'ORACLE_SBC_USERNAME': 'admin', 'ORACLE_SBC_PASSWORD': 'sbc-admin-pass',
        'BIGFIX_INVENTORY_URL': simulator.url, 'BIGFIX_INVENTORY_USERNAME': 'bfi-user',
        'BIGFIX_INVENTORY_PASSWORD': 'bfi-pass',
        'BIGID_URL': simulator.url, 'BIGID_USER_TOKEN': 'bigid-user-token-0123456789',
    })

    def call(*args):
        proc = run(list(args), env, str(tmp_path), stderr=subprocess.PIPE)  # stdout alone: ansible-doc --json
        output = proc.stdout + proc.stderr
        assert proc.returncode == 0, '%s\n%s' % (' '.join(args), '\n'.join(output.splitlines()[-60:]))
        assert 'sbc-admin-pass' not in output and 'bfi-pass' not in output
        return proc.stdout

    call.root, call.tmp = root, tmp_path
    return call


def test_the_tarball_ships_what_the_docs_tell_users_to_run(installed):
    _collections, _root, members = installed
    for path in ('playbooks/check_appliance.yml', 'playbooks/sbc_backup_and_drift.yml', 'roles/sbc_locked_change/meta/argument_specs.yml',
                 'plugins/lookup/vendor_token.py', 'extensions/awx/credential_types/oracle_sbc.yml') + tuple(
                     'extensions/awx/job_templates/' + name for name in JOB_TEMPLATES) + tuple(
                     'plugins/modules/%s.py' % name for name in MODULES):
        assert path in members
    # Development-only: the demo needs `make demo`'s simulator; tools/ (and so its tests) stay out.
    assert not [name for name in members if name.startswith(('playbooks/demo', 'tools/', 'tests/unit/tools'))]


def test_ansible_doc_documents_every_plugin_and_the_role_from_the_installed_copy(user):
    modules = json.loads(user(tool('ansible-doc'), '--json', '-t', 'module', *['apiauth.vendors.' + m for m in MODULES]))
    assert sorted(modules) == sorted('apiauth.vendors.' + m for m in MODULES)
    for doc in modules.values():
        assert doc['doc']['filename'].startswith(user.root) and doc['examples'] and doc['return']
    lookup = json.loads(user(tool('ansible-doc'), '--json', '-t', 'lookup', 'apiauth.vendors.vendor_token'))
    assert lookup['apiauth.vendors.vendor_token']['doc']['filename'].startswith(user.root)
    role = json.loads(user(tool('ansible-doc'), '--json', '-t', 'role', 'apiauth.vendors.sbc_locked_change'))
    assert role['apiauth.vendors.sbc_locked_change']['path'].startswith(os.path.dirname(os.path.dirname(user.root)))
    # The text a user reads, too.
    text = user(tool('ansible-doc'), '-t', 'role', 'apiauth.vendors.sbc_locked_change')
    assert 'sbc_locked_change_elements' in text and 'sbc_locked_change_result' in text
    if ANSIBLE_VERSION >= (2, 18):  # ansible-doc shows a role's examples from 2.18 on
        assert 'EXAMPLES' in text and 'apiauth.vendors.sbc_locked_change' in text.split('EXAMPLES', 1)[1]


@pytest.mark.parametrize('lock_cycle', (False, True))
def test_check_appliance_runs_as_a_collection_playbook(user, simulator, lock_cycle):
    report = str(user.tmp / 'report.json')
    user(tool('ansible-playbook'), 'apiauth.vendors.check_appliance', '-e', 'check_appliance_report=' + report,
         '-e', 'check_lock_cycle=%s' % str(lock_cycle).lower())
    with open(report) as handle:
        result = json.load(handle)
    assert result['login'] == 'ok' and result['read'].endswith('HTTP 200')
    if lock_cycle:
        assert result['lock_cycle'] == 'lock taken, token renewed, lock released'
        assert [e['kind'] for e in simulator.journal_entries(vendor='oracle_sbc', kind='reauth')] == ['reauth']
    assert simulator.state_snapshot()['lock']['owner_fp'] is None


def test_the_role_and_the_lookup_run_from_the_installed_collection(user, simulator):
    playbook = user.tmp / 'site.yml'
    playbook.write_text('''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Lookup
      ansible.builtin.set_fact:
        headers: "{{ lookup('apiauth.vendors.vendor_token', 'bigfix_inventory', output='headers') }}"
      no_log: true
    - ansible.builtin.assert:
        that: headers.Token | length == 40
    - ansible.builtin.include_role:
        name: apiauth.vendors.sbc_locked_change
      vars:
        sbc_locked_change_elements:
          - element_type: realm-config
            attributes: {identifier: installed-1, network-interfaces: "M10:0"}
    - ansible.builtin.assert:
        that: sbc_locked_change_result.changed
''')
    user(tool('ansible-playbook'), str(playbook))
    writes = simulator.journal_entries(vendor='oracle_sbc', kind='config_write')
    assert writes and all(entry['is_lock_owner'] for entry in writes)
    assert 'installed-1' in json.dumps(simulator.state_snapshot())
    assert simulator.state_snapshot()['lock']['owner_fp'] is None


@pytest.mark.parametrize('template', JOB_TEMPLATES)
def test_the_awx_job_template_playbooks_run_from_the_installed_collection(user, simulator, template):
    output = user(tool('ansible-playbook'), os.path.join(user.root, 'extensions', 'awx', 'job_templates', template),
                  '-e', 'realm_name=installed-realm')
    assert 'failed=0' in output
    assert simulator.journal_entries(vendor={'bigfix_computers.yml': 'bigfix_inventory', 'bigid_data_sources.yml': 'bigid',
                                             'sbc_add_realm.yml': 'oracle_sbc'}[template])
