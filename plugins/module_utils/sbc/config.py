# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Oracle SBC configuration elements: read them, compare them with a desired state, write only the difference.

Everything goes through a VendorSession (one token, renewed in place, so the configuration lock survives
long runs) and request.call (the vendor's own words in every error). Reads are made per element type,
paged as the appliance pages (next-page links, else offsets), never per element: a run that changes nothing costs
one GET per page of each type (plus one to see the end when the appliance gives no next-page link).

Assumed where the SBC documents are silent (docs: tests/simulator/sbc_elements.py says the same):
a PUT changes only the attributes it carries; a multi-valued attribute is written as repeated <attribute>s and
read as those or as repeated <value>s in one <attribute>;
the metadata marks key attributes with <key>true</key> (isKey and keyAttribute are read too).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import threading
import time
import xml.etree.ElementTree as ET
from xml.sax.saxutils import unescape

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 targets
    from urlparse import urlsplit

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._payload import parse_xml_text
from ansible_collections.apiauth.vendors.plugins.module_utils._request import call, describe_reply
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.lock import lock_guard

ELEMENTS_PATH = 'configuration/configElements'
METADATA_PATH = 'configuration/elementTypes/metadata'
MANAGEMENT_PATH = 'configuration/management'
PAGE_SIZE = 100  # Oracle 10.0: "the maximum number of instances that can be returned in one call is 100"
MAX_PAGES = 1000  # bounds a server whose links or offsets never end (100,000 elements at 100 a page)
MANAGEMENT_ORDER = ('verify', 'save', 'activate')
# The last <link> of a reply's <links>, read from the end of its text before the reply is parsed (for _prefetch).
_LAST_LINK_RE = re.compile(r'<links>\s*<link>([^<]{1,2048})</link>\s*</links>\s*</response>\s*$')
_MANAGEMENT_METHODS = {'verify': 'PUT', 'save': 'PUT', 'activate': 'POST'}

# Key attributes of the common element types (Oracle SBC configuration guide); others come from the metadata.
KEY_ATTRIBUTES = {
    'realm-config': ('identifier',),
    'session-agent': ('hostname',),
    'session-group': ('group-name',),
    'steering-pool': ('ip-address', 'start-port', 'realm-id'),
    'sip-interface': ('realm-id',),
    'sip-manipulation': ('name',),
    'phy-interface': ('name',),
    'network-interface': ('name', 'sub-port-id'),
    'local-policy': ('from-address', 'to-address', 'source-realm'),
}


def config_error(message, reason='bad_option'):
    return ApiAuthError(message, vendor='oracle_sbc', reason=reason)


# -- values -------------------------------------------------------------------------------------------
def normalise_value(value, where):
    """An attribute value as the SBC writes it: text, or a list of texts for a multi-valued attribute."""
    if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value)):
        raise config_error('%s: sub-elements (nested mappings) are not supported by this module; change them with '
                           'apiauth.vendors.vendor_request' % where)
    if isinstance(value, list):
        return [normalise_value(item, where) for item in value]
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'enabled' if value else 'disabled'
    return str(value)


# What an element value may not hold: C0 controls (tab, LF and CR included: no SBC value spans lines, and a trailing
# newline from a file lookup is the usual way one gets in), DEL, C1 controls, and what XML 1.0 cannot carry at all
# (lone surrogates, U+FFFE, U+FFFF). The SBC answers 400 "Malformed XML body" to such a body.
_UNSENDABLE = re.compile(u'[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]')


def check_text(text, where):
    """Refuse ``text`` (an element type, attribute name or value) holding a character the SBC cannot take."""
    found = _UNSENDABLE.search(text)
    if found is not None:
        raise config_error('%s holds the control character U+%04X at position %d, which the SBC cannot take in '
                           'XML (a trailing newline from a file lookup is a common cause): remove it. Nothing was sent'
                           % (where, ord(found.group()), found.start()))


