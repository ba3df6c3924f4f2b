"""What the benchmark needs from the simulator: login_latency, a Fleet of virtual devices, --devices on the command line."""

import base64
import json
import os
import time

import pytest
import requests

if __name__.startswith("ansible_collections."):
    from ansible_collections.apiauth.vendors.tests.simulator.fixture import SimulatorProcess
    from ansible_collections.apiauth.vendors.tests.simulator.fleet import Fleet
else:
    from simulator.fixture import SimulatorProcess
    from simulator.fleet import Fleet

BASIC = {"Authorization": "Basic " + base64.b64encode(b"admin:sbc-admin-pass").decode("ascii")}


def _elapsed(func):
    started = time.monotonic()
    result = func()
    return result, time.monotonic() - started


def test_login_latency_slows_logins_and_reauthentications_only(simulator, client):
    simulator.configure(login_latency=0.3)
    token, login_s = _elapsed(client.sbc_token)
    reply, call_s = _elapsed(lambda: client.sbc("GET", "configuration/configElements", token, params={"elementType": "realm-config"}))
    assert reply.status_code == 200
    _new, reauth_s = _elapsed(lambda: client.sbc_token(body_token=token))
    assert login_s >= 0.3 and reauth_s >= 0.3 and call_s < 0.25
    _reply, bigid_s = _elapsed(lambda: client.request("GET", "/api/v1/refresh-access-token",
                                                      headers={"Authorization": "bigid-user-token-0123456789"}))
    assert bigid_s >= 0.3


def test_login_latency_is_a_bounded_setting(client):
    assert client.control("POST", "settings", json={"login_latency": -1}).status_code == 400
    assert client.control("POST", "settings", json={"login_latency": 0.5}).json()["login_latency"] == 0.5


def test_fleet_devices_have_their_own_state_and_share_one_ca(tmp_path):
    with Fleet(3, state_dir=str(tmp_path / "fleet")) as fleet:
        urls = fleet.urls
        assert len(set(urls)) == 3 and all(device.ca_path == fleet.ca_path for device in fleet)
        http = requests.Session()

        def call(url, path, headers):
            return http.post(url + "/rest/v1.2/" + path, headers=headers, verify=fleet.ca_path, timeout=10)

        reply = call(urls[0], "auth/token", BASIC)
        token = reply.text.split("<accessToken>")[1].split("</accessToken>")[0]
        bearer = {"Authorization": "Bearer " + token}
        assert call(urls[1], "configuration/lock", bearer).status_code == 401  # another device never issued it
        assert call(urls[0], "configuration/lock", bearer).status_code == 204
        assert fleet[0].state_snapshot()["lock"]["owner_user"] == "admin"
        assert fleet[1].state_snapshot()["lock"]["owner_fp"] is None
        assert [len(device.journal) for device in fleet] == [2, 1, 0]
        fleet.configure(sbc_token_lifetime=5)
        assert [device.settings.sbc_token_lifetime for device in fleet] == [5, 5, 5]
        fleet.reset()
        assert [len(device.journal) for device in fleet] == [0, 0, 0] and fleet[2].settings.sbc_token_lifetime == 600
        http.close()
    assert not any(device.running for device in fleet)


def test_fleet_size_is_bounded():
    for count in (0, 501, True):
        with pytest.raises(ValueError):
            Fleet(count)


def test_command_line_serves_many_devices(tmp_path):
    process = SimulatorProcess(str(tmp_path / "sim"), args=["--devices", "3", "--login-latency", "0.1"])
    process.start()
    try:
        with open(os.path.join(process.state_dir, "simulator.json"), encoding="utf-8") as handle:
            info = json.load(handle)
        assert len(set(info["devices"])) == 3 and info["url"] == info["devices"][0] == process.url
        for url in info["devices"]:
            settings = requests.get(url + "/_sim/settings", verify=process.ca_path, timeout=10).json()
            assert settings["login_latency"] == 0.1
    finally:
        assert process.stop() == 0
