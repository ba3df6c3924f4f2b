"""Simulator settings: defaults, validation and the built-in users of the three vendor APIs."""

import copy
import hashlib
import re

from .faults import normalize_rule

VENDORS = ("oracle_sbc", "bigfix_inventory", "bigid")

DEFAULT_USERS = {
    "oracle_sbc": {
        "admin": {"password": "sbc-admin-pass", "admin": True},
        "operator": {"password": "sbc-operator-pass", "admin": False},
        # the competing client that /_sim/lock_by_other logs in as
        "other-admin": {"password": "other-admin-pass", "admin": True},
    },
    "bigfix_inventory": {
        # no "token" key: the API token is derived from the name, see bigfix_api_token()
        "bfi-user": {"password": "bfi-pass"},
    },
    "bigid": {
        "bigid-admin": {"password": "bigid-pass", "user_token": "bigid-user-token-0123456789"},
    },
}

# Allowed keys per vendor user record, with their types (a password is always required).
_USER_FIELDS = {
    "oracle_sbc": {"password": str, "admin": bool},
    "bigfix_inventory": {"password": str, "token": str},
    "bigid": {"password": str, "user_token": str},
}

_VERSION_RE = re.compile(r"^v\d+\.\d+$")

# name: (kind, default, low, high); numbers are bounded so a typo cannot hang a test run
_SCALARS = {
    "sbc_token_lifetime": ("number", 600, 0.05, 86400),
    "bigid_token_lifetime": ("number", 300, 0.05, 86400),
    "latency": ("number", 0.0, 0.0, 30.0),
    # added to logins only (SBC login and re-authentication, BigFix get_token, BigID exchange and session):
    # a real appliance spends hundreds of milliseconds on password checks and token minting
    "login_latency": ("number", 0.0, 0.0, 30.0),
    "async_delay": ("number", 0.2, 0.0, 60.0),
    "bigid_jwt_exp": ("bool", True, None, None),
    "bigfix_sso": ("bool", False, None, None),
    "bigfix_token_in_url": ("bool", True, None, None),
    "bigid_accept_post": ("bool", True, None, None),
    # the most configElements instances one GET returns (Oracle 10.0: 100)
    "sbc_page_cap": ("number", 100, 1, 5000),
}

# name: (default, allowed values). Where the vendors' documents are silent or releases differ, each plausible
# behaviour is a choice here, and the tests run against each (tests/simulator/README.md says which is which).
_CHOICES = {
    # the shape of the SBC re-authentication body this appliance takes (the others get 400), or "ignored":
    # the body is not read and the request acts as a fresh login (the old token lives on, holding the lock)
    "sbc_reauth_body": ("token", ("token", "accessToken", "raw", "ignored")),
    # a lock request from the token that already holds the lock: 204 as for a free lock ("ok"), or 423 as for one
    # held ("refused"); the documents name only 204 (taken) and 423 (held by another)
    "sbc_relock": ("ok", ("ok", "refused")),
    # how a 202 from configuration/management names the operation to poll: an absolute URL (what the public client
    # written against an SCZ8.3 takes it for), a path, or nothing (the client asks admin/asyncstatus)
    "sbc_async_link": ("absolute", ("absolute", "path", "none")),
    # how save/verify/activate end once async_delay has passed
    "sbc_operation_result": ("success", ("success", "fail")),
    # how BigID refuses a bad user token, login or dead system token: a 401, or HTTP 200 with
    # {"success": false, "message": ...} as the vendor's sandbox does
    "bigid_refusal": ("status", ("status", "ok")),
    # the Content-Type of BigID's JSON replies (the sandbox sometimes labels JSON text/html)
    "bigid_content_type": ("application/json", ("application/json", "text/html")),
    # a wrong BigFix password: 401 (10.x/11.x documents) or 500 "Bad Request" (9.x documents)
    "bigfix_bad_login_status": (401, (401, 500)),
    # a configElements GET with more left after the page: a <links><link> to the next page (Oracle 10.0), or no link
    # (the client moves the offset itself)
    "sbc_paging": ("link", ("link", "offset")),
    # how the SBC writes a multi-valued attribute: repeated <attribute> of one name, or repeated <value> in one
    # <attribute> (it reads both)
    "sbc_multivalue": ("attributes", ("attributes", "values")),
    # a PUT carrying sub-elements of a type: they replace that type's sub-elements, or are merged in by key
    "sbc_put_subelements": ("replace", ("replace", "merge")),
    # the tag a sub-element names its type in: <subElementType> (issue 20's reading) or <elementType> as the top-level
    # <configElement> does (both are read)
    "sbc_subelement_tag": ("subElementType", ("subElementType", "elementType")),
    # DELETE of a singleton element (sip-config, system-config, ...): refused (400) or done
    "sbc_singleton_delete": ("refused", ("refused", "allowed")),
    # a singleton POST carrying attributes besides the element type: creates it with them, or 400 (Oracle's POST page
    # describes the type alone, then a PUT)
    "sbc_singleton_post": ("attributes", ("attributes", "type_only")),
    # the "systemToken" key of a BigID exchange refusal: null, an empty string, or no such key
    "bigid_refusal_system_token": ("null", ("null", "empty", "absent")),
    # what BigID says, with bigid_refusal "ok", for a user token it does not take
    "bigid_bad_user_token_text": ("Failed to authenticate token.", ("Failed to authenticate token.", "Refresh token not valid")),
}

