# -*- coding: utf-8 -*-
"""Issue 20: paged reads as the appliance pages (Oracle 10.0: at most 100 instances per GET, a link to the next
page), judged from the simulator's journal with 250 session-agents, by link and by offset alone."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from playbook_runner import explain

AGENTS = ['sa%03d.peer.example.com' % n for n in range(250)]


@pytest.mark.parametrize('paging', ('link', 'offset'))
def test_the_220th_of_250_is_edited_with_one_put_and_all_are_read(simulator, runner, paging):
    simulator.configure(sbc_paging=paging, sbc_page_cap=100)
    with simulator.state.lock:
        simulator.state.config.seed('session-agent', [{'hostname': name, 'description': 'old'} for name in AGENTS])
    proc, result = runner.run('paged_elements.yml', extra_vars={'edit': {'hostname': AGENTS[219], 'description': 'new'}})
    assert proc.returncode == 0, explain(proc)
    writes = [(e['method'], e['status']) for e in simulator.journal_entries(vendor='oracle_sbc', kind='config_write')]
    assert writes == [('PUT', 200)], writes
    assert result['edited']['changed'] is True and result['edited']['writes'] == 1
    assert int(result['count']) == 250 and result['hostnames'] == AGENTS
    reads = simulator.journal_entries(vendor='oracle_sbc', kind='config_read')
    # three pages for each of the two reads (and, offset only, one more to see there is no more)
    assert len(reads) == (6 if paging == 'link' else 8), [e['query'] for e in reads]
