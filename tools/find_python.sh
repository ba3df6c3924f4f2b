#!/usr/bin/env bash
# Print the path of a Python interpreter that runs and whose version is one of the MINOR versions given
# (e.g. `find_python.sh 3.12 3.13`), trying pythonX.Y on PATH, then pyenv's installs, then python3.
# pyenv puts shims for every version on PATH that fail unless that version is selected, so each
# candidate is run, not just found.
set -u
[ $# -gt 0 ] || { echo "usage: find_python.sh 3.12 [3.13 ...]" >&2; exit 2; }
candidates=()
pyenv_root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
for minor in "$@"; do
    candidates+=("python$minor")
    for dir in "$pyenv_root"/versions/"$minor".*/bin; do
        [ -x "$dir/python3" ] && candidates+=("$dir/python3")
    done
done
candidates+=(python3)
for candidate in "${candidates[@]}"; do
    path=$(command -v "$candidate" 2>/dev/null) || continue
    version=$("$path" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
    for minor in "$@"; do
        if [ "$version" = "$minor" ]; then
            # The interpreter itself, not a shim that depends on the caller's pyenv selection.
            "$path" -c 'import sys; print(sys.executable)'
            exit 0
        fi
    done
done
echo "find_python.sh: no Python $* found (on PATH or under $pyenv_root/versions)" >&2
exit 1
