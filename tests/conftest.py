"""Pytest fixtures for the vendor API simulator in tests/simulator.

simulator          a started Simulator in a fresh state (one server per process, reset before every test)
simulator_factory  call it with settings to get a dedicated started Simulator (stopped at teardown)
simulator_process  the simulator as a separate process (python tests/simulator), for out-of-process clients
redis_server       a started redis-server of its own (tests/redis_server.py), stopped at teardown
vendor_token       call it to get a new instance of the vendor_token lookup, loaded the way Ansible loads it
child_env          the environment for a child Python process that imports the collection (ansible_collections.*)

Shared by tests/unit and tests/functional. Plugin tests import the collection through Ansible's collection loader, as
ansible-playbook and ansible-test do: installed here, before any test module imports ansible_collections.*, since a
lookup loaded by Ansible's plugin loader needs its collection's metadata, which only that loader records, and its option
definitions, which only the plugin loader registers. Under ansible-test the loader is already there.
"""

import os
import sys

import pytest
from ansible.utils.collection_loader import AnsibleCollectionConfig

_HERE = os.path.abspath(__file__)
if not AnsibleCollectionConfig.collection_finder and os.sep + "ansible_collections" + os.sep in _HERE:
    from ansible.plugins.loader import init_plugin_loader
    init_plugin_loader([_HERE[:_HERE.rindex(os.sep + "ansible_collections" + os.sep)]])

if __name__.startswith("ansible_collections."):
    # ansible-test units: the collection is installed at .../ansible_collections/apiauth/vendors
    from ansible_collections.apiauth.vendors.tests.simulator import Simulator
    from ansible_collections.apiauth.vendors.tests.simulator.fixture import SimulatorFactory, SimulatorProcess
    from ansible_collections.apiauth.vendors.tests.redis_server import RedisServer
else:
    # plain pytest from a checkout: import the package as `simulator` from this directory
    _TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
    if _TESTS_DIR not in sys.path:
        sys.path.insert(0, _TESTS_DIR)
    from simulator import Simulator
    from simulator.fixture import SimulatorFactory, SimulatorProcess
    from redis_server import RedisServer


@pytest.fixture(scope="session")
def simulator_session(tmp_path_factory):
    """The per-process server behind `simulator` (ansible-test forks each test: each fork starts its own)."""
    sim = Simulator(state_dir=str(tmp_path_factory.mktemp("simulator")))
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def simulator(simulator_session):
    """A started Simulator with default settings, no tokens, no lock, an empty journal and no faults."""
    simulator_session.reset()
    return simulator_session


@pytest.fixture
def simulator_factory(tmp_path):
    """simulator_factory(**settings) -> a started Simulator of its own."""
    factory = SimulatorFactory(str(tmp_path))
    yield factory
    factory.close()


@pytest.fixture
def simulator_process(tmp_path):
    """A running `python tests/simulator --port 0` process (attributes url, ca_path, pid; stop())."""
    process = SimulatorProcess(str(tmp_path / "simulator-process"))
    process.start()
    yield process
    process.stop()


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server on a free loopback port with a password and no persistence (url, password, restart(), dump())."""
    server = RedisServer(str(tmp_path))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def vendor_token():
    """vendor_token() -> a new instance of the lookup from Ansible's plugin loader."""
    from ansible.plugins.loader import lookup_loader

    def load():
        lookup = lookup_loader.get("apiauth.vendors.vendor_token")
        assert lookup is not None, "apiauth.vendors.vendor_token not found on the collections path"
        return lookup
    return load


@pytest.fixture
def dead_run():
    """dead_run() -> the run identity of a process that has exited (a run that is gone)."""
    import subprocess
    from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.run_identity import describe_process

    def make():
        proc = subprocess.Popen([sys.executable, '-c', 'pass'])
        run = describe_process(proc.pid)
        proc.wait()
        return run
    return make


@pytest.fixture
def child_env():
    """os.environ with PYTHONPATH leading to this tree's ansible_collections/ and this process's sys.path: a child
    process does not inherit the collection loader that pytest or ansible-test units installed here."""
    paths = [p for p in sys.path if p]
    if os.sep + "ansible_collections" + os.sep in _HERE:
        paths.insert(0, _HERE[:_HERE.rindex(os.sep + "ansible_collections" + os.sep)])
    return dict(os.environ, PYTHONPATH=os.pathsep.join(paths))
