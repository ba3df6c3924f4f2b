"""SBC configuration elements: key attributes per element type, their metadata, and the configElements store.

Documented (Oracle SBC REST API guide, "configElements" and "elementTypes/metadata"):
- an element is identified by its element type's key attributes (realm-config `identifier`, session-agent
  `hostname`, session-group `group-name`, ...), which configuration/elementTypes/metadata describes;
- GET configElements takes elementType, and also running=true (the running configuration instead of the
  candidate one), offset and maxElements (paging); the key attributes select one element;
- POST creates (409 when the key exists), PUT edits, DELETE takes elementType plus the key attributes.
Assumed (the documents are silent; each is written here so a real appliance can be checked):
- the metadata body is <data><elementType>T</elementType><attributeMetadata><name/><type/><key>true|false</key>...;
- a PUT changes only the attributes it carries (others keep their values); a multi-valued attribute is the
  repeated <attribute> of one name, and a PUT that carries it replaces all its values;
- an element type not in KEY_ATTRIBUTES is keyed by `name`;
- without maxElements every element is returned; offset past the end returns none (200, empty <data>);
- a POST or PUT without Content-Type is read as XML (real clients send them so).
"""

import copy
import re
import xml.etree.ElementTree as ET

from .wire import xml_text

MAX_ELEMENTS = 5000
ELEMENT_TYPE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")

# element type -> key attributes, in the order the SBC's ACLI shows them
KEY_ATTRIBUTES = {
    "realm-config": ("identifier",),
    "session-agent": ("hostname",),
    "session-group": ("group-name",),
    "steering-pool": ("ip-address", "start-port", "realm-id"),
    "sip-interface": ("realm-id",),
    "sip-manipulation": ("name",),
    "phy-interface": ("name",),
    "network-interface": ("name", "sub-port-id"),
    "local-policy": ("from-address", "to-address", "source-realm"),
}
DEFAULT_KEYS = ("name",)

# Some attributes the simulator validates, so a test can make the SBC refuse an element (400) as a real one would.
_PORT_RE = re.compile(r"^\d{1,5}$")
_STATES = ("enabled", "disabled")


