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
  - Reads page by page (C(offset), C(maxElements)); needs no configuration lock.
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
      description: Attribute name to value (a list for a multi-valued attribute).
      type: dict
      sample: {"identifier": "core", "network-interfaces": "M00:0", "description": "core realm"}
    has_sub_elements:
      description: Whether the element has sub-elements (not returned by this module).
      type: bool
      sample: false
count:
  description: How many elements were found.
  returned: always
  type: int
  sample: 2
'''

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._module_base import build_module, fail, open_session, run_main
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config import read_type


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
                          page_size=params['page_size'])
    except ApiAuthError as exc:
        fail(module, exc)
    elements = [dict(element_type=etype or params['element_type'], attributes=attrs, has_sub_elements=sub)
                for etype, attrs, sub in found]
    module.exit_json(changed=False, elements=elements, count=len(elements))


if __name__ == '__main__':
    run_main(main)
