"""BigID REST API: user-token exchange for a JWT system token, username/password sessions, and API calls
authenticated by the bare token in Authorization (SPEC section 1)."""

import hmac
import json
import math
import secrets
import time

from .api_base import VendorApi
from . import jwt
from .journal import fingerprint
from .wire import json_response

VENDOR = "bigid"
PREFIX = "/api/v1/"
EXCHANGE_PATH = "/api/v1/refresh-access-token"
SESSIONS_PATH = "/api/v1/sessions"
CONNECTIONS_PATH = "/api/v1/ds-connections"

DS_CONNECTIONS = [
    {"name": "crm-postgres", "type": "rdb-postgresql", "enabled": "yes", "location": "EU"},
    {"name": "hr-share", "type": "smb", "enabled": "yes", "location": "US"},
]


# What the vendor's sandbox answers, with HTTP 200, when bigid_refusal is "ok" (SPEC section 1); a bad user token
# is also answered "Refresh token not valid" (setting bigid_bad_user_token_text)
BAD_USER_TOKEN = "Failed to authenticate token."
BAD_REFRESH_TOKEN = "Refresh token not valid"
BAD_LOGIN = "Authentication failed. Username / Password incorrect."
DEAD_TOKEN = "Authentication failed."


def _fail(status, message):
    return json_response(status, {"success": False, "message": message})


class BigIdApi(VendorApi):
    """Handlers for /api/v1/...; called with State.lock held."""

    vendor = VENDOR
    prefixes = (PREFIX,)

    @staticmethod
    def error(status, message):
        """A BigID-style JSON error reply."""
        return _fail(status, message)

    def _reply(self, status, payload):
        """A JSON reply labelled as bigid_content_type says (the sandbox sometimes sends JSON as text/html)."""
        response = json_response(status, payload)
        response.content_type = self.state.settings.bigid_content_type
        return response

    def _refuse(self, message, vendor_message, exchange=False):
        """An authentication refusal: 401 with our message, or (bigid_refusal "ok") HTTP 200 with the vendor's.
        An exchange refusal carries the "systemToken" key as bigid_refusal_system_token says (null, "" or none)."""
        settings = self.state.settings
        if settings.bigid_refusal == "ok":
            payload = {"success": False, "message": vendor_message}
            status = 200
        else:
            payload = {"success": False, "message": message}
            status = 401
        if exchange and settings.bigid_refusal_system_token != "absent":
            payload["systemToken"] = None if settings.bigid_refusal_system_token == "null" else ""
        return self._reply(status, payload)

    def _user_tokens(self):
        """{user token: user name}."""
        users = self.state.settings.users[VENDOR]
        return {record["user_token"]: name for name, record in users.items() if record.get("user_token")}

    def _exchange_methods(self):
        return ("GET", "POST") if self.state.settings.bigid_accept_post else ("GET",)

    def _kind(self, request):
        if request.path == EXCHANGE_PATH and request.method in self._exchange_methods():
            return "exchange"
        if request.path == SESSIONS_PATH and request.method == "POST":
            return "session"
        if request.path == CONNECTIONS_PATH and request.method == "GET":
            return "api"
        return "rejected"

    def describe(self, request, entry):
        """Fill in kind, presented token and its user."""
        entry["kind"] = self._kind(request)
        presented = request.header("Authorization")
        entry["token_fp"] = fingerprint(presented)
        if entry["kind"] == "exchange":
            entry["user"] = self._user_tokens().get(presented)
        else:
            token = self.state.live_token(VENDOR, presented)
            entry["user"] = token.user if token else None

    def handle(self, request, entry):
        """Serve one request."""
        if request.path not in (EXCHANGE_PATH, SESSIONS_PATH, CONNECTIONS_PATH):
            return _fail(404, "No such API: %s" % request.path)
        if self._kind(request) == "rejected":
            return _fail(405, "Method %s not allowed" % request.method)
        if request.path == EXCHANGE_PATH:
            return self._exchange(request, entry)
        if request.path == SESSIONS_PATH:
            return self._session(request, entry)
        return self._connections(request, entry)

    def _mint(self, user):
        """Issue a JWT and remember it; the server-side expiry applies even when the JWT carries no exp.

        The claims are those seen in the vendor's tokens (user_name, type access-token, iat, exp), plus a random
        jti so that two tokens minted in one second differ."""
        settings = self.state.settings
        now = time.time()
        claims = {"user_name": user, "type": "access-token", "iat": int(now), "jti": secrets.token_hex(8)}
        if settings.bigid_jwt_exp:
            # floor: the claimed expiry is never later than the real one
            claims["exp"] = int(math.floor(now + settings.bigid_token_lifetime))
        value = jwt.encode(claims, self.state.jwt_secret)
        return self.state.issue(VENDOR, user, settings.bigid_token_lifetime, value=value)

    def _exchange(self, request, entry):
        values = request.header_values("Authorization")
        if not values:
            return _fail(401, "Missing Authorization header: send the user token")
        if len(values) > 1:
            return _fail(401, "Multiple Authorization headers")
        if values[0].startswith("Bearer "):
            return _fail(401, "Send the bare user token in Authorization, without a 'Bearer' prefix")
        user = self._user_tokens().get(values[0])
        if user is None:
            return self._refuse("Invalid or expired user token", self.state.settings.bigid_bad_user_token_text, exchange=True)
        token = self._mint(user)
        entry["user"] = user
        entry["new_token_fp"] = token.fp
        return self._reply(200, {"success": True, "systemToken": token.value})

    def _session(self, request, entry):
        if request.media_type != "application/json":
            return _fail(400, "Content-Type must be application/json")
        try:
            body = json.loads(request.body.decode("utf-8"))
        except (UnicodeError, ValueError):
            return _fail(400, "The request body is not valid JSON")
        if not isinstance(body, dict) or not all(isinstance(body.get(k), str) and body[k] for k in ("username", "password")):
            return _fail(400, "username and password are required")
        record = self.state.settings.users[VENDOR].get(body["username"])
        if record is None or not hmac.compare_digest(record["password"].encode("utf-8"), body["password"].encode("utf-8")):
            return self._refuse("Invalid username or password", BAD_LOGIN)
        token = self._mint(body["username"])
        entry["user"] = body["username"]
        entry["new_token_fp"] = token.fp
        return self._reply(200, {"success": True, "auth_token": token.value, "username": body["username"]})

    def _connections(self, request, entry):
        values = request.header_values("Authorization")
        if len(values) != 1:
            return _fail(401, "Authorization header with the system token is required")
        if values[0].startswith("Bearer "):
            return _fail(401, "Send the bare system token in Authorization, without a 'Bearer' prefix")
        token = self.state.lookup(VENDOR, values[0])
        if token is None:
            return self._refuse("Invalid token", DEAD_TOKEN)
        try:
            jwt.decode(token.value, self.state.jwt_secret)
        except ValueError:
            return self._refuse("Invalid token", DEAD_TOKEN)
        if not token.live():
            return self._refuse("Token expired", DEAD_TOKEN)
        entry["user"] = token.user
        return self._reply(200, {"status": "success", "statusCode": 200, "data": {"ds_connections": DS_CONNECTIONS}})