class ElementError(Exception):
    """A configElements request refused: status plus the message for <messages>."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def key_attributes(etype):
    """The key attribute names of an element type."""
    return KEY_ATTRIBUTES.get(etype, DEFAULT_KEYS)


def element_key(etype, attrs):
    """The store key of an element: its key attribute values joined with '/' (what /_sim/state lists)."""
    values = dict(attrs)
    return "/".join(values.get(name, "") for name in key_attributes(etype))


def element_xml(etype, attrs):
    """<configElement> for one element."""
    body = "".join("<attribute><name>%s</name><value>%s</value></attribute>" % (xml_text(n), xml_text(v)) for n, v in attrs)
    return "<configElement><elementType>%s</elementType>%s</configElement>" % (xml_text(etype), body)


def metadata_xml(etype):
    """The (assumed) metadata of an element type: its key attributes flagged."""
    keys = key_attributes(etype)
    rows = "".join("<attributeMetadata><name>%s</name><type>string</type><key>true</key></attributeMetadata>" % xml_text(name)
                   for name in keys)
    rows += "<attributeMetadata><name>description</name><type>string</type><key>false</key></attributeMetadata>"
    return "<elementType>%s</elementType>%s" % (xml_text(etype), rows)


def _validate(etype, attrs):
    for name, value in attrs:
        if name.endswith("port") and value != "" and (not _PORT_RE.match(value) or int(value) > 65535):
            raise ElementError(400, "Invalid value '%s' for attribute '%s' of %s: must be a port number 0-65535" % (value, name, etype))
        if name == "state" and value not in _STATES:
            raise ElementError(400, "Invalid value '%s' for attribute 'state' of %s: must be enabled or disabled" % (value, etype))


def parse_element(media_type, body):
    """(elementType, [(attribute, value), ...]) from a <configElement> body; ElementError on anything else.

    No Content-Type is read as XML, as real clients send these requests without one."""
    if media_type not in ("", "application/xml", "text/xml"):
        raise ElementError(415, "Content-Type must be application/xml")
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise ElementError(400, "DTDs are not accepted")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise ElementError(400, "Malformed XML body: %s" % exc)
    if root.tag != "configElement":
        raise ElementError(400, "Body must be a <configElement>")
    etype = (root.findtext("elementType") or "").strip()
    if not ELEMENT_TYPE_RE.match(etype):
        raise ElementError(400, "Missing or invalid <elementType>")
    if root.find("subElement") is not None:
        raise ElementError(400, "Sub-elements are not supported by this simulator")
    attrs = []
    for attribute in root.findall("attribute"):
        name = (attribute.findtext("name") or "").strip()
        if not name:
            raise ElementError(400, "Every <attribute> needs a <name>")
        attrs.append((name, attribute.findtext("value") or ""))
    names = dict(attrs)
    for key in key_attributes(etype):
        if not names.get(key):
            raise ElementError(400, "Missing key attribute '%s' of %s" % (key, etype))
    _validate(etype, attrs)
    return etype, attrs


def _non_negative(params, name):
    values = params.get(name)
    if not values:
        return None
    if not values[0].isdigit() or len(values[0]) > 9:
        raise ElementError(400, "Query parameter %s must be a non-negative integer" % name)
    return int(values[0])


class ConfigStore:
    """The candidate, saved and running configurations: {elementType: {key: [(attribute, value), ...]}}."""

    def __init__(self, seed):
        self.candidate = {}
        for etype, elements in seed.items():
            self.candidate[etype] = {element_key(etype, attrs): list(attrs) for attrs in elements}
        self.saved = copy.deepcopy(self.candidate)
        self.running = copy.deepcopy(self.candidate)

    def count(self):
        return sum(len(items) for items in self.candidate.values())

    def save(self):
        self.saved = copy.deepcopy(self.candidate)

    def activate(self):
        self.running = copy.deepcopy(self.saved)

    def list(self, params):
        """The reply <data> for GET: elementType, optional key filters, running, offset, maxElements."""
        etype = (params.get("elementType") or [None])[0]
        if not etype or not ELEMENT_TYPE_RE.match(etype):
            raise ElementError(400, "Query parameter elementType is required")
        running = (params.get("running") or ["false"])[0].lower()
        if running not in ("true", "false"):
            raise ElementError(400, "Query parameter running must be true or false")
        offset = _non_negative(params, "offset") or 0
        limit = _non_negative(params, "maxElements")
        keys = key_attributes(etype)
        filters = {}
        for name, values in params.items():
            if name in ("elementType", "running", "offset", "maxElements"):
                continue
            if name not in keys:
                raise ElementError(400, "Unknown query parameter '%s': %s elements are selected by %s"
                                   % (name, etype, ", ".join(keys)))
            filters[name] = values[0]
        store = self.running if running == "true" else self.candidate
        found = [attrs for attrs in store.get(etype, {}).values() if all((n, v) in attrs for n, v in filters.items())]
        if filters and not found:
            raise ElementError(404, "Element %s not found" % etype)
        page = found[offset:] if limit is None else found[offset:offset + limit]
        return "".join(element_xml(etype, attrs) for attrs in page)

    def write(self, method, media_type, body):
        """POST (create) or PUT (edit); returns the reply <data>."""
        etype, attrs = parse_element(media_type, body)
        elements = self.candidate.setdefault(etype, {})
        key = element_key(etype, attrs)
        if method == "POST":
            if key in elements:
                raise ElementError(409, "Element %s '%s' already exists" % (etype, key))
            if self.count() >= MAX_ELEMENTS:
                raise ElementError(400, "Too many configuration elements")
            elements[key] = attrs
        else:
            if key not in elements:
                raise ElementError(404, "Element %s '%s' not found" % (etype, key))
            changed = {name for name, _value in attrs}
            elements[key] = [item for item in elements[key] if item[0] not in changed] + attrs
        return element_xml(etype, elements[key])

    def delete(self, params):
        etype = (params.get("elementType") or [None])[0]
        if not etype or not ELEMENT_TYPE_RE.match(etype):
            raise ElementError(400, "DELETE needs elementType and the key attributes")
        keys = key_attributes(etype)
        missing = [name for name in keys if not (params.get(name) or [""])[0]]
        if missing:
            raise ElementError(400, "DELETE of %s needs its key attribute(s) %s" % (etype, ", ".join(missing)))
        key = "/".join(params[name][0] for name in keys)
        elements = self.candidate.get(etype, {})
        if key not in elements:
            raise ElementError(404, "Element %s '%s' not found" % (etype, key))
        del elements[key]

    def snapshot(self):
        return {etype: sorted(elements) for etype, elements in self.candidate.items()}
