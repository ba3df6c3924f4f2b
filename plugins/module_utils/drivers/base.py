# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every vendor driver provides, and the parts they share.

A driver knows one vendor's protocol: how to log in, how to renew, how a token is presented,
where the API root is and how its errors read. It never caches or retries: that is the job of
auth.py and http_client.py, so every vendor gets the same behaviour there.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 targets
    from urlparse import urlsplit

from ansible_collections.apiauth.vendors.plugins.module_utils.errors import ApiAuthError
from ansible_collections.apiauth.vendors.plugins.module_utils.payload import reply_messages, snippet


class VendorDriver(object):
    name = None            # the vendor= value
    title = None           # how messages name the product
    env = {}               # vendor-scoped option -> environment variable (AWX credential injectors)
    https_only = False
    default_lifetime = None  # seconds a token lives when the server does not say; None: no timer

    def __init__(self, settings):
        self.settings = settings
        self.secrets = settings.secrets()

    # -- identity -----------------------------------------------------------------------
    def validate(self):
        """Fail early, before any network call, on settings this vendor cannot work with."""
        url = self.base_url()
        scheme = urlsplit(url).scheme
        if self.https_only and scheme != 'https':
            raise ApiAuthError('%s requires https:// (it answers plain HTTP with 426 Upgrade Required); got url=%s'
                               % (self.title, url), vendor=self.name, reason='bad_option')
        if scheme != 'https' and not self.settings.allow_plain_http:
            raise ApiAuthError('refusing to send %s credentials over plain HTTP to %s: use https://, or set '
                               'allow_plain_http=true (APIAUTH_ALLOW_PLAIN_HTTP) for a lab server you accept to expose'
                               % (self.title, url), vendor=self.name, reason='bad_option')
        if not self.settings.token:
            self.check_credentials()

    def base_url(self):
        url = self.settings.require('url').strip().rstrip('/')
        parts = urlsplit(url)
        if parts.scheme not in ('http', 'https') or not parts.netloc:
            raise ApiAuthError('url must look like https://host[:port], got %r' % url, vendor=self.name, reason='bad_option')
        return url

    def check_credentials(self):
        raise NotImplementedError

    def principal(self):
        """Who the token belongs to, as part of the cache key (never a raw secret)."""
        raise NotImplementedError

    def lifetime(self):
        return self.settings.token_lifetime or self.default_lifetime

    # -- protocol -----------------------------------------------------------------------
    def login(self, http, now):
        """Obtain a new token from credentials; returns a TokenRecord."""
        raise NotImplementedError

    def renew(self, http, record, now):
        """Replace a live token before it expires. The default is a new login."""
        return self.login(http, now)

    def auth_headers(self, token):
        raise NotImplementedError

    def api_url(self, path):
        """The absolute URL of ``path``: relative paths hang off the vendor's API root."""
        if path.startswith('/'):
            return self.base_url() + path
        return self.api_root() + path

    def api_root(self):
        return self.base_url() + '/'

    def token_from(self, body, field, action, reply):
        """``body[field]`` as a token: a non-empty string, or a clear error for anything else."""
        token = body.get(field) if isinstance(body, dict) else None
        if not isinstance(token, str) or not token.strip():
            raise ApiAuthError('%s %s: the reply has no %r' % (self.title, action, field),
                               status=reply.status, vendor=self.name, reason='bad_reply')
        return token.strip()

    # -- errors -------------------------------------------------------------------------
    def explain(self, reply):
        """(hint, reason) for an unsuccessful API reply; vendors add what their statuses mean."""
        return None, None

    def fail(self, reply, action, hint=None, reason=None):
        """Raise an ApiAuthError for an unsuccessful ``reply``, in the vendor's own words."""
        messages = reply_messages(reply)
        detail = '; '.join(messages) if messages else snippet(reply.text, self.secrets) or 'no message'
        text = '%s %s failed: HTTP %s: %s' % (self.title, action, reply.status, detail)
        if hint:
            text += '. ' + hint
        raise ApiAuthError(text, status=reply.status, vendor=self.name, url=reply.url,
                           reason=reason or ('auth' if reply.status in (401, 403) else 'http')).scrubbed(self.secrets)
