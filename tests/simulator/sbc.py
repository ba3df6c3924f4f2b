"""Oracle Communications SBC REST API: token auth, re-authentication, the configuration lock, config elements
and save/verify/activate operations (SPEC section 1)."""

import base64
import binascii
import hmac
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from .api_base import VendorApi
from .journal import fingerprint
from .sbc_elements import ELEMENT_TYPE_RE, ElementError, metadata_xml, template_xml
from .wire import Response, sbc_envelope, sbc_error, xml_response, xml_text

VENDOR = "oracle_sbc"
PREFIX = "/rest/"

LOCKED_BY_OTHER = "Resource locked by another user"
NO_LOCK = "User does not have the lock"

_ACTION_METHODS = {"save": "PUT", "verify": "PUT", "activate": "POST"}

# endpoint name -> {method: journal kind}
_ENDPOINTS = {
    "auth": {"POST": "login"},
    "lock": {"POST": "lock"},
    "unlock": {"POST": "unlock"},
    "elements": {"GET": "config_read", "POST": "config_write", "PUT": "config_write", "DELETE": "config_write"},
    "metadata": {"GET": "config_read"},
    "template": {"GET": "config_read"},
    "management": {"PUT": "management", "POST": "management"},
    "operation": {"GET": "operation_status"},
    "versions": {"GET": "versions"},
    "asyncstatus": {"GET": "operation_status"},
}

_RESOURCES = {
    "auth/token": "auth",
    "configuration/lock": "lock",
    "configuration/unlock": "unlock",
    "configuration/configElements": "elements",
    "configuration/elementTypes/metadata": "metadata",
    "configuration/elementTypes/template": "template",
    "configuration/management": "management",
    "admin/asyncstatus": "asyncstatus",
}


