"""SBC configuration elements: key attributes per element type, sub-elements, singletons, metadata, templates, paging
and the configElements store.

Documented (Oracle SBC REST API guide; docs/protocols.md cites each page):
- an element is identified by its element type's key attributes (realm-config `identifier`, session-agent
  `hostname`, session-group `group-name`, ...), which configuration/elementTypes/metadata describes;
- singleton element types have no key attributes: GET names only elementType, POST of the type creates the one
  instance (409 when it exists);
- GET configElements takes elementType, and also running=true (the running configuration instead of the
  candidate one), offset and maxElements (paging); the key attributes select one element;
- 10.0: at most 100 instances in one call; when more exist, the reply links to the next page of the result set;
- POST creates (409 when the key exists), PUT edits ("any attribute/sub-element in the request that is identical
  to the system configuration will be left unmodified"), DELETE takes elementType plus the key attributes;
- sub-elements exist: elementTypes/template takes elementType=T, elementType=T/S (a path to a sub-element) or
  elementType=T plus subElement=S;
- a singleton is created by POST of the element type alone, then edited by PUT.
Assumed (the documents are silent; each is written here so a real appliance can be checked, and where more than
one behaviour is plausible it is a setting, tests/simulator/README.md):
- the next-page link is an absolute URL carrying the same query with the next offset (setting sbc_paging: or none);
- a sub-element is <subElement><subElementType>T</subElementType><attribute>...</attribute>...</subElement> inside its
  parent, nested the same way (setting sbc_subelement_tag: or <elementType> in place of <subElementType>; both are
  read); a PUT that carries sub-elements of a type replaces that type's sub-elements
  (setting sbc_put_subelements: or merges them by key); types the PUT does not carry are kept;
- the metadata body is <data><elementType>T</elementType><attributeMetadata><name/><type/><key>true|false</key>...,
  with one <subElementMetadata> (same shape) per sub-element type;
- a PUT changes only the attributes it carries; a multi-valued attribute is written as repeated <attribute> or as
  repeated <value> in one <attribute> (setting sbc_multivalue; both are read), and a PUT that carries it replaces
  all its values;
- an element type not in KEY_ATTRIBUTES is keyed by `name`;
- without maxElements a page holds up to the cap; offset past the end returns none (200, empty <data>);
- a POST or PUT without Content-Type is read as XML (real clients send them so);
- deleting a singleton is refused (setting sbc_singleton_delete); a singleton POST that carries attributes as
  well as the type creates the element with them (setting sbc_singleton_post: or is refused, as the POST page
  describes the type alone);
- sub-element type names are singular as in the issue's XML shape (sip-port, header-rule); Oracle's template paths
  show plural forms (sip-manipulation/header-rules): which names an appliance writes in <subElementType> is open.
"""

import copy
import re
import xml.etree.ElementTree as ET

from .wire import xml_text

MAX_ELEMENTS = 5000
MAX_DEPTH = 8  # sub-element nesting; the SBC's deepest (sip-manipulation/header-rule/element-rule) is 3
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
    "certificate-record": ("name",),
}
# sub-element type -> its key attributes within its parent (issue 20's table)
SUB_KEY_ATTRIBUTES = {
    "sip-port": ("address", "port", "transport-protocol"),
    "policy-attribute": ("next-hop",),
    "header-rule": ("name",),
    "element-rule": ("name",),
}
# parent type -> the sub-element types it holds (what metadata and templates list)
SUB_ELEMENT_TYPES = {
    "sip-interface": ("sip-port",),
    "local-policy": ("policy-attribute",),
    "sip-manipulation": ("header-rule",),
    "header-rule": ("element-rule",),
}
# Singletons: no key attribute, one instance per configuration (Oracle: "singletons, which have no key attributes")
SINGLETONS = ("sip-config", "system-config", "media-manager", "session-router")
DEFAULT_KEYS = ("name",)

