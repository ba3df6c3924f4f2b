# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What identifies an Oracle SBC configuration element or sub-element: its key attributes.

From a built-in table for the common types (Oracle SBC configuration guide), else from the SBC's own
configuration/elementTypes/metadata, asked once per element type and run. A type whose metadata flags no key
attribute is a singleton: the one instance of its type (sip-config, system-config, ...).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._payload import xml_root
from ansible_collections.apiauth.vendors.plugins.module_utils._request import call_reply

METADATA_PATH = 'configuration/elementTypes/metadata'

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
# Sub-element types, keyed within their parent element.
SUB_KEY_ATTRIBUTES = {
    'sip-port': ('address', 'port', 'transport-protocol'),
    'policy-attribute': ('next-hop',),
    'header-rule': ('name',),
    'element-rule': ('name',),
}
# Oracle: singletons "have no key attributes"; one instance per configuration.
SINGLETONS = ('sip-config', 'system-config', 'media-manager', 'session-router')
_TRUE = ('true', 'yes', '1')


def config_error(message, reason='bad_option'):
    return ApiAuthError(message, vendor='oracle_sbc', reason=reason)


def _key_rows(node):
    """(names flagged as key, how many attribute rows) directly under ``node``: rows inside a <subElementMetadata>
    belong to that sub-element type, not to the element's."""
    keys, rows = [], 0
    for child in node:
        if child.tag == 'subElementMetadata':
            continue
        if child.tag != 'attributeMetadata':
            found, count = _key_rows(child)
            keys.extend(found)
            rows += count
            continue
        rows += 1
        flag = next((child.findtext(tag) for tag in ('key', 'isKey', 'keyAttribute') if child.find(tag) is not None), '')
        name = (child.findtext('name') or '').strip()
        if name and (flag or '').strip().lower() in _TRUE:
            keys.append(name)
    return keys, rows


def parse_metadata(root, element_type):
    """(key attributes, {sub-element type: its key attributes}) of one metadata reply's parsed body.

    A type whose metadata describes attributes but flags none as key is a singleton: ``()``."""
    keys, rows = _key_rows(root) if root is not None else ([], 0)
    if not keys and not rows:
        raise config_error('Oracle SBC: the metadata of element type %r describes no attributes; give keys explicitly'
                           % element_type, reason='bad_reply')
    subs = {}
    for sub in (root.iter('subElementMetadata') if root is not None else ()):
        name = (sub.findtext('elementType') or sub.findtext('name') or '').strip()
        sub_keys = _key_rows(sub)[0]
        if name and sub_keys:
            subs.setdefault(name, tuple(sub_keys))
    return tuple(keys), subs


def read_metadata(session, element_type):
    """parse_metadata of configuration/elementTypes/metadata for ``element_type``."""
    # The body call() has already parsed for its result and checks: read, not parsed again.
    root = xml_root(call_reply(session, 'GET', METADATA_PATH, query={'elementType': element_type})[1])
    return parse_metadata(root, element_type)


class KeyBook(object):
    """Key attributes per element and sub-element type for one run: given, built in, else the SBC's metadata."""

    def __init__(self, session):
        self.session = session
        self.metadata = {}

    def _metadata(self, element_type):
        if element_type not in self.metadata:
            self.metadata[element_type] = read_metadata(self.session, element_type)
        return self.metadata[element_type]

    def element_keys(self, element_type, given=None):
        if given:
            return tuple(given)
        if element_type in KEY_ATTRIBUTES:
            return KEY_ATTRIBUTES[element_type]
        if element_type in SINGLETONS:
            return ()
        return self._metadata(element_type)[0]

    def sub_keys(self, element_type, sub_type, given=None, where=''):
        """The key attributes of ``sub_type`` below an ``element_type`` element; ``given``: the element's
        sub_element_keys."""
        if given and given.get(sub_type):
            return tuple(given[sub_type])
        if sub_type in SUB_KEY_ATTRIBUTES:
            return SUB_KEY_ATTRIBUTES[sub_type]
        found = self._metadata(element_type)[1].get(sub_type)
        if not found:
            raise config_error('%s: the key attributes of sub-element type %r are not known (not in the built-in table, '
                               'not in the metadata of %s): give them in sub_element_keys, e.g. {%s: [name]}'
                               % (where, sub_type, element_type, sub_type))
        return found
