"""BigFix Inventory behaviour of the simulator: get_token, Token header versus ?token=, SSO."""

import re

import pytest


def get_token(client, **kwargs):
    kwargs.setdefault("json", {"user": "bfi-user", "password": "bfi-pass"})
    return client.request("POST", "/api/get_token", **kwargs)


def test_get_token_returns_the_fixed_api_token(client):
    first, second = get_token(client), get_token(client)
    assert first.status_code == 200
    assert first.headers["Content-Language"] == "en-US"
    assert re.fullmatch("[0-9a-f]{40}", first.json()["token"])
    assert first.json() == second.json()  # the user's API token: it does not change per login


@pytest.mark.parametrize("kwargs", [
    {"data": "not json", "headers": {"Content-Type": "application/json"}},
    {"json": {"user": "bfi-user"}},
    {"json": {"user": "bfi-user", "password": 42}},
    {"data": {"user": "bfi-user", "password": "bfi-pass"}},  # form-encoded, not JSON
])
def test_bad_parameters_are_500_bad_request(client, kwargs):
    response = get_token(client, **kwargs)
    assert response.status_code == 500
    assert response.json()["error"] == "Bad Request" and response.json()["message"]


def test_wrong_password_is_401(client):
    response = get_token(client, json={"user": "bfi-user", "password": "nope"})
    assert response.status_code == 401 and response.json()["message"]


def test_token_header_versus_query(simulator, client):
    token = get_token(client).json()["token"]
    assert client.request("GET", "/api/sam/about", headers={"Token": token}).status_code == 200
    assert client.request("GET", "/api/sam/v2/computers", params={"token": token}).json()["total"] == 2

    simulator.configure(bigfix_token_in_url=False)

    refused = client.request("GET", "/api/sam/v2/computers", params={"token": token})
    assert refused.status_code == 401 and "Token header" in refused.json()["message"]
    assert client.request("GET", "/api/sam/v2/computers", headers={"Token": token}).status_code == 200
    in_url = [e["query"] for e in simulator.journal_entries(kind="api") if token in e["query"]]
    assert len(in_url) == 2  # exactly the two ?token= calls expose the token in the URL
    assert client.request("GET", "/api/sam/about", headers={"Token": "0" * 40}).status_code == 401


def test_sso_refuses_get_token_but_accepts_the_ready_token(simulator, client):
    token = get_token(client).json()["token"]
    simulator.configure(bigfix_sso=True)
    refused = get_token(client)
    assert refused.status_code == 500 and "single sign-on" in refused.json()["message"]
    about = client.request("GET", "/api/sam/about", headers={"Token": token})
    assert about.status_code == 200
    assert simulator.journal_entries(kind="api")[-1]["user"] == "bfi-user"
