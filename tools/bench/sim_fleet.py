# -*- coding: utf-8 -*-
"""The simulator as one separate process serving many virtual SBCs (``--devices N``), and its control API.

The benchmark talks to it the way the plays do, over HTTPS, so the simulator's CPU is not the driver's.
"""

import json
import os
import signal
import subprocess
import sys
import time

import requests

STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
CONTROL_TIMEOUT = 30.0


class SimFleet(object):
    """``python tests/simulator --devices N`` in a state directory; ``urls`` lists the devices."""

    def __init__(self, simulator_dir, state_dir, devices, settings):
        self.command = [sys.executable, simulator_dir, '--port', '0', '--devices', str(devices), '--state-dir', state_dir,
                        '--settings', os.path.join(state_dir, 'settings.json')]
        self.state_dir = state_dir
        self.settings = settings
        self.process = None
        self.urls = []
        self.ca_path = None
        self.http = requests.Session()

    def start(self):
        """Launch and wait (bounded) for simulator.json; returns self."""
        os.makedirs(self.state_dir, exist_ok=True)
        info_path = os.path.join(self.state_dir, 'simulator.json')
        if os.path.exists(info_path):
            os.remove(info_path)
        with open(os.path.join(self.state_dir, 'settings.json'), 'w') as handle:
            json.dump(self.settings, handle)
        with open(os.path.join(self.state_dir, 'simulator.log'), 'ab') as log:
            self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError('simulator exited with %s; see %s/simulator.log' % (self.process.returncode, self.state_dir))
            if os.path.exists(info_path):
                with open(info_path) as handle:
                    info = json.load(handle)
                self.urls, self.ca_path = info['devices'], info['ca_path']
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError('simulator not ready after %ss' % STARTUP_TIMEOUT)

    def stop(self):
        """SIGTERM, bounded wait, SIGKILL as a last resort."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
        self.http.close()

    def control(self, url, method, name, payload=None, params=None):
        """One /_sim/ call on the device at ``url``; the decoded JSON reply."""
        reply = self.http.request(method, url + '/_sim/' + name, json=payload, params=params, verify=self.ca_path,
                                  timeout=CONTROL_TIMEOUT)
        reply.raise_for_status()
        return reply.json()

    def reset(self, urls=None, **settings):
        """Fresh state (no tokens, lock or journal) on the devices, then ``settings`` on top of the start settings."""
        for url in urls or self.urls:
            self.control(url, 'POST', 'reset', {'keep_settings': False})
            if settings:
                self.control(url, 'POST', 'settings', settings)

    def journal(self, url, **filters):
        """The journal entries of one device (filters as in GET /_sim/journal)."""
        return self.control(url, 'GET', 'journal', params=filters)['entries']

    def journals(self, urls=None):
        """{url: journal entries} for the devices."""
        return dict((url, self.journal(url)) for url in urls or self.urls)

    def state(self, url):
        """GET /_sim/state of one device."""
        return self.control(url, 'GET', 'state')

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
