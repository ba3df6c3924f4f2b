"""Fault injection and latency: 5xx bursts, dropped connections, slow replies, malformed bodies."""

import json
import time
import xml.etree.ElementTree as ET

import pytest
import requests


def test_503_burst_then_recovery(simulator, client):
    simulator.configure(faults=[{"path": "/auth/token", "action": "status", "status": 503, "times": 2}])
    statuses = [client.sbc_login().status_code for _attempt in range(3)]
    assert statuses == [503, 503, 200]
    entries = simulator.journal_entries(kind="login")
    assert [e["fault"] for e in entries] == ["status:503", "status:503", None]
    assert simulator.settings.faults == []


def test_drop_closes_the_connection_without_a_reply(simulator, client):
    simulator.add_fault(path="/api/sam/about", action="drop")
    with pytest.raises(requests.ConnectionError):
        client.request("GET", "/api/sam/about", headers={"Token": "x"})
    assert client.request("GET", "/api/sam/about", headers={"Token": "x"}).status_code == 401
    dropped = simulator.journal[0]
    assert dropped["fault"] == "drop" and dropped["status"] is None and dropped["applied"] is None


def test_apply_drop_acts_then_closes_the_connection_without_a_reply(simulator, client):
    token = client.sbc_token()
    simulator.add_fault(path="/configuration/lock", action="apply_drop")
    with pytest.raises(requests.ConnectionError):
        client.sbc("POST", "configuration/lock", token)
    entry = simulator.journal_entries(kind="lock")[0]
    assert entry["fault"] == "apply_drop" and entry["status"] is None and entry["applied"] == 204
    assert simulator.state_snapshot()["lock"]["owner_fp"] == simulator.fingerprint(token)  # the lock was taken


def test_slow_fault_and_latency(simulator, client):
    simulator.configure(latency=0.1, faults=[{"path": "refresh-access-token", "action": "slow", "delay": 0.3, "method": "get"}])
    started = time.monotonic()
    client.request("GET", "/api/v1/refresh-access-token", headers={"Authorization": "bigid-user-token-0123456789"})
    assert time.monotonic() - started >= 0.4
    started = time.monotonic()
    client.request("GET", "/api/v1/refresh-access-token", headers={"Authorization": "bigid-user-token-0123456789"})
    assert 0.1 <= time.monotonic() - started < 0.4


def test_malformed_body_is_neither_xml_nor_json(simulator, client):
    simulator.add_fault(path="/rest/", action="malformed")
    response = client.sbc_login()
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    with pytest.raises(ET.ParseError):
        ET.fromstring(response.content)
    with pytest.raises(ValueError):
        json.loads(response.text)


def test_bad_fault_rules_are_refused(client):
    assert client.control("POST", "settings", json={"faults": [{"path": "/x", "action": "explode"}]}).status_code == 400
    assert client.control("POST", "settings", json={"latency": 1000}).status_code == 400
    assert client.control("POST", "faults", json={"path": "/x", "times": 3}).json()["faults"][0]["times"] == 3
