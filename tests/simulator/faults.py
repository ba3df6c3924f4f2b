"""Fault injection rules: 5xx bursts, dropped connections, slow replies and malformed bodies.

"drop" closes the connection without acting on the request; "apply_drop" acts on it (the change is made, the
journal entry records the status it would have had as "applied") and then closes the connection without a reply:
what a client sees when an appliance, or the network, fails after the change.

"quote_token" answers with an error (the rule's status) whose message and data quote the token the request carries,
and "quote_token_ok" with a 200 that does the same: a vendor, or a proxy, that echoes credentials. "bad_bytes" serves
the request and then puts a byte that is not valid UTF-8 (0xFF) into the first text value of its reply.
"""

import json
import re

from .wire import Response, sbc_envelope, xml_text

ACTIONS = ("status", "drop", "apply_drop", "slow", "malformed", "quote_token", "quote_token_ok", "bad_bytes")
# Actions after which the request is still served (and journaled as served).
SERVED_ACTIONS = ("slow", "apply_drop", "bad_bytes")
QUOTING_ACTIONS = ("quote_token", "quote_token_ok")

_RULE_KEYS = ("name", "path", "method", "action", "status", "delay", "times")

# Neither well-formed XML (unclosed <p>, <br>, undefined &nbsp;) nor JSON: what a proxy error page looks like.
MALFORMED_BODY = (
    b"<!DOCTYPE html>\n<html><head><title>Gateway error</title></head>"
    b"<body><p>The upstream server sent an invalid reply.<br>Please retry&nbsp;later.</body></html>\n"
)


def normalize_rule(rule):
    """Validate one fault rule and fill in defaults; raises ValueError on a bad rule."""
    if not isinstance(rule, dict):
        raise ValueError("a fault rule must be a mapping")
    unknown = set(rule) - set(_RULE_KEYS)
    if unknown:
        raise ValueError("unknown fault rule keys: %s" % ", ".join(sorted(unknown)))
    path = rule.get("path")
    if not isinstance(path, str):
        raise ValueError("a fault rule needs a 'path' substring")
    action = rule.get("action", "status")
    if action not in ACTIONS:
        raise ValueError("fault action must be one of %s" % ", ".join(ACTIONS))
    method = rule.get("method")
    if method is not None and (not isinstance(method, str) or not method.isalpha()):
        raise ValueError("fault method must be an HTTP method name")
    status = rule.get("status", 503)
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
        raise ValueError("fault status must be an integer between 400 and 599")
    delay = rule.get("delay", 2.0)
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not 0 <= delay <= 60:
        raise ValueError("fault delay must be between 0 and 60 seconds")
    times = rule.get("times", 1)
    if isinstance(times, bool) or not isinstance(times, int) or not 1 <= times <= 100000:
        raise ValueError("fault times must be an integer between 1 and 100000")
    name = rule.get("name") or ("status:%d" % status if action == "status" else action)
    if not isinstance(name, str):
        raise ValueError("fault name must be a string")
    return {
        "name": name,
        "path": path,
        "method": method.upper() if method else None,
        "action": action,
        "status": status,
        "delay": float(delay),
        "times": times,
    }


def take_fault(rules, method, target):
    """Consume one use of the first rule matching method and target (path?query); return a copy or None.

    The caller holds the state lock: rules is the live settings list and is mutated here.
    """
    for index, rule in enumerate(rules):
        if rule["path"] not in target:
            continue
        if rule["method"] and rule["method"] != method:
            continue
        rule["times"] -= 1
        if rule["times"] <= 0:
            del rules[index]
        return dict(rule)
    return None


def presented_token(request):
    """The credential the request carries (Authorization without its scheme, or BigFix's Token header), or ''."""
    value = request.header("Authorization") or request.header("Token") or ""
    scheme, _sep, rest = value.partition(" ")
    return rest.strip() if rest and scheme.lower() in ("bearer", "basic", "token") else value.strip()


def quoting_reply(fault, vendor, request):
    """The reply of a quote_token(_ok) rule: the request's token in the vendor's message and data fields."""
    token = presented_token(request)
    status = 200 if fault["action"] == "quote_token_ok" else fault["status"]
    message = "token %s is not valid for %s" % (token, request.path) if status >= 400 else "served for token %s" % token
    if vendor == "oracle_sbc":
        data = "<token>%s</token>" % xml_text(token)
        body = sbc_envelope(data=data, messages=[message]).encode("utf-8")
        return Response(status, body, "application/xml")
    body = json.dumps({"message": message, "data": {"token": token}, "success": status < 400}).encode("utf-8")
    return Response(status, body, "application/json")


# Where the spoiled byte goes, first found wins: an SBC attribute value, any XML text, a JSON string.
_TEXT_STARTS = (re.compile(rb"<value>(?=[^<])"), re.compile(rb"<[A-Za-z-]+>(?=[^<])"), re.compile(rb'":\s*"'))


def spoil_bytes(body):
    """``body`` with 0xFF put at the start of its first text value (an SBC attribute value, else any text)."""
    body = body or b""
    for pattern in _TEXT_STARTS:
        match = pattern.search(body)
        if match is not None:
            return body[:match.end()] + b"\xff" + body[match.end():]
    return body + b"\xff"
