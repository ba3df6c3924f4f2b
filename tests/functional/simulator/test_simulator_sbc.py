"""Oracle SBC behaviour of the simulator: tokens, re-authentication, the configuration lock and config work."""

import base64
import time

import pytest

ELEMENT = (
    "<configElement><elementType>realm-config</elementType>"
    "<attribute><name>identifier</name><value>lab</value></attribute>"
    "<attribute><name>description</name><value>%s</value></attribute></configElement>"
)
XML = {"Content-Type": "application/xml"}


def test_reauth_moves_lock_and_kills_old_token(simulator, client):
    old = client.sbc_token()
    assert client.sbc("POST", "configuration/lock", old).status_code == 204

    new = client.sbc_token(body_token=old)

    assert new != old
    gone = client.sbc("POST", "configuration/unlock", old)
    assert gone.status_code == 401
    assert client.sbc("POST", "configuration/unlock", new).status_code == 204
    reauth = simulator.journal_entries(kind="reauth")[0]
    assert reauth["body_token_fp"] == simulator.fingerprint(old)
    assert reauth["new_token_fp"] == simulator.fingerprint(new)
    assert reauth["lock_owner_fp"] == simulator.fingerprint(old)
    unlock = simulator.journal_entries(kind="unlock", status=204)[0]
    assert unlock["is_lock_owner"] is True and unlock["lock_owner_fp"] == simulator.fingerprint(new)


def test_second_login_orphans_the_lock(simulator, client):
    first = client.sbc_token()
    assert client.sbc("POST", "configuration/lock", first).status_code == 204

    second = client.sbc_token()  # a fresh login, no token in the body

    locked = client.sbc("POST", "configuration/lock", second)
    assert locked.status_code == 423
    assert client.messages(locked) == ["Resource locked by another user"]
    assert client.messages(client.sbc("POST", "configuration/unlock", second)) == ["Resource locked by another user"]
    assert simulator.state_snapshot()["lock"]["owner_fp"] == simulator.fingerprint(first)
    assert client.sbc("POST", "configuration/unlock", first).status_code == 204
    assert client.messages(client.sbc("POST", "configuration/unlock", first)) == ["User does not have the lock"]


def test_lock_is_freed_when_the_holder_token_expires(simulator, client):
    simulator.configure(sbc_token_lifetime=1)
    holder = client.sbc_token()
    issued = time.monotonic()
    assert client.sbc("POST", "configuration/lock", holder).status_code == 204
    simulator.configure(sbc_token_lifetime=600)
    waiter = client.sbc_token()
    assert client.sbc("POST", "configuration/lock", waiter).status_code == 423

    time.sleep(max(0.0, 1.05 - (time.monotonic() - issued)))

    assert client.sbc("POST", "configuration/lock", waiter).status_code == 204
    expired = client.sbc("GET", "configuration/configElements", holder, params={"elementType": "realm-config"})
    assert expired.status_code == 401 and client.messages(expired) == ["Token expired"]


def test_plain_http_gets_426_for_the_sbc_only(simulator, client):
    refused = client.request("POST", "/rest/v1.2/auth/token", base=simulator.plain_url,
                             headers={"Authorization": client.basic("admin", "sbc-admin-pass")})
    assert refused.status_code == 426
    assert client.messages(refused) == ["HTTPS is required"]
    bigfix = client.request("GET", "/api/sam/about", base=simulator.plain_url, headers={"Token": "x" * 40})
    assert bigfix.status_code == 401  # served (and refused for the bad token), not 426
    entry = simulator.journal_entries(vendor="oracle_sbc")[0]
    assert entry["tls"] is False and entry["kind"] == "rejected" and entry["status"] == 426


def test_unsupported_version_is_404(simulator, client):
    response = client.sbc_login(version="v9.9")
    assert response.status_code == 404
    assert "v9.9" in client.messages(response)[0]
    simulator.configure(sbc_versions=["v1.2"])
    assert client.sbc_login(version="v1.0").status_code == 404
    assert client.sbc_login(version="v1.2").status_code == 200


