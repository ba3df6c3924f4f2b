# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: vendor_token
author: apiauth.vendors maintainers (@apiauth-vendors)
short_description: A valid API token for BigFix Inventory, the Oracle SBC or BigID, cached and renewed
version_added: 1.0.0
description:
  - Returns a token for O(vendor) that is good for at least O(refresh_margin) more seconds.
  - A cached token is returned without any network call while it has more than O(refresh_margin) seconds left.
    Parallel forks share the cache and its lock, so a play with many forks and tasks logs in once.
  - An Oracle SBC token near expiry is renewed by re-authenticating with the current token in the request body,
    which keeps the configuration lock with this client. A fresh login only happens when there is no live token.
  - A BigID user token is exchanged for a system token, re-exchanged when the system token's C(exp) claim is near.
  - A BigFix Inventory API token does not expire on a timer and is reused; with O(token) (single sign-on) no call is made.
  - Options come from keyword arguments, then Ansible variables, then environment variables
    (the ones AWX credential types inject). Vendor-specific values use the vendor's names, for example
    V(oracle_sbc_url) / E(ORACLE_SBC_URL) and V(bigid_user_token) / E(BIGID_USER_TOKEN).
options:
  _terms:
    description:
      - Vendor names, as an alternative to O(vendor); one result per name.
    type: list
    elements: str
  vendor:
    description:
      - The vendor API to authenticate to.
    type: str
    choices: [bigfix_inventory, oracle_sbc, bigid]
  output:
    description:
      - V(token) returns the bare token.
      - V(headers) returns a dictionary ready for the C(headers) option of M(ansible.builtin.uri)
        (a C(Bearer) C(Authorization) header for the SBC, C(Token) for BigFix Inventory, a bare C(Authorization) for BigID).
      - V(dict) returns C(token), C(expires_at), C(expires_in), C(vendor) and C(headers).
    type: str
    choices: [token, headers, dict]
    default: token
  force_renew:
    description:
      - Renew the cached token now, however long it still has. The Oracle SBC token is re-authenticated with itself
        (the configuration lock stays with it), a BigID system token is exchanged again, a BigFix Inventory token is
        fetched again with C(get_token).
      - For a task that got a 401 with a cached token, for example after the token was regenerated on the server.
    type: bool
    default: false
extends_documentation_fragment:
  - apiauth.vendors.connection
  - apiauth.vendors.connection.lookup
notes:
  - The returned token is a secret. Set C(no_log=true) on tasks that display or register it.
seealso:
  - module: apiauth.vendors.bigid_token_exchange
  - module: apiauth.vendors.vendor_request
'''

EXAMPLES = r'''
- name: Call the SBC REST API with ansible.builtin.uri, authentication handled by the lookup
  ansible.builtin.uri:
    url: "{{ sbc_url }}/rest/v1.2/configuration/configElements?elementType=realm-config"
    headers: "{{ lookup('apiauth.vendors.vendor_token', vendor='oracle_sbc', url=sbc_url,
                 username=sbc_user, password=sbc_password, output='headers') }}"
    return_content: true
  no_log: true

- name: Same, with the connection taken from the AWX credential (ORACLE_SBC_URL/USERNAME/PASSWORD)
  ansible.builtin.uri:
    url: "{{ lookup('ansible.builtin.env', 'ORACLE_SBC_URL') }}/rest/v1.2/configuration/configElements?elementType=realm-config"
    headers: "{{ lookup('apiauth.vendors.vendor_token', 'oracle_sbc', output='headers') }}"
  no_log: true

- name: BigFix Inventory with single sign-on enabled - a ready token, no login call
  ansible.builtin.uri:
    url: https://bfi.example.com:9081/api/sam/about
    headers: "{{ lookup('apiauth.vendors.vendor_token', vendor='bigfix_inventory', url='https://bfi.example.com:9081',
                 token=bfi_sso_token, output='headers') }}"

- name: A BigID system token and when it expires
  ansible.builtin.set_fact:
    bigid_auth: "{{ lookup('apiauth.vendors.vendor_token', vendor='bigid', output='dict') }}"
  vars:
    bigid_url: https://bigid.example.com
    bigid_user_token: "{{ vault_bigid_user_token }}"
  no_log: true

