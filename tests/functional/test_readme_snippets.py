# -*- coding: utf-8 -*-
"""Every YAML block of README.md and of each role's README runs, as a newcomer would paste it: against the
simulator, with the environment variables the README's Quick start tells users to export and nothing else.
A block that is a list of plays runs as a playbook; a list of tasks runs as the tasks of a play on localhost."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import re
import shlex
import subprocess
import sys

import pytest
import yaml

from playbook_runner import COLLECTION_ROOT, ansible_playbook

FENCE = re.compile(r'^```(\w*)\n(.*?)^```', re.M | re.S)
READMES = ['README.md'] + sorted(os.path.relpath(path, COLLECTION_ROOT)
                                 for path in glob.glob(os.path.join(COLLECTION_ROOT, 'roles', '*', 'README.md')))
# The simulator's address and CA as the Quick start writes them, replaced by those of the test's simulator.
README_URL = 'https://127.0.0.1:8443'
README_CA = '$PWD/build/sim/ca.pem'


def blocks(readme, language):
    with open(os.path.join(COLLECTION_ROOT, readme)) as handle:
        return [body for lang, body in FENCE.findall(handle.read()) if lang == language]


def snippets():
    found = []
    for readme in READMES:
        for index, body in enumerate(blocks(readme, 'yaml')):
            found.append(pytest.param(readme, body, id='%s#%d' % (readme, index + 1)))
    return found


def readme_environment():
    """NAME=value of every `export` line in the README's shell blocks (the Quick start's connection step)."""
    exported = {}
    for body in blocks('README.md', 'sh'):
        for line in body.splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ['export']:
                exported.update(word.split('=', 1) for word in words[1:] if '=' in word)
    return exported


def test_the_quick_start_exports_a_connection_for_each_vendor_with_ca_path():
    exported = readme_environment()
    assert exported.get('APIAUTH_CA_PATH') == README_CA
    for vendor in ('ORACLE_SBC', 'BIGFIX_INVENTORY', 'BIGID'):
        assert exported.get(vendor + '_URL') == README_URL


def test_the_quick_start_install_commands_are_real_commands():
    install = '\n'.join(blocks('README.md', 'sh'))
    assert 'ansible-galaxy collection build --output-path build/dist' in install
    with open(os.path.join(COLLECTION_ROOT, 'galaxy.yml')) as handle:
        version = yaml.safe_load(handle)['version']
    assert 'ansible-galaxy collection install build/dist/apiauth-vendors-%s.tar.gz' % version in install


@pytest.mark.parametrize('readme,body', snippets())
def test_each_yaml_block_runs_against_the_simulator(simulator, tmp_path, _collections, readme, body):
    content = yaml.safe_load(body)
    assert isinstance(content, list) and content, '%s: a YAML block that is neither plays nor tasks' % readme
    if not all('hosts' in item or 'import_playbook' in item or 'ansible.builtin.import_playbook' in item for item in content):
        content = [{'name': 'snippet', 'hosts': 'localhost', 'gather_facts': False, 'tasks': content}]
    playbook = tmp_path / 'snippet.yml'
    playbook.write_text(yaml.safe_dump(content, sort_keys=False))
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(('ANSIBLE_', 'ORACLE_SBC_', 'BIGFIX_INVENTORY_', 'BIGID_', 'APIAUTH_'))}
    for name, value in readme_environment().items():
        env[name] = simulator.ca_path if value == README_CA else value.replace(README_URL, simulator.url)
    env.update({
        'HOME': str(tmp_path),  # the token cache's default place, ~/.cache/apiauth_vendors
        'ANSIBLE_COLLECTIONS_PATH': _collections, 'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_LOCALHOST_WARNING': 'false',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false', 'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'ANSIBLE_LOCAL_TEMP': str(tmp_path / 'ansible-tmp'), 'ANSIBLE_HOME': str(tmp_path / 'ansible-home'),
    })
    proc = subprocess.run([ansible_playbook(), str(playbook)], env=env, cwd=str(tmp_path), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=180, stdin=subprocess.DEVNULL,
                          check=False)
    assert proc.returncode == 0, '%s:\n%s\n%s' % (readme, body, '\n'.join(proc.stdout.splitlines()[-40:]))
    assert 'failed=0' in proc.stdout and '[WARNING]' not in proc.stdout, proc.stdout
