#!/usr/bin/env bash
# Copy this checkout's files to DEST (.../ansible_collections/apiauth/vendors). ansible-test resolves its
# working directory physically, so a symlink to the repo would not be inside ansible_collections/.
set -euo pipefail
dest=${1:?usage: build_collection.sh DEST}
cd "$(dirname "$0")/.."
rm -rf "$dest"
mkdir -p "$dest"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # Tracked and new (not ignored) files, as they are in the work tree; deleted ones are skipped.
    git ls-files -z --cached --others --exclude-standard \
        | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
        | tar --null -T - -cf - | tar -xf - -C "$dest"
else
    # Not a git checkout (an unpacked archive): everything but what .gitignore lists.
    tar --exclude=./build --exclude=./.git --exclude=./tests/output --exclude=.pytest_cache \
        --exclude=__pycache__ --exclude='*.pyc' -cf - . | tar -xf - -C "$dest"
fi
# ansible-test lists files with git from the nearest .git upwards; without one here it would find
# this checkout's, where build/ is ignored, and skip every target. An empty repository lists the copy.
if command -v git >/dev/null 2>&1; then
    git -C "$dest" init -q
fi