# Attribute values a new element gets when the POST does not give them: a reply carries the complete element.
DEFAULT_ATTRIBUTES = {
    "certificate-record": (("state", "MA"),),
    "sip-config": (("state", "enabled"),),
    "system-config": (("description", ""),),
    "media-manager": (("state", "enabled"),),
    "session-router": (("state", "enabled"),),
}

# Per-type attribute rules, so a test can make the SBC refuse an element (400) as a real one would. `state` is
# enabled/disabled on the types below only: on certificate-record it is a region (default MA).
_PORT_RE = re.compile(r"^\d{1,5}$")
_ENABLED = ("enabled", "disabled")
_REGION_RE = re.compile(r"^[A-Za-z][A-Za-z .'-]{0,63}$")
STATE_ENUM_TYPES = ("realm-config", "session-agent", "sip-interface", "local-policy", "steering-pool", "sip-config",
                    "media-manager", "session-router", "network-interface", "phy-interface")


class ElementError(Exception):
    """A configElements request refused: status plus the message for <messages>."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class Element:
    """One element or sub-element: its type, attributes as [(name, value)] (a multi-valued one repeats its name),
    and its sub-elements in order."""

    __slots__ = ("etype", "attrs", "subs")

    def __init__(self, etype, attrs, subs=()):
        self.etype = etype
        self.attrs = list(attrs)
        self.subs = list(subs)

    def key(self, sub=False):
        return element_key(self.etype, self.attrs, sub)


def is_singleton(etype):
    return etype in SINGLETONS


def key_attributes(etype, sub=False):
    """The key attribute names of an element type (of a sub-element type if ``sub``); () for a singleton."""
    if sub:
        return SUB_KEY_ATTRIBUTES.get(etype, DEFAULT_KEYS)
    if is_singleton(etype):
        return ()
    return KEY_ATTRIBUTES.get(etype, DEFAULT_KEYS)


def element_key(etype, attrs, sub=False):
    """The store key of an element: its key attribute values joined with '/' (what /_sim/state lists)."""
    values = dict(attrs)
    return "/".join(values.get(name, "") for name in key_attributes(etype, sub))


# -- XML -----------------------------------------------------------------------------------------------------
def _attributes_xml(attrs, multivalue):
    if multivalue == "values":
        grouped, order = {}, []
        for name, value in attrs:
            if name not in grouped:
                order.append(name)
            grouped.setdefault(name, []).append(value)
        return "".join("<attribute><name>%s</name>%s</attribute>"
                       % (xml_text(name), "".join("<value>%s</value>" % xml_text(v) for v in grouped[name])) for name in order)
    return "".join("<attribute><name>%s</name><value>%s</value></attribute>" % (xml_text(n), xml_text(v)) for n, v in attrs)


def _sub_xml(element, multivalue, type_tag="subElementType"):
    inner = "".join(_sub_xml(sub, multivalue, type_tag) for sub in element.subs)
    return "<subElement><%s>%s</%s>%s%s</subElement>" % (
        type_tag, xml_text(element.etype), type_tag, _attributes_xml(element.attrs, multivalue), inner)


def element_xml(element, multivalue="attributes", type_tag="subElementType"):
    """<configElement> for one element, its sub-elements nested inside; a sub-element names its type in
    ``type_tag`` (setting sbc_subelement_tag)."""
    inner = "".join(_sub_xml(sub, multivalue, type_tag) for sub in element.subs)
    return "<configElement><elementType>%s</elementType>%s%s</configElement>" % (
        xml_text(element.etype), _attributes_xml(element.attrs, multivalue), inner)


def _metadata_rows(keys, extra=("description",)):
    rows = "".join("<attributeMetadata><name>%s</name><type>string</type><key>true</key></attributeMetadata>" % xml_text(name)
                   for name in keys)
    return rows + "".join("<attributeMetadata><name>%s</name><type>string</type><key>false</key></attributeMetadata>" % xml_text(name)
                          for name in extra if name not in keys)


def metadata_xml(etype):
    """The (assumed) metadata of an element type: its key attributes flagged (none for a singleton), and one
    <subElementMetadata> per sub-element type with that type's keys."""
    body = "<elementType>%s</elementType>%s" % (xml_text(etype), _metadata_rows(key_attributes(etype)))
    if is_singleton(etype):
        body += "<singleton>true</singleton>"
    for sub in SUB_ELEMENT_TYPES.get(etype, ()):
        body += "<subElementMetadata><elementType>%s</elementType>%s</subElementMetadata>" % (
            xml_text(sub), _metadata_rows(key_attributes(sub, sub=True)))
    return body


