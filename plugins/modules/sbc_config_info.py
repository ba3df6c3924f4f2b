#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: sbc_config_info
author: apiauth.vendors maintainers (@apiauth-vendors)
short_description: Read Oracle SBC configuration elements as structured data
version_added: 1.0.0
description:
  - Reads the elements of one type from C(configuration/configElements), from the candidate configuration (the one
    being edited) or the running one, all of them or those matching O(key), and returns each as a mapping of
    attribute name to value (a list for a multi-valued attribute).
  - Sub-elements are returned inside their element's RV(elements[].attributes), under their sub-element type's name
    as a list of mappings of the same kind, nested as the SBC nests them, which is the shape
    M(apiauth.vendors.sbc_config_element) takes. RV(elements) can be given back to it as its
    O(apiauth.vendors.sbc_config_element#module:elements) unchanged and changes nothing, which is how a configuration is backed up and checked for drift.
  - A singleton type (C(sip-config), C(system-config), C(media-manager), C(session-router)) returns its one element,
    or none when it is not configured.
  - Reads page by page as the appliance pages (its next-page links, else C(offset)); needs no configuration lock.
options:
  element_type:
    description: The element type, e.g. V(realm-config) or V(session-agent).
    type: str
    required: true
  key:
    description:
      - Key attribute values selecting one element, for example C(identifier=core) for a realm-config.
      - Without it, every element of the type is returned.
    type: dict
  running:
    description: Read the running (active) configuration instead of the candidate one.
    type: bool
    default: false
  page_size:
    description:
      - Elements asked for per request (C(maxElements)).
      - The appliance may send fewer (Oracle's 10.0 pages say at most 100) and link to the next page; every page is read
        until the appliance says there is no more.
    type: int
    default: 500
extends_documentation_fragment:
  - apiauth.vendors.connection
  - apiauth.vendors.attributes
  - apiauth.vendors.attributes.oracle_sbc
  - apiauth.vendors.attributes.no_diff
attributes:
  check_mode:
    support: full
    details: Only reads, in check mode as in a normal run.
seealso:
  - module: apiauth.vendors.sbc_config_element
'''

EXAMPLES = r'''
- name: Every realm of the running configuration
  apiauth.vendors.sbc_config_info:
    url: https://sbc.example.com
    username: "{{ sbc_user }}"
    password: "{{ sbc_password }}"
    element_type: realm-config
    running: true
  delegate_to: localhost
  register: realms

- name: Their identifiers
  ansible.builtin.debug:
    msg: "{{ realms.elements | map(attribute='attributes') | map(attribute='identifier') | list }}"

- name: Back up the sip-interfaces, their sip-ports included, to a file
  apiauth.vendors.sbc_config_info:
    element_type: sip-interface
  delegate_to: localhost
  register: sip_interfaces

- name: Write them where a later run can give them back to sbc_config_element
  ansible.builtin.copy:
    content: "{{ sip_interfaces.elements | to_nice_yaml }}"
    dest: backup/sip-interface.yml
    mode: "0600"
  delegate_to: localhost

- name: One session agent by its key
  apiauth.vendors.sbc_config_info:
    element_type: session-agent
    key:
      hostname: sa1.peer.example.com
  delegate_to: localhost
  register: agent
'''

RETURN = r'''
elements:
  description: The elements found, in the SBC's order.
  returned: always
  type: list
  elements: dict
  contains:
    element_type:
      description: The element type.
      type: str
      sample: realm-config
    attributes:
      description:
        - Attribute name to value (a list of texts for a multi-valued attribute).
        - Sub-elements under their sub-element type's name, as a list of mappings of the same kind.
      type: dict
      sample: {"realm-id": "core", "description": "core trunk",
               "sip-port": [{"address": "192.0.2.1", "port": "5060", "transport-protocol": "UDP"}]}
count:
  description: How many elements were found.
  returned: always
  type: int
  sample: 2
'''

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._module_base import build_module, fail, open_session, run_main
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_keys import SINGLETONS
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config_read import read_type


def main():
    module = build_module(
        dict(
            element_type=dict(type='str', required=True),
            key=dict(type='dict', no_log=False),
            running=dict(type='bool', default=False),
            page_size=dict(type='int', default=500),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if not 1 <= params['page_size'] <= 10000:
        module.fail_json(msg='page_size must be between 1 and 10000')
    session = open_session(module, 'oracle_sbc')
    try:
        filters = dict((str(name), str(value)) for name, value in (params['key'] or {}).items())
        found = read_type(session, params['element_type'], running=params['running'], filters=filters,
                          page_size=params['page_size'], singleton=params['element_type'] in SINGLETONS and not filters)
    except ApiAuthError as exc:
        fail(module, exc)
    elements = [dict(element_type=etype or params['element_type'], attributes=attrs) for etype, attrs, _sub in found]
    module.exit_json(changed=False, elements=elements, count=len(elements))


if __name__ == '__main__':
    run_main(main)
