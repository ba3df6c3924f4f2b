"""Control API under /_sim/ (JSON in, JSON out) for tests that drive the simulator from another process."""

import json

from .journal import FIELDS, text_filter
from .sbc import SbcError
from .sbc_elements import ELEMENT_TYPE_RE, MAX_ELEMENTS
from .wire import json_response


class Control:
    """Maps /_sim/ routes onto Simulator methods."""

    def __init__(self, sim):
        self.sim = sim
        self.routes = {
            ("GET", "/_sim/journal"): self._journal,
            ("DELETE", "/_sim/journal"): self._clear_journal,
            ("GET", "/_sim/state"): self._state,
            ("GET", "/_sim/settings"): self._settings,
            ("POST", "/_sim/settings"): self._configure,
            ("POST", "/_sim/faults"): self._add_faults,
            ("POST", "/_sim/reset"): self._reset,
            ("POST", "/_sim/lock_by_other"): self._lock_by_other,
            ("POST", "/_sim/release_other"): self._release_other,
            ("POST", "/_sim/revoke"): self._revoke,
            ("POST", "/_sim/elements"): self._seed_elements,
        }

    def handle(self, request):
        """Answer one control request."""
        path = request.path.rstrip("/")
        handler = self.routes.get((request.method, path))
        if handler is None:
            if any(route_path == path for _method, route_path in self.routes):
                return json_response(405, {"error": "method not allowed"})
            return json_response(404, {"error": "unknown control endpoint", "endpoints": sorted({p for _m, p in self.routes})})
        try:
            payload = json.loads(request.body.decode("utf-8")) if request.body.strip() else {}
        except (UnicodeError, ValueError):
            return json_response(400, {"error": "body must be JSON"})
        if not isinstance(payload, dict):
            return json_response(400, {"error": "body must be a JSON object"})
        try:
            return handler(request, payload)
        except ValueError as exc:
            return json_response(400, {"error": str(exc)})
        except SbcError as exc:
            return json_response(exc.status, {"error": exc.message})

    def _journal(self, request, payload):
        filters = {}
        since = None
        for name, values in request.params.items():
            if name == "since":
                since = int(values[0])
            elif name in FIELDS:
                filters[name] = text_filter(values[0])
            else:
                raise ValueError("unknown journal filter %r" % name)
        return json_response(200, {"entries": self.sim.journal_entries(since=since, **filters)})

    def _clear_journal(self, request, payload):
        return json_response(200, {"cleared": self.sim.clear_journal()})

    def _state(self, request, payload):
        return json_response(200, self.sim.state_snapshot())

    def _settings(self, request, payload):
        return json_response(200, self.sim.settings.as_dict(mask_secrets=True))

    def _configure(self, request, payload):
        self.sim.configure(**payload)
        return json_response(200, self.sim.settings.as_dict(mask_secrets=True))

    def _add_faults(self, request, payload):
        rules = payload.get("faults", [payload] if payload else [])
        if not isinstance(rules, list):
            raise ValueError("faults must be a list")
        for rule in rules:
            self.sim.add_fault(**rule)
        return json_response(200, {"faults": self.sim.settings.as_dict()["faults"]})

    def _reset(self, request, payload):
        keep = payload.get("keep_settings", False)
        if not isinstance(keep, bool):
            raise ValueError("keep_settings must be a boolean")
        self.sim.reset(settings=not keep)
        return json_response(200, {"reset": True})

    def _lock_by_other(self, request, payload):
        release_after = payload.get("release_after")
        info = self.sim.lock_by_other(release_after=release_after)
        return json_response(200, info)

    def _release_other(self, request, payload):
        return json_response(200, {"released": self.sim.release_other()})

    def _revoke(self, request, payload):
        user = payload.get("user")
        if user is not None and not isinstance(user, str):
            raise ValueError("user must be a string")
        return json_response(200, {"revoked": self.sim.revoke(user=user)})

    def _seed_elements(self, request, payload):
        """Put elements of one type straight into the candidate configuration (benchmarks: no writes, no journal)."""
        etype, elements = payload.get("element_type"), payload.get("elements")
        if not isinstance(etype, str) or not ELEMENT_TYPE_RE.match(etype):
            raise ValueError("element_type must name an element type")
        if not isinstance(elements, list) or len(elements) > MAX_ELEMENTS or not all(
                isinstance(item, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in item.items()) for item in elements):
            raise ValueError("elements must be a list of at most %d mappings of attribute name to text" % MAX_ELEMENTS)
        with self.sim.state.lock:
            self.sim.state.config.seed(etype, elements)
            count = len(self.sim.state.config.candidate.get(etype, {}))
        return json_response(200, {"element_type": etype, "count": count})