def template_xml(etype, sub_types=()):
    """elementTypes/template (Oracle's three forms): elementType=T, an element with its key attributes empty and its
    defaults; elementType=T/S[/S2], only that sub-element; elementType=T plus subElement=S (repeatable), the element
    with each named sub-element inside."""
    path = etype.split("/")
    for parent, child in zip(path, path[1:]):
        if child not in SUB_ELEMENT_TYPES.get(parent, ()):
            raise ElementError(404, "Element type %s has no sub-element %s" % (parent, child))
    if len(path) > 1:
        if sub_types:
            raise ElementError(400, "subElement goes with a top-level elementType, not with a path")
        return _sub_xml(Element(path[-1], [(name, "") for name in key_attributes(path[-1], sub=True)]), "attributes")
    for sub in sub_types:
        if sub not in SUB_ELEMENT_TYPES.get(etype, ()):
            raise ElementError(404, "Element type %s has no sub-element %s" % (etype, sub))
    attrs = [(name, "") for name in key_attributes(etype)] + list(DEFAULT_ATTRIBUTES.get(etype, ()))
    subs = [Element(sub, [(name, "") for name in key_attributes(sub, sub=True)]) for sub in sub_types]
    return element_xml(Element(etype, attrs, subs))


def _validate(etype, attrs, sub=False):
    for name, value in attrs:
        if name.endswith("port") and value != "" and (not _PORT_RE.match(value) or int(value) > 65535):
            raise ElementError(400, "Invalid value '%s' for attribute '%s' of %s: must be a port number 0-65535" % (value, name, etype))
        if name != "state" or sub:
            continue
        if etype in STATE_ENUM_TYPES and value not in _ENABLED:
            raise ElementError(400, "Invalid value '%s' for attribute 'state' of %s: must be enabled or disabled" % (value, etype))
        if etype == "certificate-record" and not _REGION_RE.match(value):
            raise ElementError(400, "Invalid value '%s' for attribute 'state' of certificate-record: must be a state or region name" % value)


def _read_attributes(node, etype):
    """[(name, value)] of one XML element: repeated <attribute>, and repeated <value> inside one <attribute>."""
    attrs = []
    for attribute in node.findall("attribute"):
        name = (attribute.findtext("name") or "").strip()
        if not name:
            raise ElementError(400, "Every <attribute> of %s needs a <name>" % etype)
        values = attribute.findall("value")
        if not values:
            attrs.append((name, ""))
        attrs.extend((name, value.text or "") for value in values)
    return attrs


def _read_subs(node, parent, depth):
    subs, seen = [], set()
    for child in node.findall("subElement"):
        stype = (child.findtext("subElementType") or child.findtext("elementType") or "").strip()
        if not ELEMENT_TYPE_RE.match(stype):
            raise ElementError(400, "Missing or invalid <subElementType> in %s" % parent)
        if depth >= MAX_DEPTH:
            raise ElementError(400, "Sub-elements nested too deep")
        attrs = _read_attributes(child, stype)
        names = dict(attrs)
        for key in key_attributes(stype, sub=True):
            if not names.get(key):
                raise ElementError(400, "Missing key attribute '%s' of sub-element %s in %s" % (key, stype, parent))
        _validate(stype, attrs, sub=True)
        element = Element(stype, attrs, _read_subs(child, stype, depth + 1))
        ident = (stype, element.key(sub=True))
        if ident in seen:
            raise ElementError(400, "Sub-element %s '%s' is given twice in %s" % (stype, ident[1], parent))
        seen.add(ident)
        subs.append(element)
    return subs


