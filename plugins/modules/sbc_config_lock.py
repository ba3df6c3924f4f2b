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
  - O(state=present) takes the Oracle SBC configuration lock (C(POST /rest/{version}/configuration/lock)) for this run
    of C(ansible-playbook) and keeps the token that holds it in the token cache. Later tasks that go through the
    collection (this module, M(apiauth.vendors.vendor_request), P(apiauth.vendors.vendor_token#lookup)) re-authenticate
    with that token before it expires, which hands the lock over to the new token; between tasks a small keeper process
    does the same, so a play can hold the lock far longer than the ten-minute token lifetime, even across a long
    C(pause) or tasks that make no SBC call.
  - O(state=absent) gives the lock back (C(configuration/unlock)).
  - B(A run owns the lock.) A run is one C(ansible-playbook) process; an AWX job is one. Every run of the same user on
    the same controller shares the cached token, and the lock record names the run holding it. O(state=present) while
    another run that is still running holds the lock behaves as if another user held it. It waits up to
    O(wait_timeout), then fails naming the holder (C(held by another run of admin on this controller, pid N since T)).
  - When the run holding the lock is gone (killed, crashed, an AWX job cancelled), the lock stays with the cached token
    until it expires, and the next run of the same user takes it over at once with that token (a warning says so, as
    the earlier change may be incomplete), without a new login and without waiting for the token to expire.
  - With the shared token store (O(token_cache=redis)) this holds across execution nodes and containers. The run that
    takes the lock holds a lease in the store that its keeper renews every second (5 s TTL); a run on another node
    waits while that lease is held, and takes the lock over once it has expired (the job cancelled or killed, or its
    node gone), with the shared token. In an AWX job the run is also named by the job (C(JOB_ID), C(AWX_HOST)).
  - O(state=absent) from a run that does not hold the lock leaves it held and warns, unless O(force=true). The lock of
    a run that is gone is released.
  - The keeper exits when the lock is released, when its run is gone, or O(max_hold) seconds after the run took the
    lock; it never logs in anew and never releases the lock. It is started only when this module runs on the
    controller (C(delegate_to=localhost)), where it can see the run.
  - A keeper serves the run that started it and no other. A run that takes the lock after another run of the same
    user released it (the next AWX job waiting for the lock) gets a keeper of its own, however quickly it took it.
  - When the SBC refuses to renew the token that holds the lock (the token was revoked), the keeper records that the
    lock was lost and exits; the run's next change made with
    O(apiauth.vendors.vendor_request#module:require_lock=true) fails naming that reason.
  - When the token cache says this controller held the lock and the SBC refuses that token while another token holds
    the lock (a run killed while the reply to its renewal was on its way), the failure says so and by when the SBC
    frees the lock, instead of naming another user.
  - Idempotent. If this run already holds the lock, O(state=present) confirms it and reports no change.
    "User does not have the lock" on release is not an error; a lock held by another user is reported as a warning.
  - The token is never returned. The rules in full are in the collection's C(docs/sbc_lock_ownership.md).
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
  force:
    description:
      - With O(state=absent), release the lock even when another run of the same user, still running, holds it.
        That run's next change made with O(apiauth.vendors.vendor_request#module:require_lock=true) is then refused.
    type: bool
    default: false
  max_hold:
    description:
      - Seconds after this run took the lock during which the keeper renews its token between tasks. After that
        only the run's own SBC calls keep the token (and with it the lock) alive. V(0) starts no keeper.
    type: int
    default: 14400
  _run:
    description:
      - Internal, set by the action plugin of this module to the identity of the C(ansible-playbook) run (host, process
        id and start time). A value given in a task is replaced. Do not set it.
    type: dict
extends_documentation_fragment:
  - apiauth.vendors.connection
  - apiauth.vendors.attributes
  - apiauth.vendors.attributes.oracle_sbc
  - apiauth.vendors.attributes.no_diff
attributes:
  check_mode:
    support: full
    details: Reports whether the lock would be taken or released, from the token cache, without calling the SBC.
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

- name: Free a lock that another, still running, run of the same user holds (it is refused its next change)
  apiauth.vendors.sbc_config_lock:
    state: absent
    force: true
  delegate_to: localhost
'''

RETURN = r'''
locked:
  description: Whether this run holds the lock after the task.
  returned: success
  type: bool
  sample: true
lock_owner:
  description:
    - V(self) when this run holds the lock, V(other_run) when another run of the same user holds it,
      V(other) when another user or session holds it (seen on release),
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
took_over:
  description:
    - Whether this task took the lock over from a run that is gone (killed, crashed, an AWX job cancelled). That run's
      change may be incomplete. A playbook should look at the configuration before it verifies, saves or activates
      it; the role P(apiauth.vendors.sbc_locked_change#role) stops before them unless told otherwise.
  returned: when O(state=present) took or confirmed the lock (not in check mode)
  type: bool
  sample: false
took_over_from:
  description: The run the lock was taken over from, in words (C(the run of admin on this controller, pid N since T)).
  returned: when RV(took_over) is true
  type: str
  sample: the run of admin on this controller, pid 4242 since 2026-11-23T10:05:00Z
keeper_pid:
  description:
    - Process id of the keeper that renews the token between tasks while this run holds the lock; null when none runs
      (check mode, or the module does not run on the controller).
  returned: when O(state=present) and the lock is held
  type: int
  sample: 12345
'''

import time

from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.keeper import ensure_keeper
from ansible_collections.apiauth.vendors.plugins.module_utils._module_base import build_module, fail, open_session, run_main
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.run_identity import ALIVE, run_state
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.lock import acquire, release
from ansible_collections.apiauth.vendors.plugins.module_utils.sbc.state import LockState


def main():
    module = build_module(
        dict(
            state=dict(type='str', default='present', choices=['present', 'absent']),
            wait_timeout=dict(type='int', default=0),
            poll_interval=dict(type='int', default=5),
            force=dict(type='bool', default=False),
            max_hold=dict(type='int', default=14400),
            _run=dict(type='dict'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params['token_cache'] == 'none':
        module.fail_json(msg='sbc_config_lock needs token_cache=file: the lock belongs to a token, and a token that is not '
                             'kept would leave the lock orphaned on the SBC until it expires')
    if params['wait_timeout'] < 0 or params['poll_interval'] < 1 or params['max_hold'] < 0:
        module.fail_json(msg='wait_timeout and max_hold must be >= 0 and poll_interval >= 1')
    run = params['_run'] or None
    session = open_session(module, 'oracle_sbc')
    try:
        if params['state'] == 'present':
            result = acquire(session, run, params['wait_timeout'], params['poll_interval'], module.check_mode)
            if result['locked'] and not module.check_mode:
                result['keeper_pid'] = _keeper(module, session, run)
        else:
            result = release(session, run, params['force'], module.check_mode)
    except ApiAuthError as exc:
        fail(module, exc)
    for warning in result.pop('warnings', []):
        module.warn(warning)
    module.exit_json(**result)


def _keeper(module, session, run):
    """The keeper's pid, started if none runs; None where it could not watch the run (not on the controller)."""
    if module.params['max_hold'] == 0:
        return None
    if run is None or run_state(run) != ALIVE:
        module.warn('no keeper renews the lock token between tasks: %s, so the lock lasts only as long as the tasks that '
                    'use it keep renewing its token'
                    % ('this task runs without the module\'s action plugin, which names the run' if run is None else
                       'this task does not run on the controller that runs the play (use delegate_to: localhost)'))
        return None
    record = session.cached()
    since = (LockState(record).run or {}).get('since')
    pid, _started = ensure_keeper(session, run, (since or time.time()) + module.params['max_hold'])
    return pid


if __name__ == '__main__':
    run_main(main)
