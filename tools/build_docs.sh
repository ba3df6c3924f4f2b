#!/usr/bin/env bash
# make docs: the collection's docs site as the Ansible docsite renders it (antsibull-docs sphinx-init + Sphinx),
# built from the copy in COLLECTIONS into DEST/build/html. Fails on any Sphinx warning except the ones that only
# mean "no internet here": unreachable intersphinx inventories, and so references into docs.ansible.com,
# docs.python.org and Jinja's docs left unresolved. A broken reference inside this collection still fails.
set -euo pipefail
collections=${1:?usage: build_docs.sh COLLECTIONS DEST}
dest=${2:?usage: build_docs.sh COLLECTIONS DEST}
# The site links to galaxy.yml's repository: while that is the placeholder Galaxy's import needs, build from a copy
# without it, so that the site shows no button to a page that does not exist.
if grep -q '^repository: https://example\.com/' "$collections/ansible_collections/apiauth/vendors/galaxy.yml"; then
    site_copy=$(mktemp -d)
    trap 'rm -rf "$site_copy"' EXIT
    mkdir -p "$site_copy/ansible_collections/apiauth"
    cp -a "$collections/ansible_collections/apiauth/vendors" "$site_copy/ansible_collections/apiauth/"
    sed -i '/^repository: https:\/\/example\.com\//d' "$site_copy/ansible_collections/apiauth/vendors/galaxy.yml"
    collections=$site_copy
fi
export ANSIBLE_COLLECTIONS_PATH=$collections
rm -rf "$dest"
mkdir -p "$dest" && chmod 700 "$dest"   # antsibull-docs wants a directory only its owner may write
antsibull-docs sphinx-init --use-current --fail-on-error --dest-dir "$dest" apiauth.vendors >/dev/null
cd "$dest"
mkdir -p rst && chmod og-w rst
antsibull-docs --config-file antsibull-docs.cfg collection --cleanup everything --fail-on-error --use-current \
    --dest-dir rst apiauth.vendors
# Our front page in place of sphinx-init's placeholder, and the images it shows.
source=$collections/ansible_collections/apiauth/vendors/docs
cp "$source/docsite/front_page.rst" rst/index.rst
mkdir -p rst/images && cp "$source"/images/*.svg rst/images/
sphinx-build -M html rst build -c . -q -w warnings.txt 2>/dev/null || { cat warnings.txt; exit 1; }
python - warnings.txt <<'PY'
import re, sys
offline = re.compile(r"WARNING: failed to reach any of the inventories"
                     r"|WARNING: undefined label: '(?!ansible_collections\.apiauth\.vendors\.)[^']*' \[ref\.ref\]$")
lines = [line.rstrip() for line in open(sys.argv[1], encoding='utf-8') if 'WARNING' in line]
unexpected = [line for line in lines if not offline.search(line)]
if unexpected:
    sys.exit('Sphinx warnings not explained by the missing internet:\n' + '\n'.join(unexpected))
print('docs: %d warning(s), all from unreachable intersphinx inventories' % len(lines))
PY
echo "docs: $dest/build/html/index.html"