def check_spec(index, spec):
    """Every check of one element spec that needs no request: run over all specs before the first request."""
    element_type = spec.get('element_type')
    where = 'element %d (%s)' % (index, element_type)
    if isinstance(element_type, str):
        check_text(element_type, 'element %d: element_type' % index)
    attributes = spec.get('attributes')
    for name, value in (attributes.items() if isinstance(attributes, dict) else ()):
        check_text(str(name), '%s: attribute name %r' % (where, name))
        if isinstance(value, list) and not value:
            # The SBC's REST documents give no way to clear a multi-valued attribute: a PUT leaves what it does not
            # carry as it is, so an empty list would be sent as nothing and never converge.
            raise config_error('%s attribute %r: an empty list cannot be applied, as the SBC REST API documents no way to '
                               'clear a multi-valued attribute (a PUT leaves attributes it does not carry unchanged). '
                               'Give the values to keep; or delete the element (state=absent) and create it again '
                               'without this attribute, which leaves it at its default; or clear it on the appliance '
                               '(ACLI or Web GUI). Nothing was sent' % (where, name))
        for item in (value if isinstance(value, list) else [value]):
            if isinstance(item, str):
                check_text(item, '%s attribute %r: value' % (where, name))
    for key in spec.get('keys') or ():
        if isinstance(key, str):
            check_text(key, '%s: key name %r' % (where, key))


def same_value(current, wanted):
    if isinstance(wanted, list):
        current = [] if current is None else current if isinstance(current, list) else [current]
        return current == wanted
    return (current if current is not None else None) == wanted


# -- reading ------------------------------------------------------------------------------------------
def _attribute_values(attribute):
    """The values of one <attribute>: its <value>s, however many (an SBC may write a multi-valued attribute as
    repeated <value> in one <attribute> as well as repeated <attribute>s; both are read)."""
    values = [value.text or '' for value in attribute.findall('value')]
    return values or ['']


def parse_elements(text):
    """[(elementType, {attribute: value or [values]}, has_sub_elements)] from a configElements reply body."""
    try:
        root = parse_xml_text(text or '<response/>')
    except ET.ParseError as exc:
        raise config_error('Oracle SBC GET %s: the reply does not parse as XML (%s)' % (ELEMENTS_PATH, exc), reason='bad_reply')
    return _parse_page(root)[0]


def _parse_page(root):
    """(elements as parse_elements gives them, [link texts]) of one parsed configElements reply."""
    data = root.find('data') if root.tag == 'response' else root
    found = []
    for elem in (data.iter('configElement') if data is not None else ()):
        attrs = {}
        for attribute in elem.findall('attribute'):
            name = (attribute.findtext('name') or '').strip()
            if not name:
                continue
            values = _attribute_values(attribute)
            if name in attrs:
                values = (attrs[name] if isinstance(attrs[name], list) else [attrs[name]]) + values
            attrs[name] = values if len(values) > 1 else values[0]
        found.append(((elem.findtext('elementType') or '').strip(), attrs, elem.find('subElement') is not None))
    links_el = root.find('links') if root.tag == 'response' else None
    links = [(link.text or '').strip() for link in (links_el.iter('link') if links_el is not None else ())]
    return found, [link for link in links if link]


def _origin(parts):
    try:
        port = parts.port or {'https': 443, 'http': 80}.get(parts.scheme.lower())
    except ValueError:  # a port that is not a number
        port = None
    return parts.scheme.lower(), (parts.hostname or '').lower(), port