class SbcError(Exception):
    """A request the SBC refuses: status plus the message for <messages>."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Route:
    """Where a /rest/ path points: endpoint name (None if unknown), API version, operation id."""

    name: str
    version: str
    op_id: int = 0


def parse_route(path):
    """Split /rest/{version}/{resource} into a Route."""
    parts = path[len(PREFIX):].strip("/").split("/")
    if parts == ["api", "supportedversions"]:
        return Route("versions", None)
    version, resource = parts[0], "/".join(parts[1:])
    if resource in _RESOURCES:
        return Route(_RESOURCES[resource], version)
    head, _sep, tail = resource.rpartition("/")
    if head == "configuration/management/operations" and tail.isdigit() and len(tail) < 10:
        return Route("operation", version, int(tail))
    return Route(None, version)


def parse_basic(values):
    """Return (username, password) from the Authorization header values; SbcError(400) when it is not
    exactly 'Basic <base64 of user:password>'."""
    if not values:
        raise SbcError(400, "Authorization header is missing")
    if len(values) > 1:
        raise SbcError(400, "Multiple Authorization headers")
    scheme, sep, credentials = values[0].partition(" ")
    if scheme != "Basic" or not sep:
        raise SbcError(400, "Authorization header must use the Basic scheme: 'Basic base64(username:password)'")
    if not credentials or credentials != credentials.strip() or " " in credentials:
        raise SbcError(400, "Authorization header must be 'Basic', one space, then the base64 credentials")
    try:
        decoded = base64.b64decode(credentials.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeError):
        raise SbcError(400, "Authorization credentials could not be decoded: not valid base64 of UTF-8 text")
    username, sep, password = decoded.partition(":")
    if not sep or not username:
        raise SbcError(400, "Authorization credentials must be 'username:password'")
    return username, password


REAUTH_FIELDS = ("token", "accessToken")


def reauth_body(request):
    """(shape, token) of a re-authentication body, read whatever its shape: ('token'|'accessToken', value) for a
    form with that one field, ('raw', body) for a bare token, (None, None) for no body or anything else.

    Oracle documents only "the current, unexpired access token in the body" with Content-Type
    x-www-form-urlencoded: the field name, if any, is not given (SPEC section 1)."""
    if not request.body:
        return None, None
    try:
        text = request.body.decode("ascii")
    except UnicodeError:
        return None, None
    try:
        fields = parse_qsl(text, keep_blank_values=True, strict_parsing=True, max_num_fields=4)
    except ValueError:
        fields = []
    if len(fields) == 1 and fields[0][0] in REAUTH_FIELDS and fields[0][1]:
        return fields[0]
    if text and "&" not in text and not any(char.isspace() for char in text):
        return "raw", text
    return None, None


def parse_reauth_body(request, accepted):
    """The token of a re-authentication body (None when there is no body); SbcError(400) unless the body has the
    ``accepted`` shape ('token', 'accessToken' or 'raw') and comes as application/x-www-form-urlencoded."""
    if not request.body:
        return None
    if request.media_type != "application/x-www-form-urlencoded":
        raise SbcError(400, "Re-authentication body must be application/x-www-form-urlencoded")
    shape, token = reauth_body(request)
    if shape != accepted:
        # what an appliance that reads another shape might answer: nothing that names the shape it wants
        raise SbcError(400, "Malformed re-authentication request body")
    return token


def presented_bearer(request):
    """The token of an exact 'Authorization: Bearer TOKEN' header, else None."""
    value = request.header("Authorization") or ""
    if not value.startswith("Bearer "):
        return None
    token = value[len("Bearer "):]
    return token if token and token == token.strip() and " " not in token else None


class SbcApi(VendorApi):
    """Handlers for /rest/...; called with State.lock held."""

    vendor = VENDOR
    prefixes = (PREFIX,)

    @staticmethod
    def error(status, message):
        """An SBC XML error reply (used for injected faults too)."""
        return sbc_error(status, message)

    def _resolve(self, request):
        """(route, rejection) where rejection is the reply for requests that never reach an endpoint."""
        route = parse_route(request.path)
        if not request.tls:
            return route, sbc_error(426, "HTTPS is required", {"Upgrade": "TLS/1.2, HTTP/1.1"})
        if route.name != "versions" and route.version not in self.state.settings.sbc_versions:
            return route, sbc_error(404, "Unsupported API version: %s" % route.version)
        if route.name is None:
            return route, sbc_error(404, "Resource not found: %s" % request.path)
        methods = _ENDPOINTS[route.name]
        if request.method not in methods:
            return route, sbc_error(405, "Method %s not allowed" % request.method, {"Allow": ", ".join(sorted(methods))})
        return route, None

    def describe(self, request, entry):
        """Fill in the journal fields known on arrival: kind, presented token, lock owner."""
        route, rejection = self._resolve(request)
        entry["kind"] = "rejected" if rejection else _ENDPOINTS[route.name][request.method]
        if route.name == "auth" and not rejection:
            _shape, body_token = reauth_body(request)
            if body_token:
                entry["kind"] = "reauth"
                entry["body_token_fp"] = fingerprint(body_token)
        presented = presented_bearer(request)
        entry["token_fp"] = fingerprint(presented)
        token = self.state.live_token(VENDOR, presented)
        entry["user"] = token.user if token else None
        holder = self.state.lock_holder()
        entry["lock_owner_fp"] = holder.fp if holder else None
        entry["is_lock_owner"] = holder is not None and holder is token

    def handle(self, request, entry):
        """Serve one request."""
        route, rejection = self._resolve(request)
        if rejection:
            entry["kind"] = "rejected"
            return rejection
        handler = getattr(self, "_do_" + route.name)
        try:
            if route.name == "auth":
                return handler(request, entry)
            token = self._authenticate(request)
            entry["user"] = token.user
            return handler(request, entry, route, token)
        except SbcError as exc:
            return sbc_error(exc.status, exc.message)

    def _authenticate(self, request):
        values = request.header_values("Authorization")
        if not values:
            raise SbcError(401, "Authorization header is missing")
        presented = presented_bearer(request)
        if len(values) > 1 or presented is None:
            raise SbcError(401, "Authorization header must be 'Bearer <token>'")
        token = self.state.lookup(VENDOR, presented)
        if token is None:
            raise SbcError(401, "Invalid token")
        if token.dead:
            raise SbcError(401, "Token is no longer valid")
        if not token.live():
            raise SbcError(401, "Token expired")
        return token

    def _is_admin(self, user):
        return bool(self.state.settings.users[VENDOR].get(user, {}).get("admin"))

    def _require_lock(self, token):
        if self.state.lock_holder() is not token:
            raise SbcError(423, NO_LOCK)

    # -- endpoints ---------------------------------------------------------------------------------------

    def _do_auth(self, request, entry):
        username, password = parse_basic(request.header_values("Authorization"))
        accepted = self.state.settings.sbc_reauth_body
        _shape, sent = reauth_body(request)
        if sent:
            entry["kind"] = "reauth"
            entry["body_token_fp"] = fingerprint(sent)
        # "ignored": an appliance that does not read the body answers every auth/token as a fresh login
        body_token = None if accepted == "ignored" else parse_reauth_body(request, accepted)
        record = self.state.settings.users[VENDOR].get(username)
        if record is None or not hmac.compare_digest(record["password"].encode("utf-8"), password.encode("utf-8")):
            raise SbcError(401, "Invalid username or password")
        old = None
        if body_token:
            old = self.state.lookup(VENDOR, body_token)
            if old is None or old.user != username:
                raise SbcError(401, "The token in the request body is not a token of this user")
            if not old.live():
                raise SbcError(401, "The token in the request body has expired or is no longer valid")
        new = self.state.issue(VENDOR, username, self.state.settings.sbc_token_lifetime)
        if old is not None:
            # re-authentication: the old token dies now and hands its lock to the new one
            if self.state.lock_holder() is old:
                self.state.lock_token = new
            if self.state.other_token is old:
                self.state.other_token = new
            old.dead = True
        entry["user"] = username
        entry["new_token_fp"] = new.fp
        return xml_response(200, sbc_envelope(data="<accessToken>%s</accessToken>" % xml_text(new.value)))

    def _do_lock(self, request, entry, route, token):
        if not self._is_admin(token.user):
            raise SbcError(403, "User does not have administrator privileges")
        holder = self.state.lock_holder()
        if holder is not None and (holder is not token or self.state.settings.sbc_relock == "refused"):
            raise SbcError(423, LOCKED_BY_OTHER)
        self.state.lock_token = token
        return Response(204)

    def _do_unlock(self, request, entry, route, token):
        if not self._is_admin(token.user):
            raise SbcError(403, "User does not have administrator privileges")
        holder = self.state.lock_holder()
        if holder is None:
            raise SbcError(423, NO_LOCK)
        if holder is not token:
            raise SbcError(423, LOCKED_BY_OTHER)
        self.state.lock_token = None
        return Response(204)

    def _do_elements(self, request, entry, route, token):
        # The store (sbc_elements.py) knows element types, keys and paging; here: the lock, revisions, errors, links.
        settings = self.state.settings
        try:
            if request.method == "GET":
                data, following = self.state.config.list(request.params, int(settings.sbc_page_cap), settings.sbc_multivalue,
                                                         settings.sbc_subelement_tag)
                links = [self._next_page(request, following)] if following is not None and settings.sbc_paging == "link" else []
                return xml_response(200, sbc_envelope(data=data, links=links))
            self._require_lock(token)
            if request.method == "DELETE":
                self.state.config.delete(request.params, settings.sbc_singleton_delete)
                reply = Response(204)
            else:
                data = self.state.config.write(request.method, request.media_type, request.body,
                                               settings.sbc_put_subelements, settings.sbc_multivalue, settings.sbc_singleton_post,
                                               settings.sbc_subelement_tag)
                reply = xml_response(200, sbc_envelope(data=data))
        except ElementError as exc:
            raise SbcError(exc.status, exc.message)
        self.state.revision += 1
        return reply

    @staticmethod
    def _next_page(request, offset):
        """The absolute URL of the next page: the same query with the next offset (Oracle 10.0: "a link to the next
        page of the result set"; its form is assumed)."""
        query = [(name, value) for name, value in parse_qsl(request.query, keep_blank_values=True) if name != "offset"]
        query.append(("offset", str(offset)))
        return "https://%s%s?%s" % (request.header("Host") or "localhost", request.path, urlencode(query))

    def _do_metadata(self, request, entry, route, token):
        etype = request.param("elementType")
        if not etype or not ELEMENT_TYPE_RE.match(etype):
            raise SbcError(400, "Query parameter elementType is required")
        return xml_response(200, sbc_envelope(data=metadata_xml(etype)))

    def _do_template(self, request, entry, route, token):
        etype, subs = request.param("elementType"), request.params.get("subElement", [])
        if not etype or not all(ELEMENT_TYPE_RE.match(part) for part in etype.split("/")) or \
                not all(ELEMENT_TYPE_RE.match(sub) for sub in subs):
            raise SbcError(400, "Query parameter elementType is required (a type or a path T/S), and subElement names a type")
        try:
            return xml_response(200, sbc_envelope(data=template_xml(etype, subs)))
        except ElementError as exc:
            raise SbcError(exc.status, exc.message)

    def _do_management(self, request, entry, route, token):
        action = request.param("action")
        if action not in _ACTION_METHODS:
            raise SbcError(400, "Unsupported action %r: use save, verify or activate" % (action,))
        if request.method != _ACTION_METHODS[action]:
            raise SbcError(405, "Action %s requires %s" % (action, _ACTION_METHODS[action]))
        self._require_lock(token)
        settings = self.state.settings
        operation = self.state.new_operation(action, route.version, token.user, settings.async_delay,
                                             settings.sbc_operation_result)
        if action == "save":
            self.state.saved_revision = self.state.revision
            self.state.config.save()
        elif action == "activate":
            self.state.active_revision = self.state.saved_revision
            self.state.config.activate()
        link = "/rest/%s/configuration/management/operations/%d" % (route.version, operation.op_id)
        if settings.sbc_async_link == "none":
            return xml_response(202, sbc_envelope())  # the client asks admin/asyncstatus
        if settings.sbc_async_link == "absolute":
            link = "https://%s%s" % (request.header("Host") or "localhost", link)
        return xml_response(202, sbc_envelope(links=[link]), {"Location": link})

    @staticmethod
    def _operation_reply(operation):
        data = "<operationState><operation>%s</operation><status>%s</status></operationState>" % (operation.action, operation.status())
        if operation.status() == "fail":
            # Oracle: "an error message containing information about the failure is present within the <data> section"
            data += "<additionalInfo><errorMessage>%s of the configuration failed</errorMessage></additionalInfo>" % operation.action
        return xml_response(200, sbc_envelope(data=data))

    def _do_operation(self, request, entry, route, token):
        operation = self.state.operations.get(route.op_id)
        if operation is None:
            raise SbcError(404, "Operation %d not found" % route.op_id)
        return self._operation_reply(operation)

    def _do_asyncstatus(self, request, entry, route, token):
        """The most recent async request, whoever issued it (Oracle: GET /rest/{version}/admin/asyncstatus)."""
        operation = self.state.last_operation()
        if operation is None:
            raise SbcError(404, "No asynchronous request has been issued")
        return self._operation_reply(operation)

    def _do_versions(self, request, entry, route, token):
        versions = sorted(self.state.settings.sbc_versions, key=lambda v: tuple(int(n) for n in v[1:].split(".")))
        # the latest on its own, the others oldest first (as Oracle's example lists them)
        others = "".join("<version>%s</version>" % v for v in versions[:-1])
        data = "<supportedVersions><latestVersion>%s</latestVersion><otherVersions>%s</otherVersions></supportedVersions>" % (versions[-1], others)
        return xml_response(200, sbc_envelope(data=data))

    # -- control API helpers --------------------------------------------------------------------------------

    def lock_by_other(self):
        """Log in as other-admin and take the lock, as a competing client would; return its token."""
        holder = self.state.lock_holder()
        if holder is not None:
            raise SbcError(409, "The lock is already held (by %s)" % holder.user)
        token = self.state.issue(VENDOR, "other-admin", self.state.settings.sbc_token_lifetime)
        self.state.lock_token = token
        self.state.other_token = token
        return token

    def release_other(self, token=None):
        """Make the other client unlock and log out; only that token's lock (if token given). True if released."""
        other = self.state.other_token
        if other is None or (token is not None and other is not token):
            return False
        released = self.state.lock_holder() is other
        if released:
            self.state.lock_token = None
        other.dead = True
        self.state.other_token = None
        return released
