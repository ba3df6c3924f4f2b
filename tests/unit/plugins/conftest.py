# -*- coding: utf-8 -*-
"""Plugin tests import the collection through Ansible's collection loader, as ansible-playbook and ansible-test do.

Installed before any test module imports ansible_collections.*: a lookup loaded by Ansible's plugin loader needs its
collection's metadata, which only that loader records, and its option definitions, which only the plugin loader
registers. Under ansible-test the loader is already there.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.utils.collection_loader import AnsibleCollectionConfig


def _collections_root():
    here = os.path.abspath(__file__)
    return here[:here.rindex(os.sep + 'ansible_collections' + os.sep)]


if not AnsibleCollectionConfig.collection_finder:
    from ansible.plugins.loader import init_plugin_loader
    init_plugin_loader([_collections_root()])
