# -*- coding: utf-8 -*-
"""Item 1: N API calls per host through the vendor_token lookup against the same calls written the naive way (a uri
login before each call), at several fork counts, side by side; and the lookup play over several shortened token
lifetimes (one login, then re-authentications, per SBC)."""

import os

from ansible_run import write_inventory, write_repeated_play
from journal_audit import sbc_summary, total


def host_map(urls, count):
    """``count`` inventory hosts spread over the SBCs at ``urls`` (host i talks to SBC i mod len(urls))."""
    return dict(('host%02d' % (index + 1), urls[index % len(urls)]) for index in range(count))


def _run(ctx, name, task_file, inventory, forks, calls, extra_vars=None):
    playbook = write_repeated_play(os.path.join(ctx.workdir, name + '.yml'), task_file, calls, name)
    result = ctx.runner.run(name, playbook, inventory, forks, ctx.runner.fresh_cache(name), extra_vars)
    return result


def compare(ctx, urls, hosts, calls, forks_list):
    """The lookup play and the naive play, one after the other at each fork count, on freshly reset SBCs."""
    inventory = write_inventory(os.path.join(ctx.workdir, 'calls-inventory.ini'), host_map(urls, hosts), ctx.sim.ca_path)
    rows = []
    for forks in forks_list:
        row = {'forks': forks, 'hosts': hosts, 'sbcs': len(urls), 'calls_per_host': calls}
        for style, task_file in (('lookup', 'lookup_call.yml'), ('naive', 'naive_call.yml')):
            ctx.sim.reset(urls)
            result = _run(ctx, 'calls-%s-f%d' % (style, forks), task_file, inventory, forks, calls)
            sbcs = [sbc_summary(ctx.sim.journal(url)) for url in urls]
            row[style] = {'rc': result['rc'], 'wall_s': result['wall_s'], 'cpu_s': result['cpu_s'], 'log': result['log'],
                          'logins': total(sbcs, 'logins'), 'reauths': total(sbcs, 'reauths'),
                          'logins_per_sbc': [s['logins'] for s in sbcs],
                          'api_ok': total(sbcs, 'api_ok'), 'api_failed': total(sbcs, 'api_failed')}
        row['wall_ratio'] = round(row['lookup']['wall_s'] / row['naive']['wall_s'], 3)
        row['cpu_ratio'] = round(row['lookup']['cpu_s'] / row['naive']['cpu_s'], 3)
        row['ok'] = all(row[style]['rc'] == 0 and row[style]['api_ok'] == hosts * calls and not row[style]['api_failed']
                        for style in ('lookup', 'naive'))
        rows.append(row)
    return rows


def lifetimes(ctx, urls, hosts, calls, forks, lifetime, margin):
    """The lookup play with SBC tokens that live ``lifetime`` seconds (client told the same, renewing ``margin``
    seconds before expiry): per SBC one login, then re-authentications, and no call refused."""
    ctx.sim.reset(urls, sbc_token_lifetime=lifetime)
    inventory = write_inventory(os.path.join(ctx.workdir, 'lifetime-inventory.ini'), host_map(urls, hosts), ctx.sim.ca_path)
    result = _run(ctx, 'lifetime-lookup-f%d' % forks, 'lookup_call.yml', inventory, forks, calls,
                  {'apiauth_token_lifetime': lifetime, 'apiauth_refresh_margin': margin})
    sbcs = [sbc_summary(ctx.sim.journal(url)) for url in urls]
    ctx.sim.reset(urls)  # back to the default lifetime for whatever runs next
    return {
        'rc': result['rc'], 'wall_s': result['wall_s'], 'log': result['log'], 'forks': forks, 'hosts': hosts,
        'sbcs': len(urls), 'calls_per_host': calls, 'token_lifetime_s': lifetime, 'refresh_margin_s': margin,
        'per_sbc': [{'logins': s['logins'], 'reauths': s['reauths'], 'lifetimes_spanned': round(s['span_s'] / lifetime, 2),
                     'api_ok': s['api_ok'], 'api_failed': s['api_failed']} for s in sbcs],
    }
