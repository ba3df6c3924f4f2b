"""The SBC simulator as issue 20 reads Oracle's pages: paged reads (cap, next-page link or offset only), sub-elements
at any depth with their keys, PUT semantics for them, templates, singletons, complete elements in write replies,
both multi-value shapes and per-type attribute rules."""

import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest

XML = {"Content-Type": "application/xml"}
ELEMENTS = "configuration/configElements"


def attrs_xml(**attrs):
    return "".join("<attribute><name>%s</name><value>%s</value></attribute>" % (n.replace("_", "-"), v) for n, v in attrs.items())


def sub(stype, *children, **attrs):
    return "<subElement><subElementType>%s</subElementType>%s%s</subElement>" % (stype, attrs_xml(**attrs), "".join(children))


def element(etype, *children, **attrs):
    return "<configElement><elementType>%s</elementType>%s%s</configElement>" % (etype, attrs_xml(**attrs), "".join(children))


def elements_of(reply):
    """[(type, [(name, value)], [sub trees])] of a configElements reply, read as the XML says (both value shapes)."""
    def read(node, tag):
        attrs = []
        for attribute in node.findall("attribute"):
            attrs.extend((attribute.findtext("name"), value.text or "") for value in attribute.findall("value"))
        return (node.findtext(tag), attrs, [read(child, "subElementType") for child in node.findall("subElement")])
    return [read(node, "elementType") for node in ET.fromstring(reply.content).iter("configElement")]


def links(reply):
    return [node.text for node in ET.fromstring(reply.content).iter("link")]


@pytest.fixture
def locked(client):
    token = client.sbc_token()
    assert client.sbc("POST", "configuration/lock", token).status_code == 204
    return token


def seed_agents(simulator, count):
    with simulator.state.lock:
        simulator.state.config.seed("session-agent", [{"hostname": "sa%03d.example.com" % n} for n in range(count)])


def hostnames(reply):
    return [dict(attrs)["hostname"] for _t, attrs, _s in elements_of(reply)]


# -- paging ----------------------------------------------------------------------------------------------------
def test_pages_hold_at_most_the_cap_and_link_to_the_next_page(simulator, client, locked):
    seed_agents(simulator, 250)
    first = client.sbc("GET", ELEMENTS, locked, params={"elementType": "session-agent"})
    assert hostnames(first) == ["sa%03d.example.com" % n for n in range(100)]
    [link] = links(first)
    parts = urlsplit(link)
    assert "%s://%s" % (parts.scheme, parts.netloc) == simulator.url and parts.path == "/rest/v1.2/" + ELEMENTS
    assert parse_qs(parts.query) == {"elementType": ["session-agent"], "offset": ["100"]}
    second = client.sbc("GET", ELEMENTS + "?" + parts.query, locked)
    assert hostnames(second)[0] == "sa100.example.com" and len(hostnames(second)) == 100
    last = client.request("GET", urlsplit(links(second)[0]).path + "?" + urlsplit(links(second)[0]).query,
                          headers={"Authorization": "Bearer " + locked})
    assert len(hostnames(last)) == 50 and links(last) == []
    # maxElements below the cap is honoured, and the link keeps it; above the cap, the cap wins
    small = client.sbc("GET", ELEMENTS, locked, params={"elementType": "session-agent", "offset": "240", "maxElements": "4"})
    assert hostnames(small) == ["sa%03d.example.com" % n for n in range(240, 244)]
    assert parse_qs(urlsplit(links(small)[0]).query) == {"elementType": ["session-agent"], "maxElements": ["4"], "offset": ["244"]}
    big = client.sbc("GET", ELEMENTS, locked, params={"elementType": "session-agent", "maxElements": "500"})
    assert len(hostnames(big)) == 100 and len(links(big)) == 1


def test_offset_only_paging_and_another_cap(simulator, client, locked):
    simulator.configure(sbc_paging="offset", sbc_page_cap=30)
    seed_agents(simulator, 70)
    pages = [client.sbc("GET", ELEMENTS, locked, params={"elementType": "session-agent", "offset": str(offset)})
             for offset in (0, 30, 60, 70)]
    assert [len(hostnames(page)) for page in pages] == [30, 30, 10, 0]
    assert all(links(page) == [] for page in pages)


