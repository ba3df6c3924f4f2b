"""A small HTTP client fixture for the simulator's own tests (the simulator fixtures live in tests/conftest.py)."""

import base64
import xml.etree.ElementTree as ET

import pytest
import requests

PASSWORDS = {"admin": "sbc-admin-pass", "operator": "sbc-operator-pass", "other-admin": "other-admin-pass"}


class Client:
    """requests against one simulator, verifying TLS with its CA."""

    def __init__(self, sim):
        self.sim = sim
        self.http = requests.Session()

    @staticmethod
    def basic(user, password):
        """An Authorization: Basic header value."""
        return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode("utf-8")).decode("ascii")

    @staticmethod
    def messages(response):
        """The <message> texts of an SBC XML reply."""
        return [node.text for node in ET.fromstring(response.content).iter("message")]

    def request(self, method, path, base=None, **kwargs):
        """One request to base (default sim.url) + path."""
        kwargs.setdefault("verify", self.sim.ca_path)
        kwargs.setdefault("timeout", 10)
        return self.http.request(method, (base or self.sim.url) + path, **kwargs)

    def sbc_login(self, user="admin", password=None, body_token=None, version="v1.2"):
        """POST auth/token, with the re-authentication body when body_token is given."""
        headers = {"Authorization": self.basic(user, PASSWORDS[user] if password is None else password)}
        data = {"token": body_token} if body_token else None
        return self.request("POST", "/rest/%s/auth/token" % version, headers=headers, data=data)

    def sbc_token(self, user="admin", body_token=None):
        """Log in (or re-authenticate) and return the new token."""
        response = self.sbc_login(user, body_token=body_token)
        assert response.status_code == 200, response.text
        return ET.fromstring(response.content).findtext("data/accessToken")

    def sbc(self, method, resource, token, version="v1.2", **kwargs):
        """An SBC call with a Bearer token."""
        headers = kwargs.pop("headers", {})
        headers["Authorization"] = "Bearer " + token
        return self.request(method, "/rest/%s/%s" % (version, resource), headers=headers, **kwargs)

    def control(self, method, name, **kwargs):
        """A /_sim/ control API call."""
        return self.request(method, "/_sim/" + name, **kwargs)


@pytest.fixture
def client(simulator):
    """Client bound to the fresh `simulator`."""
    session = Client(simulator)
    yield session
    session.http.close()
