"""configElements as the SBC documents them: key attributes per element type, metadata, running/offset/maxElements."""

import pytest

XML = {"Content-Type": "application/xml"}


def element(etype, **attrs):
    body = "".join("<attribute><name>%s</name><value>%s</value></attribute>" % (n.replace("_", "-"), v) for n, v in attrs.items())
    return "<configElement><elementType>%s</elementType>%s</configElement>" % (etype, body)


def values(reply, name):
    return [a.split("<value>")[1].split("</value>")[0] for a in reply.text.split("<attribute>")[1:]
            if a.startswith("<name>%s</name>" % name)]


@pytest.fixture
def locked(client):
    token = client.sbc_token()
    assert client.sbc("POST", "configuration/lock", token).status_code == 204
    return token


def test_realm_config_is_keyed_by_identifier_and_read_with_paging_params(client, locked):
    for n in range(5):
        assert client.sbc("POST", "configuration/configElements", locked, data=element("realm-config", identifier="r%d" % n),
                          headers=dict(XML)).status_code == 200
    everything = client.sbc("GET", "configuration/configElements", locked, params={"elementType": "realm-config"})
    assert values(everything, "identifier") == ["core", "peer", "r0", "r1", "r2", "r3", "r4"]
    page = client.sbc("GET", "configuration/configElements", locked,
                      params={"elementType": "realm-config", "offset": "2", "maxElements": "3"})
    assert page.status_code == 200 and values(page, "identifier") == ["r0", "r1", "r2"]
    past = client.sbc("GET", "configuration/configElements", locked, params={"elementType": "realm-config", "offset": "50"})
    assert past.status_code == 200 and values(past, "identifier") == []
    one = client.sbc("GET", "configuration/configElements", locked, params={"elementType": "realm-config", "identifier": "r3"})
    assert values(one, "identifier") == ["r3"]
    nameless = client.sbc("POST", "configuration/configElements", locked, data=element("realm-config", name="x"), headers=dict(XML))
    assert nameless.status_code == 400 and client.messages(nameless) == ["Missing key attribute 'identifier' of realm-config"]


def test_running_config_changes_only_on_activate(client, locked):
    client.sbc("POST", "configuration/configElements", locked, data=element("session-agent", hostname="sa1.example.com"), headers=dict(XML))

    def running():
        return values(client.sbc("GET", "configuration/configElements", locked,
                                 params={"elementType": "session-agent", "running": "true"}), "hostname")
    assert running() == []
    assert client.sbc("PUT", "configuration/management", locked, params={"action": "save"}).status_code == 202
    assert running() == []
    assert client.sbc("POST", "configuration/management", locked, params={"action": "activate"}).status_code == 202
    assert running() == ["sa1.example.com"]


def test_multi_key_steering_pool_and_delete_by_every_key(simulator, client, locked):
    pool = dict(ip_address="192.0.2.10", start_port="20000", end_port="21000", realm_id="core")
    assert client.sbc("POST", "configuration/configElements", locked, data=element("steering-pool", **pool), headers=dict(XML)).status_code == 200
    other = dict(ip_address="192.0.2.10", start_port="30000", end_port="31000", realm_id="core")
    assert client.sbc("POST", "configuration/configElements", locked, data=element("steering-pool", **other), headers=dict(XML)).status_code == 200
    assert simulator.state_snapshot()["config"]["elements"]["steering-pool"] == ["192.0.2.10/20000/core", "192.0.2.10/30000/core"]
    partial = client.sbc("DELETE", "configuration/configElements", locked, params={"elementType": "steering-pool", "ip-address": "192.0.2.10"})
    assert partial.status_code == 400
    gone = client.sbc("DELETE", "configuration/configElements", locked,
                      params={"elementType": "steering-pool", "ip-address": "192.0.2.10", "start-port": "30000", "realm-id": "core"})
    assert gone.status_code == 204
    assert simulator.state_snapshot()["config"]["elements"]["steering-pool"] == ["192.0.2.10/20000/core"]


def test_metadata_names_the_key_attributes(client, locked):
    reply = client.sbc("GET", "configuration/elementTypes/metadata", locked, params={"elementType": "session-group"})
    assert reply.status_code == 200
    assert "<name>group-name</name><type>string</type><key>true</key>" in reply.text


def test_writes_without_content_type_are_accepted_and_bad_values_refused(simulator, client, locked):
    bare = client.sbc("POST", "configuration/configElements", locked, data=element("session-group", group_name="g1"))
    assert bare.status_code == 200
    refused = client.sbc("POST", "configuration/configElements", locked,
                         data=element("session-agent", hostname="sa2", port="99999"), headers=dict(XML))
    assert refused.status_code == 400 and "port number" in client.messages(refused)[0]
    writes = simulator.journal_entries(kind="config_write")
    assert [(e["method"], e["status"], e["is_lock_owner"]) for e in writes] == [("POST", 200, True), ("POST", 400, True)]


def test_unknown_query_parameters_are_refused(client, locked):
    reply = client.sbc("GET", "configuration/configElements", locked, params={"elementType": "realm-config", "name": "core"})
    assert reply.status_code == 400 and "selected by identifier" in client.messages(reply)[0]