def test_key_selection_and_running_are_not_paged(simulator, client, locked):
    seed_agents(simulator, 120)
    one = client.sbc("GET", ELEMENTS, locked, params={"elementType": "session-agent", "hostname": "sa110.example.com"})
    assert hostnames(one) == ["sa110.example.com"] and links(one) == []
    running = client.sbc("GET", ELEMENTS, locked, params={"elementType": "session-agent", "running": "true"})
    assert hostnames(running) == [] and links(running) == []


# -- sub-elements ----------------------------------------------------------------------------------------------
SIP_INTERFACE = element("sip-interface",
                        sub("sip-port", address="192.0.2.10", port="5060", transport_protocol="UDP"),
                        sub("sip-port", address="192.0.2.10", port="5061", transport_protocol="TLS", tls_profile="peer-tls"),
                        realm_id="peer-2", description="trunk")


def test_sub_elements_are_stored_nested_and_read_back(simulator, client, locked):
    created = client.sbc("POST", ELEMENTS, locked, data=SIP_INTERFACE, headers=dict(XML))
    assert created.status_code == 200, created.text
    [(etype, attrs, subs)] = elements_of(client.sbc("GET", ELEMENTS, locked, params={"elementType": "sip-interface"}))
    assert etype == "sip-interface" and dict(attrs) == {"realm-id": "peer-2", "description": "trunk"}
    assert [(t, dict(a)["port"], dict(a)["transport-protocol"]) for t, a, _s in subs] == [("sip-port", "5060", "UDP"), ("sip-port", "5061", "TLS")]
    assert ("tls-profile", "peer-tls") in subs[1][1]


@pytest.mark.parametrize("tag", ("subElementType", "elementType"))
def test_sub_element_type_tag_is_written_per_setting_and_read_either_way(simulator, client, locked, tag):
    simulator.configure(sbc_subelement_tag=tag)
    body = SIP_INTERFACE.replace("subElementType>", "elementType>", 2)  # the first sip-port in the other shape
    assert client.sbc("POST", ELEMENTS, locked, data=body, headers=dict(XML)).status_code == 200
    reply = client.sbc("GET", ELEMENTS, locked, params={"elementType": "sip-interface"})
    assert [child.findtext(tag) for child in ET.fromstring(reply.content).iter("subElement")] == ["sip-port", "sip-port"]


def test_sub_elements_at_any_depth(client, locked):
    manipulation = element("sip-manipulation",
                           sub("header-rule",
                               sub("element-rule", name="er1", action="replace", new_value="x"),
                               sub("element-rule", name="er2", action="add"),
                               name="hr1", header_name="From"),
                           name="norm")
    assert client.sbc("POST", ELEMENTS, locked, data=manipulation, headers=dict(XML)).status_code == 200
    [(_t, _a, [(rule, _ra, deepest)])] = elements_of(client.sbc("GET", ELEMENTS, locked, params={"elementType": "sip-manipulation"}))
    assert rule == "header-rule" and [(t, dict(a)["name"]) for t, a, _s in deepest] == [("element-rule", "er1"), ("element-rule", "er2")]


def test_sub_elements_need_their_keys_once_each(client, locked):
    keyless = element("sip-interface", sub("sip-port", address="192.0.2.1", port="5060"), realm_id="r")
    refused = client.sbc("POST", ELEMENTS, locked, data=keyless, headers=dict(XML))
    assert refused.status_code == 400 and "transport-protocol" in client.messages(refused)[0]
    twice = element("local-policy", sub("policy-attribute", next_hop="sag:a"), sub("policy-attribute", next_hop="sag:a"),
                    from_address="*", to_address="*", source_realm="core")
    refused = client.sbc("POST", ELEMENTS, locked, data=twice, headers=dict(XML))
    assert refused.status_code == 400 and "given twice" in client.messages(refused)[0]


