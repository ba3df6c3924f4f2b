# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading Oracle SBC configuration elements: one element type at a time, paged as the appliance pages (next-page
links, else offsets), never per element; sub-elements come nested inside their element.

An element is returned as {attribute: value}: a text, a list of texts (a multi-valued attribute, written by an SBC
as repeated <attribute>s or as repeated <value>s in one <attribute>: both are read), or a list of mappings of the
same shape (the sub-elements of one type, under that sub-element type's name as the SBC writes it).
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
from ansible_collections.apiauth.vendors.plugins.module_utils._payload import parse_xml_text, reply_xml
from ansible_collections.apiauth.vendors.plugins.module_utils._request import describe_reply
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_keys import config_error

ELEMENTS_PATH = 'configuration/configElements'
PAGE_SIZE = 100  # Oracle 10.0: "the maximum number of instances that can be returned in one call is 100"
MAX_PAGES = 1000  # bounds a server whose links or offsets never end (100,000 elements at 100 a page)
MAX_DEPTH = 16  # sub-element nesting read; the SBC's deepest documented path has three levels
# The last <link> of a reply's <links>, read from the end of its text before the reply is parsed (for _prefetch).
_LAST_LINK_RE = re.compile(r'<links>\s*<link>([^<]{1,2048})</link>\s*</links>\s*</response>\s*$')


# -- parsing ------------------------------------------------------------------------------------------
def _attribute_values(attribute):
    """The values of one <attribute>: its <value>s, however many (an SBC may write a multi-valued attribute as
    repeated <value> in one <attribute> as well as repeated <attribute>s; both are read)."""
    values = [value.text or '' for value in attribute.findall('value')]
    return values or ['']


def parse_elements(text):
    """[(elementType, {attribute: value}, has_sub_elements)] from a configElements reply body (values: see above)."""
    try:
        root = parse_xml_text(text or '<response/>')
    except ET.ParseError as exc:
        raise config_error('Oracle SBC GET %s: the reply does not parse as XML (%s)' % (ELEMENTS_PATH, exc), reason='bad_reply')
    return _parse_page(root)[0]


def _read_attributes(node, depth=1):
    """{name: value} of one <configElement> or <subElement>: its attributes, then its sub-elements by type."""
    attrs = {}
    for attribute in node.findall('attribute'):
        name = (attribute.findtext('name') or '').strip()
        if not name:
            continue
        values = _attribute_values(attribute)
        if name in attrs:
            values = (attrs[name] if isinstance(attrs[name], list) else [attrs[name]]) + values
        attrs[name] = values if len(values) > 1 else values[0]
    subs = {}
    for sub in node.findall('subElement'):
        # The type is named in <subElementType>; <elementType> is read as well, as the documents do not settle it.
        sub_type = (sub.findtext('subElementType') or sub.findtext('elementType') or '').strip()
        if not sub_type:
            raise config_error('Oracle SBC GET %s: a <subElement> names no type' % ELEMENTS_PATH, reason='bad_reply')
        if depth >= MAX_DEPTH:
            raise config_error('Oracle SBC GET %s: sub-elements nested deeper than %d levels' % (ELEMENTS_PATH, MAX_DEPTH),
                               reason='bad_reply')
        if sub_type in attrs:
            raise config_error('Oracle SBC GET %s: %r is both an attribute and a sub-element type' % (ELEMENTS_PATH, sub_type),
                               reason='bad_reply')
        subs.setdefault(sub_type, []).append(_read_attributes(sub, depth + 1))
    attrs.update(subs)
    return attrs


def _parse_page(root):
    """(elements as parse_elements gives them, [link texts]) of one parsed configElements reply."""
    data = root.find('data') if root.tag == 'response' else root
    found = []
    for elem in (data.iter('configElement') if data is not None else ()):
        found.append(((elem.findtext('elementType') or '').strip(), _read_attributes(elem), elem.find('subElement') is not None))
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
        try:  # parsed once: check_api_reply and the error's result read the same parse
            root = reply_xml(reply) if reply.text else parse_xml_text('<response/>')
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


def read_type(session, element_type, running=False, filters=None, page_size=PAGE_SIZE, singleton=False):
    """Every element of ``element_type`` (of the running configuration if ``running``), paged; optional key filters.

    The appliance chooses its page size (Oracle 10.0: at most 100, whatever maxElements asks) and links to the next
    page when there is more. So: a next-page link is followed; once the appliance has linked pages, a page without a
    link is the last; an appliance that never links is read by offset until a page brings nothing new. A short page
    alone concludes nothing. Key filters select one element: one read. A ``singleton`` type is asked by its
    elementType alone (Oracle: a singleton GET names only the type), and a 404 means it is not configured."""
    elements, seen, visited = [], set(), set()
    query = {'elementType': element_type} if singleton else {'elementType': element_type, 'offset': 0, 'maxElements': page_size}
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
            ahead = None if filters or singleton or number + 1 >= MAX_PAGES else _prefetch(session, reply, visited)
            try:
                root = _checked_root(session, reply)
            except ApiAuthError as exc:
                if exc.status == 404 and (filters or singleton):
                    return []  # selected by key (or the one of its type), and there is none
                raise
            page, links = _parse_page(root)
            fresh = [item for item in page if repr(sorted(item[1].items())) not in seen]
            for item in fresh:
                seen.add(repr(sorted(item[1].items())))
            elements.extend(fresh)
            if filters or singleton:
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
