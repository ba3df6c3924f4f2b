"""The simulator's settings for behaviours the vendors' documents leave open or that differ between releases
(re-authentication body shape, operation links, asyncstatus, BigID 200 refusals, BigFix 9.x refusals)."""

import base64
import json
import xml.etree.ElementTree as ET

import pytest

USER_TOKEN = "bigid-user-token-0123456789"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def reauth(client, shape, token):
    """POST auth/token with the current token in the body in ``shape``."""
    headers = dict(FORM, Authorization=client.basic("admin", "sbc-admin-pass"))
    body = token if shape == "raw" else "%s=%s" % (shape, token)
    return client.request("POST", "/rest/v1.2/auth/token", headers=headers, data=body)


def new_token(response):
    return ET.fromstring(response.content).findtext("data/accessToken")


@pytest.mark.parametrize("accepted", ("token", "accessToken", "raw"))
def test_reauth_takes_only_the_configured_shape(simulator, client, accepted):
    simulator.configure(sbc_reauth_body=accepted)
    token = client.sbc_token()
    assert client.sbc("POST", "configuration/lock", token).status_code == 204
    for shape in ("token", "accessToken", "raw"):
        if shape != accepted:
            refused = reauth(client, shape, token)
            assert refused.status_code == 400 and client.messages(refused) == ["Malformed re-authentication request body"]
    renewed = reauth(client, accepted, token)
    assert renewed.status_code == 200
    assert simulator.state_snapshot()["lock"]["owner_fp"] == simulator.fingerprint(new_token(renewed))
    assert client.sbc("GET", "configuration/configElements?elementType=realm-config", token).status_code == 401  # old one died
    journal = simulator.journal_entries(kind="reauth")
    assert len(journal) == 3 and {e["body_token_fp"] for e in journal} == {simulator.fingerprint(token)}


def test_reauth_ignored_acts_as_a_login_and_the_lock_stays_with_the_old_token(simulator, client):
    simulator.configure(sbc_reauth_body="ignored")
    token = client.sbc_token()
    assert client.sbc("POST", "configuration/lock", token).status_code == 204
    renewed = new_token(reauth(client, "token", token))
    assert simulator.state_snapshot()["lock"]["owner_fp"] == simulator.fingerprint(token)
    refused = client.sbc("POST", "configuration/unlock", renewed)
    assert refused.status_code == 423
    assert client.sbc("POST", "configuration/unlock", token).status_code == 204  # the old token is alive
    assert [e["kind"] for e in simulator.journal_entries(vendor="oracle_sbc", path="/rest/v1.2/auth/token")] == ["login", "reauth"]


def test_reauth_needs_a_form_content_type(simulator, client):
    token = client.sbc_token()
    headers = {"Authorization": client.basic("admin", "sbc-admin-pass"), "Content-Type": "text/plain"}
    reply = client.request("POST", "/rest/v1.2/auth/token", headers=headers, data="token=" + token)
    assert reply.status_code == 400


@pytest.mark.parametrize("link", ("path", "absolute", "none"))
def test_operation_links_and_asyncstatus(simulator, client, link):
    simulator.configure(sbc_async_link=link, async_delay=0)
    token = client.sbc_token()
    assert client.sbc("GET", "admin/asyncstatus", token).status_code == 404  # nothing issued yet
    client.sbc("POST", "configuration/lock", token)
    started = client.sbc("PUT", "configuration/management?action=save", token)
    assert started.status_code == 202
    links = [node.text for node in ET.fromstring(started.content).iter("link")]
    if link == "none":
        assert links == []
    elif link == "absolute":
        assert links == ["https://127.0.0.1:%d/rest/v1.2/configuration/management/operations/1" % simulator.port]
    else:
        assert links == ["/rest/v1.2/configuration/management/operations/1"]
    status = ET.fromstring(client.sbc("GET", "admin/asyncstatus", token).content)
    assert status.findtext("data/operationState/operation") == "save"
    assert status.findtext("data/operationState/status") == "success"


def test_operation_can_be_made_to_fail(simulator, client):
    simulator.configure(sbc_operation_result="fail", async_delay=0)
    token = client.sbc_token()
    client.sbc("POST", "configuration/lock", token)
    client.sbc("POST", "configuration/management?action=activate", token)
    status = ET.fromstring(client.sbc("GET", "admin/asyncstatus", token).content)
    assert status.findtext("data/operationState/status") == "fail"
    assert "activate" in status.findtext("data/additionalInfo/errorMessage")


def test_bigid_refusal_ok_answers_200_with_the_sandbox_words(simulator, client):
    simulator.configure(bigid_refusal="ok", bigid_content_type="text/html")
    bad = client.request("GET", "/api/v1/refresh-access-token", headers={"Authorization": "nope"})
    assert bad.status_code == 200 and bad.headers["Content-Type"] == "text/html"
    assert bad.json() == {"success": False, "message": "Failed to authenticate token.", "systemToken": None}
    login = client.request("POST", "/api/v1/sessions", json={"username": "bigid-admin", "password": "nope"})
    assert login.status_code == 200 and login.json()["message"].startswith("Authentication failed. Username / Password incorrect")
    dead = client.request("GET", "/api/v1/ds-connections", headers={"Authorization": "a.b.c"})
    assert dead.status_code == 200 and dead.json() == {"success": False, "message": "Authentication failed."}
    system = client.request("GET", "/api/v1/refresh-access-token", headers={"Authorization": USER_TOKEN}).json()["systemToken"]
    payload = system.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["user_name"] == "bigid-admin" and claims["type"] == "access-token" and claims["exp"] > claims["iat"]


@pytest.mark.parametrize("status", (401, 500))
def test_bigfix_bad_login_status(simulator, client, status):
    simulator.configure(bigfix_bad_login_status=status)
    reply = client.request("POST", "/api/get_token", json={"user": "bfi-user", "password": "nope"})
    assert reply.status_code == status and reply.json()["message"] == "Invalid user name or password"
    if status == 500:
        assert reply.json()["error"] == "Bad Request"


@pytest.mark.parametrize("name, value", [("sbc_reauth_body", "json"), ("sbc_async_link", True), ("bigid_refusal", 200),
                                         ("bigfix_bad_login_status", "401"), ("sbc_operation_result", "failed")])
def test_choice_settings_are_validated(simulator, name, value):
    with pytest.raises(ValueError, match="must be one of"):
        simulator.configure(**{name: value})