@pytest.mark.parametrize("mode", ("replace", "merge"))
def test_put_of_sub_elements_replaces_or_merges_that_type_only(simulator, client, locked, mode):
    simulator.configure(sbc_put_subelements=mode)
    policy = element("local-policy", sub("policy-attribute", next_hop="sag:a", cost="1"), sub("policy-attribute", next_hop="sag:b"),
                     from_address="*", to_address="+1", source_realm="core")
    interface = element("sip-interface", sub("sip-port", address="192.0.2.10", port="5060", transport_protocol="UDP"), realm_id="peer-2")
    for body in (policy, interface):
        assert client.sbc("POST", ELEMENTS, locked, data=body, headers=dict(XML)).status_code == 200
    edit = element("local-policy", sub("policy-attribute", next_hop="sag:a", cost="5"), from_address="*", to_address="+1", source_realm="core")
    reply = client.sbc("PUT", ELEMENTS, locked, data=edit, headers=dict(XML))
    assert reply.status_code == 200
    [(_t, _a, subs)] = elements_of(reply)
    hops = [(dict(a)["next-hop"], dict(a).get("cost")) for _st, a, _s in subs]
    assert hops == ([("sag:a", "5")] if mode == "replace" else [("sag:a", "5"), ("sag:b", None)])
    # a PUT without sub-elements keeps them all
    kept = client.sbc("PUT", ELEMENTS, locked, data=element("sip-interface", realm_id="peer-2", description="d"), headers=dict(XML))
    assert [dict(a)["port"] for _st, a, _s in elements_of(kept)[0][2]] == ["5060"]


def test_metadata_and_templates_name_sub_element_keys(client, locked):
    meta = ET.fromstring(client.sbc("GET", "configuration/elementTypes/metadata", locked, params={"elementType": "sip-interface"}).content)
    [port] = meta.iter("subElementMetadata")
    assert port.findtext("elementType") == "sip-port"
    assert [m.findtext("name") for m in port.findall("attributeMetadata") if m.findtext("key") == "true"] == ["address", "port", "transport-protocol"]
    for parent, child, keys in (("local-policy", "policy-attribute", ["next-hop"]), ("sip-manipulation", "header-rule", ["name"]),
                                ("sip-manipulation/header-rule", "element-rule", ["name"])):
        # Oracle's forms: a path to the sub-element alone; the top-level element with subElement= inside it
        alone = client.sbc("GET", "configuration/elementTypes/template", locked, params={"elementType": parent + "/" + child})
        node = ET.fromstring(alone.content).find("data/subElement")
        assert node.findtext("subElementType") == child and [a.findtext("name") for a in node.findall("attribute")] == keys
        if "/" not in parent:
            full = client.sbc("GET", "configuration/elementTypes/template", locked, params={"elementType": parent, "subElement": child})
            [(etype, _attrs, [(inner, inner_attrs, _s)])] = elements_of(full)
            assert (etype, inner, [n for n, _v in inner_attrs]) == (parent, child, keys)
    whole = client.sbc("GET", "configuration/elementTypes/template", locked, params={"elementType": "certificate-record"})
    assert ("state", "MA") in elements_of(whole)[0][1]
    assert client.sbc("GET", "configuration/elementTypes/template", locked,
                      params={"elementType": "realm-config", "subElement": "sip-port"}).status_code == 404


# -- singletons ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("delete", ("refused", "allowed"))
def test_singletons_are_created_by_type_edited_and_deleted_per_setting(simulator, client, locked, delete):
    simulator.configure(sbc_singleton_delete=delete)
    meta = client.sbc("GET", "configuration/elementTypes/metadata", locked, params={"elementType": "sip-config"})
    assert "<key>true</key>" not in meta.text
    assert client.sbc("GET", ELEMENTS, locked, params={"elementType": "sip-config"}).status_code == 404
    created = client.sbc("POST", ELEMENTS, locked, data=element("sip-config", options="max-udp-length=0"), headers=dict(XML))
    assert created.status_code == 200 and ("state", "enabled") in elements_of(created)[0][1]  # the complete element
    again = client.sbc("POST", ELEMENTS, locked, data=element("sip-config"), headers=dict(XML))
    assert again.status_code == 409
    edited = client.sbc("PUT", ELEMENTS, locked, data=element("sip-config", state="disabled"), headers=dict(XML))
    assert edited.status_code == 200 and dict(elements_of(edited)[0][1]) == {"options": "max-udp-length=0", "state": "disabled"}
    keyed = client.sbc("GET", ELEMENTS, locked, params={"elementType": "sip-config", "name": "x"})
    assert keyed.status_code == 400 and "singleton" in client.messages(keyed)[0]
    simulator.configure(sbc_singleton_post="type_only")
    refused = client.sbc("POST", ELEMENTS, locked, data=element("media-manager", state="enabled"), headers=dict(XML))
    assert refused.status_code == 400 and "element type alone" in client.messages(refused)[0]
    assert client.sbc("POST", ELEMENTS, locked, data=element("media-manager"), headers=dict(XML)).status_code == 200
    gone = client.sbc("DELETE", ELEMENTS, locked, params={"elementType": "sip-config"})
    assert gone.status_code == (400 if delete == "refused" else 204)
    assert (simulator.state_snapshot()["config"]["elements"]["sip-config"] == [""]) is (delete == "refused")


