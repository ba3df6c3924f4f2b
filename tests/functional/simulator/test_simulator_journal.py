"""The journal, the control API and the command-line simulator."""

import json
import os

import requests

FIELDS = {
    "seq", "ts", "vendor", "method", "path", "query", "status", "kind", "user", "token_fp", "body_token_fp",
    "new_token_fp", "lock_owner_fp", "is_lock_owner", "tls", "header_names", "fault", "applied",
}


def test_journal_fields_and_no_secrets(simulator, client):
    token = client.sbc_token()
    client.sbc("POST", "configuration/lock", token)
    client.control("GET", "state")  # control requests are not journaled
    entries = simulator.journal
    assert [e["kind"] for e in entries] == ["login", "lock"]
    assert all(set(e) == FIELDS for e in entries)
    login, lock = entries
    assert login["vendor"] == "oracle_sbc" and login["user"] == "admin" and login["tls"] is True
    assert login["new_token_fp"] == simulator.fingerprint(token) and login["token_fp"] is None
    assert lock["token_fp"] == login["new_token_fp"] and lock["lock_owner_fp"] is None and lock["is_lock_owner"] is False
    assert "Authorization" in lock["header_names"] and lock["seq"] == login["seq"] + 1
    dumped = json.dumps(entries)
    assert token not in dumped and "sbc-admin-pass" not in dumped


def test_control_api(simulator, client):
    client.sbc_token()
    client.sbc_login(password="wrong")
    logins = client.control("GET", "journal", params={"vendor": "oracle_sbc", "kind": "login", "status": "200"}).json()
    assert len(logins["entries"]) == 1
    assert client.control("GET", "state").json()["tokens"]["oracle_sbc"]["live"] == 1
    assert client.control("POST", "settings", json={"sbc_token_lifetime": 5}).json()["sbc_token_lifetime"] == 5
    assert client.control("GET", "settings").json()["users"]["oracle_sbc"]["admin"]["password"] == "********"
    assert client.control("DELETE", "journal").json() == {"cleared": 2}
    assert client.control("POST", "settings", json={"no_such_setting": 1}).status_code == 400
    assert client.control("POST", "reset").json() == {"reset": True}
    assert simulator.settings.sbc_token_lifetime == 600
    assert client.control("GET", "state").json()["tokens"] == {}


def test_command_line_simulator(simulator_process):
    reply = requests.get(simulator_process.url + "/rest/api/supportedversions", verify=simulator_process.ca_path, timeout=10)
    assert reply.status_code == 401 and reply.headers["Content-Type"] == "application/xml"
    info_path = os.path.join(simulator_process.state_dir, "simulator.json")
    with open(info_path, encoding="utf-8") as handle:
        assert json.load(handle)["pid"] == simulator_process.process.pid
    assert simulator_process.stop() == 0
    assert not os.path.exists(info_path)
    with open(simulator_process.log_path, encoding="utf-8") as handle:
        assert handle.read().startswith("simulator ready url=%s ca=%s" % (simulator_process.url, simulator_process.ca_path))
