# -*- coding: utf-8 -*-
"""vendor_request returns a JSON body as ``json``, where ansible.builtin.uri does, beside ``data`` and ``content``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from playbook_runner import explain

PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - apiauth.vendors.vendor_request: {vendor: bigid, path: ds-connections}
      register: bigid
    - apiauth.vendors.vendor_request: {vendor: bigfix_inventory, path: /api/sam/about}
      register: bigfix
    - apiauth.vendors.vendor_request: {vendor: oracle_sbc, path: configuration/configElements, query: {elementType: realm-config}}
      register: sbc
    - ansible.builtin.set_fact:
        findings:
          bigid: {json: "{{ bigid.json }}", data: "{{ bigid.data }}", keys: "{{ bigid.keys() | list }}"}
          bigfix_version: "{{ bigfix.json.version }}"
          sbc_has_json: "{{ 'json' in sbc }}"
          sbc_data: "{{ sbc.data }}"
          sbc_content_is_xml: "{{ sbc.content.startswith('<') }}"
    - ansible.builtin.copy: {content: "{{ findings | to_nice_json }}", dest: "{{ result_file }}", mode: "0600"}
'''


def test_a_json_body_is_json_as_uri_returns_it_and_xml_stays_data(runner, tmp_path):
    playbook = tmp_path / 'json.yml'
    playbook.write_text(PLAY)
    proc, found = runner.run(str(playbook))
    assert proc.returncode == 0, explain(proc)
    assert found['bigid']['json']['data']['ds_connections'], found
    assert found['bigid']['json'] == found['bigid']['data']
    assert {'status', 'url', 'data', 'json', 'messages', 'links', 'content'} <= set(found['bigid']['keys'])
    assert found['bigfix_version']
    assert found['sbc_has_json'] in (False, 'False') and found['sbc_content_is_xml'] in (True, 'True')
    assert 'realm-config' in str(found['sbc_data'])
