"""BigFix Inventory REST API: get_token with a JSON body, and API calls authenticated by the user's API token
in a Token header or ?token= query parameter (SPEC section 1)."""

import hmac
import json

from .api_base import VendorApi
from .journal import fingerprint
from .settings import bigfix_api_token
from .wire import json_response

VENDOR = "bigfix_inventory"
TOKEN_PATH = "/api/get_token"
API_PREFIX = "/api/sam/"

_HEADERS = {"Content-Language": "en-US"}

_API_REPLIES = {
    "/api/sam/about": {"version": "10.0.16.0", "build": "10.0.16.0-20240315", "product": "BigFix Inventory"},
    "/api/sam/v2/computers": {
        "total": 2,
        "rows": [
            {"id": 1, "name": "app-server-01", "computer_name": "app-server-01", "os": "Linux Red Hat Enterprise Linux 9",
             "ip_address": "10.0.0.11"},
            {"id": 2, "name": "db-server-01", "computer_name": "db-server-01", "os": "Windows Server 2022",
             "ip_address": "10.0.0.12"},
        ],
    },
    "/api/sam/v2/software_instances": {
        "total": 2,
        "rows": [
            {"id": 101, "name": "PostgreSQL 15", "computer_id": 2, "publisher_name": "PostgreSQL Global Development Group"},
            {"id": 102, "name": "OpenSSL 3.0", "computer_id": 1, "publisher_name": "OpenSSL Project"},
        ],
    },
}


def _reply(status, payload):
    return json_response(status, payload, _HEADERS)


class BigFixApi(VendorApi):
    """Handlers for /api/get_token and /api/sam/...; called with State.lock held."""

    vendor = VENDOR
    paths = (TOKEN_PATH,)
    prefixes = (API_PREFIX,)

    @staticmethod
    def error(status, message):
        """A BigFix-style JSON error reply."""
        return _reply(status, {"error": "Bad Request" if status == 500 else "Error", "message": message})

    def _token_users(self):
        """{api token: user}: a user's token is the configured one or the fixed derived one."""
        users = self.state.settings.users[VENDOR]
        return {record.get("token") or bigfix_api_token(name): name for name, record in users.items()}

    @staticmethod
    def _presented(request):
        """(token, where) with the Token header winning over ?token=."""
        header = request.header("Token")
        if header:
            return header, "header"
        query = request.param("token")
        return (query, "query") if query else (None, None)

    def _kind(self, request):
        if request.path == TOKEN_PATH:
            return "login" if request.method == "POST" else "rejected"
        if request.path in _API_REPLIES and request.method == "GET":
            return "api"
        return "rejected"

    def describe(self, request, entry):
        """Fill in kind, presented token and its user."""
        entry["kind"] = self._kind(request)
        token, _where = self._presented(request)
        entry["token_fp"] = fingerprint(token)
        entry["user"] = self._token_users().get(token) if token else None

    def handle(self, request, entry):
        """Serve one request."""
        if request.path == TOKEN_PATH:
            if request.method != "POST":
                return self.error(405, "Use POST for get_token")
            return self._get_token(request, entry)
        if request.path not in _API_REPLIES:
            return _reply(404, {"error": "Not Found", "message": "No such API: %s" % request.path})
        if request.method != "GET":
            return _reply(405, {"error": "Method Not Allowed", "message": "Use GET"})
        token, where = self._presented(request)
        if token is None:
            return _reply(401, {"error": "Unauthorized", "message": "Missing API token: send it in the Token header"})
        if where == "query" and not self.state.settings.bigfix_token_in_url:
            return _reply(401, {"error": "Unauthorized",
                                "message": "Token in URL is disabled (api_token_in_url_enabled=false): send the Token header"})
        user = self._token_users().get(token)
        if user is None:
            return _reply(401, {"error": "Unauthorized", "message": "Invalid API token"})
        entry["user"] = user
        return _reply(200, _API_REPLIES[request.path])

    def _get_token(self, request, entry):
        if self.state.settings.bigfix_sso:
            return self.error(500, "get_token is not available when single sign-on is enabled: "
                                   "copy the API token from the UI (Profile > Show token)")
        if request.media_type != "application/json":
            return self.error(500, "Content-Type must be application/json")
        try:
            body = json.loads(request.body.decode("utf-8"))
        except (UnicodeError, ValueError):
            return self.error(500, "The request body is not valid JSON")
        if not isinstance(body, dict):
            return self.error(500, "The request body must be a JSON object with user and password")
        for name in ("user", "password"):
            if not isinstance(body.get(name), str) or not body[name]:
                return self.error(500, "Missing or invalid parameter: %s" % name)
        record = self.state.settings.users[VENDOR].get(body["user"])
        if record is None or not hmac.compare_digest(record["password"].encode("utf-8"), body["password"].encode("utf-8")):
            if self.state.settings.bigfix_bad_login_status == 500:
                # the 9.x documents: every refused get_token is 500 "Bad Request"
                return self.error(500, "Invalid user name or password")
            return _reply(401, {"error": "Unauthorized", "message": "Invalid user name or password"})
        token = record.get("token") or bigfix_api_token(body["user"])
        entry["user"] = body["user"]
        entry["new_token_fp"] = fingerprint(token)
        return _reply(200, {"token": token})
