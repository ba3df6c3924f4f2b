# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every vendor driver provides, and the parts they share.

A driver knows one vendor's protocol: how to log in, how to renew, how a token is presented,
where the API root is and how its errors read. It never caches or retries: that is the job of
_auth.py and _http_client.py, so every vendor gets the same behaviour there.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 targets
    from urlparse import urlsplit

from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import normalise_url, token_problem
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError, redact

# payload (and xml.etree) are imported by the methods that read replies: a lookup that finds its token cached, in a
# fresh worker process per task, never reads a reply.

_HTML_TYPES = ('text/html', 'application/xhtml+xml')
_TITLE = re.compile(r'<title[^>]*>(.*?)</title', re.IGNORECASE | re.DOTALL)


def html_page(reply):
    """The title of ``reply``'s body ('' when it has none) if that body is an HTML page, else None.

    The vendors' APIs answer XML or JSON: an HTML page is a proxy's, a load balancer's or a login
    portal's, and its markup means nothing to the user reading the error.
    """
    text = reply.text or ''
    head = text[:4096].lstrip()[:1024].lower()  # not text.lstrip(): a copy of the whole body
    # The body decides, not the Content-Type alone: a JSON or XML reply labelled text/html is still read as what it is.
    if not head.startswith(('<!doctype html', '<html')) and not (
            reply.content_type in _HTML_TYPES and head.startswith('<') and ('<body' in head or '<title' in head)):
        return None
    found = _TITLE.search(text[:4096])
    return ' '.join(found.group(1).split())[:80] if found else ''


def describe_html(title, secrets=()):
    return "an HTML page%s instead of the API's reply" % (' titled %r' % redact(title, secrets) if title else '')


def _is_json_type(content_type):
    return content_type == 'application/json' or content_type.endswith('+json')


def _is_xml_type(content_type):
    return content_type in ('application/xml', 'text/xml') or content_type.endswith('+xml')


