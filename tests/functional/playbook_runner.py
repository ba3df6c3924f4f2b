# -*- coding: utf-8 -*-
"""Run real ansible-playbook processes against the simulator and read what went over the wire."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess
import sys

from ansible.release import __version__ as _ansible_version

ANSIBLE_VERSION = tuple(int(part) for part in _ansible_version.split('.')[:2])
HERE = os.path.dirname(os.path.abspath(__file__))
PLAYBOOKS = os.path.join(HERE, 'playbooks')
# The repo root is the collection root; ansible needs it under ansible_collections/apiauth/vendors.
COLLECTION_ROOT = os.path.dirname(os.path.dirname(HERE))
PLAYBOOK_TIMEOUT = 180


def collections_path(tmp_path_factory):
    """ANSIBLE_COLLECTIONS_PATH for this checkout: its own ancestors if it is installed, else a symlink tree."""
    parts = COLLECTION_ROOT.split(os.sep)
    if parts[-3:-2] == ['ansible_collections']:
        return os.sep.join(parts[:-3])
    root = str(tmp_path_factory.mktemp('collections'))
    os.makedirs(os.path.join(root, 'ansible_collections', 'apiauth'))
    os.symlink(COLLECTION_ROOT, os.path.join(root, 'ansible_collections', 'apiauth', 'vendors'))
    return root


def ansible_playbook():
    """The ansible-playbook that belongs to the running interpreter's environment."""
    candidate = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    return candidate if os.path.exists(candidate) else shutil.which('ansible-playbook')


class PlaybookRunner(object):
    """Runs a playbook from tests/functional/playbooks with the simulator as every vendor's server."""

    def __init__(self, sim, workdir, collections):
        self.sim = sim
        self.workdir = workdir
        self.cache_dir = os.path.join(workdir, 'token-cache')
        self.inventory = os.path.join(workdir, 'inventory.ini')
        with open(self.inventory, 'w') as handle:
            handle.write('[fleet]\n')
            for index in range(1, 11):
                handle.write('host%02d ansible_connection=local ansible_python_interpreter=%s\n' % (index, sys.executable))
            handle.write('\n[all:vars]\nansible_python_interpreter=%s\n' % sys.executable)
        self.prefix = []  # a command the plays run under (e.g. unshare, for a node of its own pid namespace)
        self.env = dict(os.environ)
        for name in list(self.env):
            if name.startswith(('ANSIBLE_', 'ORACLE_SBC_', 'BIGFIX_INVENTORY_', 'BIGID_', 'APIAUTH_')):
                del self.env[name]
        if ANSIBLE_VERSION < (2, 19):
            # Older ansible-core renders templated values as strings unless native types are on;
            # the plays report booleans and numbers back to the tests. (2.19 deprecates the setting.)
            self.env['ANSIBLE_JINJA2_NATIVE'] = '1'
        self.env.update({
            'ANSIBLE_COLLECTIONS_PATH': collections,
            'ANSIBLE_HOME': os.path.join(workdir, 'ansible-home'),
            'ANSIBLE_LOCAL_TEMP': os.path.join(workdir, 'ansible-tmp'),
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_FORCE_COLOR': '0',
            'ANSIBLE_RETRY_FILES_ENABLED': '0',
            'ANSIBLE_LOCALHOST_WARNING': '0',
            'ANSIBLE_HOST_KEY_CHECKING': '0',
            'ANSIBLE_STDOUT_CALLBACK': 'default',
            'APIAUTH_TOKEN_CACHE_DIR': self.cache_dir,
            'APIAUTH_CA_PATH': sim.ca_path,
            'ORACLE_SBC_URL': sim.url,
            'ORACLE_SBC_USERNAME': 'admin',
            'ORACLE_SBC_PASSWORD': 'sbc-admin-pass',
            'BIGFIX_INVENTORY_URL': sim.url,
            'BIGFIX_INVENTORY_USERNAME': 'bfi-user',
            'BIGFIX_INVENTORY_PASSWORD': 'bfi-pass',
            'BIGID_URL': sim.url,
            'BIGID_USER_TOKEN': 'bigid-user-token-0123456789',
        })

    def spawn(self, playbook):
        """Start ``playbook`` in its own process group (so a test can kill it) and return the Popen."""
        args = [ansible_playbook(), '-i', self.inventory, os.path.join(PLAYBOOKS, playbook),
                '-e', 'sim_url=%s' % self.sim.url]
        return subprocess.Popen(args, env=self.env, cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, start_new_session=True)

    def start(self, playbook, name, extra_vars=None, forks=5):
        """Start ``playbook`` in the background as run ``name`` (own result, vars and log files, own process group).

        Returns a Popen with ``result_file`` and ``log_file`` attributes; finish it with :meth:`finish`.
        """
        result_file = os.path.join(self.workdir, 'result-%s.json' % name)
        vars_file = os.path.join(self.workdir, 'extra-vars-%s.json' % name)
        log_file = os.path.join(self.workdir, 'output-%s.log' % name)
        for path in (result_file, log_file):
            if os.path.exists(path):
                os.unlink(path)
        with open(vars_file, 'w') as handle:
            json.dump(dict(extra_vars or {}, result_file=result_file, sim_url=self.sim.url), handle)
        args = self.prefix + [ansible_playbook(), '-i', self.inventory, os.path.join(PLAYBOOKS, playbook), '--forks',
                              str(forks), '-e', '@' + vars_file]
        with open(log_file, 'w') as log:
            proc = subprocess.Popen(args, env=self.env, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        proc.result_file, proc.log_file = result_file, log_file
        return proc

    @staticmethod
    def finish(proc, timeout=PLAYBOOK_TIMEOUT):
        """Wait for a run from :meth:`start`; returns (returncode, output, result)."""
        returncode = proc.wait(timeout)
        with open(proc.log_file) as handle:
            output = handle.read()
        result = None
        if os.path.exists(proc.result_file):
            with open(proc.result_file) as handle:
                result = json.load(handle)
        return returncode, output, result

    def run(self, playbook, extra_vars=None, verbosity=0, forks=5, env=None, limit=None, check=False, timeout=PLAYBOOK_TIMEOUT):
        """Run ``playbook``; returns (CompletedProcess, facts written by the play to ``result_file``)."""
        result_file = os.path.join(self.workdir, 'result-%s.json' % os.path.basename(playbook).split('.')[0])
        if os.path.exists(result_file):
            os.unlink(result_file)
        # Extra vars go in a file, as a vault or vars file would: ansible -vvvv echoes its command line.
        vars_file = os.path.join(self.workdir, 'extra-vars.json')
        with open(vars_file, 'w') as handle:
            json.dump(dict(extra_vars or {}, result_file=result_file, sim_url=self.sim.url), handle)
        args = [ansible_playbook(), '-i', self.inventory, os.path.join(PLAYBOOKS, playbook), '--forks', str(forks),
                '-e', '@' + vars_file]
        if verbosity:
            args.append('-' + 'v' * verbosity)
        if limit:
            args += ['--limit', limit]
        if check:
            args.append('--check')
        run_env = dict(self.env)
        for name, value in (env or {}).items():  # None removes a variable
            if value is None:
                run_env.pop(name, None)
            else:
                run_env[name] = value
        proc = subprocess.run(args, env=run_env, cwd=self.workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False)
        result = None
        if os.path.exists(result_file):
            with open(result_file) as handle:
                result = json.load(handle)
        return proc, result


def explain(proc):
    """Assertion message: the tail of the playbook's output."""
    return '\n'.join(proc.stdout.splitlines()[-60:])