FIELDS = tuple(_SCALARS) + tuple(_CHOICES) + ("sbc_versions", "users", "faults")


def bigfix_api_token(user):
    """Return the fixed 40-hex API token of a BigFix user (stable, so tests can precompute it)."""
    return hashlib.sha256(("bigfix-api-token:" + user).encode("utf-8")).hexdigest()[:40]


def _check_scalar(name, value):
    kind, _default, low, high = _SCALARS[name]
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError("%s must be a boolean" % name)
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("%s must be a number" % name)
    if not low <= value <= high:
        raise ValueError("%s must be between %s and %s" % (name, low, high))
    return value


def _check_choice(name, value):
    _default, allowed = _CHOICES[name]
    if isinstance(value, bool) or value not in allowed:
        raise ValueError("%s must be one of %s" % (name, ", ".join(repr(choice) for choice in allowed)))
    return value


def _check_versions(value):
    if not isinstance(value, list) or not value:
        raise ValueError("sbc_versions must be a non-empty list")
    for version in value:
        if not isinstance(version, str) or not _VERSION_RE.match(version):
            raise ValueError("sbc_versions entries look like 'v1.2', got %r" % (version,))
    return list(value)


def _check_user(vendor, name, record):
    if not isinstance(name, str) or not name or ":" in name:
        raise ValueError("%s user names must be non-empty strings without ':'" % vendor)
    if not isinstance(record, dict) or not isinstance(record.get("password"), str):
        raise ValueError("%s user %r needs a string password" % (vendor, name))
    fields = _USER_FIELDS[vendor]
    for key, value in record.items():
        if key not in fields or not isinstance(value, fields[key]):
            raise ValueError("%s user %r: bad field %r" % (vendor, name, key))
    return dict(record)


def merge_users(current, update):
    """Return current users with update merged in per vendor; a user set to None is removed."""
    if not isinstance(update, dict):
        raise ValueError("users must be a mapping of vendor to users")
    merged = copy.deepcopy(current)
    for vendor, users in update.items():
        if vendor not in VENDORS or not isinstance(users, dict):
            raise ValueError("users: unknown vendor %r or not a mapping" % (vendor,))
        for name, record in users.items():
            if record is None:
                merged[vendor].pop(name, None)
            else:
                merged[vendor][name] = _check_user(vendor, name, record)
    return merged


class Settings:
    """Runtime-changeable settings; read attributes directly, change them through update()."""

    def __init__(self, **values):
        for name, (_kind, default, _low, _high) in _SCALARS.items():
            setattr(self, name, default)
        for name, (default, _allowed) in _CHOICES.items():
            setattr(self, name, default)
        self.sbc_versions = ["v1.0", "v1.1", "v1.2"]
        self.users = copy.deepcopy(DEFAULT_USERS)
        self.faults = []
        self.update(values)

    def __getitem__(self, name):
        if name not in FIELDS:
            raise KeyError(name)
        return getattr(self, name)

    def update(self, values):
        """Validate every value first, then apply them all (users merge, faults replace)."""
        if not isinstance(values, dict):
            raise ValueError("settings must be a mapping")
        checked = {}
        for name, value in values.items():
            if name in _SCALARS:
                checked[name] = _check_scalar(name, value)
            elif name in _CHOICES:
                checked[name] = _check_choice(name, value)
            elif name == "sbc_versions":
                checked[name] = _check_versions(value)
            elif name == "users":
                checked[name] = merge_users(self.users, value)
            elif name == "faults":
                if not isinstance(value, list) or len(value) > 100:
                    raise ValueError("faults must be a list of at most 100 rules")
                checked[name] = [normalize_rule(rule) for rule in value]
            else:
                raise ValueError("unknown setting %r" % (name,))
        for name, value in checked.items():
            setattr(self, name, value)

    def restore(self, snapshot):
        """Put back a snapshot taken with as_dict(): users are replaced, not merged."""
        users = snapshot["users"]
        self.users = merge_users({vendor: {} for vendor in VENDORS}, users)
        self.update({name: value for name, value in snapshot.items() if name != "users"})

    def as_dict(self, mask_secrets=False):
        """Return a deep copy of all settings; mask_secrets hides passwords and tokens."""
        data = {name: copy.deepcopy(getattr(self, name)) for name in FIELDS}
        if mask_secrets:
            for users in data["users"].values():
                for record in users.values():
                    for key in ("password", "token", "user_token"):
                        if key in record:
                            record[key] = "********"
        return data
