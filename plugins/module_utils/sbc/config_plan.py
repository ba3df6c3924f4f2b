# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Comparing an Oracle SBC element with its desired state, and the XML bodies that bring it there.

Only the attributes given are compared. A sub-element list given is the complete list of its type: its items are
matched by their key attributes (so order is no change), compared the same way at every depth, and those the SBC
has but the list leaves out are removed. Each change is named by its path, e.g.
``sip-interface[realm-id=peer-2].sip-port[address=192.0.2.10,port=5060,transport-protocol=UDP]``.

Assumed where the documents are silent (docs/protocols.md): a sub-element is written as
<subElement><subElementType>T</subElementType><attribute>...</attribute>...</subElement> inside its parent, and a PUT
that carries sub-elements of a type replaces that type's list; so an update carries, for each sub-element type that
changes, the complete list of that type with every item complete (its attributes and sub-elements as read, with the
desired ones applied), which is also right for an SBC that merges sub-elements by key.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import xml.etree.ElementTree as ET

from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_desired import (
    is_sub_list, path_part, plain_items, same_value, sub_items)


def _subs_of(attributes, sub_type):
    value = (attributes or {}).get(sub_type)
    return value if is_sub_list(value) else []


def key_values(attributes, keys):
    """The key of an element as read; a list where a key should be (an odd reply) is compared as its text."""
    return tuple(repr(value) if isinstance(value, list) else value for value in (attributes.get(key) for key in keys))


def _index(items, keys):
    found = {}
    for item in items:
        found.setdefault(key_values(item, keys), item)
    return found


def merge_tree(current, wanted, sub_keys):
    """``current`` (complete, as read) with ``wanted`` applied: its plain attributes set, each sub-element type it
    gives made exactly its list (items matched by key and merged the same way); everything else as read."""
    merged = dict(current or {})
    merged.update(plain_items(wanted))
    for sub_type, items in sub_items(wanted):
        keys = sub_keys(sub_type)
        now = _index(_subs_of(current, sub_type), keys)
        merged[sub_type] = [merge_tree(now.get(tuple(item[key] for key in keys)), item, sub_keys) for item in items]
    return merged


def compare_subs(current, wanted, path, sub_keys, changes):
    """Append to ``changes`` what differs below one element or sub-element, at every depth; return the sub-element
    types of this level whose lists differ."""
    differ = []
    for sub_type, items in sub_items(wanted):
        keys = sub_keys(sub_type)
        now = _index(_subs_of(current, sub_type), keys)
        given, changed = set(), False
        for item in items:
            key = tuple(item[name] for name in keys)
            given.add(key)
            sub_path = '%s.%s' % (path, path_part(sub_type, keys, key))
            old = now.get(key)
            if old is None:
                changes.append(dict(path=sub_path, action='create', changed_attributes=sorted(n for n, _v in plain_items(item)),
                                    before=None, after=item))
                changed = True
                continue
            differs = sorted(name for name, value in plain_items(item) if not same_value(old.get(name), value))
            if differs:
                shown = list(keys) + differs
                changes.append(dict(path=sub_path, action='update', changed_attributes=differs,
                                    before=dict((name, old.get(name)) for name in shown),
                                    after=dict((name, item.get(name)) for name in shown)))
            if compare_subs(old, item, sub_path, sub_keys, changes) or differs:
                changed = True
        for key, old in now.items():
            if key not in given:
                changes.append(dict(path='%s.%s' % (path, path_part(sub_type, keys, key)), action='delete',
                                    changed_attributes=[], before=old, after=None))
                changed = True
        if changed:
            differ.append(sub_type)
    return differ


def plan(desired, current):
    """The per-element result of bringing ``current`` (the element as read, or None) to ``desired``. Its private
    ``_send`` holds what an update's PUT carries and ``_full`` the complete element after it (what a merging SBC is
    given again, see config._write); apply() takes them out."""
    result = dict(element_type=desired.element_type, key=desired.key_dict(), path=desired.path, state=desired.state,
                  action='none', changed=False, before=None, after=None, changed_attributes=[], changed_sub_elements=[])
    if current is not None:
        result['before'] = dict((name, current.get(name)) for name in desired.attributes)
    if desired.state == 'absent':
        if current is not None:
            result.update(action='delete', changed=True)
        return result
    result['after'] = dict(desired.attributes)
    if current is None:
        result.update(action='create', changed=True, changed_attributes=sorted(n for n, _v in plain_items(desired.attributes)))
        return result
    differs = sorted(name for name, value in plain_items(desired.attributes) if not same_value(current.get(name), value))
    changes = []
    sub_types = compare_subs(current, desired.attributes, desired.path, desired.sub_keys, changes)
    if differs or sub_types:
        send = dict(desired.key_dict())
        send.update((name, desired.attributes[name]) for name in differs)
        merged = merge_tree(current, desired.attributes, desired.sub_keys)
        send.update((sub_type, merged[sub_type]) for sub_type in sub_types)
        public = [dict((k, v) for k, v in change.items() if k in ('path', 'action', 'changed_attributes')) for change in changes]
        result.update(action='update', changed=True, changed_attributes=differs, changed_sub_elements=public,
                      _send=send, _full=merged, _diff=changes)
    return result


def removals_left(reply_element, desired):
    """The paths of sub-elements the desired state removes that an SBC's PUT reply (the complete element) still
    holds: an SBC that merges sub-elements by key instead of replacing a type's list."""
    changes = []
    compare_subs(reply_element, desired.attributes, desired.path, desired.sub_keys, changes)
    return [change['path'] for change in changes if change['action'] == 'delete']


# -- bodies -------------------------------------------------------------------------------------------
def _fill(node, attributes):
    for name, value in plain_items(attributes):
        for one in (value if isinstance(value, list) else [value]):
            attribute = ET.SubElement(node, 'attribute')
            ET.SubElement(attribute, 'name').text = name
            ET.SubElement(attribute, 'value').text = one
    for sub_type, items in sub_items(attributes):
        for item in items:
            sub = ET.SubElement(node, 'subElement')
            ET.SubElement(sub, 'subElementType').text = sub_type
            _fill(sub, item)


def element_body(element_type, attributes):
    """The <configElement> XML of a POST or PUT: a list of texts becomes repeated attributes, a list of mappings
    <subElement>s of that type, nested the same way."""
    root = ET.Element('configElement')
    ET.SubElement(root, 'elementType').text = element_type
    _fill(root, attributes)
    return ET.tostring(root, encoding='unicode')


# -- diff ---------------------------------------------------------------------------------------------
def diff_entries(result):
    """What --diff shows for one element: its own attributes that change (key included), then one before/after per
    sub-element created, changed or removed, each headed by its path."""
    entries = []

    def add(path, before, after):
        entries.append(dict(before=before, after=after, before_header='%s (before)' % path, after_header='%s (after)' % path))
    key = result['key']
    if result['action'] == 'delete':
        add(result['path'], dict(key, **(result['before'] or {})), {})
    elif result['action'] == 'create':
        add(result['path'], {}, dict(key, **result['after']))
    elif result['changed_attributes']:
        names = result['changed_attributes']
        add(result['path'], dict(key, **dict((n, (result['before'] or {}).get(n)) for n in names)),
            dict(key, **dict((n, result['after'].get(n)) for n in names)))
    for change in result.get('_diff', ()):
        add(change['path'], change['before'] or {}, change['after'] or {})
    return entries
