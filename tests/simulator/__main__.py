"""Entry point for `python tests/simulator ...` and `python -m simulator ...` (see cli.py for the options)."""

import os
import sys

if not __package__:
    # Run as a directory: Python put this directory first on sys.path, where our module names (jwt, state, ...)
    # could shadow other modules. Import the package from its parent directory instead.
    _PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != _PACKAGE_DIR]
    sys.path.insert(0, os.path.dirname(_PACKAGE_DIR))
    from simulator.cli import main
else:
    from .cli import main

if __name__ == "__main__":
    sys.exit(main())
