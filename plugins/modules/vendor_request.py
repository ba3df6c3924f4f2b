#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: vendor_request
author: apiauth.vendors maintainers (@apiauth-vendors)
short_description: One authenticated REST call to BigFix Inventory, the Oracle SBC or BigID
version_added: 1.0.0
description:
  - Like M(ansible.builtin.uri), with authentication handled. The token comes from the shared token cache
    (logging in, re-authenticating or exchanging only when needed) and is sent the way the vendor expects.
  - On a 401 reply the token is replaced once and the call repeated. If another task or fork has already
    renewed the token, that newer token is used instead of a new login.
  - The reply body is returned as RV(content) (the text) and as plain data in RV(data). A JSON body is also returned as
    RV(json), where M(ansible.builtin.uri) returns it, so C(result.json) works as it does with M(ansible.builtin.uri).
    Oracle SBC XML replies become plain data in RV(data) (the content of C(<response><data>)) and have no RV(json).
  - A 2xx reply that cannot be the vendor API's (an HTML page from a proxy or login portal, or XML or JSON that does
    not parse) fails with C(reason=bad_reply) rather than passing as a success; for a change, the message says that
    whether it took effect is unknown.
  - A redirect is never followed (C(reason=redirect)), so credentials and tokens reach no other address than O(url).
  - No field of the result (RV(data), RV(messages), RV(content), C(msg), warnings), on success or failure, holds a
    password, user token or token. A vendor reply that quotes the token it was sent is returned with it masked
    (C(********)).
  - A reply whose bytes are not valid in the charset its C(Content-Type) names (UTF-8 when it names none) fails with
    C(reason=bad_reply); it is not returned.
  - For the Oracle SBC, a configuration change refused with 423 because this session no longer holds the
    configuration lock fails with a message that says so, and never retries without the lock.
  - C(module_defaults) for the vendor's group (C(group/apiauth.vendors.oracle_sbc), C(group/apiauth.vendors.bigid) or
    C(group/apiauth.vendors.bigfix_inventory)) apply to this module only when O(vendor) names that vendor, so one play
    can set all three groups without one vendor's URL or credentials reaching another. The task's own arguments and
    C(module_defaults) for C(apiauth.vendors.vendor_request) come first.
options:
  vendor:
    description:
      - The vendor API to call.
    type: str
    required: true
    choices: [bigfix_inventory, bigid, oracle_sbc]
  path:
    description:
      - Path relative to the vendor's API root (C(/rest/{api_version}/) for the SBC, C(/api/v1/) for BigID, the
        server root for BigFix Inventory), e.g. C(configuration/configElements), C(ds-connections), C(api/sam/about).
      - A path starting with C(/) is taken from the server root instead, e.g. C(/rest/api/supportedversions).
    type: str
    required: true
  method:
    description:
      - HTTP method.
    type: str
    default: GET
    choices: [GET, POST, PUT, PATCH, DELETE]
  query:
    description:
      - Query parameters.
    type: dict
  body:
    description:
      - Request body. A mapping or list is encoded as O(body_format) says; a string is sent as is.
      - For O(body_format=xml), a mapping with one root key, such as C(configElement) (see the examples).
    type: raw
  body_format:
    description:
      - How to encode O(body) and which C(Content-Type) to send.
      - V(json) (application/json), V(xml) (application/xml), V(form) (application/x-www-form-urlencoded),
        V(raw) (the string as is, with no Content-Type unless given in O(headers)).
    type: str
    default: json
    choices: [json, xml, form, raw]
  headers:
    description:
      - Extra request headers. The authentication header is added by the module.
    type: dict
  status_code:
    description:
      - Reply statuses that count as success.
    type: list
    elements: int
    default: [200, 201, 202, 204]
  changes:
    description:
      - Whether the call changes something on the server, which is what RV(ignore:changed) reports.
      - By default V(true) for POST, PUT, PATCH and DELETE and V(false) for GET.
      - In check mode a call that changes something is not sent.
    type: bool
  wait_for_operation:
    description:
      - For an Oracle SBC C(configuration/management) action that answers 202 (save, verify, activate), poll the
        operation link it returns until the operation reports C(success) (or fails), at most O(operation_timeout) seconds.
    type: bool
    default: false
  operation_timeout:
    description:
      - Seconds to wait for an asynchronous SBC operation with O(wait_for_operation=true).
    type: int
    default: 300
  require_lock:
    description:
      - Oracle SBC only. Send the call only while this principal holds the configuration lock, as recorded in the token
        cache by M(apiauth.vendors.sbc_config_lock). The check is made before the call and again before the retry after a
        401. If the token had to be replaced by a fresh login, the lock went with the old token and the call is not sent.
      - Use it for changes made under the lock, so a play never goes on writing once the lock is lost.
      - The lock must be held by this run of C(ansible-playbook). Another run of the same user on the same controller
        shares the cached token, and the call is not sent while that run holds the lock.
    type: bool
    default: false
  _run:
    description:
      - Internal, set by the action plugin of this module to the identity of the C(ansible-playbook) run, which
        O(require_lock) compares with the run holding the SBC configuration lock. A value given in a task is
        replaced. Do not set it.
    type: dict