def next_page_path(session, link):
    """The path and query of a next-page ``link`` (Oracle 10.0: an absolute URL); only on the appliance's own scheme,
    host and port, as the request carries the token."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        base = urlsplit(session.driver.base_url())
        if _origin(parts) != _origin(base):
            raise config_error('Oracle SBC: the next-page link of GET %s (%s://%s) is not on %s://%s: not followed, so the '
                               'token goes to no other address' % (ELEMENTS_PATH, parts.scheme, parts.netloc, base.scheme, base.netloc),
                               reason='bad_reply')
    if not parts.path:
        raise config_error('Oracle SBC: the next-page link of GET %s names no path' % ELEMENTS_PATH, reason='bad_reply')
    return parts.path + ('?' + parts.query if parts.query else '')


def _send_page(session, path, query):
    """One GET of a page of elements (the reply, whatever its status)."""
    return session.request('GET', path, params=query)


def _checked_root(session, reply):
    """The parsed body of a page, with call()'s checks on the reply (the vendor's words on an error status; an HTML
    page or a body that does not parse refused) but parsed once and not decoded into data: pages of 100 elements are
    the largest replies the collection reads."""
    action = 'GET %s' % ELEMENTS_PATH
    try:
        if reply.status != 200:
            session.driver.fail(reply, action, *session.driver.explain(reply))
        try:
            root = parse_xml_text(reply.text or '<response/>')
        except ET.ParseError:  # DoctypeRefused included: check_api_reply lets it by, and it is no page
            root = None
        if root is None or root.tag != 'response':
            session.driver.check_api_reply(reply, action)  # an HTML page, or what does not parse, in its words
        if root is None:
            raise config_error('Oracle SBC %s: the reply is not XML' % action, reason='bad_reply')
    except ApiAuthError as exc:
        hidden = ('content', 'data') if exc.reason == 'bad_reply' else ('content',)
        exc.result = dict((k, v) for k, v in describe_reply(reply).items() if k not in hidden)
        raise
    return root


class _Prefetch(object):
    """The GET of the next linked page, sent while this page is parsed: an appliance answers tens of milliseconds
    after each request, and parsing a page of 100 elements costs a few. At most one request is in flight, only to a
    next-page path already checked to be on the appliance, and it is used only if the parsed reply links to it."""

    def __init__(self, session, path):
        self.path, self.reply, self.error = path, None, None
        self.thread = threading.Thread(target=self._run, args=(session,), name='sbc-config-next-page')
        self.thread.daemon = True
        self.thread.start()
        # Let it send before this thread parses: the interpreter would otherwise switch to it only after 5 ms.
        time.sleep(0.001)

    def _run(self, session):
        try:
            self.reply = _send_page(session, self.path, None)
        except ApiAuthError as exc:  # raised by the reader, as its own
            self.error = exc

    def result(self):
        self.thread.join()
        if self.error is not None:
            raise self.error
        if self.reply is None:
            raise config_error('Oracle SBC GET %s: no reply for the next page' % ELEMENTS_PATH, reason='bad_reply')
        return self.reply


def _prefetch(session, reply, visited):
    """A _Prefetch of the page this reply's next-page link names, found without parsing the reply; or None."""
    if reply.status != 200:
        return None
    match = _LAST_LINK_RE.search((reply.text or '')[-4096:])
    if match is None:
        return None
    try:
        path = next_page_path(session, unescape(match.group(1)).strip())
    except ApiAuthError:
        return None  # refused again, with its message, once the reply is parsed
    return None if path in visited else _Prefetch(session, path)


def read_type(session, element_type, running=False, filters=None, page_size=PAGE_SIZE):
    """Every element of ``element_type`` (of the running configuration if ``running``), paged; optional key filters.

    The appliance chooses its page size (Oracle 10.0: at most 100, whatever maxElements asks) and links to the next
    page when there is more. So: a next-page link is followed; once the appliance has linked pages, a page without a
    link is the last; an appliance that never links is read by offset until a page brings nothing new. A short page
    alone concludes nothing. Key filters select one element: one read."""
    elements, seen, visited = [], set(), set()
    query = {'elementType': element_type, 'offset': 0, 'maxElements': page_size}
    if running:
        query['running'] = 'true'
    query.update(filters or {})
    path, offset, linked, ahead = ELEMENTS_PATH, 0, False, None
    try:
        for number in range(MAX_PAGES):
            if ahead is not None and query is None and ahead.path == path:
                reply = ahead.result()
            else:
                if ahead is not None:
                    ahead.thread.join()  # sent to a page the parsed reply does not link to: not used
                reply = _send_page(session, path, query)
            ahead = None if filters or number + 1 >= MAX_PAGES else _prefetch(session, reply, visited)
            try:
                root = _checked_root(session, reply)
            except ApiAuthError as exc:
                if exc.status == 404 and filters:
                    return []  # selected by key, and there is none
                raise
            page, links = _parse_page(root)
            fresh = [item for item in page if repr(sorted(item[1].items())) not in seen]
            for item in fresh:
                seen.add(repr(sorted(item[1].items())))
            elements.extend(fresh)
            if filters:
                return elements
            if links:
                linked = True
                path, query = next_page_path(session, links[0]), None
                if path in visited:
                    raise config_error('Oracle SBC: the next-page link of GET %s links back to a page already read (%s)'
                                       % (ELEMENTS_PATH, path), reason='bad_reply')
                visited.add(path)
                continue
            if linked or not fresh:  # the last linked page; or an empty page (or a repeated one: offset is ignored)
                return elements
            offset += len(page)
            query['offset'] = offset
            path = ELEMENTS_PATH
    finally:
        if ahead is not None:
            ahead.thread.join()  # no request left in flight
    raise config_error('Oracle SBC: more than %d pages of %s elements; giving up' % (MAX_PAGES, element_type), reason='bad_reply')


