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
  - Options are resolved by Ansible's configuration system, highest precedence first - the lookup's keyword
    arguments, Ansible variables, environment variables (the ones AWX credential types inject), C(ansible.cfg)
    (section C([apiauth_vendors])), the default. C(ansible-doc -t lookup apiauth.vendors.vendor_token) and
    C(ansible-config list -t lookup) list every source of every option.
  - O(url), O(username), O(password), O(token) and O(user_token) follow the vendor - the variable
    C(<vendor>_<option>) and the environment variable C(<VENDOR>_<OPTION>), for example V(oracle_sbc_url) and
    E(ORACLE_SBC_URL), V(bigid_user_token) and E(BIGID_USER_TOKEN). Only the chosen vendor's names count, so one
    play (or one AWX job with several credentials) can hold the settings of every vendor. They have no C(ansible.cfg)
    entry, since passwords and tokens do not belong there.
  - An environment variable that is set but empty counts as unset (AWX injects the empty fields of a credential),
    so the option takes its default.
options:
  _terms:
    description:
      - Vendor names, as an alternative to O(vendor); one result per name.
    type: list
    elements: str
  vendor:
    description:
      - The vendor API to authenticate to, V(oracle_sbc), V(bigfix_inventory) or V(bigid)
        (any other name fails, naming the three).
    type: str
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
    reauth_body:
      description:
        - Oracle SBC, once a token has been renewed. The re-authentication body shape the appliance accepted
          (V(token), V(accessToken) or V(raw); see the O(reauth_body) option).
      type: str
      returned: Oracle SBC, after a renewal
      sample: token
    renewal_acts_as_login:
      description:
        - Oracle SBC, once a token has been renewed. V(true) when the appliance was found to answer a re-authentication as a
          fresh login (the configuration lock stayed with the replaced token and had to be handed over).
      type: bool
      returned: Oracle SBC, after a renewal
      sample: false
'''

from ansible.errors import AnsibleLookupError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.utils.display import Display

from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, vendor_settings
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils._options import (COMMON_OPTIONS, REAUTH_BODY_CHOICES, SECRET_OPTIONS,
                                                                               TOKEN_CACHE_CHOICES)
from ansible_collections.apiauth.vendors.plugins.plugin_utils._vendor_lookup import (VendorLookupBase, option_definitions,
                                                                                     register_definitions)

display = Display()


# The options of DOCUMENTATION above as Ansible's config system reads them (tests hold the two equal).
OWN_OPTIONS = {
    '_terms': {'type': 'list', 'elements': 'str'},
    'vendor': {'type': 'str'},
    'output': {'type': 'str', 'default': 'token', 'choices': ['token', 'headers', 'dict']},
    'force_renew': {'type': 'bool', 'default': False},
}


class LookupModule(VendorLookupBase):

    FQCN = 'apiauth.vendors.vendor_token'

    def run(self, terms, variables=None, **kwargs):
        self.load_options(variables, kwargs)
        try:  # Ansible reads any word it does not know as false; a typo here must not silently mean "do not renew"
            boolean(kwargs.get('force_renew', False), strict=True)
        except TypeError as exc:
            raise AnsibleLookupError('vendor_token: force_renew: %s' % exc)
        vendor = self.get_option('vendor')
        vendors = [vendor] if vendor else list(terms or [])
        if not vendors:
            raise AnsibleLookupError('vendor_token: vendor is required (vendor=oracle_sbc|bigfix_inventory|bigid, '
                                     'or the vendor name as the first term)')
        output, force = self.get_option('output'), self.get_option('force_renew')
        return [self._one(name, output, force, kwargs) for name in vendors]

    def _one(self, vendor, output, force, direct):
        settings = None
        try:
            # The options as Ansible resolved them, for this vendor: _options.py validates them as for a module.
            settings = vendor_settings(vendor, self.vendor_options(vendor, COMMON_OPTIONS), variables={}, environ={})
            session = VendorSession(settings, warn=display.warning)
            record = session.token(force=force)
        except ApiAuthError as exc:
            secrets = settings.secrets() if settings else [v for k, v in direct.items() if k in SECRET_OPTIONS and v]
            raise AnsibleLookupError('vendor_token: %s' % exc.scrubbed(secrets).message)
        display.vvvv('apiauth.vendors.vendor_token: %s token for %s (%s), expires %s'
                     % (vendor, session.driver.base_url(), ', '.join(session.events) or 'from cache',
                        session.describe(record, with_token=False)['expires_at'] or 'never'))
        if output == 'token':
            return record.token
        if output == 'headers':
            return session.headers(record)
        return session.describe(record)


register_definitions(__name__, LookupModule.FQCN, option_definitions(
    COMMON_OPTIONS, OWN_OPTIONS, choices={'token_cache': TOKEN_CACHE_CHOICES, 'reauth_body': REAUTH_BODY_CHOICES}))
