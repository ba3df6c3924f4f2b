"""Minimal HS256 JSON Web Tokens: enough to mint and check BigID system tokens."""

import base64
import hashlib
import hmac
import json

_HEADER = {"alg": "HS256", "typ": "JWT"}


def _b64encode(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text):
    padded = text + "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii"))


def encode(claims, secret):
    """Return a signed compact JWT for claims (a JSON-serialisable dict)."""
    header = _b64encode(json.dumps(_HEADER, separators=(",", ":")).encode("utf-8"))
    payload = _b64encode(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    signing_input = ("%s.%s" % (header, payload)).encode("ascii")
    signature = _b64encode(hmac.new(secret, signing_input, hashlib.sha256).digest())
    return "%s.%s.%s" % (header, payload, signature)


def decode(token, secret):
    """Return the claims of a JWT signed with secret; raise ValueError if it is malformed or forged.

    Expiry is not checked here: the server keeps its own record of when each token dies.
    """
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("not a compact JWT")
    try:
        header = json.loads(_b64decode(parts[0]))
        claims = json.loads(_b64decode(parts[1]))
        signature = _b64decode(parts[2])
    except (ValueError, UnicodeError) as exc:
        raise ValueError("undecodable JWT: %s" % exc)
    if header != _HEADER or not isinstance(claims, dict):
        raise ValueError("unexpected JWT header or claims")
    expected = hmac.new(secret, ("%s.%s" % (parts[0], parts[1])).encode("ascii"), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, signature):
        raise ValueError("bad JWT signature")
    return claims