@pytest.mark.parametrize("header", [
    None,
    "Basic",
    "Basic ",
    "basic " + base64.b64encode(b"admin:sbc-admin-pass").decode(),
    "Basic  " + base64.b64encode(b"admin:sbc-admin-pass").decode(),
    "Basic !!not-base64!!",
    "Basic " + base64.b64encode(b"admin-without-colon").decode(),
    "Bearer abc",
])
def test_malformed_basic_header_is_400(client, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.request("POST", "/rest/v1.2/auth/token", headers=headers)
    assert response.status_code == 400
    assert client.messages(response)[0]


def test_bad_credentials_and_bad_reauth_bodies(client):
    assert client.messages(client.sbc_login(password="wrong")) == ["Invalid username or password"]
    token = client.sbc_token()
    as_json = client.request("POST", "/rest/v1.2/auth/token", headers={"Authorization": client.basic("admin", "sbc-admin-pass")},
                             json={"token": token})
    assert as_json.status_code == 400
    wrong_key = client.request("POST", "/rest/v1.2/auth/token", data={"tok": token},
                               headers={"Authorization": client.basic("admin", "sbc-admin-pass")})
    assert wrong_key.status_code == 400
    assert client.sbc_login("other-admin", body_token=token).status_code == 401  # not that user's token
    assert client.sbc_login(body_token="no-such-token").status_code == 401


def test_operator_cannot_lock(client):
    token = client.sbc_token("operator")
    assert client.sbc("POST", "configuration/lock", token).status_code == 403


def test_config_changes_need_the_lock_and_operations_finish(simulator, client):
    token = client.sbc_token()
    denied = client.sbc("POST", "configuration/configElements", token, data=ELEMENT % "x", headers=dict(XML))
    assert denied.status_code == 423 and client.messages(denied) == ["User does not have the lock"]
    assert client.sbc("POST", "configuration/lock", token).status_code == 204

    assert client.sbc("POST", "configuration/configElements", token, data=ELEMENT % "x", headers=dict(XML)).status_code == 200
    assert client.sbc("POST", "configuration/configElements", token, data=ELEMENT % "x", headers=dict(XML)).status_code == 409
    edited = client.sbc("PUT", "configuration/configElements", token, data=ELEMENT % "edited", headers=dict(XML))
    assert edited.status_code == 200 and "<value>edited</value>" in edited.text
    found = client.sbc("GET", "configuration/configElements", token, params={"elementType": "realm-config", "identifier": "lab"})
    assert "<value>edited</value>" in found.text
    assert client.sbc("DELETE", "configuration/configElements", token, params={"elementType": "realm-config", "identifier": "lab"}).status_code == 204

    saved = client.sbc("PUT", "configuration/management", token, params={"action": "save"})
    assert saved.status_code == 202
    link = saved.text.split("<link>")[1].split("</link>")[0]
    assert link.startswith(simulator.url + "/rest/")  # absolute by default (sbc_async_link)
    assert client.sbc("PUT", "configuration/management", token, params={"action": "activate"}).status_code == 405
    statuses = []
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline and "success" not in statuses:
        polled = client.request("GET", link[len(simulator.url):], headers={"Authorization": "Bearer " + token})
        statuses.append(polled.text.split("<status>")[1].split("</status>")[0])
        time.sleep(0.05)
    assert statuses[0] == "inProgress" and statuses[-1] == "success"
    assert simulator.state_snapshot()["config"]["saved_revision"] == 3  # create, edit, delete


def test_lock_by_other_release_and_revoke(simulator, client):
    assert client.control("POST", "lock_by_other", json={"release_after": 0.3}).status_code == 200
    token = client.sbc_token()
    assert client.sbc("POST", "configuration/lock", token).status_code == 423
    deadline = time.monotonic() + 2.0
    status = 423
    while status == 423 and time.monotonic() < deadline:
        time.sleep(0.1)
        status = client.sbc("POST", "configuration/lock", token).status_code
    assert status == 204

    assert client.control("POST", "revoke", json={"user": "admin"}).json() == {"revoked": 1}
    assert client.sbc("POST", "configuration/unlock", token).status_code == 401
    assert simulator.state_snapshot()["lock"]["owner_fp"] is None


def test_supported_versions_needs_bearer(client):
    assert client.request("GET", "/rest/api/supportedversions").status_code == 401
    token = client.sbc_token()
    reply = client.request("GET", "/rest/api/supportedversions", headers={"Authorization": "Bearer " + token})
    assert "<latestVersion>v1.2</latestVersion>" in reply.text
    assert "<otherVersions><version>v1.0</version><version>v1.1</version></otherVersions>" in reply.text  # oldest first
