#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: sbc_config_element
author: apiauth.vendors maintainers (@apiauth-vendors)
short_description: Make Oracle SBC configuration elements look as described, under the configuration lock
version_added: 1.0.0
description:
  - Declarative configuration of Oracle SBC elements (C(configuration/configElements)). Give the element type and the
    attributes it should have (key attributes included); the module reads what the SBC has, compares only the attributes
    given (others are left alone) and sends C(POST) for a missing element, C(PUT) for one that differs and C(DELETE) for
    one that should be absent, and nothing when the SBC already matches.
  - O(elements) applies many elements in one run. The SBC is read once per element type (paged with C(offset) and
    C(maxElements)), not once per element, so a run that changes nothing costs one read per type.
  - Changes are made under the configuration lock this session holds (take it with M(apiauth.vendors.sbc_config_lock),
    or use the role P(apiauth.vendors.sbc_locked_change#role)). Without the lock the module fails before sending
    anything; if the lock is lost midway, the next write is not sent.
  - A write the SBC refuses stops the run; the message names the element and carries the SBC's own words, and
    RV(results) lists what had been applied before it.
  - After a change (or always, with O(force_management=true)) it can verify, save and activate the configuration,
    in that order, waiting for each operation.
  - Sub-elements are given inside O(attributes) under their sub-element type's name as the SBC writes it (for example
    C(sip-port) below a C(sip-interface)), as a list of mappings, nested as deep as the SBC nests them. A list given is
    the complete list of that type on its parent (items the SBC has but the list leaves out are removed); a
    sub-element type not mentioned is left alone. Items are matched by their key attributes, so a re-ordered list is
    no change, and only what differs is sent.
  - Singleton element types (no key attributes and one instance, such as C(sip-config), C(system-config), C(media-manager),
    C(session-router), or any type whose metadata flags no key) are managed as that one instance. It is created when absent
    (C(POST) of the element type, then C(PUT) of the attributes) and changed by C(PUT).
  - Within one run, creates and updates are sent in the order of O(elements), deletes in the reverse order. List a
    realm before the sip-interface that uses it, and it is created first and deleted last.
  - What M(apiauth.vendors.sbc_config_info) returns for a type can be given back as O(elements) unchanged, and
    changes nothing; the collection's playbook C(apiauth.vendors.sbc_backup_and_drift) backs a configuration up and
    reports drift that way.
options:
  element_type:
    description:
      - The element type, e.g. V(realm-config), V(session-agent), V(session-group), V(steering-pool).
      - Mutually exclusive with O(elements).
    type: str
  attributes:
    description:
      - Attribute name to value, the key attributes included. A list of texts is a multi-valued attribute.
      - A list of mappings is the complete list of the sub-elements of the type the name gives (for example C(sip-port),
        C(policy-attribute), C(header-rule), C(element-rule)), each a mapping of the same kind, key attributes
        included; nested as deep as the SBC nests them.
      - Booleans are written as V(enabled) / V(disabled); other values as text.
      - An empty list is refused before anything is sent, as the SBC REST API documents no way to clear a multi-valued
        attribute or to remove the last sub-element of a type (a C(PUT) leaves what it does not carry unchanged). Give
        the values to keep, or delete the element (O(state=absent)) and create it again without the attribute, which
        leaves it at its default.
      - Values (and names) with a control character, a line break or tab included, or anything else XML 1.0 cannot
        carry, are refused before the first request of the task, for every element of O(elements).
    type: dict
  keys:
    description:
      - The attributes that identify an element of this type.
      - By default from a built-in table for the common types (realm-config C(identifier), session-agent C(hostname),
        session-group C(group-name), steering-pool C(ip-address), C(start-port) and C(realm-id), sip-interface
        C(realm-id), network-interface C(name) and C(sub-port-id), phy-interface and sip-manipulation C(name),
        local-policy C(from-address), C(to-address) and C(source-realm)); for any other type from the SBC's
        C(configuration/elementTypes/metadata). A singleton type has none.
    type: list
    elements: str
  sub_element_keys:
    description:
      - The key attributes of sub-element types, by sub-element type name, for types neither the built-in table
        (sip-port C(address), C(port) and C(transport-protocol); policy-attribute C(next-hop); header-rule and
        element-rule C(name)) nor the SBC's metadata describes.
    type: dict
  state:
    description:
      - V(present) to create or update the element, V(absent) to delete it.
      - A singleton the SBC does not delete is refused with the SBC's words.
    type: str
    choices: [present, absent]
    default: present
  elements:
    description:
      - Many elements in one run. Each takes O(element_type), O(attributes), O(keys), O(sub_element_keys) and O(state).
      - Creates and updates are sent in list order, deletes in reverse list order.
    type: list
    elements: dict
    suboptions:
      element_type:
        description: The element type.
        type: str
        required: true
      attributes:
        description: Attribute name to value, the key attributes included.
        type: dict
        required: true
      keys:
        description: The key attributes of this type, when not from the built-in table or the metadata.
        type: list
        elements: str
      sub_element_keys:
        description: The key attributes of sub-element types, as O(sub_element_keys) takes them.
        type: dict
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
  verify:
    description: After a change, verify the configuration (C(PUT configuration/management?action=verify)).
    type: bool
    default: false
  save:
    description: After a change, save the configuration (C(PUT configuration/management?action=save)).
    type: bool
    default: false
  activate:
    description: After a change, activate the saved configuration (C(POST configuration/management?action=activate)).
    type: bool
    default: false
  force_management:
    description: Run the O(verify), O(save) and O(activate) asked for even when no element changed.
    type: bool
    default: false
  operation_timeout:
    description: Seconds to wait for each verify, save or activate operation to finish.
    type: int
    default: 300
extends_documentation_fragment:
  - apiauth.vendors.connection
  - apiauth.vendors.attributes
  - apiauth.vendors.attributes.oracle_sbc
attributes:
  check_mode:
    support: full
    details: Reads the SBC and reports what would change; sends no write and needs no lock.
  diff_mode:
    support: full
    details: One before/after per changed element (its key and the attributes that change) and per sub-element
      created, changed or removed, each headed by its path.
notes:
  - Run it where M(apiauth.vendors.sbc_config_lock) ran (usually C(delegate_to=localhost)), as the lock is recorded in the
    token cache there.
  - A C(PUT) carries the key attributes and the attributes that differ, so attributes not given keep their values.
    For each sub-element type that differs it carries the complete list of that type, each item with its attributes
    and sub-elements as read and the desired ones applied.
  - An SBC that merges a C(PUT)'s sub-elements by key instead of replacing the type's list cannot remove one that way;
    the module sees it in the C(PUT) reply, which carries the complete element, and then deletes the element and
    creates it again complete (in the candidate configuration), with a warning. If the SBC refuses that C(DELETE), the
    task fails saying that the C(PUT) applied every change but the removal.
seealso:
  - module: apiauth.vendors.sbc_config_info
  - module: apiauth.vendors.sbc_config_lock
  - module: apiauth.vendors.vendor_request
'''

EXAMPLES = r'''
- name: Realms, agents and a group, under the lock, saved only if something changed
  module_defaults:
    group/apiauth.vendors.oracle_sbc:
      url: https://sbc.example.com
      username: "{{ sbc_user }}"
      password: "{{ sbc_password }}"
  block:
    - name: Take the configuration lock
      apiauth.vendors.sbc_config_lock:
        state: present
      delegate_to: localhost

    - name: Apply the desired elements
      apiauth.vendors.sbc_config_element:
        elements:
          - element_type: realm-config
            attributes:
              identifier: peer-1
              network-interfaces: M10:0
              description: peering partner 1
          - element_type: session-agent
            attributes:
              hostname: sa1.peer.example.com
              ip-address: 192.0.2.10
              port: 5060
              realm-id: peer-1
          - element_type: session-group
            attributes:
              group-name: peer-1-agents
              dest: [sa1.peer.example.com]
          - element_type: realm-config
            attributes:
              identifier: old-peer
            state: absent
        verify: true
        save: true
      delegate_to: localhost
      register: applied
  always:
    - name: Give the lock back
      apiauth.vendors.sbc_config_lock:
        state: absent
      delegate_to: localhost

- name: A sip-interface with exactly these two sip-ports (others on it are removed), under the lock taken above
  apiauth.vendors.sbc_config_element:
    element_type: sip-interface
    attributes:
      realm-id: peer-1
      description: trunk to peer 1
      sip-port:
        - {address: 192.0.2.10, port: 5060, transport-protocol: UDP}
        - {address: 192.0.2.10, port: 5061, transport-protocol: TLS, tls-profile: peer-tls}
  delegate_to: localhost

- name: A header rule with its element rules, three levels deep
  apiauth.vendors.sbc_config_element:
    element_type: sip-manipulation
    attributes:
      name: peer-1-in
      header-rule:
        - name: fix-from
          header-name: From
          action: manipulate
          element-rule:
            - {name: user, type: uri-user, action: replace, new-value: "+15551230000"}
  delegate_to: localhost

- name: The singleton sip-config (created when absent)
  apiauth.vendors.sbc_config_element:
    element_type: sip-config
    attributes:
      home-realm-id: core
  delegate_to: localhost

- name: One element with an explicit key (a type the built-in table does not know)
  apiauth.vendors.sbc_config_element:
    element_type: sip-feature
    keys: [name, realm]
    attributes:
      name: replaces
      realm: peer-1
      support-mode-inbound: Pass
  delegate_to: localhost
'''

RETURN = r'''
results:
  description: One entry per element given, in order.
  returned: always
  type: list
  elements: dict
  contains:
    element_type:
      description: The element type.
      type: str
      sample: realm-config
    key:
      description: The key attributes and their values (empty for a singleton).
      type: dict
      sample: {"identifier": "peer-1"}
    path:
      description: The element's path, as --diff and RV(results[].changed_sub_elements) name elements.
      type: str
      sample: realm-config[identifier=peer-1]
    state:
      description: The state asked for.
      type: str
      sample: present
    action:
      description: V(create), V(update), V(delete) or V(none); in check mode what would be done.
      type: str
      sample: update
    changed:
      description: Whether this element was (or in check mode would be) changed.
      type: bool
      sample: true
    before:
      description: The given attributes as the SBC had them, V(null) when the element did not exist.
      type: dict
      sample: {"identifier": "peer-1", "description": "old"}
    after:
      description: The given attributes as wanted, V(null) for O(state=absent).
      type: dict
      sample: {"identifier": "peer-1", "description": "peering partner 1"}
    changed_attributes:
      description: The attributes sent because they differ (all given attributes for a new element).
      type: list
      elements: str
      sample: ["description"]
    changed_sub_elements:
      description: The sub-elements, at any depth, that were (or in check mode would be) created, changed or removed.
      type: list
      elements: dict
      contains:
        path:
          description: The sub-element's path, its parents' and its own key attributes in it.
          type: str
          sample: sip-interface[realm-id=peer-1].sip-port[address=192.0.2.10,port=5061,transport-protocol=TLS]
        action:
          description: V(create), V(update) or V(delete).
          type: str
          sample: update
        changed_attributes:
          description: Its attributes that differ (all given ones for a new sub-element).
          type: list
          elements: str
          sample: ["tls-profile"]
writes:
  description: How many C(POST), C(PUT) and C(DELETE) requests were sent (V(0) in check mode).
  returned: always
  type: int
  sample: 1
management:
  description: The configuration actions run (or in check mode that would run), in order.
  returned: always
  type: list
  elements: str
  sample: ["verify", "save"]
'''

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._module_base import build_module, fail, open_session, run_main
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.config import apply


def main():
    element = dict(
        element_type=dict(type='str', required=True),
        attributes=dict(type='dict', required=True),
        keys=dict(type='list', elements='str', no_log=False),
        sub_element_keys=dict(type='dict', no_log=False),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    module = build_module(
        dict(
            element_type=dict(type='str'),
            attributes=dict(type='dict'),
            keys=dict(type='list', elements='str', no_log=False),
            sub_element_keys=dict(type='dict', no_log=False),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            elements=dict(type='list', elements='dict', options=element),
            verify=dict(type='bool', default=False),
            save=dict(type='bool', default=False),
            activate=dict(type='bool', default=False),
            force_management=dict(type='bool', default=False),
            operation_timeout=dict(type='int', default=300),
        ),
        mutually_exclusive=[('elements', 'element_type'), ('elements', 'attributes'), ('elements', 'keys'),
                            ('elements', 'sub_element_keys')],
        required_one_of=[('elements', 'element_type')],
        required_by={'element_type': 'attributes'},
        supports_check_mode=True,
    )
    params = module.params
    if params['elements'] is not None:
        specs = params['elements']
    else:
        specs = [dict(element_type=params['element_type'], attributes=params['attributes'], keys=params['keys'],
                      sub_element_keys=params['sub_element_keys'], state=params['state'])]
    management = [action for action in ('verify', 'save', 'activate') if params[action]]
    session = open_session(module, 'oracle_sbc')
    try:
        result = apply(session, specs, check_mode=module.check_mode, management=management,
                       force_management=params['force_management'], operation_timeout=params['operation_timeout'])
    except ApiAuthError as exc:
        fail(module, exc, **getattr(exc, 'result', {}))
    diff = result.pop('diff')
    if module._diff:
        result['diff'] = diff
    module.exit_json(**result)


if __name__ == '__main__':
    run_main(main)
