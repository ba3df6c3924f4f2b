# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The connection options every plugin of apiauth.vendors shares.
    DOCUMENTATION = r'''
options:
  url:
    description:
      - Base URL of the vendor API, C(scheme://host[:port]), without the API path.
      - The Oracle SBC REST API is HTTPS only; an C(http://) URL is refused before any request is sent.
      - Normalised before use (scheme and host lower-cased, default port and trailing slash dropped), so every spelling
        of one appliance shares one cached token. A URL with a user name or password in it is refused before anything
        is sent.
      - When not given, taken from the vendor's environment variable
        E(ORACLE_SBC_URL), E(BIGFIX_INVENTORY_URL) or E(BIGID_URL)
        (lookups also read the Ansible variable V(oracle_sbc_url), V(bigfix_inventory_url) or V(bigid_url)).
    type: str
  username:
    description:
      - User to log in as (Oracle SBC, BigFix Inventory; BigID session login).
      - Defaults to E(ORACLE_SBC_USERNAME), E(BIGFIX_INVENTORY_USERNAME) or E(BIGID_USERNAME)
        (lookups also read V(<vendor>_username)).
    type: str
  password:
    description:
      - Password of O(username). Never logged, never returned, scrubbed from every error message.
      - Defaults to E(ORACLE_SBC_PASSWORD), E(BIGFIX_INVENTORY_PASSWORD) or E(BIGID_PASSWORD)
        (lookups also read V(<vendor>_password)).
    type: str
  token:
    description:
      - A ready token to use as is, without login, caching or renewal.
      - This is how BigFix Inventory is used when single sign-on is enabled and C(/api/get_token) is not available
        (the token comes from the UI, Profile > Show token). Defaults to E(BIGFIX_INVENTORY_TOKEN) for BigFix Inventory.
    type: str
  user_token:
    description:
      - BigID user token (Administration > Access Management), exchanged for a short-lived system token.
      - Defaults to E(BIGID_USER_TOKEN) (lookups also read V(bigid_user_token)).
      - Takes precedence over O(username)/O(password) for BigID.
    type: str
  api_version:
    description:
      - Oracle SBC REST API version in the path C(/rest/{version}/). An appliance that does not serve it answers 404,
        reported as an error naming the version.
      - A version id, a V(v) and dot-separated numbers (V(v1.1), V(v1.2)); anything else fails with C(reason=bad_option)
        before anything is sent.
    type: str
    default: v1.2
  validate_certs:
    description:
      - Verify the server's TLS certificate. Set V(false) only for throwaway lab appliances.
      - Defaults to E(APIAUTH_VALIDATE_CERTS) when that is set.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the CA certificate(s) that signed the server certificate, instead of the system trust store.
      - A path that does not exist or cannot be read fails with C(reason=tls) naming it, before anything is sent.
      - Defaults to E(APIAUTH_CA_PATH) when that is set.
    type: path
  allow_plain_http:
    description:
      - Allow an C(http://) O(url) for BigFix Inventory and BigID, which sends passwords and tokens unencrypted.
        Without it such a URL is refused before anything is sent. The Oracle SBC always requires C(https://).
      - Defaults to E(APIAUTH_ALLOW_PLAIN_HTTP) when that is set.
    type: bool
    default: false
  timeout:
    description:
      - Seconds to wait for each HTTP reply, as a whole (a server sending its reply slowly fails at this time too);
        connecting has a bound of the same length. Between 1 and 3600.
    type: int
    default: 30
  retries:
    description:
      - How many times a request is repeated, with exponential backoff (0.5 s, 1 s, 2 s, ... at most 4 s), after a
        connection failure before the request can have reached the server (refused, name resolution, connect
        timeout) or a 503 reply. Between 0 and 10.
      - A connection lost after the request was sent, and a 502 or 504 reply, are retried only for reads and logins.
        A change (POST, PUT, PATCH, DELETE, an SBC re-authentication) is never sent twice; it fails with
        C(reason=maybe_applied), saying the change may have been applied.
      - A read timeout is not retried, since the server may be acting on the request.
    type: int
    default: 3
  max_reply_size:
    description:
      - Largest reply body, in bytes, that is read. A larger reply fails with C(reason=too_large) without being read
        into memory (at once when its Content-Length says so). Between 1024 and 4294967296.
    type: int
    default: 67108864
  token_cache:
    description:
      - V(file) keeps tokens between tasks, forks and runs in O(token_cache_dir), so one login serves a whole play and
        an Oracle SBC token (with the configuration lock tied to it) is renewed rather than replaced.
      - V(redis) keeps them, encrypted, in the Redis server at O(token_cache_url), shared by every host and container
        that uses it (AWX execution nodes); see C(docs/shared_store.md). Needs the C(redis) Python package.
      - V(none) keeps nothing, so every plugin call logs in anew.
      - Defaults to E(APIAUTH_TOKEN_CACHE) when that is set (the AWX token store credential sets V(redis)).
    type: str
    choices: [file, redis, none]
    default: file
  token_cache_dir:
    description:
      - Directory of the token cache, created with mode 0700; token files are 0600.
      - Defaults to E(APIAUTH_TOKEN_CACHE_DIR) when that is set, else to C(~/.cache/apiauth_vendors) of the user that
        runs the plugin, or C(apiauth_vendors-<uid>) in the system temporary directory when that home is not writable.
      - Must be absolute (C(~) is expanded), since a relative directory would put tokens where C(ansible-playbook) runs,
        which under AWX is the project checkout.
      - Under AWX every job runs in a fresh execution environment container, so the cache lives for one job.
      - Tokens are keyed by vendor, normalised URL and principal (user name; BigID user tokens share one record per
        URL). A cached token is handed only to a caller presenting the secret that obtained it, checked against a
        salted PBKDF2 verifier stored with it; any other caller logs in with its own credentials (for the Oracle SBC,
        re-authenticates with them, keeping the lock), and a refusal leaves the cached token alone.
    type: path
  token_cache_url:
    description:
      - With O(token_cache=redis), the Redis server, V(redis://[user:password@]host[:port][/db]) or V(rediss://...) (TLS,
        verified against O(token_cache_ca_path) or the system's CAs). Defaults to E(APIAUTH_TOKEN_CACHE_URL). Never logged.
    type: str
  token_cache_key:
    description:
      - With O(token_cache=redis), the secret (at least 16 characters) from which the records' encryption key and
        key names are derived; every job that shares tokens uses the same one. Defaults to E(APIAUTH_TOKEN_CACHE_KEY).
    type: str
  token_cache_ca_path:
    description:
      - With a V(rediss://) O(token_cache_url), the CA bundle that verifies the Redis server's certificate. Defaults to
        E(APIAUTH_TOKEN_CACHE_CA_PATH).
    type: path
  refresh_margin:
    description:
      - Seconds before expiry at which a cached token is renewed instead of reused.
      - An Oracle SBC token is renewed by re-authenticating with the current token (keeping the configuration lock);
        a BigID system token is re-exchanged. BigFix Inventory tokens do not expire on a timer.
    type: int
    default: 120
  token_lifetime:
    description:
      - Seconds a new token lives when the server does not say (between 1 and 366 days). When not set, 600 for the Oracle SBC (its documented
        ten minutes) and 300 for a BigID system token without an C(exp) claim.
      - Only needed for appliances configured with a different token lifetime.
    type: int
  reauth_body:
    description:
      - Oracle SBC only. How the current token is put in the body of a re-authentication (C(POST /rest/{version}/auth/token)
        with the Basic header and the form content type C(application/x-www-form-urlencoded)). Oracle's documents say only
        "the current, unexpired access token in the body".
      - V(token) sends the form field C(token=<token>), V(accessToken) the form field C(accessToken=<token>), V(raw) the
        bare token as the whole body.
      - V(auto) tries the shape this appliance accepted before (remembered in the token cache), then the others in that
        order, moving on only when the appliance answers HTTP 400; the one it accepts is remembered.
      - If an appliance answers a re-authentication as a fresh login (the old token keeps the configuration lock), this
        is noticed when a change is refused with 423 while the replaced token is still alive; then the lock is handed over
        (released with the old token, taken with the new one), a warning says so, and later renewals hand it over at once.
      - Defaults to E(ORACLE_SBC_REAUTH_BODY) when that is set. C(playbooks/check_appliance.yml) shows which shape an
        appliance takes. See C(docs/protocols.md).
    type: str
    choices: [auto, token, accessToken, raw]
    default: auto
notes:
  - Tokens are cached on the host that runs the plugin, that is the controller for lookups and the task's host for modules.
    Run the modules on the controller (C(delegate_to=localhost) or C(connection=local)) so lookups and modules share one cache.
  - Modules accept their connection options through C(module_defaults) with the action groups
    C(group/apiauth.vendors.oracle_sbc), C(group/apiauth.vendors.bigid) and C(group/apiauth.vendors.bigfix_inventory).
requirements:
  - requests (Python library, on the host that runs the plugin)
'''

    # Where lookups read each option besides their keyword arguments, in Ansible's own terms (vars:, env:, ini:),
    # so that ansible-doc and ansible-config list them. The vendor-scoped options list every vendor's names: the
    # lookup uses only the chosen vendor's (plugins/lookup/vendor_token.py, LookupModule.vendor_options). No ini: entries for those, since
    # passwords and tokens do not belong in ansible.cfg; nor for token_cache_dir, which Ansible would resolve against
    # the directory of ansible.cfg (under AWX, the project checkout, where tokens do not belong).
    LOOKUP = r'''
options:
  url:
    vars:
      - name: oracle_sbc_url
      - name: bigfix_inventory_url
      - name: bigid_url
    env:
      - name: ORACLE_SBC_URL
      - name: BIGFIX_INVENTORY_URL
      - name: BIGID_URL
  username:
    vars:
      - name: oracle_sbc_username
      - name: bigfix_inventory_username
      - name: bigid_username
    env:
      - name: ORACLE_SBC_USERNAME
      - name: BIGFIX_INVENTORY_USERNAME
      - name: BIGID_USERNAME
  password:
    vars:
      - name: oracle_sbc_password
      - name: bigfix_inventory_password
      - name: bigid_password
    env:
      - name: ORACLE_SBC_PASSWORD
      - name: BIGFIX_INVENTORY_PASSWORD
      - name: BIGID_PASSWORD
  token:
    vars:
      - name: oracle_sbc_token
      - name: bigfix_inventory_token
      - name: bigid_token
    env:
      - name: BIGFIX_INVENTORY_TOKEN
  user_token:
    vars:
      - name: bigid_user_token
    env:
      - name: BIGID_USER_TOKEN
  api_version:
    vars:
      - name: apiauth_api_version
    ini:
      - section: apiauth_vendors
        key: api_version
  validate_certs:
    vars:
      - name: apiauth_validate_certs
    env:
      - name: APIAUTH_VALIDATE_CERTS
    ini:
      - section: apiauth_vendors
        key: validate_certs
  ca_path:
    vars:
      - name: apiauth_ca_path
    env:
      - name: APIAUTH_CA_PATH
    ini:
      - section: apiauth_vendors
        key: ca_path
  allow_plain_http:
    vars:
      - name: apiauth_allow_plain_http
    env:
      - name: APIAUTH_ALLOW_PLAIN_HTTP
    ini:
      - section: apiauth_vendors
        key: allow_plain_http
  timeout:
    vars:
      - name: apiauth_timeout
    ini:
      - section: apiauth_vendors
        key: timeout
  max_reply_size:
    vars:
      - name: apiauth_max_reply_size
    ini:
      - section: apiauth_vendors
        key: max_reply_size
  retries:
    vars:
      - name: apiauth_retries
    ini:
      - section: apiauth_vendors
        key: retries
  token_cache:
    vars:
      - name: apiauth_token_cache
    env:
      - name: APIAUTH_TOKEN_CACHE
    ini:
      - section: apiauth_vendors
        key: token_cache
  token_cache_dir:
    vars:
      - name: apiauth_token_cache_dir
    env:
      - name: APIAUTH_TOKEN_CACHE_DIR
  token_cache_url:
    vars:
      - name: apiauth_token_cache_url
    env:
      - name: APIAUTH_TOKEN_CACHE_URL
  token_cache_key:
    vars:
      - name: apiauth_token_cache_key
    env:
      - name: APIAUTH_TOKEN_CACHE_KEY
  token_cache_ca_path:
    vars:
      - name: apiauth_token_cache_ca_path
    env:
      - name: APIAUTH_TOKEN_CACHE_CA_PATH
  refresh_margin:
    vars:
      - name: apiauth_refresh_margin
    ini:
      - section: apiauth_vendors
        key: refresh_margin
  token_lifetime:
    vars:
      - name: apiauth_token_lifetime
    ini:
      - section: apiauth_vendors
        key: token_lifetime
  reauth_body:
    env:
      - name: ORACLE_SBC_REAUTH_BODY
    vars:
      - name: apiauth_reauth_body
    ini:
      - section: apiauth_vendors
        key: reauth_body
'''