extends_documentation_fragment:
  - apiauth.vendors.connection
  - apiauth.vendors.attributes
  - apiauth.vendors.attributes.no_diff
attributes:
  action:
    support: full
    details: An action plugin applies the C(module_defaults) group of O(vendor), and only that group.
  action_group:
    support: none
    membership: []
    details: In no action group; see the description for how the vendor groups apply.
  check_mode:
    support: full
    details: Calls that change something (see O(changes)) are not sent in check mode; reads are.
seealso:
  - module: ansible.builtin.uri
  - plugin: apiauth.vendors.vendor_token
    plugin_type: lookup
  - module: apiauth.vendors.sbc_config_lock
'''

EXAMPLES = r'''
- name: Read SBC realms (no lock needed)
  apiauth.vendors.vendor_request:
    vendor: oracle_sbc
    path: configuration/configElements
    query:
      elementType: realm-config
  register: realms
  delegate_to: localhost

- name: Create a realm (the configuration lock must be held, see apiauth.vendors.sbc_config_lock)
  apiauth.vendors.vendor_request:
    vendor: oracle_sbc
    method: POST
    path: configuration/configElements
    body_format: xml
    body:
      configElement:
        elementType: realm-config
        attribute:
          - {name: identifier, value: peer-1}
          - {name: network-interfaces, value: "M00:0"}
  delegate_to: localhost

- name: Save the SBC configuration and wait for the operation to finish
  apiauth.vendors.vendor_request:
    vendor: oracle_sbc
    method: PUT
    path: configuration/management
    query:
      action: save
    wait_for_operation: true
  delegate_to: localhost

- name: BigFix Inventory computers, connection set once for the play
  apiauth.vendors.vendor_request:
    vendor: bigfix_inventory
    path: api/sam/v2/computers
    query:
      limit: 10
  delegate_to: localhost
  module_defaults:
    group/apiauth.vendors.bigfix_inventory:
      url: https://bfi.example.com:9081
      username: automation
      password: "{{ vault_bfi_password }}"

- name: BigID data source connections
  apiauth.vendors.vendor_request:
    vendor: bigid
    path: ds-connections
  register: connections
  delegate_to: localhost
'''

RETURN = r'''
status:
  description: HTTP status of the reply.
  returned: always
  type: int
  sample: 200
url:
  description: The URL called, without query parameters.
  returned: always
  type: str
  sample: https://sbc.example.com/rest/v1.2/configuration/configElements
