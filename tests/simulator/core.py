"""The Simulator: settings, state and journal of the three vendor APIs behind one HTTPS server thread."""

import logging
import os
import shutil
import tempfile
import threading

from . import certs
from .control import Control
from .faults import normalize_rule
from .journal import Journal, fingerprint
from .router import Router
from .server import SimulatorServer, make_ssl_context
from .settings import Settings
from .state import State

LOG = logging.getLogger(__name__)

MAX_RELEASE_AFTER = 3600.0
MAX_FAULTS = 100


class Simulator:
    """Stateful simulator of the Oracle SBC, BigFix Inventory and BigID REST APIs.

    Simulator(host="127.0.0.1", port=0, state_dir=None, cert_files=None, **settings); start() serves from a daemon
    thread. Without state_dir a temporary directory holds the certificates and is removed by stop(). cert_files
    (certs.CertFiles) serves an existing certificate instead of generating one: a Fleet shares one CA.
    """

    fingerprint = staticmethod(fingerprint)  # sim.fingerprint(token): the *_fp value the journal shows for it

    def __init__(self, host="127.0.0.1", port=0, state_dir=None, cert_files=None, **settings):
        self.settings = Settings(**settings)
        self._initial_settings = self.settings.as_dict()
        self.state = State(self.settings)
        self._journal = Journal()
        self.router = Router(self.state, self._journal, Control(self))
        self.host = host
        self.port = port
        self.state_dir = state_dir
        self.cert_files = cert_files
        self.ca_path = None
        self.pid = None
        self._own_state_dir = False
        self._server = None
        self._thread = None
        self._timers = []
        self._timers_lock = threading.Lock()

    # -- lifecycle -----------------------------------------------------------------------------------------

    def start(self):
        """Generate certificates, bind and serve in a daemon thread; returns self."""
        if self._server is not None:
            raise RuntimeError("simulator already started")
        if self.state_dir is None:
            self.state_dir = tempfile.mkdtemp(prefix="apiauth-sim-")
            self._own_state_dir = True
        else:
            os.makedirs(self.state_dir, mode=0o700, exist_ok=True)
        files = self.cert_files or certs.generate(self.state_dir)
        self.ca_path = files.ca_path
        self._server = SimulatorServer((self.host, self.port), self.router, make_ssl_context(files.cert_path, files.key_path))
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, name="apiauth-simulator", daemon=True
        )
        self._thread.start()
        self.pid = os.getpid()
        LOG.info("simulator listening on %s", self.url)
        return self

    def stop(self):
        """Stop serving, cut open connections and remove a temporary state directory."""
        self._cancel_timers()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            server.close_connections()
            self._thread.join(timeout=5)
        if self._own_state_dir and self.state_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)
            self.state_dir = None
            self._own_state_dir = False

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def running(self):
        """True between start() and stop()."""
        return self._server is not None

    @property
    def url(self):
        """https://host:port (the same port also answers plain HTTP)."""
        return "https://%s:%d" % (self.host, self.port)

    @property
    def plain_url(self):
        """http://host:port, for showing that the SBC refuses plain HTTP."""
        return "http://%s:%d" % (self.host, self.port)

    # -- journal -------------------------------------------------------------------------------------------

    @property
    def journal(self):
        """Snapshot (copies) of all journal entries."""
        return self._journal.entries()

    def journal_entries(self, since=None, **filters):
        """Journal entries with seq > since whose fields match filters (value, list of values, or predicate)."""
        return self._journal.entries(since=since, **filters)

    def clear_journal(self):
        """Drop all journal entries; returns how many there were."""
        return self._journal.clear()

    # -- settings and state --------------------------------------------------------------------------------

    def configure(self, **values):
        """Change settings at runtime (validated; users merge per vendor, faults replace the list)."""
        with self.state.lock:
            self.settings.update(values)

    def add_fault(self, **rule):
        """Append one fault rule (see faults.normalize_rule)."""
        normalized = normalize_rule(rule)
        with self.state.lock:
            if len(self.settings.faults) >= MAX_FAULTS:
                raise ValueError("too many fault rules")
            self.settings.faults.append(normalized)

    def reset(self, settings=True):
        """Back to a fresh state: no tokens, lock, operations, journal or faults, seeded config store.

        settings=True also restores the settings given to the constructor (what a fresh test wants).
        """
        self._cancel_timers()
        with self.state.lock:
            self.state.clear()
            if settings:
                self.settings.restore(self._initial_settings)
            self.settings.faults = []
        self._journal.clear(reset_seq=True)

    def state_snapshot(self):
        """Lock owner, live token counts, config revisions and operations (what GET /_sim/state returns)."""
        return self.state.snapshot()

    def revoke(self, user=None):
        """Invalidate all live SBC tokens (or one user's); a revoked lock holder loses the lock."""
        with self.state.lock:
            return self.state.revoke("oracle_sbc", user)

    def lock_by_other(self, release_after=None):
        """Have 'other-admin' log in and take the SBC lock; optionally release it after release_after seconds."""
        if release_after is not None:
            if isinstance(release_after, bool) or not isinstance(release_after, (int, float)):
                raise ValueError("release_after must be a number of seconds")
            if not 0 < release_after <= MAX_RELEASE_AFTER:
                raise ValueError("release_after must be between 0 and %d seconds" % MAX_RELEASE_AFTER)
        with self.state.lock:
            token = self.router.sbc.lock_by_other()
        if release_after is not None:
            timer = threading.Timer(release_after, self._release_other_token, args=(token,))
            timer.daemon = True
            with self._timers_lock:
                self._timers.append(timer)
            timer.start()
        return {"user": token.user, "token_fp": token.fp, "expires_at": token.expires, "release_after": release_after}

    def release_other(self):
        """Make the other client release the lock and log out; True if it held the lock."""
        with self.state.lock:
            return self.router.sbc.release_other()

    def _release_other_token(self, token):
        with self.state.lock:
            self.router.sbc.release_other(token)

    def _cancel_timers(self):
        with self._timers_lock:
            timers, self._timers = self._timers, []
        for timer in timers:
            timer.cancel()

    def environment(self):
        """Environment variables an AWX credential would inject for the default users of this simulator."""
        users = self.settings.users
        env = {"ORACLE_SBC_URL": self.url, "BIGFIX_INVENTORY_URL": self.url, "BIGID_URL": self.url}
        if "admin" in users["oracle_sbc"]:
            env.update(ORACLE_SBC_USERNAME="admin", ORACLE_SBC_PASSWORD=users["oracle_sbc"]["admin"]["password"])
        if "bfi-user" in users["bigfix_inventory"]:
            env.update(BIGFIX_INVENTORY_USERNAME="bfi-user", BIGFIX_INVENTORY_PASSWORD=users["bigfix_inventory"]["bfi-user"]["password"])
        user_tokens = [record["user_token"] for record in users["bigid"].values() if record.get("user_token")]
        if user_tokens:
            env["BIGID_USER_TOKEN"] = user_tokens[0]
        return env
