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

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._payload import data_to_xml, decode_body, element_to_data, reply_messages, xml_root
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.reauth import recover_lock, tell_renewal_as_login

CONTENT_TYPES = {'json': 'application/json', 'xml': 'application/xml', 'form': 'application/x-www-form-urlencoded'}
# Oracle documents 'success' and 'fail'; the others are what a failed operation might plausibly be called.
OPERATION_DONE = ('success', 'fail', 'failed', 'failure', 'error', 'aborted')
# Oracle: "the status of the most recently-issued request that required asynchronous processing", polled when a
# 202 names no operation link.
ASYNC_STATUS = 'admin/asyncstatus'


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
    if guard is not None and recover_lock(session, reply):
        # A renewal had left the lock with the token it replaced; the lock is ours again, and a 423 applied nothing.
        reply = session.request(method, path, headers=headers, params=query, data=data, guard=guard)
    if guard is not None:
        tell_renewal_as_login(session)  # found by a renewal (maybe the keeper's, which cannot warn): told here, once
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
    if wait_for_operation and reply.status == 202:
        link = result['links'][0] if result['links'] else ASYNC_STATUS
        action = (query or {}).get('action') if not result['links'] else None
        result['operation'] = wait_operation(session, link, operation_timeout, guard, sleep, clock, expect=action)
    return result


def _port(parts):
    try:
        return parts.port or {'https': 443, 'http': 80}.get(parts.scheme.lower())
    except ValueError:  # a port that is not a number
        return None


def operation_path(session, link):
    """The path to poll for an operation ``link``: a path, or an absolute URL on the host of ``url`` (the poll carries
    the token, so a link to any other host or scheme is refused)."""
    parts = urlsplit(link.strip())
    if parts.scheme or parts.netloc:
        base = urlsplit(session.driver.base_url())
        if (parts.scheme.lower(), (parts.hostname or '').lower(), _port(parts)) != \
                (base.scheme.lower(), (base.hostname or '').lower(), _port(base)):
            raise ApiAuthError('%s operation link %s://%s is not on %s://%s: not polled, so the token goes to no other address'
                               % (session.driver.title, parts.scheme, parts.netloc, base.scheme, base.netloc),
                               vendor=session.driver.name, reason='bad_reply')
    path = parts.path or ASYNC_STATUS
    return path + ('?' + parts.query if parts.query else '')


def _operation_details(data):
    """Texts the operation reply carries besides its state (Oracle puts a failure's message in <data>)."""
    if not isinstance(data, dict):
        return []
    found = []

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif value not in (None, '') and len(found) < 5:
            found.append(str(value))
    walk(dict((k, v) for k, v in data.items() if k != 'operationState'))
    return found


def wait_operation(session, link, timeout, guard=None, sleep=time.sleep, clock=time.time, expect=None):
    """Poll an SBC operation ``link`` (or admin/asyncstatus) until it is done; bounded by ``timeout`` seconds.

    ``expect`` is the action started (save, verify, activate) when polling admin/asyncstatus, which reports whichever
    asynchronous request was issued last, by anyone: a different one means ours can no longer be followed."""
    path = operation_path(session, link)
    deadline = clock() + timeout
    delay = 0.25
    while True:
        polled = call(session, 'GET', path, guard=guard)
        data = polled['data']
        state = data.get('operationState', data) if isinstance(data, dict) else {}
        state = state if isinstance(state, dict) else {}
        status = str(state.get('status', '')).lower()
        operation = str(state.get('operation', '') or '')
        if expect and operation and operation.lower() != str(expect).lower():
            raise ApiAuthError('%s %s reports a %r operation, not the %r just started: another client started one since, so '
                               'the outcome of %r cannot be followed here; check it on the appliance'
                               % (session.driver.title, path, operation, expect, expect),
                               vendor=session.driver.name, reason='operation_unknown')
        if status == 'success':
            return state
        if status in OPERATION_DONE:
            details = _operation_details(data) + polled['messages']
            said = ': ' + '; '.join(details) if details else ''
            raise ApiAuthError('%s operation %s ended with status %r%s' % (session.driver.title, operation or path, status, said),
                               vendor=session.driver.name, reason='operation_failed')
        if clock() >= deadline:
            raise ApiAuthError('%s operation %s still %r after %s seconds' % (session.driver.title, path, status or 'unknown', timeout),
                               vendor=session.driver.name, reason='operation_timeout')
        sleep(delay)
        delay = min(delay * 2, 2.0)