- name: Retry a call with a renewed token after a 401 (e.g. the BigFix token was regenerated on the server)
  ansible.builtin.uri:
    url: https://bfi.example.com:9081/api/sam/about
    headers: "{{ lookup('apiauth.vendors.vendor_token', 'bigfix_inventory', output='headers', force_renew=true) }}"
  when: about is failed and about.status == 401

- name: Show when the SBC token must be renewed, never the token itself
  ansible.builtin.debug:
    msg: "SBC token valid until {{ lookup('apiauth.vendors.vendor_token', 'oracle_sbc', output='dict').expires_at }}"
'''

RETURN = r'''
_raw:
  description:
    - One entry per vendor. With O(output=token), the token string.
    - With O(output=headers), a dictionary of request headers that carry the token.
    - With O(output=dict), a dictionary with the keys below.
  type: list
  elements: raw
  contains:
    token:
      description: The token.
      type: str
    headers:
      description: Request headers that carry the token.
      type: dict
      sample: {"Authorization": "Bearer ..."}
    vendor:
      description: The vendor name.
      type: str
      sample: oracle_sbc
    expires_at:
      description: When the token expires, ISO 8601 UTC; V(null) for tokens without a timer (BigFix Inventory, ready tokens).
      type: str
      sample: "2026-11-23T10:15:00Z"
    expires_in:
      description: Seconds until the token expires; V(null) for tokens without a timer.
      type: int
      sample: 480
'''

from ansible.errors import AnsibleLookupError
from ansible.module_utils.common.text.converters import to_native
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.apiauth.vendors.plugins.module_utils.auth import VendorSession, vendor_settings
from ansible_collections.apiauth.vendors.plugins.module_utils.errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils.options import COMMON_OPTIONS, VENDOR_SCOPED

display = Display()

OUTPUTS = ('token', 'headers', 'dict')


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        unknown = sorted(set(kwargs) - set(COMMON_OPTIONS) - set(('vendor', 'output', 'force_renew')))
        if unknown:
            raise AnsibleLookupError('vendor_token: unknown option(s) %s' % ', '.join(unknown))
        output = kwargs.pop('output', None) or 'token'
        try:
            force = boolean(kwargs.pop('force_renew', False), strict=True)
        except TypeError as exc:
            raise AnsibleLookupError('vendor_token: force_renew: %s' % exc)
        if output not in OUTPUTS:
            raise AnsibleLookupError('vendor_token: output must be one of %s, got %r' % (', '.join(OUTPUTS), output))
        vendors = [kwargs.pop('vendor')] if kwargs.get('vendor') else list(terms or [])
        kwargs.pop('vendor', None)
        if not vendors:
            raise AnsibleLookupError('vendor_token: vendor is required (vendor=oracle_sbc|bigfix_inventory|bigid, '
                                     'or the vendor name as the first term)')
        return [self._one(vendor, output, force, kwargs, variables) for vendor in vendors]

    def _one(self, vendor, output, force, direct, variables):
        settings = None
        try:
            settings = vendor_settings(vendor, direct, variables=self._variables_for(vendor, variables))
            session = VendorSession(settings, warn=display.warning)
            record = session.token(force=force)
        except ApiAuthError as exc:
            secrets = settings.secrets() if settings else [v for k, v in direct.items() if k in ('password', 'token', 'user_token')]
            raise AnsibleLookupError('vendor_token: %s' % exc.scrubbed(secrets).message)
        display.vvvv('apiauth.vendors.vendor_token: %s token for %s (%s), expires %s'
                     % (vendor, session.driver.base_url(), ', '.join(session.events) or 'from cache',
                        session.describe(record, with_token=False)['expires_at'] or 'never'))
        if output == 'token':
            return record.token
        if output == 'headers':
            return session.headers(record)
        return session.describe(record)

    def _variables_for(self, vendor, variables):
        """The Ansible variables this vendor's options may come from, templated."""
        if not variables:
            return {}
        names = ['%s_%s' % (vendor, name) for name in VENDOR_SCOPED] + ['apiauth_%s' % name for name in COMMON_OPTIONS]
        found = {}
        for name in names:
            if name in variables and variables[name] is not None:
                value = variables[name]
                if self._templar is not None and isinstance(value, str) and '{' in value:
                    value = self._templar.template(value)
                found[name] = value
        return dict((k, to_native(v) if isinstance(v, bytes) else v) for k, v in found.items())
