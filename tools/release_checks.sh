#!/usr/bin/env bash
# make lint: what Galaxy, Automation Hub and the docs site check, with the pinned tools of build/lint-venv (on PATH).
# COLLECTION is the copy under build/collections (so ansible-lint's caches stay out of the checkout), TARBALL the
# collection as uploaded. Each check prints its banner; the first one that fails stops the run.
set -euo pipefail
collection=${1:?usage: release_checks.sh COLLECTION TARBALL}
tarball=${2:?usage: release_checks.sh COLLECTION TARBALL}
collections=$(cd "$collection/../../.." && pwd)
export ANSIBLE_COLLECTIONS_PATH=$collections NO_COLOR=1
cd "$collection"

step() { echo "--> $*"; }

step "antsibull-changelog lint (fragments and changelogs/changelog.yaml)"
antsibull-changelog lint
antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml

step "docs/docsite/rst and extra-docs.yml match the guides (tools/docs_rst.py --check)"
python tools/docs_rst.py --check

step "antsibull-docs lint-collection-docs --plugin-docs"
antsibull-docs lint-collection-docs --plugin-docs .

step "ansible-lint --profile production (.ansible-lint)"
ansible-lint --offline --nocolor -q

# Galaxy's and Automation Hub's import of the tarball, with the certification settings: a tag from its list,
# version >= 1.0.0, ansible-lint on the tarball's content. ansible-test is left to make sanity (it needs containers).
step "galaxy-importer $(basename "$tarball") (required tags, version >= 1.0.0, ansible-lint)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
GALAXY_IMPORTER_CONFIG=/dev/null GALAXY_IMPORTER_CHECK_REQUIRED_TAGS=true GALAXY_IMPORTER_REQUIRE_V1_OR_GREATER=true \
GALAXY_IMPORTER_RUN_ANSIBLE_LINT=true GALAXY_IMPORTER_RUN_ANSIBLE_TEST=false GALAXY_IMPORTER_CHECK_CHANGELOG=true \
GALAXY_IMPORTER_TMP_ROOT_DIR=$work \
    python -m galaxy_importer.main "$tarball" >"$work/import.log" 2>&1 || true
grep -v '^Loading ' "$work/import.log"
if grep -q 'ERROR' "$work/import.log" || ! grep -q 'Importer processing completed successfully' "$work/import.log"; then
    echo "galaxy-importer: the import would be refused (ERROR above)"
    exit 1
fi
if grep -q 'WARNING' "$work/import.log"; then
    echo "galaxy-importer: warnings above (the import is accepted)"
fi
