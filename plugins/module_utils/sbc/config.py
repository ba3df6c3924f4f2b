# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Oracle SBC configuration elements: bring them to a desired state, writing only the difference, under the lock.

Everything goes through a VendorSession (one token, renewed in place, so the configuration lock survives long
runs) and request.call (the vendor's own words in every error). The parts live beside this file: config_keys (what
identifies an element), config_read (paged reads), config_desired (the desired state, checked before any request
that writes), config_plan (the comparison, the bodies and the diff).

Within one run, creates and updates are sent in the order given and deletes in the reverse order, so an element is
created after what it refers to (a realm before the sip-interface in it) and deleted before it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._payload import xml_root
from ansible_collections.apiauth.vendors.plugins.module_utils._request import call, call_reply
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_desired import Desired, check_spec
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_keys import KeyBook, config_error
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_plan import (
    diff_entries, element_body, key_values, plan, removals_left)
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_read import ELEMENTS_PATH, _parse_page, read_type
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.lock import lock_guard

MANAGEMENT_PATH = 'configuration/management'
MANAGEMENT_ORDER = ('verify', 'save', 'activate')
_MANAGEMENT_METHODS = {'verify': 'PUT', 'save': 'PUT', 'activate': 'POST'}
_XML = {'Content-Type': 'application/xml'}


def desired_elements(session, specs, book=None):
    """Desired objects from the module's element specs; every input error is raised before anything is written
    (key attributes the built-in tables do not know are asked of the SBC's metadata, a read)."""
    book = book or KeyBook(session)
    wanted, seen, type_keys = [], {}, {}
    for index, spec in enumerate(specs, 1):
        check_spec(index, spec)  # all of them before the first metadata read
    for index, spec in enumerate(specs, 1):
        element_type = (spec.get('element_type') or '').strip()
        if not element_type:
            raise config_error('element %d: element_type is required' % index)
        state = spec.get('state') or 'present'
        if state not in ('present', 'absent'):
            raise config_error('element %d (%s): state must be present or absent' % (index, element_type))
        keys = book.element_keys(element_type, spec.get('keys'))
        if type_keys.setdefault(element_type, keys) != keys:
            raise config_error('element %d (%s): keys %s differ from the keys %s given for another %s element'
                               % (index, element_type, ', '.join(keys), ', '.join(type_keys[element_type]), element_type))
        given = spec.get('sub_element_keys')

        def sub_keys(sub_type, where='', _type=element_type, _given=given):
            return book.sub_keys(_type, sub_type, _given, where)
        desired = Desired(element_type, spec.get('attributes'), keys, state, index, sub_keys)
        if (element_type, desired.key) in seen:
            raise config_error('element %d: %s is also element %d; give each element once' % (index, desired.path, seen[(element_type, desired.key)]))
        seen[(element_type, desired.key)] = index
        wanted.append(desired)
    return wanted


def _send(session, method, desired, attributes=None):
    """One write; the reply's parsed body (POST/PUT replies carry the complete element)."""
    if method == 'DELETE':
        query = dict(desired.key_dict(), elementType=desired.element_type)
        return xml_root(call_reply(session, 'DELETE', ELEMENTS_PATH, query=query, guard=lock_guard)[1])
    return xml_root(call_reply(session, method, ELEMENTS_PATH, data=element_body(desired.element_type, attributes),
                               headers=_XML, guard=lock_guard)[1])


def _write(session, desired, result):
    """The requests that apply one element's change; how many were sent."""
    if result['action'] == 'delete':
        try:
            _send(session, 'DELETE', desired)
        except ApiAuthError as exc:
            if not desired.keys and exc.status in (400, 403, 405, 409):
                exc.message = ('%s is a singleton (the one element of its type) and this SBC does not delete it: %s. '
                               'Leave it present and set its attributes instead' % (desired.element_type, exc.message))
                exc.args = (exc.message,)
            raise
        return 1
    if result['action'] == 'create':
        if desired.keys:
            _send(session, 'POST', desired, desired.attributes)
            return 1
        # Oracle: a singleton is created by POSTing its element type alone, then edited like any element.
        _send(session, 'POST', desired, {})
        if not desired.attributes:
            return 1
        _send(session, 'PUT', desired, desired.attributes)
        return 2
    root = _send(session, 'PUT', desired, result['_send'])
    left = removals_left(_reply_element(root), desired) if result['changed_sub_elements'] else []
    if not left:
        return 1
    # This SBC merged the sub-elements by key instead of replacing the type's list: a PUT cannot remove one. The
    # element is deleted and created again, complete, in the candidate configuration (nothing runs it until activate).
    session.warn('%s: the SBC kept %s after a PUT that left it out (it merges sub-elements by key); the element was '
                 'deleted and created again with its complete configuration to remove it' % (desired.path, ', '.join(left)))
    try:
        _send(session, 'DELETE', desired)
    except ApiAuthError as exc:
        # Nothing is lost: the PUT applied everything but the removal, and the element is as it was after it.
        exc.message = ('the PUT applied every change but the removal of %s, which this SBC keeps (it merges '
                       'sub-elements by key); deleting the element to create it again without them was refused: %s. '
                       'Remove them on the appliance (ACLI or Web GUI)' % (', '.join(left), exc.message))
        exc.args = (exc.message,)
        exc.applied = 1
        raise
    _send(session, 'POST', desired, result['_full'])
    return 3


def _reply_element(root):
    """The attributes of the element a POST/PUT reply carries, or None when it carries none."""
    if root is None:
        return None
    found = _parse_page(root)[0]
    return found[0][1] if found else None


def _read_current(session, desired):
    current = {}
    type_keys = dict((item.element_type, item.keys) for item in desired)
    for element_type in sorted(type_keys):
        keys = type_keys[element_type]
        for _etype, attrs, _sub in read_type(session, element_type, singleton=not keys):
            current.setdefault((element_type, key_values(attrs, keys)), attrs)
    return current


def _public(result):
    return dict((k, v) for k, v in result.items() if not k.startswith('_'))


def apply(session, specs, check_mode=False, management=(), force_management=False, operation_timeout=300):
    """Bring the SBC to the desired elements; returns the module result (changed, results, writes, management, diff).

    Outside check mode the lock is checked once before any read (reads need no lock, but a run that is going to
    fail for want of it should fail before it reads); every write is guarded again, as the token may be replaced.
    """
    desired = desired_elements(session, specs)
    if not check_mode:
        lock_guard(session.token())
    current = _read_current(session, desired)
    results = [plan(item, current.get((item.element_type, item.key))) for item in desired]
    steps = [n for n, result in enumerate(results) if result['action'] in ('create', 'update')]
    steps += [n for n in reversed(range(len(results))) if results[n]['action'] == 'delete']
    writes, done = 0, []
    for number in (() if check_mode else steps):
        item = desired[number]
        try:
            writes += _write(session, item, results[number])
        except ApiAuthError as exc:
            writes += getattr(exc, 'applied', 0)
            exc.message = '%s: %s' % (item.path, exc.message)
            exc.args = (exc.message,)
            exc.result = dict(changed=writes > 0, writes=writes,
                              results=[_public(results[n]) for n in done] + [dict(_public(results[number]), changed=False, failed=True)])
            raise
        done.append(number)
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
                    exc.result = dict(changed=changed, results=[_public(result) for result in results], writes=writes, management=ran)
                    raise
            ran.append(action)
    diff = [entry for result in results if result['changed'] for entry in diff_entries(result)]
    return dict(changed=changed or bool(ran), results=[_public(result) for result in results], writes=writes,
                management=ran, diff=diff)
