# -*- coding: utf-8 -*-
"""Inventories and timed ansible-playbook runs for the benchmark.

Every managed host is ``ansible_connection=local`` (the modules of an API play run on the controller anyway), with
this interpreter, so the only differences between two timed plays are the plays themselves.
"""

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time

PLAYBOOKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'playbooks')
# A collection path of the benchmark's own: apiauth_bench.noop, whose no-op lookup is the baseline of item 2.
NOOP_COLLECTIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'noop_collection')
COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAY_TIMEOUT = 240  # seconds; no single play of the benchmark comes near it
# The simulator's own test principal (tests/simulator/README.md), not a real credential.
SBC_USER, SBC_PASSWORD = 'admin', 'sbc-admin-pass'


def collections_path(workdir):
    """ANSIBLE_COLLECTIONS_PATH for this checkout: its ancestors if installed as apiauth/vendors, else a symlink tree."""
    parts = COLLECTION_ROOT.split(os.sep)
    if parts[-3:-2] == ['ansible_collections']:
        return os.sep.join(parts[:-3])
    root = os.path.join(workdir, 'collections')
    link = os.path.join(root, 'ansible_collections', 'apiauth', 'vendors')
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(COLLECTION_ROOT, link)
    return root


def init_collection_loader(workdir):
    """Make this process import the collection the way Ansible does (lookup_loader, ansible_collections.*)."""
    from ansible.plugins.loader import init_plugin_loader
    init_plugin_loader([collections_path(workdir), NOOP_COLLECTIONS])


def write_inventory(path, hosts, ca_path, extra_vars=None):
    """An INI inventory; ``hosts`` maps host name to its SBC URL (several hosts may share one SBC)."""
    with open(path, 'w') as handle:
        handle.write('[sbcs]\n')
        for name, url in hosts.items():
            handle.write('%s sbc_url=%s\n' % (name, url))
        handle.write('\n[all:vars]\nansible_connection=local\nansible_python_interpreter=%s\n' % sys.executable)
        for name, value in sorted(dict(extra_vars or {}, sbc_user=SBC_USER, sbc_password=SBC_PASSWORD, sbc_ca=ca_path).items()):
            handle.write('%s=%s\n' % (name, value))
    return path


def write_repeated_play(path, task_file, count, title):
    """A play over the sbcs group that imports ``task_file`` (from playbooks/) ``count`` times: ``count`` real tasks."""
    with open(path, 'w') as handle:
        handle.write('---\n- name: %s\n  hosts: sbcs\n  gather_facts: false\n  tasks:\n' % title)
        for _index in range(count):
            handle.write('    - ansible.builtin.import_tasks: %s\n' % os.path.join(PLAYBOOKS, task_file))
    return path


class AnsibleRunner(object):
    """Runs playbooks with a clean, fixed environment; one token cache directory per run unless told otherwise."""

    def __init__(self, workdir):
        self.workdir = workdir
        os.makedirs(workdir, exist_ok=True)
        self.env = dict((k, v) for k, v in os.environ.items()
                        if not k.startswith(('ANSIBLE_', 'ORACLE_SBC_', 'BIGFIX_INVENTORY_', 'BIGID_', 'APIAUTH_')))
        self.env.update({
            'ANSIBLE_COLLECTIONS_PATH': os.pathsep.join([collections_path(workdir), NOOP_COLLECTIONS]),
            'ANSIBLE_HOME': os.path.join(workdir, 'ansible-home'),
            'ANSIBLE_LOCAL_TEMP': os.path.join(workdir, 'ansible-tmp'),
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_RETRY_FILES_ENABLED': '0',
            'ANSIBLE_LOCALHOST_WARNING': '0',
            'ANSIBLE_HOST_KEY_CHECKING': '0',
            'ANSIBLE_STDOUT_CALLBACK': 'default',
            # What a tuned controller uses; the same for every play compared.
            'ANSIBLE_PIPELINING': '1',
        })

    def fresh_cache(self, name):
        """An empty token cache directory for one run."""
        path = os.path.join(self.workdir, 'cache-' + name)
        shutil.rmtree(path, ignore_errors=True)
        return path

    def run(self, name, playbook, inventory, forks, cache_dir, extra_vars=None, background=False, env=None):
        """Run ``playbook``; returns {'rc', 'wall_s', 'cpu_s', 'log', 'tail'} (what finish() takes when ``background``)."""
        vars_file = os.path.join(self.workdir, '%s-vars.json' % name)
        with open(vars_file, 'w') as handle:
            json.dump(dict(extra_vars or {}), handle)
        args = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', inventory, playbook,
                '--forks', str(forks), '-e', '@' + vars_file]
        env = dict(self.env, APIAUTH_TOKEN_CACHE_DIR=cache_dir, **(env or {}))
        log_path = os.path.join(self.workdir, '%s.log' % name)
        log = open(log_path, 'w')
        started = (time.monotonic(), _children_cpu())
        proc = subprocess.Popen(args, env=env, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        if background:
            return proc, started, log_path
        return self.finish(proc, started, log_path)

    @staticmethod
    def finish(proc, started, log_path):
        """Wait (bounded) for a play started in the background."""
        try:
            proc.wait(PLAY_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # its own session: the play and its workers
            proc.wait(10)
        wall = time.monotonic() - started[0]
        # CPU of the play's whole process tree (each process waits for its children): when it nears wall time x CPUs,
        # the play is CPU-bound and waiting on the SBC no longer sets its pace. Only exact for plays run one at a time.
        cpu = _children_cpu() - started[1]
        with open(log_path) as handle:
            tail = handle.read().splitlines()[-40:]
        return {'rc': proc.returncode, 'wall_s': round(wall, 3), 'cpu_s': round(cpu, 2), 'log': log_path, 'tail': tail}


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
