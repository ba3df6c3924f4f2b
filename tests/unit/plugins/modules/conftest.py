# -*- coding: utf-8 -*-
"""run_module: one of the collection's modules run as Ansible runs it (a child process, its arguments given the way
AnsiballZ gives them, through run_main's boundary), for the checks that need no vendor server."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import subprocess
import sys

import pytest

SCRIPT = r'''
import contextlib, importlib, json, sys
import ansible.module_utils.basic as basic
from ansible_collections.apiauth.vendors.plugins.module_utils._module_base import run_main
args = json.loads(sys.argv[2])
try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19
    basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode()
    patch_module_args = lambda args: contextlib.nullcontext()
module = importlib.import_module('ansible_collections.apiauth.vendors.plugins.modules.' + sys.argv[1])
with patch_module_args(args):
    run_main(module.main)
'''


@pytest.fixture
def run_module(tmp_path, child_env):
    """run_module(name, **args) -> the module's result (a dict); the token cache in a directory of this test."""
    def run(name, **args):
        args.setdefault('token_cache_dir', str(tmp_path / 'cache'))
        env = dict((k, v) for k, v in child_env.items() if not k.startswith(('ORACLE_SBC_', 'BIGID_', 'BIGFIX_', 'APIAUTH_')))
        proc = subprocess.run([sys.executable, '-c', SCRIPT, name, json.dumps(args)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True, timeout=60, env=env, check=False)
        lines = proc.stdout.strip().splitlines()
        assert lines, proc.stderr
        return json.loads(lines[-1])
    return run
