"""BigID behaviour of the simulator: user-token exchange, JWT exp, sessions and system-token expiry."""

import base64
import json
import time

USER_TOKEN = "bigid-user-token-0123456789"


def claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def exchange(client, authorization=USER_TOKEN, method="GET"):
    return client.request(method, "/api/v1/refresh-access-token", headers={"Authorization": authorization})


def test_exchange_rejects_bearer_and_returns_a_jwt_with_exp(client):
    refused = exchange(client, "Bearer " + USER_TOKEN)
    assert refused.status_code == 401 and refused.json()["success"] is False
    reply = exchange(client)
    assert reply.status_code == 200 and reply.json()["success"] is True
    system = reply.json()["systemToken"]
    got = claims(system)
    assert got["user_name"] == "bigid-admin" and got["type"] == "access-token" and 299 <= got["exp"] - got["iat"] <= 300
    listed = client.request("GET", "/api/v1/ds-connections", headers={"Authorization": system})
    assert listed.status_code == 200
    assert listed.json()["status"] == "success" and listed.json()["data"]["ds_connections"]
    assert client.request("GET", "/api/v1/ds-connections", headers={"Authorization": "Bearer " + system}).status_code == 401
    assert client.request("GET", "/api/v1/ds-connections", headers={"Authorization": USER_TOKEN}).status_code == 401


def test_token_without_exp_still_expires_server_side(simulator, client):
    simulator.configure(bigid_jwt_exp=False, bigid_token_lifetime=0.4)
    system = exchange(client).json()["systemToken"]
    assert "exp" not in claims(system)
    assert client.request("GET", "/api/v1/ds-connections", headers={"Authorization": system}).status_code == 200
    time.sleep(0.5)
    expired = client.request("GET", "/api/v1/ds-connections", headers={"Authorization": system})
    assert expired.status_code == 401 and expired.json()["message"] == "Token expired"


def test_post_exchange_can_be_switched_off(simulator, client):
    assert exchange(client, method="POST").status_code == 200
    simulator.configure(bigid_accept_post=False)
    assert exchange(client, method="POST").status_code == 405
    assert [e["kind"] for e in simulator.journal] == ["exchange", "rejected"]


def test_session_login(simulator, client):
    bad = client.request("POST", "/api/v1/sessions", json={"username": "bigid-admin", "password": "nope"})
    assert bad.status_code == 401
    session = client.request("POST", "/api/v1/sessions", json={"username": "bigid-admin", "password": "bigid-pass"}).json()
    assert session["username"] == "bigid-admin"
    listed = client.request("GET", "/api/v1/ds-connections", headers={"Authorization": session["auth_token"]})
    assert listed.status_code == 200
    assert simulator.journal_entries(kind="api")[0]["user"] == "bigid-admin"