def parse_element(media_type, body):
    """The Element of a <configElement> body; ElementError on anything else.

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
    attrs = _read_attributes(root, etype)
    names = dict(attrs)
    for key in key_attributes(etype):
        if not names.get(key):
            raise ElementError(400, "Missing key attribute '%s' of %s" % (key, etype))
    _validate(etype, attrs)
    return Element(etype, attrs, _read_subs(root, etype, 1))


def _non_negative(params, name):
    values = params.get(name)
    if not values:
        return None
    if not values[0].isdigit() or len(values[0]) > 9:
        raise ElementError(400, "Query parameter %s must be a non-negative integer" % name)
    return int(values[0])


def _edit_attrs(current, given):
    """PUT: the attributes given replace all values of those names; the others are kept."""
    changed = {name for name, _value in given}
    return [item for item in current if item[0] not in changed] + list(given)


def _merge_subs(current, given, mode):
    """PUT sub-elements: 'replace' puts the given list of each type carried in place of that type's list; 'merge'
    edits the sub-elements matched by key (recursively) and appends the others. Types not carried are kept."""
    carried = []
    for sub in given:
        if sub.etype not in carried:
            carried.append(sub.etype)
    if mode == "replace":
        kept = [sub for sub in current if sub.etype not in carried]
        return kept + [copy.deepcopy(sub) for sub in given]
    merged = [copy.deepcopy(sub) for sub in current]
    for sub in given:
        match = next((old for old in merged if old.etype == sub.etype and old.key(sub=True) == sub.key(sub=True)), None)
        if match is None:
            merged.append(copy.deepcopy(sub))
        else:
            match.attrs = _edit_attrs(match.attrs, sub.attrs)
            match.subs = _merge_subs(match.subs, sub.subs, mode)
    return merged


def _seed_element(etype, given, depth):
    """An Element from a seed entry: (name, value) pairs or a mapping whose list-of-mappings values are
    sub-elements of that type (recursively) and whose list-of-texts values are multi-valued attributes."""
    if depth > MAX_DEPTH:
        raise ValueError("seeded sub-elements nested too deep")
    attrs, subs = [], []
    for name, value in (given.items() if isinstance(given, dict) else given):
        if isinstance(value, (list, tuple)) and value and all(isinstance(item, dict) for item in value):
            subs.extend(_seed_element(name, item, depth + 1) for item in value)
        elif isinstance(value, (list, tuple)):
            attrs.extend((name, _seed_text(item)) for item in value)
        else:
            attrs.append((name, _seed_text(value)))
    return Element(etype, attrs, subs)


def _seed_text(value):
    if isinstance(value, (dict, list, tuple)):
        raise ValueError("a seeded attribute value must be text, a list of texts or a list of mappings")
    return value if isinstance(value, str) else str(value)


class ConfigStore:
    """The candidate, saved and running configurations: {elementType: {key: Element}} (a singleton's key is '')."""

    def __init__(self, seed):
        self.candidate = {}
        for etype, elements in seed.items():
            self.seed(etype, elements)
        self.saved = copy.deepcopy(self.candidate)
        self.running = copy.deepcopy(self.candidate)

    def count(self):
        return sum(len(items) for items in self.candidate.values())

    def seed(self, etype, elements):
        """Put elements straight into the candidate configuration (tests and benchmarks: no HTTP, no journal).
        Each is [(attribute, value), ...] or a mapping, in the desired-state shape: a list of texts is a multi-valued
        attribute, a list of mappings the sub-elements of that type (nested the same way). Existing elements of the
        same key are replaced."""
        store = self.candidate.setdefault(etype, {})
        for attrs in elements:
            element = _seed_element(etype, attrs, 1)
            store[element.key()] = element

    def save(self):
        self.saved = copy.deepcopy(self.candidate)

    def activate(self):
        self.running = copy.deepcopy(self.saved)

    def list(self, params, cap=100, multivalue="attributes", type_tag="subElementType"):
        """(reply <data>, next offset or None) for GET: elementType, optional key filters, running, offset,
        maxElements; a page holds at most ``cap`` elements."""
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
                if not keys:
                    raise ElementError(400, "Unknown query parameter '%s': %s is a singleton, selected by elementType alone"
                                       % (name, etype))
                raise ElementError(400, "Unknown query parameter '%s': %s elements are selected by %s"
                                   % (name, etype, ", ".join(keys)))
            filters[name] = values[0]
        store = self.running if running == "true" else self.candidate
        found = [element for element in store.get(etype, {}).values()
                 if all((n, v) in element.attrs for n, v in filters.items())]
        if (filters or is_singleton(etype)) and not found:
            raise ElementError(404, "Element %s not found" % etype)
        size = cap if limit is None else min(limit, cap)
        page = found[offset:offset + size]
        following = offset + len(page)
        more = following < len(found) and page
        return "".join(element_xml(element, multivalue, type_tag) for element in page), (following if more else None)

    def write(self, method, media_type, body, put_subelements="replace", multivalue="attributes", singleton_post="attributes",
              type_tag="subElementType"):
        """POST (create) or PUT (edit); returns the reply <data>: the complete element as stored."""
        given = parse_element(media_type, body)
        etype = given.etype
        elements = self.candidate.setdefault(etype, {})
        key = given.key()
        if method == "POST":
            if key in elements:
                if is_singleton(etype):
                    raise ElementError(409, "Element %s already exists (a singleton: edit it with PUT)" % etype)
                raise ElementError(409, "Element %s '%s' already exists" % (etype, key))
            if is_singleton(etype) and singleton_post == "type_only" and (given.attrs or given.subs):
                raise ElementError(400, "A singleton %s is created by POST of its element type alone; edit it with PUT" % etype)
            if self.count() >= MAX_ELEMENTS:
                raise ElementError(400, "Too many configuration elements")
            names = {name for name, _value in given.attrs}
            defaults = [item for item in DEFAULT_ATTRIBUTES.get(etype, ()) if item[0] not in names]
            elements[key] = Element(etype, given.attrs + defaults, given.subs)
        else:
            if key not in elements:
                raise ElementError(404, "Element %s '%s' not found" % (etype, key) if key else "Element %s not found" % etype)
            current = elements[key]
            current.attrs = _edit_attrs(current.attrs, given.attrs)
            current.subs = _merge_subs(current.subs, given.subs, put_subelements)
        return element_xml(elements[key], multivalue, type_tag)

    def delete(self, params, singleton_delete="refused"):
        etype = (params.get("elementType") or [None])[0]
        if not etype or not ELEMENT_TYPE_RE.match(etype):
            raise ElementError(400, "DELETE needs elementType and the key attributes")
        elements = self.candidate.get(etype, {})
        if is_singleton(etype):
            if singleton_delete == "refused":
                raise ElementError(400, "Element %s is a singleton and cannot be deleted" % etype)
            if "" not in elements:
                raise ElementError(404, "Element %s not found" % etype)
            del elements[""]
            return
        keys = key_attributes(etype)
        missing = [name for name in keys if not (params.get(name) or [""])[0]]
        if missing:
            raise ElementError(400, "DELETE of %s needs its key attribute(s) %s" % (etype, ", ".join(missing)))
        key = "/".join(params[name][0] for name in keys)
        if key not in elements:
            raise ElementError(404, "Element %s '%s' not found" % (etype, key))
        del elements[key]

    def snapshot(self):
        return {etype: sorted(elements) for etype, elements in self.candidate.items()}
