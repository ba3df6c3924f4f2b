# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reply bodies to plain data and back: SBC XML, JSON, and the vendors' error messages."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import xml.etree.ElementTree as ET
from xml.parsers import expat

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError, redact

_SNIPPET = 120
_NON_SPACE = re.compile(r'\S')
_PIECE = 1024 * 1024


class DoctypeRefused(ET.ParseError):
    """An XML document with a DOCTYPE, refused unparsed (a ParseError, so callers that catch those need nothing more)."""


class TooDeep(ValueError):
    """A reply nested deeper than MAX_DEPTH: a ValueError, so callers that catch unparseable JSON catch it too."""


# No vendor reply nests anywhere near this deep; past it the recursive readers (json, element_to_data) would raise
# RecursionError, which is not a message a user can act on.
MAX_DEPTH = 200


def _refuse_dtd(*_args):
    raise DoctypeRefused('XML with a DOCTYPE or entity declarations is not accepted')


class _DepthProbe(object):
    def __init__(self):
        self.depth = 0

    def start(self, *_args):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeepXml()

    def end(self, *_args):
        self.depth -= 1


class _TooDeepXml(Exception):
    pass


def parse_xml_text(text):
    """An XML document's root element. Documents with a DOCTYPE (and so any entity declaration) raise
    DoctypeRefused: vendors never send one, and entity expansion is how XML replies attack parsers. Documents
    nested deeper than MAX_DEPTH raise ET.ParseError."""
    # expat reads the document first, iteratively, with handlers that refuse a DOCTYPE and count the depth; only
    # then does ElementTree build it.
    probe = expat.ParserCreate()
    depth = _DepthProbe()
    probe.StartDoctypeDeclHandler = _refuse_dtd
    probe.EntityDeclHandler = _refuse_dtd
    probe.StartElementHandler = depth.start
    probe.EndElementHandler = depth.end
    try:
        for piece in _pieces(text):
            probe.Parse(piece, False)
        probe.Parse('', True)
    except _TooDeepXml:
        raise ET.ParseError('XML nested deeper than %d levels is not accepted' % MAX_DEPTH)
    except expat.ExpatError:
        pass  # malformed documents are ElementTree's to report, below
    builder = ET.XMLParser(target=ET.TreeBuilder())
    for piece in _pieces(text):
        builder.feed(piece)
    return builder.close()


def _pieces(text):
    """``text`` in slices for the parsers: each slice is encoded on its way in, so a large body is never encoded
    (copied) whole."""
    for start in range(0, len(text), _PIECE):
        yield text[start:start + _PIECE]


def loads_json(text):
    """json.loads, with nesting past what the decoder can recurse into reported as a ValueError (TooDeep)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise TooDeep('JSON nested too deeply to be read')


def snippet(text, secrets=()):
    """A short, secret-free excerpt of a body for error messages."""
    text = ' '.join((text or '').split())
    if len(text) > _SNIPPET:
        text = text[:_SNIPPET] + '...'
    return redact(text, secrets)


def element_to_data(elem):
    """An XML element as plain data: text for leaves, dicts for children, lists for repeated tags."""
    children = list(elem)
    if not children:
        text = (elem.text or '').strip()
        if elem.attrib:
            data = dict(('@' + k, v) for k, v in elem.attrib.items())
            if text:
                data['#text'] = text
            return data
        return text
    data = dict(('@' + k, v) for k, v in elem.attrib.items())
    for child in children:
        value = element_to_data(child)
        if child.tag in data:
            if not isinstance(data[child.tag], list):
                data[child.tag] = [data[child.tag]]
            data[child.tag].append(value)
        else:
            data[child.tag] = value
    return data


def data_to_xml(data):
    """Plain data (a dict with one root key) as an XML document string; the inverse of element_to_data."""
    if not isinstance(data, dict) or len(data) != 1:
        raise ApiAuthError('an XML body must be a string or a mapping with exactly one root key', reason='bad_option')
    (tag, value), = data.items()
    root = ET.Element(tag)
    _fill(root, value)
    return ET.tostring(root, encoding='unicode')


def _fill(elem, value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key.startswith('@'):
                elem.set(key[1:], str(item))
            elif key == '#text':
                elem.text = str(item)
            else:
                for one in (item if isinstance(item, list) else [item]):
                    _fill(ET.SubElement(elem, key), one)
    elif value is not None:
        elem.text = value if isinstance(value, str) else json.dumps(value) if isinstance(value, bool) else str(value)


def xml_messages(root):
    """The texts of an SBC reply's ``<messages>``, in order."""
    found = []
    messages = root.find('messages') if root.tag == 'response' else None
    if messages is None:
        return found
    for message in messages.iter():
        if message is messages:
            continue
        text = (message.text or '').strip()
        if text:
            found.append(text)
    return found


def json_messages(body):
    """Human-readable messages from a vendor's JSON error body, whatever key it uses."""
    if not isinstance(body, dict):
        return []
    found = []
    for key in ('message', 'error', 'errors', 'error_description', 'detail'):
        value = body.get(key)
        if isinstance(value, list):
            found.extend(str(v) for v in value if v)
        elif value not in (None, '', True, False):
            found.append(str(value))
    return found


def _first(text):
    """The first character of ``text`` that is not white space ('' for none), found without copying the text."""
    found = _NON_SPACE.search(text or '')
    return found.group() if found else ''


def _parsed(reply, kind, parse):
    """``parse(text)`` of the reply body, once per reply: every reader of a reply (the driver's checks, its messages,
    the result's data) shares one parse instead of each holding its own copy of a large body's objects."""
    memo = getattr(reply, '_apiauth_parsed', None)
    if memo is None:
        memo = {}
        try:
            reply._apiauth_parsed = memo
        except AttributeError:  # a reply type that takes no attributes: parsed each time
            pass
    if kind not in memo:
        text = reply.text or ''
        if text[:1].isspace() or text[-1:].isspace():
            text = text.strip()  # a copy, only for a body that has surrounding white space
        try:
            memo[kind] = (True, parse(text))
        except (ValueError, ET.ParseError) as exc:
            memo[kind] = (False, exc)
    ok, value = memo[kind]
    if not ok:
        raise value
    return value


def reply_json(reply):
    """The reply body as JSON, parsed once per reply; raises ValueError (TooDeep included) as loads_json does."""
    return _parsed(reply, 'json', loads_json)


def reply_xml(reply):
    """The reply body's XML root element, parsed once per reply; raises ET.ParseError (DoctypeRefused included)."""
    return _parsed(reply, 'xml', parse_xml_text)


def reply_messages(reply):
    """Best-effort vendor messages from any reply body, XML or JSON; never raises."""
    first = _first(reply.text)
    if first == '<':
        try:
            return xml_messages(reply_xml(reply))
        except ET.ParseError:
            return []
    if first in ('{', '['):
        try:
            return json_messages(reply_json(reply))
        except ValueError:
            return []
    return []


def xml_root(reply):
    """The reply body's XML root element, or None when the body is not XML."""
    if _first(reply.text) != '<':
        return None
    try:
        return reply_xml(reply)
    except ET.ParseError:
        return None


def decode_body(reply, root=None):
    """The reply body as plain data: JSON as JSON, XML through element_to_data, else the text."""
    text = reply.text or ''
    first = _first(text)
    if not first:
        return None
    if first in ('{', '['):
        try:
            return reply_json(reply)
        except ValueError:
            pass
    root = root if root is not None else xml_root(reply)
    if root is not None:
        return {root.tag: element_to_data(root)}
    return text