def metadata_keys(session, element_type):
    """The key attributes of ``element_type`` from configuration/elementTypes/metadata."""
    reply = call(session, 'GET', METADATA_PATH, query={'elementType': element_type})
    keys = []
    try:
        root = parse_xml_text(reply['content'] or '<response/>')
    except ET.ParseError:
        root = None
    for meta in (root.iter('attributeMetadata') if root is not None else ()):
        flag = next((meta.findtext(tag) for tag in ('key', 'isKey', 'keyAttribute') if meta.find(tag) is not None), '')
        name = (meta.findtext('name') or '').strip()
        if name and (flag or '').strip().lower() in ('true', 'yes', '1'):
            keys.append(name)
    if not keys:
        raise config_error('Oracle SBC: the metadata of element type %r names no key attribute; give keys explicitly'
                           % element_type)
    return tuple(keys)


def resolve_keys(session, element_type, keys, known):
    """Key attributes for a type: given, else the built-in table, else the SBC's metadata (asked once per type)."""
    if keys:
        return tuple(keys)
    if element_type in KEY_ATTRIBUTES:
        return KEY_ATTRIBUTES[element_type]
    if element_type not in known:
        known[element_type] = metadata_keys(session, element_type)
    return known[element_type]


# -- desired state ------------------------------------------------------------------------------------
class Desired(object):
    """One element as the user wants it."""

    def __init__(self, element_type, attributes, keys, state, index):
        self.element_type = element_type
        self.state = state
        self.keys = keys
        where = 'element %d (%s)' % (index, element_type)
        if not isinstance(attributes, dict) or not attributes:
            raise config_error('%s: attributes must be a non-empty mapping of attribute name to value' % where)
        self.attributes = dict((str(name), normalise_value(value, '%s attribute %r' % (where, name)))
                               for name, value in attributes.items())
        missing = [key for key in keys if not self.attributes.get(key)]
        if missing:
            raise config_error('%s: the key attribute(s) %s must be given in attributes (keys of %s: %s)'
                               % (where, ', '.join(missing), element_type, ', '.join(keys)))
        for key in keys:
            if isinstance(self.attributes[key], list):
                raise config_error('%s: key attribute %r must be a single value' % (where, key))
        self.key = tuple(self.attributes[key] for key in keys)

    @property
    def label(self):
        return '%s %s' % (self.element_type, ', '.join('%s=%s' % pair for pair in zip(self.keys, self.key)))

    def key_dict(self):
        return dict(zip(self.keys, self.key))


def desired_elements(session, specs):
    """Desired objects from the module's element specs; every input error is raised before anything is sent."""
    known, wanted, seen, type_keys = {}, [], {}, {}
    for index, spec in enumerate(specs, 1):
        check_spec(index, spec)  # all of them before resolve_keys, which may ask the SBC for a type's metadata
    for index, spec in enumerate(specs, 1):
        element_type = (spec.get('element_type') or '').strip()
        if not element_type:
            raise config_error('element %d: element_type is required' % index)
        state = spec.get('state') or 'present'
        if state not in ('present', 'absent'):
            raise config_error('element %d (%s): state must be present or absent' % (index, element_type))
        keys = resolve_keys(session, element_type, spec.get('keys'), known)
        if type_keys.setdefault(element_type, keys) != keys:
            raise config_error('element %d (%s): keys %s differ from the keys %s given for another %s element'
                               % (index, element_type, ', '.join(keys), ', '.join(type_keys[element_type]), element_type))
        desired = Desired(element_type, spec.get('attributes'), keys, state, index)
        if (element_type, desired.key) in seen:
            raise config_error('element %d: %s is also element %d; give each element once' % (index, desired.label, seen[(element_type, desired.key)]))
        seen[(element_type, desired.key)] = index
        wanted.append(desired)
    return wanted


# -- planning and applying ----------------------------------------------------------------------------
def plan(desired, current):
    """The per-element result (action, before, after) of bringing ``current`` (attributes or None) to ``desired``."""
    key = desired.key_dict()
    result = dict(element_type=desired.element_type, key=key, state=desired.state, action='none', changed=False,
                  before=None, after=None, changed_attributes=[])
    if current is not None:
        result['before'] = dict((name, current.get(name)) for name in desired.attributes)
    if desired.state == 'absent':
        if current is not None:
            result.update(action='delete', changed=True)
        return result
    result['after'] = dict(desired.attributes)
    if current is None:
        result.update(action='create', changed=True, changed_attributes=sorted(desired.attributes))
        return result
    differs = sorted(name for name, value in desired.attributes.items() if not same_value(current.get(name), value))
    if differs:
        result.update(action='update', changed=True, changed_attributes=differs)
    return result


