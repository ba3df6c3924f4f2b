# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generic authenticated calls: body encoding, reply decoding, SBC operation polling."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import time

try:
    from urllib.parse import urlencode, urlsplit, urlunsplit
except ImportError:  # pragma: no cover - Python 2 targets
    from urllib import urlencode
    from urlparse import urlsplit, urlunsplit

from ansible_collections.apiauth.vendors.plugins.module_utils.errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils.payload import data_to_xml, decode_body, element_to_data, reply_messages, xml_root

CONTENT_TYPES = {'json': 'application/json', 'xml': 'application/xml', 'form': 'application/x-www-form-urlencoded'}
OPERATION_DONE = ('success', 'failed', 'failure', 'error', 'aborted')


def encode_body(body, body_format, headers=None):
    """(data, headers) for ``body`` in ``body_format``; the caller's headers win over ours."""
    merged = {}
    if body is not None and body_format in CONTENT_TYPES:
        merged['Content-Type'] = CONTENT_TYPES[body_format]
    merged.update(headers or {})
    if body is None or isinstance(body, (str, bytes)):
        return body, merged
    if body_format == 'json' or body_format == 'raw':
        return json.dumps(body), merged
    if body_format == 'xml':
        return data_to_xml(body), merged
    if not isinstance(body, dict):
        raise ApiAuthError('body_format=form needs a mapping body, got %s' % type(body).__name__, reason='bad_option')
    return urlencode(body), merged


def describe_reply(reply):
    """A reply as module-result fields: status, url, data, messages, links, content."""
    root, links = xml_root(reply), []
    if root is not None and root.tag == 'response':
        # The SBC envelope <response><data/><messages/><links/></response>: data and links are what callers want.
        inner = root.find('data')
        data = element_to_data(inner) if inner is not None and (len(inner) or (inner.text or '').strip()) else None
        links_el = root.find('links')
        links = [text.strip() for text in links_el.itertext() if text.strip()] if links_el is not None else []
    else:
        data = decode_body(reply, root)
    parts = urlsplit(reply.url)
    return {
        'status': reply.status,
        'url': urlunsplit((parts.scheme, parts.netloc, parts.path, '', '')),
        'data': data,
        'messages': reply_messages(reply),
        'links': links,
        'content': reply.text,
    }


def call(session, method, path, query=None, data=None, headers=None, status_code=(200, 201, 202, 204),
         wait_for_operation=False, operation_timeout=300, guard=None, sleep=time.sleep, clock=time.time):
    """One authenticated call through ``session``; raises ApiAuthError (with ``result``) on an unexpected status."""
    reply = session.request(method, path, headers=headers, params=query, data=data, guard=guard)
    result = describe_reply(reply)
    try:
        if reply.status not in status_code:
            session.driver.fail(reply, '%s %s' % (method, path), *session.driver.explain(reply))
        if reply.ok:
            session.driver.check_api_reply(reply, '%s %s' % (method, path))
    except ApiAuthError as exc:
        # Not the body again (an unreadable one is not data either): the message already says what it was.
        hidden = ('content', 'data') if exc.reason == 'bad_reply' else ('content',)
        exc.result = dict((k, v) for k, v in result.items() if k not in hidden)
        raise
    if wait_for_operation and reply.status == 202 and result['links']:
        result['operation'] = wait_operation(session, result['links'][0], operation_timeout, guard, sleep, clock)
    return result


def wait_operation(session, link, timeout, guard=None, sleep=time.sleep, clock=time.time):
    """Poll an SBC operation link until it is done; bounded by ``timeout`` seconds."""
    path = urlsplit(link).path or link
    deadline = clock() + timeout
    delay = 0.25
    while True:
        state = call(session, 'GET', path, guard=guard)['data']
        state = state.get('operationState', state) if isinstance(state, dict) else {}
        status = str(state.get('status', '')).lower() if isinstance(state, dict) else ''
        if status == 'success':
            return state
        if status in OPERATION_DONE:
            raise ApiAuthError('%s operation %s ended with status %r' % (session.driver.title, path, status),
                               vendor=session.driver.name, reason='operation_failed')
        if clock() >= deadline:
            raise ApiAuthError('%s operation %s still %r after %s seconds' % (session.driver.title, path, status or 'unknown', timeout),
                               vendor=session.driver.name, reason='operation_timeout')
        sleep(delay)
        delay = min(delay * 2, 2.0)
