# -*- coding: utf-8 -*-
"""Issue 24 row 3, the module side: one boundary scrubs whatever a module hands Ansible, an unexpected exception
included (Ansible would otherwise print its text and traceback as they are). Run in a child process, as a module is."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import subprocess
import sys

PASSWORD = 'secret-password-42'
ISSUED = 'issued-token-0123456789'

SCRIPT = r'''
import contextlib, json, sys
import ansible.module_utils.basic as basic
from ansible_collections.apiauth.vendors.plugins.module_utils._module_base import build_module, run_main
args = {'vendor': 'bigid', 'url': 'https://bigid.example.com', 'password': sys.argv[1]}
try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19
    basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode()
    patch_module_args = lambda args: contextlib.nullcontext()

class Session(object):  # what open_session registers: a session whose secrets grew by an issued token
    secrets = [sys.argv[2]]

def main():
    module = build_module(dict(vendor=dict(type='str')))
    module.apiauth_boundary.sessions.append(Session())
    module.warn('the vendor said %s' % sys.argv[2])
    if sys.argv[3] == 'crash':
        raise RuntimeError('a bug holding %s and %s' % (sys.argv[1], sys.argv[2]))
    module.exit_json(changed=False, data={'token': sys.argv[2]}, messages=['quoted %s' % sys.argv[2]])

with patch_module_args(args):
    run_main(main)
'''


def run(how, env):
    proc = subprocess.run([sys.executable, '-c', SCRIPT, PASSWORD, ISSUED, how], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=60, env=env, check=False)
    return proc, json.loads(proc.stdout.strip().splitlines()[-1])


def test_an_unexpected_exception_is_a_scrubbed_failure(child_env):
    proc, result = run('crash', child_env)
    assert result['failed'] and 'unexpected error in the module' in result['msg'] and 'RuntimeError' in result['msg']
    everything = proc.stdout + proc.stderr
    assert PASSWORD not in everything and ISSUED not in everything
    assert '********' in result['msg']


def test_results_and_warnings_are_scrubbed_of_issued_tokens(child_env):
    proc, result = run('exit', child_env)
    assert result['data'] == {'token': '********'} and result['messages'] == ['quoted ********']
    assert 'the vendor said ********' in json.dumps(result['warnings'])  # a string, or an event from ansible-core 2.19
    assert ISSUED not in proc.stdout + proc.stderr
