# -*- coding: utf-8 -*-
"""Item 3: a lock-held change (take the lock, add a realm, always release it) on many SBCs at once, against the
floor: the same play with authentication stubbed out, i.e. every SBC's token already in the token cache (the logins
happen before the clock starts), so the timed run sends no login at all."""

import os
from concurrent.futures import ThreadPoolExecutor

from ansible_run import PLAYBOOKS, SBC_PASSWORD, SBC_USER, write_inventory
from journal_audit import sbc_summary, total


def seed_tokens(urls, ca_path, cache_dir, workers=50, store=None):
    """Log in to every SBC through the collection's own auth layer, leaving the tokens where the play finds them
    (``store``: the shared store's options, e.g. token_cache=redis, else the file store in ``cache_dir``)."""
    from ansible_collections.apiauth.vendors.plugins.module_utils._auth import VendorSession, vendor_settings

    def login(url):
        settings = vendor_settings('oracle_sbc', dict({'url': url, 'username': SBC_USER, 'password': SBC_PASSWORD,
                                                       'ca_path': ca_path, 'token_cache_dir': cache_dir}, **(store or {})),
                                   environ={})
        return VendorSession(settings).token()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(login, urls))


def _audit(ctx, urls, result):
    sbcs = [sbc_summary(ctx.sim.journal(url)) for url in urls]
    held = sum(1 for url in urls if ctx.sim.state(url)['lock']['owner_fp'] is not None)
    complete = sum(1 for s in sbcs if s['writes_ok'] == 1 and s['locks'] == [204] and s['unlocks'] == [204])
    return {'rc': result['rc'], 'wall_s': result['wall_s'], 'cpu_s': result['cpu_s'], 'log': result['log'],
            'logins': total(sbcs, 'logins'), 'reauths': total(sbcs, 'reauths'), 'lock_losses': total(sbcs, 'lock_losses'),
            'sbcs_changed_cleanly': complete, 'locks_left_held': held}


def run(ctx, urls, forks, store=None, env=None, empty_store=lambda: None):
    """The change with logins in the play, then the floor; both on freshly reset SBCs. ``store``/``env``: the shared
    store's options for seeding and the plays' environment naming it (item 8); ``empty_store`` empties it."""
    hosts = dict(('sbc%03d' % (index + 1), url) for index, url in enumerate(urls))
    inventory = write_inventory(os.path.join(ctx.workdir, 'fleet-inventory.ini'), hosts, ctx.sim.ca_path)
    playbook = os.path.join(PLAYBOOKS, 'locked_change.yml')

    # Measured first: the floor then runs second, on the warmer machine, which can only flatter the floor.
    name = 'fleet' if store is None else 'fleet-' + store['token_cache']
    ctx.sim.reset(urls)
    empty_store()
    measured = _audit(ctx, urls, ctx.runner.run(name + '-change', playbook, inventory, forks, ctx.runner.fresh_cache(name),
                                                env=env))

    ctx.sim.reset(urls)
    empty_store()
    cache_dir = ctx.runner.fresh_cache(name + '-floor')
    seed_tokens(urls, ctx.sim.ca_path, cache_dir, store=store)
    for url in urls:
        ctx.sim.control(url, 'DELETE', 'journal')  # the seeding logins are not part of the floor play
    floor = _audit(ctx, urls, ctx.runner.run(name + '-floor', playbook, inventory, forks, cache_dir, env=env))
    ctx.sim.reset(urls)
    return {'sbcs': len(urls), 'forks': forks, 'measured': measured, 'floor': floor,
            'wall_ratio': round(measured['wall_s'] / floor['wall_s'], 3)}
