# -*- coding: utf-8 -*-
"""Offline stand-in for the get-pip.py script that ansible-test downloads.

ansible-test bootstraps pip into each of its virtualenvs with a get-pip script fetched from a host
this project cannot reach, and first looks for it in ~/.ansible/test/cache/get_pip_<version>.py.

Run as ``python tools/get_pip_standin.py --install`` it copies itself there (for the pip version the
installed ansible-test wants), replacing an older copy of itself but never a real get-pip script
that is already cached. Run by ansible-test as get-pip.py,
it installs the bundled pip with ensurepip and then upgrades to the requested packages from the
package index, with the machine's own pip settings.
"""

import ensurepip
import os
import re
import subprocess
import sys
import types

DEFAULT_PIP_VERSION = '24.2'
MARKER = b'Offline stand-in for the get-pip.py script'


def wanted_pip_version():
    """The pip version the installed ansible-test bootstraps into Python 3.11 virtualenvs."""
    try:
        from ansible_test._internal.python_requirements import get_venv_packages
        version = get_venv_packages(types.SimpleNamespace(version='%d.%d' % sys.version_info[:2])).get('pip')
        if version:
            return version
    except Exception:  # pylint: disable=broad-except  # ansible-test internals differ between releases
        pass
    # Older or newer layouts: read the default from the source instead.
    try:
        import ansible_test
        path = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
        with open(path, encoding='utf-8') as handle:
            match = re.search(r"pip='([0-9.]+)'", handle.read())
    except (ImportError, OSError):
        match = None
    return match.group(1) if match else DEFAULT_PIP_VERSION


def install():
    """Put this script where ansible-test looks for its cached bootstrap script."""
    version = wanted_pip_version()
    target = os.path.expanduser('~/.ansible/test/cache/get_pip_%s.py' % version.replace('.', '_'))
    with open(os.path.abspath(__file__), 'rb') as handle:
        ours = handle.read()
    try:
        with open(target, 'rb') as handle:
            cached = handle.read()
    except OSError:
        cached = None
    if cached == ours:
        return 0
    if cached is not None and MARKER not in cached:
        print('ansible-test pip bootstrap script already cached: %s' % target)
        return 0
    # Missing, or an older copy of this stand-in.
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target + '.tmp', 'wb') as handle:
        handle.write(ours)
    os.replace(target + '.tmp', target)
    print('installed offline pip bootstrap stand-in for pip %s: %s' % (version, target))
    return 0


def bootstrap(args):
    """What get-pip.py does: pip in this interpreter's environment, at the requested versions."""
    ensurepip.bootstrap()
    # ensurepip sets PIP_CONFIG_FILE=/dev/null for itself, which would drop the machine's pip
    # settings (its CA bundle among them) for the upgrade below.
    env = dict(os.environ)
    env.pop('PIP_CONFIG_FILE', None)
    wanted = [arg for arg in args if arg not in ('--no-setuptools', '--no-wheel')]
    return subprocess.call([sys.executable, '-m', 'pip', 'install', '--quiet', '--upgrade'] + wanted, env=env)


if __name__ == '__main__':
    if sys.argv[1:] == ['--install']:
        sys.exit(install())
    sys.exit(bootstrap(sys.argv[1:]))
