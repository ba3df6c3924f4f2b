#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: sbc_config_lock
author: apiauth.vendors maintainers (@apiauth-vendors)
short_description: Hold or release the Oracle SBC configuration lock across tasks
version_added: 1.0.0
description:
  - O(state=present) takes the Oracle SBC configuration lock (C(POST /rest/{version}/configuration/lock)) and keeps the
    token that holds it in the token cache. Later tasks that go through the collection (this module,
    M(apiauth.vendors.vendor_request), P(apiauth.vendors.vendor_token#lookup)) re-authenticate with that token before it
    expires, which hands the lock over to the new token, so a play can hold the lock far longer than the ten-minute token lifetime.
  - O(state=absent) gives the lock back (C(configuration/unlock)).
  - Idempotent. If this principal's cached token already holds the lock, O(state=present) confirms it and reports no change;
    this is also how a run that was killed mid-change gets its lock back without waiting for the old token to expire.
    "User does not have the lock" on release is not an error; a lock held by another user is reported as a warning.
  - The token is never returned.
options:
  state:
    description:
      - V(present) to hold the lock, V(absent) to release it.
    type: str
    choices: [present, absent]
    default: present
  wait_timeout:
    description:
      - Seconds to keep trying while another user or session holds the lock (423). V(0) fails at once.
    type: int
    default: 0
  poll_interval:
    description:
      - Seconds between attempts while waiting.
    type: int
    default: 5
extends_documentation_fragment:
  - apiauth.vendors.connection
  - apiauth.vendors.attributes
attributes:
  action:
    support: none
  action_group:
    support: full
    membership: [apiauth.vendors.oracle_sbc]
  check_mode:
    support: full
    details: Reports whether the lock would be taken or released, from the token cache, without calling the SBC.
  diff_mode:
    support: none
notes:
  - O(token_cache=none) is refused. The lock belongs to a token, and a token that is not kept would leave the lock
    orphaned on the SBC until it expires.
  - Run it where the other tasks of the change run (usually C(delegate_to=localhost)) so they share the token cache.
  - The role P(apiauth.vendors.sbc_locked_change#role) wraps this module and M(apiauth.vendors.vendor_request) into a
    change that always gives the lock back.
seealso:
  - module: apiauth.vendors.vendor_request
'''

EXAMPLES = r'''
- name: Change the SBC configuration under its lock
  module_defaults:
    group/apiauth.vendors.oracle_sbc:
      url: https://sbc.example.com
      username: "{{ sbc_user }}"
      password: "{{ sbc_password }}"
  block:
    - name: Take the configuration lock, waiting up to 5 minutes for another admin to finish
      apiauth.vendors.sbc_config_lock:
        state: present
        wait_timeout: 300
        poll_interval: 10
      delegate_to: localhost

    - name: Create a realm
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
      delegate_to: localhost
  always:
    - name: Always give the lock back
      apiauth.vendors.sbc_config_lock:
        state: absent
      delegate_to: localhost
'''

RETURN = r'''
locked:
  description: Whether this principal holds the lock after the task.
  returned: success
  type: bool
  sample: true
lock_owner:
  description:
    - V(self) when this principal holds the lock, V(other) when another user or session holds it (seen on release),
      V(none) when it was released, V(unknown) when this principal had no live token and so could not hold it.
  returned: success
  type: str
  sample: self
token_expires_at:
  description: When the token that holds the lock expires unless renewed, ISO 8601 UTC.
  returned: success
  type: str
  sample: "2026-11-23T10:15:00Z"
token_expires_in:
  description: Seconds until then.
  returned: success
  type: int
  sample: 590
waited:
  description: Seconds spent waiting for another holder to release the lock.
  returned: when O(state=present)
  type: float
  sample: 0
renewed:
  description: Whether the token was re-authenticated (keeping the lock) during this task.
  returned: success
  type: bool
  sample: false
logged_in:
  description: Whether this task had to log in anew (no live cached token).
  returned: success
  type: bool
  sample: true
'''

from ansible_collections.apiauth.vendors.plugins.module_utils.errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils.module_base import build_module, fail, open_session
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc_lock import acquire, release


def main():
    module = build_module(
        dict(
            state=dict(type='str', default='present', choices=['present', 'absent']),
            wait_timeout=dict(type='int', default=0),
            poll_interval=dict(type='int', default=5),
        ),
        supports_check_mode=True,
    )
    if module.params['token_cache'] == 'none':
        module.fail_json(msg='sbc_config_lock needs token_cache=file: the lock belongs to a token, and a token that is not '
                             'kept would leave the lock orphaned on the SBC until it expires')
    if module.params['wait_timeout'] < 0 or module.params['poll_interval'] < 1:
        module.fail_json(msg='wait_timeout must be >= 0 and poll_interval >= 1')
    session = open_session(module, 'oracle_sbc')
    try:
        if module.params['state'] == 'present':
            result = acquire(session, module.params['wait_timeout'], module.params['poll_interval'], module.check_mode)
        else:
            result = release(session, module.check_mode)
    except ApiAuthError as exc:
        fail(module, exc)
    for warning in result.pop('warnings', []):
        module.warn(warning)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
