# -*- coding: utf-8 -*-
"""Find secrets where they must not be: every password, user token and API token the simulator knows,
and every token it issued, searched for in output, result files and directory trees."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

try:
    from simulator.settings import bigfix_api_token
except ImportError:  # under ansible-test the tests directory is a package of the collection
    from ansible_collections.apiauth.vendors.tests.simulator.settings import bigfix_api_token

MIN_LENGTH = 8  # shorter values would match by accident; the simulator's secrets are all longer


class SecretScan(object):
    """The secrets of one simulator run; ``found(text)`` names the ones ``text`` contains."""

    def __init__(self, simulator, extra=()):
        self.simulator = simulator
        self.extra = list(extra)

    def secrets(self):
        """{secret: label}, read when called, so tokens issued since are included. Labels never show a secret."""
        found = {}
        users = self.simulator.settings.as_dict()['users']
        for vendor, records in users.items():
            for name, record in records.items():
                for field in ('password', 'user_token', 'token'):
                    if record.get(field):
                        found[record[field]] = '%s %s of %s' % (vendor, field, name)
                if vendor == 'bigfix_inventory':
                    found[bigfix_api_token(name)] = 'bigfix_inventory API token of %s' % name
        with self.simulator.state.lock:
            for value, token in self.simulator.state.tokens.items():
                fingerprint = self.simulator.fingerprint(value)
                found[value] = '%s token issued to %s (fingerprint %s)' % (token.vendor, token.user, fingerprint)
        for value in self.extra:
            found[value] = 'secret given by the test'
        return dict((value, label) for value, label in found.items() if value and len(value) >= MIN_LENGTH)

    def found(self, text):
        """Labels of the secrets in ``text`` (str or bytes)."""
        if isinstance(text, bytes):
            text = text.decode('utf-8', 'replace')
        return sorted(label for value, label in self.secrets().items() if value in text)

    def found_in_tree(self, root, skip=()):
        """{path: labels} for the files under ``root`` (file names included) that hold a secret.
        ``skip``: paths (files or directories) whose contents may hold secrets, such as the token cache."""
        leaks = {}
        skip = [os.path.abspath(path) for path in skip]
        for directory, dirnames, filenames in os.walk(str(root)):
            for name in dirnames + filenames:
                path = os.path.join(directory, name)
                labels = self.found(name)  # names are visible to anyone who can list the directory
                if os.path.isfile(path) and not os.path.islink(path) \
                        and not any(path == s or path.startswith(s + os.sep) for s in skip):
                    with open(path, 'rb') as handle:
                        labels += self.found(handle.read())
                if labels:
                    leaks[path] = sorted(set(labels))
        return leaks
