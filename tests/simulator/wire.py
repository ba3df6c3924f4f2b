"""Request/response types shared by the vendor handlers, and the XML/JSON body builders."""

import json
from dataclasses import dataclass, field
from functools import cached_property
from http.client import HTTPMessage
from urllib.parse import parse_qs
from xml.sax.saxutils import escape


@dataclass
class Request:
    """One parsed HTTP request as the vendor handlers see it."""

    method: str
    path: str
    query: str
    headers: HTTPMessage  # case-insensitive get() and get_all()
    body: bytes
    tls: bool

    @cached_property
    def params(self):
        """Query parameters as {name: [values]}."""
        return parse_qs(self.query, keep_blank_values=True)

    def param(self, name):
        """First value of a query parameter, or None."""
        values = self.params.get(name)
        return values[0] if values else None

    def header(self, name):
        """First value of a header, or None."""
        return self.headers.get(name)

    def header_values(self, name):
        """All values of a header (strict parsers reject duplicates)."""
        return self.headers.get_all(name) or []

    @property
    def media_type(self):
        """Content-Type without parameters, lower case ('' when absent)."""
        return (self.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()

    @property
    def target(self):
        """Path plus query string, as sent."""
        return self.path + ("?" + self.query if self.query else "")


@dataclass
class Response:
    """What a handler answers; drop=True closes the connection without a reply."""

    status: int
    body: bytes = b""
    content_type: str = None
    headers: dict = field(default_factory=dict)
    drop: bool = False


def json_response(status, payload, headers=None):
    """A JSON reply."""
    body = json.dumps(payload).encode("utf-8")
    return Response(status, body, "application/json", dict(headers or {}))


def xml_text(value):
    """Escape text for an XML element."""
    return escape(str(value))


def sbc_envelope(data="", messages=(), links=()):
    """The SBC response envelope: <response><data/><messages/><links/></response>."""
    parts = ["<response>", "<data>%s</data>" % data if data else "<data/>"]
    if messages:
        parts.append("<messages>%s</messages>" % "".join("<message>%s</message>" % xml_text(m) for m in messages))
    else:
        parts.append("<messages/>")
    if links:
        parts.append("<links>%s</links>" % "".join("<link>%s</link>" % xml_text(link) for link in links))
    else:
        parts.append("<links/>")
    parts.append("</response>")
    return "".join(parts)


def xml_response(status, text, headers=None):
    """An XML reply (what the SBC sends by default)."""
    return Response(status, text.encode("utf-8"), "application/xml", dict(headers or {}))


def sbc_error(status, message, headers=None):
    """An SBC error: the message goes in <messages>, where clients must read it from."""
    return xml_response(status, sbc_envelope(messages=[message]), headers)
