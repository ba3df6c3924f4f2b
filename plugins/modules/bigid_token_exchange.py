#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: bigid_token_exchange
author: apiauth.vendors maintainers (@apiauth-vendors)
short_description: Exchange a BigID user token for a system token
version_added: 1.0.0
description:
  - Exchanges a BigID user token (generated in Administration > Access Management) for a short-lived system token
    with C(GET /api/v1/refresh-access-token), or logs in with O(username)/O(password) through C(POST /api/v1/sessions).
  - The system token is stored in the token cache, so later M(apiauth.vendors.vendor_request) tasks and
    P(apiauth.vendors.vendor_token#lookup) lookups for the same BigID URL and user token reuse it instead of exchanging again.
  - A cached system token with more than O(refresh_margin) seconds left is returned without a call unless O(force=true).
  - The returned system token is a secret. Register the result only on tasks with C(no_log=true).
options:
  force:
    description:
      - Exchange even when the cache holds a system token that is still good.
    type: bool
    default: false
extends_documentation_fragment:
  - apiauth.vendors.connection
  - apiauth.vendors.attributes
  - apiauth.vendors.attributes.bigid
  - apiauth.vendors.attributes.no_diff
attributes:
  check_mode:
    support: full
    details: The exchange changes nothing on the BigID server, so it also runs in check mode.
seealso:
  - plugin: apiauth.vendors.vendor_token
    plugin_type: lookup
'''

EXAMPLES = r'''
- name: Exchange the user token from the AWX credential (BIGID_URL, BIGID_USER_TOKEN) for a system token
  apiauth.vendors.bigid_token_exchange:
  register: bigid
  no_log: true

- name: Use it with ansible.builtin.uri
  ansible.builtin.uri:
    url: "{{ lookup('ansible.builtin.env', 'BIGID_URL') }}/api/v1/ds-connections"
    headers:
      Authorization: "{{ bigid.system_token }}"
  no_log: true

- name: Exchange explicitly, forcing a new system token
  apiauth.vendors.bigid_token_exchange:
    url: https://bigid.example.com
    user_token: "{{ vault_bigid_user_token }}"
    force: true
  register: bigid
  no_log: true

- name: Report only the expiry
  ansible.builtin.debug:
    msg: "BigID system token valid until {{ bigid.expires_at }}"
'''

RETURN = r'''
system_token:
  description:
    - The BigID system token (or the session C(auth_token) for a username/password login), to send as a bare
      C(Authorization) header. A secret, so set C(no_log=true) on the task that registers it.
  returned: success
  type: str
  sample: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...
expires_at:
  description: When the system token expires (its JWT C(exp) claim, else the assumed lifetime), ISO 8601 UTC.
  returned: success
  type: str
  sample: "2026-11-23T10:15:00Z"
expires_in:
  description: Seconds until the system token expires.
  returned: success
  type: int
  sample: 299
exchanged:
  description: Whether this task called BigID (V(false) when the cached system token was reused).
  returned: success
  type: bool
  sample: true
'''

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._module_base import build_module, fail, open_session, run_main


def main():
    module = build_module(
        dict(force=dict(type='bool', default=False)),
        keep=('system_token',),  # what the module returns; every other field is scrubbed of it
        supports_check_mode=True,
    )
    session = open_session(module, 'bigid')
    try:
        record = session.token(force=module.params['force'])
    except ApiAuthError as exc:
        fail(module, exc)
    described = session.describe(record)
    module.exit_json(changed=False, system_token=record.token, expires_at=described['expires_at'],
                     expires_in=described['expires_in'], exchanged=bool(session.events))


if __name__ == '__main__':
    run_main(main)