def element_body(element_type, attributes):
    """The <configElement> XML of a POST or PUT; a list value becomes repeated attributes."""
    root = ET.Element('configElement')
    ET.SubElement(root, 'elementType').text = element_type
    for name, value in attributes.items():
        for one in (value if isinstance(value, list) else [value]):
            attribute = ET.SubElement(root, 'attribute')
            ET.SubElement(attribute, 'name').text = name
            ET.SubElement(attribute, 'value').text = one
    return ET.tostring(root, encoding='unicode')


def _write(session, desired, result):
    if result['action'] == 'delete':
        query = dict(desired.key_dict(), elementType=desired.element_type)
        return call(session, 'DELETE', ELEMENTS_PATH, query=query, guard=lock_guard)
    if result['action'] == 'create':
        attributes = desired.attributes
        method = 'POST'
    else:  # only the key and what differs: attributes the user did not name are left as they are
        attributes = dict(desired.key_dict())
        attributes.update((name, desired.attributes[name]) for name in result['changed_attributes'])
        method = 'PUT'
    return call(session, method, ELEMENTS_PATH, data=element_body(desired.element_type, attributes),
                headers={'Content-Type': 'application/xml'}, guard=lock_guard)


def diff_entry(result):
    """What --diff shows for one element: the key and the attributes that change, before and after."""
    def side(values, present):
        if not present:
            return {}
        shown = dict(result['key'])
        shown.update((name, (values or {}).get(name)) for name in result['changed_attributes'])
        return shown
    label = '%s %s' % (result['element_type'], ', '.join('%s=%s' % item for item in sorted(result['key'].items())))
    if result['action'] == 'delete':
        before = dict(result['key'])
        before.update(result['before'] or {})
        after = {}
    else:
        before = side(result['before'], result['action'] == 'update')
        after = side(result['after'], True)
    return dict(before=before, after=after, before_header='%s (before)' % label, after_header='%s (after)' % label)


def apply(session, specs, check_mode=False, management=(), force_management=False, operation_timeout=300):
    """Bring the SBC to the desired elements; returns the module result (changed, results, writes, management, diff).

    Outside check mode the lock is checked once before any read (reads need no lock, but a run that is going to
    fail for want of it should fail before it reads); every write is guarded again, as the token may be replaced.
    """
    desired = desired_elements(session, specs)
    if not check_mode:
        lock_guard(session.token())
    current = {}
    type_keys = dict((item.element_type, item.keys) for item in desired)
    for element_type in sorted(type_keys):
        for _etype, attrs, _sub in read_type(session, element_type):
            current[(element_type, tuple(attrs.get(key) for key in type_keys[element_type]))] = attrs
    results, writes = [], 0
    for item in desired:
        result = plan(item, current.get((item.element_type, item.key)))
        if result['changed'] and not check_mode:
            try:
                _write(session, item, result)
            except ApiAuthError as exc:
                exc.message = '%s: %s' % (item.label, exc.message)
                exc.args = (exc.message,)
                exc.result = dict(changed=writes > 0, results=results + [dict(result, changed=False, failed=True)], writes=writes)
                raise
            writes += 1
        results.append(result)
    changed = any(result['changed'] for result in results)
    ran = []
    if management and (changed or force_management):
        for action in MANAGEMENT_ORDER:
            if action not in management:
                continue
            if not check_mode:
                try:
                    call(session, _MANAGEMENT_METHODS[action], MANAGEMENT_PATH, query={'action': action},
                         wait_for_operation=True, operation_timeout=operation_timeout, guard=lock_guard)
                except ApiAuthError as exc:
                    exc.message = 'after %d write(s), %s: %s' % (writes, action, exc.message)
                    exc.args = (exc.message,)
                    exc.result = dict(changed=changed, results=results, writes=writes, management=ran)
                    raise
            ran.append(action)
    return dict(changed=changed or bool(ran), results=results, writes=writes, management=ran,
                diff=[diff_entry(result) for result in results if result['changed']])