class VendorDriver(object):
    name = None            # the vendor= value
    title = None           # how messages name the product
    env = {}               # vendor-scoped option -> environment variable (AWX credential injectors)
    https_only = False
    default_lifetime = None  # seconds a token lives when the server does not say; None: no timer
    renewal_timeout_hint = None  # what a renewal the server may have acted on (no reply in time) means for the user
    # Whether renew() presents the caller's own credentials (the SBC's Basic header): then a caller whose secret does
    # not match a cached token may renew it, and the vendor decides. Otherwise such a caller logs in with its own.
    renewal_checks_credentials = False

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
        """The url option, normalised: what the cache key is made of and where every request goes.

        ``https://SBC.example.com:443/`` and ``https://sbc.example.com`` are one appliance: scheme and host are
        lower-cased, the scheme's default port and trailing slashes dropped, so both spellings share one token
        (and one SBC lock) instead of logging in twice. A path (a reverse proxy's prefix) is kept as given.
        """
        url = self.settings.require('url').strip()
        normalised, problem = normalise_url(url)
        if problem == 'userinfo':
            # requests would send these as Basic auth, and every message quoting the url would show them.
            raise ApiAuthError('url must not carry a user name or password (user:password@ before the host): give them '
                               'as username= and password= instead; nothing was sent',
                               vendor=self.name, reason='bad_option')
        if problem:
            raise ApiAuthError('url must look like https://host[:port], got %r' % url, vendor=self.name, reason='bad_option')
        return normalised

    def secret(self):
        """The secret that obtains a token for principal(): what a cached token's verifier is checked against."""
        return self.settings.password

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

    def carry_over(self, old, new, lost=None):
        """Copy into ``new`` (a fresh login's record) what ``old`` (None, or the record it replaces) learned about the server.
        ``lost`` says why ``old``'s token is gone: 'expired', or 'rejected' by the server."""

    def unsaved_renewal(self, http, record):
        """A renewal's ``record`` that the cache could not save, and the token it replaced is dead: give back what this
        token alone holds and return the words that say so (the task fails with them), or None when it holds nothing
        and may serve the task from memory."""
        return None

    def facts(self, record):
        """What ``record`` says was learned about the server, for the lookup's output=dict (never a secret)."""
        return {}

    def refused(self, reply):
        """True when a successful-looking API reply is an authentication refusal (BigID's HTTP 200 ones): it is then
        treated like a 401, with one new token and one more try."""
        return False

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
        return self.checked_token(token.strip(), action, reply.status)

    def checked_token(self, token, action, status=None):
        """``token`` if it can be sent in a header; else a bad_reply error that does not quote it.

        _auth.py checks every issued token through here too, so a driver that reads its token another way is covered.
        """
        problem = token_problem(token)
        if problem is not None:
            raise ApiAuthError('%s %s: the token in the reply cannot be used: %s (not shown)' % (self.title, action, problem),
                               status=status, vendor=self.name, reason='bad_reply')
        return token

    def action_name(self, renewal=False):
        """How messages name getting a token (``renewal``: replacing a live one)."""
        return 'login'

    def parse_token_reply(self, reply, action, expected):
        """A successful login reply's body as data (``expected``: 'xml' or 'json').

        A reply that cannot be read fails naming what came instead, and never quotes the body: a cut-off
        login reply may still hold the token.
        """
        what = '%s %s: expected %s reply' % (self.title, action, 'an XML' if expected == 'xml' else 'a JSON')
        title = html_page(reply)
        if title is not None:
            raise ApiAuthError('%s, got %s (HTTP %s, Content-Type %r)' % (what, describe_html(title, self.secrets), reply.status,
                                                                          reply.content_type or 'none'),
                               status=reply.status, vendor=self.name, url=reply.url, reason='bad_reply')
        from xml.etree.ElementTree import ParseError
        from ansible_collections.apiauth.vendors.plugins.module_utils._payload import loads_json, parse_xml_text
        try:
            return parse_xml_text(reply.text) if expected == 'xml' else loads_json(reply.text)
        except (ValueError, ParseError) as exc:  # json.loads, ElementTree: neither quotes the body
            raise ApiAuthError('%s, got HTTP %s with Content-Type %r that does not parse: %s (the body is not shown: it may '
                               'hold a token)' % (what, reply.status, reply.content_type or 'none', exc),
                               status=reply.status, vendor=self.name, url=reply.url, reason='bad_reply')

    def check_api_reply(self, reply, action):
        """Refuse a successful-looking reply that cannot be the API's: an HTML page, or XML or JSON that does not parse.

        Returning it as data would report a change as made, or a read as done, on the word of whatever answered.
        """
        from xml.etree.ElementTree import ParseError
        from ansible_collections.apiauth.vendors.plugins.module_utils._payload import DoctypeRefused, reply_json, reply_xml
        problem = None
        title = html_page(reply)
        text = bool(reply.text) and not reply.text.isspace()  # whether there is a body; no stripped copy of a large one
        if title is not None:
            problem = describe_html(title, self.secrets)
        elif text and _is_json_type(reply.content_type):
            try:
                reply_json(reply)  # parsed once per reply, shared with the result's data
            except ValueError as exc:
                problem = 'a JSON body that does not parse (%s)' % exc
        elif text and _is_xml_type(reply.content_type):
            try:
                reply_xml(reply)
            except DoctypeRefused:
                pass  # not parsed at all, by design: it is returned as text
            except (ValueError, ParseError) as exc:  # ElementTree does not quote the body
                problem = 'an XML body that does not parse (%s)' % exc
        if problem is None:
            return
        message = '%s %s: HTTP %s with %s' % (self.title, action, reply.status, problem)
        if reply.method not in ('GET', 'HEAD'):
            message += '; whether the call took effect is unknown: check before repeating it'
        raise ApiAuthError(message, status=reply.status, vendor=self.name, url=reply.url, reason='bad_reply')

    # -- errors -------------------------------------------------------------------------
    def explain(self, reply):
        """(hint, reason) for an unsuccessful API reply; vendors add what their statuses mean."""
        return None, None

    def fail(self, reply, action, hint=None, reason=None):
        """Raise an ApiAuthError for an unsuccessful ``reply``, in the vendor's own words."""
        from ansible_collections.apiauth.vendors.plugins.module_utils._payload import reply_messages, snippet
        messages = reply_messages(reply)
        title = None if messages else html_page(reply)
        if messages:
            detail = '; '.join(messages)
        elif title is not None:
            detail = describe_html(title, self.secrets)  # the page's title, never its markup
        else:
            detail = snippet(reply.text, self.secrets) or 'no message'
        text = '%s %s failed: HTTP %s: %s' % (self.title, action, reply.status, detail)
        if hint:
            text += '. ' + hint
        raise ApiAuthError(text, status=reply.status, vendor=self.name, url=reply.url,
                           reason=reason or ('auth' if reply.status in (401, 403) else 'http')).scrubbed(self.secrets)
