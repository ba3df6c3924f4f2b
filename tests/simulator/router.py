"""Routes each request to the control API or a vendor API, applying injected faults and latency, and journals it."""

import logging
import time

from .bigfix import BigFixApi
from .bigid import BigIdApi
from .faults import MALFORMED_BODY, QUOTING_ACTIONS, SERVED_ACTIONS, quoting_reply, spoil_bytes, take_fault
from .journal import new_entry
from .sbc import SbcApi
from .wire import Response, json_response

LOG = logging.getLogger(__name__)

CONTROL_PREFIX = "/_sim/"
MAX_SLEEP = 90.0  # latency + slow fault, whatever the settings say
LOGIN_KINDS = frozenset(("login", "reauth", "exchange", "session"))  # requests that also pay login_latency


class Router:
    """Dispatches requests; the control API is never journaled, everything else is."""

    def __init__(self, state, journal, control):
        self.state = state
        self.journal = journal
        self.control = control
        self.apis = (SbcApi(state), BigFixApi(state), BigIdApi(state))

    @property
    def sbc(self):
        """The SBC API (the control API uses its lock helpers)."""
        return self.apis[0]

    def _api_for(self, path):
        return next((api for api in self.apis if api.owns(path)), None)

    def handle(self, request):
        """Answer one request."""
        if request.path.startswith(CONTROL_PREFIX) or request.path == CONTROL_PREFIX.rstrip("/"):
            return self.control.handle(request)
        api = self._api_for(request.path)
        entry = new_entry(request, api.vendor if api else None)
        try:
            response = self._serve(api, request, entry)
        except Exception:  # pylint: disable=broad-exception-caught  # a simulator bug must still get a reply and an entry
            LOG.exception("simulator error on %s %s", request.method, request.path)
            response = json_response(500, {"error": "Internal Server Error", "message": "simulator error (see its log)"})
        self._record(entry, response)
        return response

    def reject(self, request, response):
        """Journal a request refused before routing (bad framing) and return the refusal."""
        if not request.path.startswith(CONTROL_PREFIX):
            api = self._api_for(request.path)
            entry = new_entry(request, api.vendor if api else None)
            entry["kind"] = "rejected"
            self._record(entry, response)
        return response

    def _record(self, entry, response):
        entry["status"] = None if response.drop else response.status
        self.journal.record(entry)
        # path only: query strings may carry tokens
        LOG.info("%s %s -> %s kind=%s fault=%s", entry["method"], entry["path"], entry["status"], entry["kind"], entry["fault"])

    def _serve(self, api, request, entry):
        settings = self.state.settings
        with self.state.lock:
            if api is not None:
                api.describe(request, entry)
            else:
                entry["kind"] = "rejected"
            fault = take_fault(settings.faults, request.method, request.target)
        delay = settings.latency
        if entry["kind"] in LOGIN_KINDS:
            delay += settings.login_latency
        if fault is not None:
            entry["fault"] = fault["name"]
            if fault["action"] == "slow":
                delay += fault["delay"]
        if delay > 0:
            time.sleep(min(delay, MAX_SLEEP))
        if fault is not None and fault["action"] not in SERVED_ACTIONS:
            if fault["action"] == "drop":
                return Response(0, drop=True)
            if fault["action"] == "malformed":
                return Response(200, MALFORMED_BODY, "text/html; charset=utf-8")
            if fault["action"] in QUOTING_ACTIONS:
                return quoting_reply(fault, api.vendor if api else None, request)
            message = "Service temporarily unavailable (injected fault %s)" % fault["name"]
            if api is not None:
                return api.error(fault["status"], message)
            return json_response(fault["status"], {"error": "Injected fault", "message": message})
        if api is None:
            return json_response(404, {"error": "Not Found", "message": "No vendor API at %s" % request.path})
        with self.state.lock:
            response = api.handle(request, entry)
        if fault is not None and fault["action"] == "apply_drop":
            entry["applied"] = response.status  # acted on; the client never hears of it
            response.drop = True
        if fault is not None and fault["action"] == "bad_bytes":
            response.body = spoil_bytes(response.body)
        return response
