# -*- coding: utf-8 -*-
"""Offline stand-in for the get-pip.py script that ansible-test downloads.

ansible-test bootstraps pip into each of its virtualenvs with a get-pip script fetched from a host
this project cannot reach, and first looks for it in ~/.ansible/test/cache/get_pip_<version>.py.

Run as ``python tools/get_pip_standin.py --install`` it copies itself there (for the pip version the
installed ansible-test wants) unless a script is already cached. Run by ansible-test as get-pip.py,
it installs the bundled pip with ensurepip and then upgrades to the requested packages from the
package index, with the machine's own pip settings.
"""

import ensurepip
import os
import re
import shutil
import subprocess
import sys

DEFAULT_PIP_VERSION = '24.2'


def wanted_pip_version():
    """The pip version the installed ansible-test bootstraps, read from its source."""
    try:
        import ansible_test
    except ImportError:
        return DEFAULT_PIP_VERSION
    path = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    try:
        with open(path, encoding='utf-8') as handle:
            match = re.search(r"pip='([0-9.]+)'", handle.read())
    except OSError:
        match = None
    return match.group(1) if match else DEFAULT_PIP_VERSION


def install():
    """Put this script where ansible-test looks for its cached bootstrap script."""
    version = wanted_pip_version()
    target = os.path.expanduser('~/.ansible/test/cache/get_pip_%s.py' % version.replace('.', '_'))
    if os.path.exists(target):
        print('ansible-test pip bootstrap script already cached: %s' % target)
        return 0
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copyfile(os.path.abspath(__file__), target)
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
    return subprocess.call([sys.executable, '-m', 'pip', 'install', '--upgrade'] + wanted, env=env)


if __name__ == '__main__':
    if sys.argv[1:] == ['--install']:
        sys.exit(install())
    sys.exit(bootstrap(sys.argv[1:]))
