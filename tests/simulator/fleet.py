"""Many virtual devices in one process: N Simulators, each on its own port with its own state and journal, all
serving one certificate from one CA (so one ca_path verifies every device). For benchmarks of a fleet of SBCs."""

import os
import shutil
import tempfile

from . import certs
from .core import Simulator

MAX_DEVICES = 500  # a thread and a socket each: bounded so a typo cannot exhaust the machine


class Fleet:
    """Fleet(count, host="127.0.0.1", port=0, state_dir=None, **settings).

    port=0 gives every device a free port; a fixed port gives port, port+1, ... Each device is a full Simulator
    (its own tokens, SBC lock, journal and /_sim/ control API); settings apply to all of them.
    """

    def __init__(self, count, host="127.0.0.1", port=0, state_dir=None, **settings):
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_DEVICES:
            raise ValueError("device count must be between 1 and %d" % MAX_DEVICES)
        self.state_dir = state_dir
        self._own_state_dir = False
        self.ca_path = None
        # Built (and their settings validated) now, started in start().
        self.devices = [Simulator(host, port + index if port else 0, **settings) for index in range(count)]

    def start(self):
        """Generate one certificate and start every device; on failure the started ones are stopped. Returns self."""
        if self.state_dir is None:
            self.state_dir = tempfile.mkdtemp(prefix="apiauth-fleet-")
            self._own_state_dir = True
        else:
            os.makedirs(self.state_dir, mode=0o700, exist_ok=True)
        files = certs.generate(self.state_dir)
        self.ca_path = files.ca_path
        try:
            for device in self.devices:
                device.state_dir = self.state_dir
                device.cert_files = files
                device.start()
        except Exception:
            self.stop()
            raise
        return self

    def stop(self):
        """Stop every device and remove a temporary state directory."""
        for device in self.devices:
            device.stop()
        if self._own_state_dir and self.state_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)
            self.state_dir = None
            self._own_state_dir = False

    @property
    def urls(self):
        """The https:// URL of every device, in order."""
        return [device.url for device in self.devices]

    def configure(self, **values):
        """Change settings on every device."""
        for device in self.devices:
            device.configure(**values)

    def reset(self, settings=True):
        """Reset every device (see Simulator.reset)."""
        for device in self.devices:
            device.reset(settings=settings)

    def __len__(self):
        return len(self.devices)

    def __getitem__(self, index):
        return self.devices[index]

    def __iter__(self):
        return iter(self.devices)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
