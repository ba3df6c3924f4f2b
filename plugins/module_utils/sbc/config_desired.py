# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desired state of Oracle SBC configuration elements, checked in full before the first write.

Attributes are given as the SBC writes them: text (booleans as enabled/disabled), a list of texts for a
multi-valued attribute, or a list of mappings for the sub-elements of one type, under that sub-element type's name
and nested as deep as the SBC nests them. A given sub-element list is the complete list of its type on its parent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_keys import config_error

MAX_DEPTH = 8  # sub-element nesting accepted; the SBC's deepest documented path has three levels


def is_sub_list(value):
    """Whether an attribute value is a list of sub-elements (mappings) rather than a text or a list of texts."""
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def plain_items(attributes):
    return [(name, value) for name, value in attributes.items() if not is_sub_list(value)]


def sub_items(attributes):
    return [(name, value) for name, value in attributes.items() if is_sub_list(value)]


# -- values -------------------------------------------------------------------------------------------
def normalise_value(value, where, depth=1):
    """An attribute value as the SBC writes it: text, a list of texts, or a list of normalised sub-elements."""
    if isinstance(value, dict):
        raise config_error('%s: a mapping is not a value; sub-elements are given as a list of mappings under their '
                           'sub-element type, e.g. sip-port: [{address: 192.0.2.10, port: 5060, transport-protocol: UDP}]'
                           % where)
    if isinstance(value, list):
        if value and all(isinstance(item, dict) for item in value):
            if depth > MAX_DEPTH:
                raise config_error('%s: sub-elements nested deeper than %d levels' % (where, MAX_DEPTH))
            return [normalise_attributes(item, '%s item %d' % (where, number), depth + 1)
                    for number, item in enumerate(value, 1)]
        if any(isinstance(item, (dict, list)) for item in value):
            raise config_error('%s: a list holds either texts (a multi-valued attribute) or mappings (sub-elements), '
                               'not a mix or nested lists' % where)
        return [normalise_value(item, where) for item in value]
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'enabled' if value else 'disabled'
    return str(value)


def normalise_attributes(attributes, where, depth=1):
    return dict((str(name), normalise_value(value, '%s attribute %r' % (where, name), depth))
                for name, value in attributes.items())


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


def _check_attributes(attributes, where):
    for name, value in attributes.items():
        check_text(str(name), '%s: attribute name %r' % (where, name))
        if isinstance(value, list) and not value:
            # A PUT leaves what it does not carry as it is, so an empty list would be sent as nothing and never converge.
            raise config_error('%s attribute %r: an empty list cannot be applied, as the SBC REST API documents no way to '
                               'clear a multi-valued attribute or to remove the last sub-element of a type (a PUT leaves '
                               'attributes and sub-element types it does not carry unchanged). Give the values or '
                               'sub-elements to keep; or delete the element (state=absent) and create it again without '
                               'this attribute, which leaves it at its default; or clear it on the appliance (ACLI or '
                               'Web GUI). Nothing was sent' % (where, name))
        if is_sub_list(value):
            for number, item in enumerate(value, 1):
                _check_attributes(item, '%s %s %d' % (where, name, number))
            continue
        for item in (value if isinstance(value, list) else [value]):
            if isinstance(item, str):
                check_text(item, '%s attribute %r: value' % (where, name))


def check_spec(index, spec):
    """Every check of one element spec that needs no request: run over all specs before the first request."""
    element_type = spec.get('element_type')
    where = 'element %d (%s)' % (index, element_type)
    if isinstance(element_type, str):
        check_text(element_type, 'element %d: element_type' % index)
    attributes = spec.get('attributes')
    if isinstance(attributes, dict):
        _check_attributes(attributes, where)
    for key in spec.get('keys') or ():
        if isinstance(key, str):
            check_text(key, '%s: key name %r' % (where, key))
    sub_keys = spec.get('sub_element_keys')
    if sub_keys is not None and (not isinstance(sub_keys, dict) or not all(
            isinstance(keys, list) and keys and all(isinstance(key, str) for key in keys) for keys in sub_keys.values())):
        raise config_error('%s: sub_element_keys maps a sub-element type to the list of its key attribute names' % where)


def same_value(current, wanted):
    if isinstance(wanted, list):
        current = [] if current is None else current if isinstance(current, list) else [current]
        return current == wanted
    return current == wanted


# -- paths --------------------------------------------------------------------------------------------
def path_part(element_type, keys, key):
    """``sip-port[address=192.0.2.10,port=5060,transport-protocol=UDP]``; a singleton is its type alone."""
    if not keys:
        return element_type
    return '%s[%s]' % (element_type, ','.join('%s=%s' % pair for pair in zip(keys, key)))


def key_of(attributes, keys, where):
    """The key values of an element or sub-element given ``attributes``: every key given, each a single value."""
    missing = [key for key in keys if not attributes.get(key)]
    if missing:
        raise config_error('%s: the key attribute(s) %s must be given (keys: %s)' % (where, ', '.join(missing), ', '.join(keys)))
    for key in keys:
        if isinstance(attributes[key], list):
            raise config_error('%s: key attribute %r must be a single value' % (where, key))
    return tuple(attributes[key] for key in keys)


# -- desired elements ---------------------------------------------------------------------------------
class Desired(object):
    """One element as the user wants it: ``attributes`` normalised, sub-element lists included."""

    def __init__(self, element_type, attributes, keys, state, index, sub_keys):
        self.element_type = element_type
        self.state = state
        self.keys = keys
        self.sub_keys = sub_keys  # callable (sub-element type, where) -> its key attributes
        where = 'element %d (%s)' % (index, element_type)
        if not isinstance(attributes, dict) or (keys and not attributes):
            raise config_error('%s: attributes must be a non-empty mapping of attribute name to value' % where)
        self.attributes = normalise_attributes(attributes, where)
        self.key = key_of(self.attributes, keys, '%s%s' % (where, ' (keys of %s)' % element_type if keys else ''))
        self._check_subs(self.attributes, self.path, where)

    def _check_subs(self, attributes, path, where):
        """Every sub-element at any depth has its key attributes, and each is given once in its list."""
        for sub_type, items in sub_items(attributes):
            keys = self.sub_keys(sub_type, where)
            seen = {}
            for number, item in enumerate(items, 1):
                here = '%s: %s item %d' % (where, sub_type, number)
                key = key_of(item, keys, here)
                sub_path = '%s.%s' % (path, path_part(sub_type, keys, key))
                if key in seen:
                    raise config_error('%s: %s is also item %d; give each sub-element once' % (here, sub_path, seen[key]))
                seen[key] = number
                self._check_subs(item, sub_path, '%s %s' % (where, sub_path))

    @property
    def path(self):
        return path_part(self.element_type, self.keys, self.key)

    def key_dict(self):
        return dict(zip(self.keys, self.key))
