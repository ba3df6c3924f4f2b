# -*- coding: utf-8 -*-
"""Issue 24 row 3: no secret in any result. A vendor that quotes the request's token in an error or a success body
must not put it in msg, messages, data, content, warnings or exception, on stdout (default verbosity and -vvvv) or in
a registered variable. Before the boundary scrub, one such play showed the token 7 times."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from playbook_runner import explain
from secret_scan import SecretScan

FAULTS = [
    dict(path='elementType=quote-fail', action='quote_token', status=400, times=10),
    dict(path='elementType=quote-ok', action='quote_token_ok', times=10),
    dict(path='elementType=quote-info', action='quote_token', status=403, times=10),
    dict(path='q=quote-bigid', action='quote_token', status=400, times=10),
    dict(path='q=quote-bigfix', action='quote_token_ok', times=10),
    dict(path='refresh-access-token', action='quote_token', status=401, times=10),
]


def occurrences(scan, text):
    """How many times any secret of the run occurs in ``text``."""
    return sum(text.count(secret) for secret in scan.secrets())


@pytest.mark.parametrize('verbosity', [0, 4])
def test_a_quoted_token_appears_nowhere_in_the_play(simulator, runner, verbosity):
    for rule in FAULTS:
        simulator.add_fault(**rule)
    proc, result = runner.run('quoted_token.yml', verbosity=verbosity)
    assert result is not None, explain(proc)
    quoted = [e for e in simulator.journal_entries() if e['fault'] in ('quote_token', 'quote_token_ok')]
    assert len(quoted) == 6, 'every task met its quoting reply: %s' % [e['path'] for e in quoted]
    scan = SecretScan(simulator)
    registered = json.dumps(result)
    assert (occurrences(scan, proc.stdout), occurrences(scan, registered)) == (0, 0), \
        'secrets in the output: %s; in the registered results: %s' % (scan.found(proc.stdout), scan.found(registered))
    # Each result still says what happened, without the token.
    assert result['sbc_failed']['failed'] and result['sbc_failed']['status'] == 400
    assert any('********' in m for m in result['sbc_failed']['messages'])
    assert result['sbc_ok']['data'] == {'token': '********'}
    assert result['bigfix_ok']['data']['data'] == {'token': '********'}
    assert result['info_failed']['failed'] and result['bigid_failed']['failed'] and result['lookup_failed']['failed']
