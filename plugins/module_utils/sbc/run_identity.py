# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which ansible-playbook run a task belongs to, and whether that run is still alive.

A run is one ansible-playbook process (an AWX job is one: ansible-runner starts one ansible-playbook).
Action plugins execute in its worker processes, which ansible-core forks from the ansible-playbook
process, so from there the run is the worker's parent; in the ansible-playbook process itself (no
parent recorded by multiprocessing) it is the process itself. A pid alone is reused, so a run is
(host, pid, start): the pid's start time in clock ticks since boot, read from /proc/<pid>/stat, on a
host named by the kernel's boot id plus the pid namespace (two containers on one kernel number their
processes independently). Where /proc does not exist the start is unknown and only the pid is compared.

The action plugins compute the identity on the controller and hand it to the modules as the internal
``_run`` option; the modules compare it with the owner recorded on the SBC lock and ask whether an
owner is still alive. That question has an answer only on the host and in the pid namespace the run
was recorded in; elsewhere the answer is ``unknown``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import errno
import os
import socket

ALIVE, GONE, UNKNOWN = 'alive', 'gone', 'unknown'


def _read(path):
    try:
        with open(path) as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def host_id():
    """The kernel boot id and pid namespace of this process: where a (pid, start) pair means one process."""
    boot = (_read('/proc/sys/kernel/random/boot_id') or '').strip()
    try:
        namespace = os.readlink('/proc/self/ns/pid')
    except (AttributeError, OSError):
        namespace = ''
    return '%s/%s' % (boot or 'host:' + socket.gethostname(), namespace)


def process_stat(pid):
    """(state letter, start in clock ticks since boot) of ``pid`` from /proc, or None when there is no such process.

    Without /proc (not Linux) the start is None and the state comes from signal 0.
    """
    raw = _read('/proc/%d/stat' % pid)
    if raw is None:
        if os.path.isdir('/proc/self'):
            return None
        try:
            os.kill(pid, 0)
        except OSError as exc:
            if exc.errno == errno.ESRCH:
                return None
        return ('R', None)
    fields = raw[raw.rfind(')') + 2:].split()  # the command name may hold spaces and parentheses
    return fields[0], int(fields[19])  # fields 3 (state) and 22 (starttime) of proc(5)


def _started_at(ticks):
    """Epoch seconds of a start time in clock ticks since boot (None when unknown)."""
    if ticks is None:
        return None
    for line in (_read('/proc/stat') or '').splitlines():
        if line.startswith('btime '):
            return int(line.split()[1]) + ticks / float(os.sysconf('SC_CLK_TCK'))
    return None


def awx_job(environ=None):
    """The AWX (Automation Platform) job this process runs for, as '<AWX URL>/jobs/<id>', or None.

    AWX puts JOB_ID (the job's id) and AWX_HOST (its own URL) in the environment of a job's ansible-playbook
    (RunJob.build_env in awx/main/tasks/jobs.py). JOB_ID alone is not taken: other schedulers (Grid Engine) set it too.
    """
    environ = os.environ if environ is None else environ
    job, awx = environ.get('JOB_ID', ''), environ.get('AWX_HOST', '')
    return '%s/jobs/%s' % (awx.rstrip('/'), job) if job.isdigit() and awx.startswith(('http://', 'https://')) else None


def describe_process(pid):
    """The identity of process ``pid`` on this host as a JSON-able dict (what the lock record keeps). Two runs are told
    apart across nodes and containers by the AWX job where there is one, and always by host (boot id and pid
    namespace), pid and start time."""
    stat = process_stat(pid)
    start = stat[1] if stat else None
    host = host_id()
    job = awx_job()
    identity = {
        'id': '%s%s:%d:%s' % ('%s@' % job if job else '', host, pid, start),
        'host': host,
        'hostname': socket.gethostname(),
        'pid': pid,
        'start': start,
        'started_at': _started_at(start),
    }
    if job:
        identity['job'] = job
    return identity


def current_run():
    """The ansible-playbook run an action plugin or lookup is executing for (see the module docstring)."""
    import multiprocessing  # controller side only

    parent = getattr(multiprocessing, 'parent_process', lambda: None)()
    return describe_process(parent.pid if parent is not None else os.getpid())


def run_state(run):
    """ALIVE, GONE, or UNKNOWN (recorded on another host or pid namespace) for a run identity."""
    if not isinstance(run, dict) or not isinstance(run.get('pid'), int):
        return GONE  # a lock record from before runs were recorded: nobody can still be using it
    if run.get('host') != host_id():
        return UNKNOWN
    stat = process_stat(run['pid'])
    if stat is None or stat[0] in ('Z', 'X'):  # a zombie has finished; only its parent has not noticed yet
        return GONE
    if run.get('start') is not None and stat[1] is not None and stat[1] != run['start']:
        return GONE  # the pid now belongs to another process
    return ALIVE


def _parent(pid):
    raw = _read('/proc/%d/stat' % pid)
    if raw is None:
        return None
    return int(raw[raw.rfind(')') + 2:].split()[1])  # field 4 of proc(5)


def is_ancestor(run, pid=None):
    """Whether ``run`` is this process or one of its ancestors: a module started by that ansible-playbook (through a
    worker, a shell, a local connection) runs for that run. False when it cannot be told (another host, no /proc)."""
    if not isinstance(run, dict) or not isinstance(run.get('pid'), int) or run.get('host') != host_id():
        return False
    pid = os.getpid() if pid is None else pid
    for _depth in range(64):
        if pid == run['pid']:
            stat = process_stat(pid)
            return stat is not None and (run.get('start') is None or stat[1] == run['start'])
        pid = _parent(pid)
        if not pid:
            return False
    return False


def same_run(one, other):
    return isinstance(one, dict) and isinstance(other, dict) and one.get('id') is not None and one.get('id') == other.get('id')


def describe_run(run, principal=None):
    """'another run of admin on this controller, pid N since T' (the words failures and warnings use)."""
    if not isinstance(run, dict):
        return 'an earlier run%s that did not record itself' % (' of %s' % principal if principal else '')
    where = 'on this controller' if run.get('host') == host_id() else 'on host %s' % run.get('hostname', '?')
    since = ''
    if run.get('started_at'):
        since = ' since %s' % datetime.datetime.fromtimestamp(run['started_at'], datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    job = ' (AWX job %s)' % run['job'] if isinstance(run.get('job'), str) else ''
    return 'run%s %s, pid %s%s%s' % (' of %s' % principal if principal else '', where, run.get('pid'), since, job)