# -- replies, values and attribute rules -------------------------------------------------------------------------
def test_put_reply_carries_the_complete_element(client, locked):
    client.sbc("POST", ELEMENTS, locked, data=element("session-agent", hostname="sa.example.com", port="5060", description="a"), headers=dict(XML))
    reply = client.sbc("PUT", ELEMENTS, locked, data=element("session-agent", hostname="sa.example.com", description="b"), headers=dict(XML))
    assert dict(elements_of(reply)[0][1]) == {"hostname": "sa.example.com", "port": "5060", "description": "b"}


@pytest.mark.parametrize("shape", ("attributes", "values"))
def test_multi_valued_attributes_are_read_in_both_shapes_and_written_as_set(simulator, client, locked, shape):
    simulator.configure(sbc_multivalue=shape)
    repeated = element("session-group", group_name="g1", dest="a.example.com").replace(
        "</configElement>", attrs_xml(dest="b.example.com") + "</configElement>")
    in_one = ("<configElement><elementType>session-group</elementType>%s<attribute><name>dest</name><value>c.example.com</value>"
              "<value>d.example.com</value></attribute></configElement>" % attrs_xml(group_name="g2"))
    for body in (repeated, in_one):
        assert client.sbc("POST", ELEMENTS, locked, data=body, headers=dict(XML)).status_code == 200
    reply = client.sbc("GET", ELEMENTS, locked, params={"elementType": "session-group"})
    assert [[v for n, v in attrs if n == "dest"] for _t, attrs, _s in elements_of(reply)] == [
        ["a.example.com", "b.example.com"], ["c.example.com", "d.example.com"]]
    dest_attributes = [a for a in ET.fromstring(reply.content).iter("attribute") if a.findtext("name") == "dest"]
    assert len(dest_attributes) == (4 if shape == "attributes" else 2)


def test_state_is_a_per_type_rule(client, locked):
    record = client.sbc("POST", ELEMENTS, locked, data=element("certificate-record", name="peer-cert"), headers=dict(XML))
    assert record.status_code == 200 and ("state", "MA") in elements_of(record)[0][1]
    texas = client.sbc("POST", ELEMENTS, locked, data=element("certificate-record", name="tx", state="Texas"), headers=dict(XML))
    assert texas.status_code == 200
    refused = client.sbc("POST", ELEMENTS, locked, data=element("session-agent", hostname="s", state="Texas"), headers=dict(XML))
    assert refused.status_code == 400 and "enabled or disabled" in client.messages(refused)[0]


def test_control_api_seeds_elements_of_one_type(simulator, client, locked):
    seeded = client.control("POST", "elements", json={"element_type": "session-agent",
                                                      "elements": [{"hostname": "s%d" % n} for n in range(3)]})
    assert seeded.status_code == 200 and seeded.json() == {"element_type": "session-agent", "count": 3}
    assert simulator.journal_entries(kind="config_write") == []
    assert hostnames(client.sbc("GET", ELEMENTS, locked, params={"elementType": "session-agent"})) == ["s0", "s1", "s2"]
    for bad in ({"element_type": "bad type", "elements": []}, {"element_type": "realm-config", "elements": [{"identifier": 1}]}):
        assert client.control("POST", "elements", json=bad).status_code == 400


@pytest.mark.parametrize("system_token, text", [("null", "Failed to authenticate token."), ("empty", "Refresh token not valid"),
                                                ("absent", "Refresh token not valid")])
def test_bigid_exchange_refusal_shapes(simulator, client, system_token, text):
    simulator.configure(bigid_refusal="ok", bigid_refusal_system_token=system_token, bigid_bad_user_token_text=text)
    body = client.request("GET", "/api/v1/refresh-access-token", headers={"Authorization": "nope"}).json()
    expected = {"success": False, "message": text}
    if system_token != "absent":
        expected["systemToken"] = None if system_token == "null" else ""
    assert body == expected
    simulator.configure(bigid_refusal="status")
    refused = client.request("GET", "/api/v1/refresh-access-token", headers={"Authorization": "nope"})
    assert refused.status_code == 401 and ("systemToken" in refused.json()) is (system_token != "absent")