data:
  description:
    - The reply body as plain data, whatever its format.
    - For a JSON body (BigFix Inventory, BigID), the decoded JSON, the same value as RV(json).
    - For an SBC XML reply C(<response><data>...</data><messages/><links/></response>), the content of C(<data>) as
      dictionaries and lists (an element's children by tag, repeated tags as a list, text as strings); V(null) when
      C(<data>) is empty. Other XML, as a dictionary of its root tag to its content.
    - For any other body (text, HTML), the text. V(null) for an empty body.
  returned: success
  type: raw
  sample: {"configElement": [{"elementType": "realm-config", "attribute": [{"name": "identifier", "value": "core"}]}]}
json:
  description:
    - The decoded JSON body, as M(ansible.builtin.uri) returns it (a JSON body is recognised by its content, whatever
      the reply's C(Content-Type) says).
    - Not returned for XML, text or empty bodies; use RV(data), which every body has.
  returned: success, when the reply body is JSON
  type: raw
  sample: {"status": "success", "data": {"ds_connections": [{"name": "crm-db", "location": "EU"}]}}
messages:
  description: The vendor's messages from the reply (SBC C(<messages>), JSON C(message)/C(error)).
  returned: always
  type: list
  elements: str
  sample: []
links:
  description: Links from an SBC reply's C(<links>), e.g. the operation to poll after save or activate.
  returned: always
  type: list
  elements: str
  sample: ["/rest/v1.2/configuration/management/operations/7"]
content:
  description: The raw reply body as text (JSON, XML or anything else).
  returned: always
  type: str
operation:
  description: The final C(operationState) of an SBC operation waited for with O(wait_for_operation=true).
  returned: when O(wait_for_operation=true) and the reply was 202
  type: dict
  sample: {"operation": "save", "status": "success"}
'''

from ansible_collections.apiauth.vendors.plugins.module_utils._drivers.registry import VENDORS
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._module_base import build_module, fail, open_session, run_main
from ansible_collections.apiauth.vendors.plugins.module_utils._request import call, encode_body
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.lock import run_lock_guard

READS = ('GET',)


def main():
    module = build_module(
        dict(
            vendor=dict(type='str', required=True, choices=list(VENDORS)),
            path=dict(type='str', required=True),
            method=dict(type='str', default='GET', choices=['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
            query=dict(type='dict'),
            body=dict(type='raw'),
            body_format=dict(type='str', default='json', choices=['json', 'xml', 'form', 'raw']),
            headers=dict(type='dict'),
            status_code=dict(type='list', elements='int', default=[200, 201, 202, 204]),
            changes=dict(type='bool'),
            wait_for_operation=dict(type='bool', default=False),
            operation_timeout=dict(type='int', default=300),
            require_lock=dict(type='bool', default=False),
            _run=dict(type='dict'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    changes = params['changes'] if params['changes'] is not None else params['method'] not in READS
    session = open_session(module, params['vendor'])
    try:
        data, headers = encode_body(params['body'], params['body_format'], params['headers'])
        if changes and module.check_mode:
            module.exit_json(changed=True, status=None, url=session.driver.api_url(params['path']), messages=[], links=[],
                             content='', msg='check mode: %s %s not sent' % (params['method'], params['path']))
        result = call(session, params['method'], params['path'], query=params['query'], data=data, headers=headers,
                      status_code=params['status_code'], wait_for_operation=params['wait_for_operation'],
                      operation_timeout=params['operation_timeout'],
                      guard=_guard(params, session))
    except ApiAuthError as exc:
        fail(module, exc, **getattr(exc, 'result', {}))
    module.exit_json(changed=changes, **_with_json(result))


def _with_json(result):
    """Add ``json`` where ansible.builtin.uri has it: a body that decoded as JSON (an object or array).

    ``data`` holds decoded JSON, SBC XML as data, or the text; a body starting with ``{`` or ``[`` that is not
    text in ``data`` was JSON (XML starts with ``<``)."""
    data, content = result.get('data'), result.get('content') or ''
    if isinstance(data, (dict, list)) and content.lstrip()[:1] in ('{', '['):
        result = dict(result, json=data)
    return result


def _guard(params, session):
    """require_lock: the SBC lock must be held, and by this run (the ``_run`` the action plugin passed)."""
    if not params['require_lock'] or params['vendor'] != 'oracle_sbc':
        return None
    return run_lock_guard(params['_run'] or None, session.driver.principal())


if __name__ == '__main__':
    run_main(main)
