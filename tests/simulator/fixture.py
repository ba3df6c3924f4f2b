"""Helpers behind the pytest fixtures in tests/conftest.py: a factory of dedicated in-process simulators and
the simulator run as a separate process (what ansible-playbook based tests talk to)."""

import json
import os
import signal
import subprocess
import sys
import time

from .core import Simulator

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


class SimulatorFactory:
    """Call with settings to get a started Simulator of your own; close() stops them all."""

    MAX_SIMULATORS = 20

    def __init__(self, state_root=None):
        self.state_root = state_root
        self._simulators = []

    def __call__(self, **settings):
        if len(self._simulators) >= self.MAX_SIMULATORS:
            raise RuntimeError("too many simulators in one test")
        state_dir = None
        if self.state_root is not None:
            state_dir = os.path.join(self.state_root, "sim%d" % len(self._simulators))
        simulator = Simulator(state_dir=state_dir, **settings)
        self._simulators.append(simulator)
        return simulator.start()

    def close(self):
        """Stop every simulator made by this factory."""
        while self._simulators:
            self._simulators.pop().stop()


class SimulatorProcess:
    """`python tests/simulator` as a child process: start() waits for simulator.json, stop() sends SIGTERM."""

    def __init__(self, state_dir, args=(), python=None):
        self.state_dir = os.path.abspath(state_dir)
        self.args = list(args)
        self.python = python or sys.executable
        self.process = None
        self.url = None
        self.ca_path = None
        self.pid = None
        self.log_path = os.path.join(self.state_dir, "simulator.log")

    def start(self, timeout=STARTUP_TIMEOUT):
        """Launch on a free port and wait (bounded) until it is ready; returns self."""
        os.makedirs(self.state_dir, exist_ok=True)
        info_path = os.path.join(self.state_dir, "simulator.json")
        if os.path.exists(info_path):
            os.remove(info_path)
        command = [self.python, PACKAGE_DIR, "--port", "0", "--state-dir", self.state_dir] + self.args
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("simulator exited with %s; see %s" % (self.process.returncode, self.log_path))
            if os.path.exists(info_path):
                with open(info_path, encoding="utf-8") as handle:
                    info = json.load(handle)
                self.url, self.ca_path, self.pid = info["url"], info["ca_path"], info["pid"]
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("simulator not ready after %s seconds; see %s" % (timeout, self.log_path))

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM, wait (bounded), SIGKILL as a last resort; returns the exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        return self.process.returncode

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
