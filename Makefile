# apiauth.vendors: `make demo` and `make test` on a fresh machine with make, Python 3.11 and Python 3.12 or 3.13
# (on PATH or installed by pyenv). Everything else (ansible-core, pytest, the simulator's cryptography) goes into
# venvs under build/ from pinned requirement files; every stage runs in a copy of the collection under build/.
#
# Each ansible-core release in its own venv and its own copy of the collection:
#   CORE=2.21 (default): the newest release, Python 3.12/3.13, requirements-test.txt -> build/venv
#   CORE=2.16: the oldest that meta/runtime.yml's requires_ansible claims, Python 3.11,
#              requirements-test-2.16.txt -> build/core-2.16/venv
#   CORE=2.17, 2.18, 2.19 (Python 3.11) and 2.20 (Python 3.12/3.13), the releases in between:
#              requirements-test-2.1x.txt -> build/core-2.1x/venv
# `make test` runs every stage on 2.21 and 2.16 and the loader stage (the lookup's option resolution through
# Ansible's plugin loader and config system, where releases differ) on those in between; `make test-matrix` runs
# units and sanity on those in between. `make units CORE=2.18` runs one stage on one.

CORES := 2.21 2.16
MATRIX_CORES := 2.17 2.18 2.19 2.20
CORE ?= 2.21
BUILD := $(CURDIR)/build
# CORE_STAGES: what `make test` runs on that release. The unit tests run once per release: through ansible-test's
# harness on the newest (the same tests plain pytest runs; `make units` still runs them that way), with pytest on the
# oldest. Running both on the newest would cost CI time (30-minute budget) for no coverage.
ifeq ($(CORE),2.21)
CORE_PYTHONS := 3.12 3.13
REQUIREMENTS := requirements-test.txt
CORE_BUILD := $(BUILD)
CORE_STAGES := ansible-test-units functional integration sanity
else ifneq ($(filter $(CORE),2.16 $(MATRIX_CORES)),)
# ansible-core 2.20 needs Python 3.12 or later; 2.16 to 2.19 run on 3.11.
CORE_PYTHONS := $(if $(filter $(CORE),2.20),3.12 3.13,3.11)
REQUIREMENTS := requirements-test-$(CORE).txt
CORE_BUILD := $(BUILD)/core-$(CORE)
CORE_STAGES := $(if $(filter $(CORE),2.16),units functional integration sanity,loader)
else
$(error CORE=$(CORE): choose one of $(CORES) $(MATRIX_CORES))
endif
VENV := $(CORE_BUILD)/venv
VBIN := $(VENV)/bin
COLLECTIONS := $(CORE_BUILD)/collections
COLLECTION := $(COLLECTIONS)/ansible_collections/apiauth/vendors
PYTEST := $(VBIN)/python -m pytest -p no:cacheprovider -q
# The venv's Python version (3.11, 3.12, ...), for ansible-test's --python.
PYVER = $$($(VBIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
# The copied collection is what every stage runs: the same tree ansible-test and ansible see.
IN_COLLECTION := cd $(COLLECTION) && export PATH=$(VBIN):$$PATH PYTHONPATH=$(COLLECTIONS) ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) &&
# A stage's banner and its duration, e.g. `<== sanity [2.21] ok in 412s`.
START = @echo "==> $@ [ansible-core $(CORE)]"; t0=$$(date +%s);
DONE = && echo "<== $@ [ansible-core $(CORE)] ok in $$(( $$(date +%s) - t0 ))s"

# Release tooling (ansible-lint, galaxy-importer, antsibull-changelog, antsibull-docs, Sphinx) in a venv of its own.
LINT_VENV := $(BUILD)/lint-venv
LBIN := $(LINT_VENV)/bin
DIST := $(BUILD)/dist
# The tarball `ansible-galaxy collection build` makes (version from galaxy.yml).
TARBALL = $(DIST)/apiauth-vendors-$$(sed -n 's/^version: *//p' galaxy.yml).tar.gz

.PHONY: all test test-core test-matrix loader demo units ansible-test-units functional integration sanity offline-ansible-test \
	collection venv clean bench bench-store lint lint-venv changelog docs docs-check docs-rst dist shellcheck redis-server bench-diff
# One stage at a time, in the order given, even under make -j: readable output, first failure stops.
.NOTPARALLEL:

all: test

# Every stage on the newest ansible-core, then on the oldest. The release checks (`make lint`, 1-8 minutes) are a
# separate CI step (.ci/run): with them, make test did not fit the 20-minute budget on a loaded two-core machine.
test:
	@t0=$$(date +%s); \
	for core in $(CORES) $(MATRIX_CORES); do $(MAKE) --no-print-directory CORE=$$core test-core || exit 1; done; \
	echo "<== test (ansible-core $(CORES) $(MATRIX_CORES)) ok in $$(( $$(date +%s) - t0 ))s"

test-core: $(CORE_STAGES)

# Units and sanity on each release between the oldest and the newest (not part of `make test`: about 7 minutes each,
# measured on 2.17 on a loaded two-core machine, sanity venvs created on first use).
test-matrix:
	@t0=$$(date +%s); \
	for core in $(MATRIX_CORES); do $(MAKE) --no-print-directory CORE=$$core units sanity || exit 1; done; \
	echo "<== test-matrix (ansible-core $(MATRIX_CORES)) ok in $$(( $$(date +%s) - t0 ))s"

venv: $(VENV)/.installed

# Re-created from scratch whenever the pins change; the machine's pip configuration applies.
$(VENV)/.installed: $(REQUIREMENTS)
	@echo "==> venv ($(VENV) from $(REQUIREMENTS), Python $(CORE_PYTHONS))"
	rm -rf $(VENV)
	py=$$(tools/find_python.sh $(CORE_PYTHONS)) && $$py -m venv $(VENV)
	$(VBIN)/python -m pip install --quiet --disable-pip-version-check -r $(REQUIREMENTS)
	touch $@

collection: venv
	@echo "==> collection ($(COLLECTION))"
	@tools/build_collection.sh $(COLLECTION)

# tools/bench/tests: the tests of our tooling, which the tarball does not ship (so they are not under tests/unit).
TOOLS_TESTS := tools/bench/tests

units: collection redis-server
	$(START) $(IN_COLLECTION) $(PYTEST) tests/unit $(TOOLS_TESTS) $(DONE)

# The same unit tests through ansible-test's own harness, in a virtualenv of its own.
ansible-test-units: collection offline-ansible-test redis-server
	$(START) $(IN_COLLECTION) ansible-test units --venv --python $(PYVER) --requirements --color no \
		&& $(PYTEST) $(TOOLS_TESTS) $(DONE)

# The functional tests mostly wait (ansible-playbook runs, token lifetimes, lock hand-overs: load about 1 on two cores
# with one process), so they run on FUNCTIONAL_WORKERS pytest-xdist workers, each with its own simulator, temporary
# directories and redis-servers on free ports; tests/functional/conftest.py hands out the longest first. The lock and
# keeper tests pass side by side (all of them at once on four workers, load 4-5); a test that must not run beside
# others would take @pytest.mark.xdist_group.
FUNCTIONAL_WORKERS ?= 3
functional: collection redis-server
	$(START) $(IN_COLLECTION) $(PYTEST) -n $(FUNCTIONAL_WORKERS) --dist loadgroup tests/functional $(DONE)

# tests/integration/targets: one target per plugin and role, each against the simulator its setup_simulator dependency
# starts (tests/README.md). In a virtualenv of its own: there is no container runtime here.
integration: collection offline-ansible-test
	$(START) $(IN_COLLECTION) ansible-test integration --venv --python $(PYVER) --requirements --color no $(DONE)

# The cheapest stage that tells releases apart where they differ for this collection: how the lookup resolves its
# options (keyword, variable, environment, ansible.cfg, default) through Ansible's plugin loader and config system,
# in-process and in real ansible-playbook/ansible-doc/ansible-config runs.
LOADER_TESTS := tests/unit/plugins/lookup/test_vendor_token_options.py \
	tests/functional/test_vendor_token.py::test_options_come_from_keyword_variable_environment_ansible_cfg_in_that_order \
	tests/functional/test_vendor_token.py::test_ansible_doc_and_ansible_config_list_every_source
loader: collection
	$(START) $(IN_COLLECTION) $(PYTEST) $(LOADER_TESTS) $(DONE)

sanity: collection offline-ansible-test shellcheck
	$(START) $(IN_COLLECTION) ansible-test sanity --python $(PYVER) --color no $(DONE)

# ansible-test runs shellcheck on the shell scripts only when it is installed, and skips it silently otherwise.
# Debian ships it; installed here when we may (root with apt-get, as in CI), else sanity says it skipped it.
shellcheck:
	@command -v shellcheck >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& { echo "==> shellcheck (apt-get install shellcheck)"; \
		     DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null \
		     || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null; }; } \
		|| echo "==> shellcheck not installed and not installable here: ansible-test sanity will skip it"; }

# The shared-store tests (token_cache=redis) start a real redis-server of their own on a loopback port. Debian ships
# it; installed here when we may (root with apt-get, as in CI), else those tests skip saying so (fail under CI=true).
redis-server:
	@command -v redis-server >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& { echo "==> redis-server (apt-get install redis-server)"; \
		     DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null \
		     || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }; } \
		|| echo "==> redis-server not installed and not installable here: the shared-store tests will skip"; }

# ansible-test fetches a pip bootstrap script from a host that is not reachable here; give it ours.
offline-ansible-test: venv
	@$(VBIN)/python tools/get_pip_standin.py --install

demo: venv collection
	tools/demo.sh

# Not part of `make test`: about five minutes of timed plays against 100 simulated SBCs (tools/bench/README.md).
# Prints a table, writes $(BUILD)/bench/results.json, fails when an acceptance ratio does.
# ITEMS=2,6 measures only those items (item 6: a cache hit through Redis against the file store; `make bench-store`).
bench: venv collection redis-server
	$(START) $(IN_COLLECTION) $(VBIN)/python tools/bench/run.py --out $(BUILD)/bench $(if $(ITEMS),--items $(ITEMS)) \
		--source-commit "$$(git -C $(CURDIR) rev-parse --short HEAD 2>/dev/null)" $(DONE)

bench-store:
	@$(MAKE) --no-print-directory bench ITEMS=6

# Two results files side by side (standard library only, no venv needed):
# make bench-diff OLD=saved/results.json [NEW=build/bench/results.json]; see tools/bench/README.md.
bench-diff:
	@test -n "$(OLD)" || { echo 'usage: make bench-diff OLD=path/to/results.json [NEW=$(BUILD)/bench/results.json]' >&2; exit 2; }
	@python3 tools/bench/diff.py "$(OLD)" "$(or $(NEW),$(BUILD)/bench/results.json)"

# --- Release: lint, changelog, docs, tarball (docs/releasing.md) -----------------------------------------------

lint-venv: $(LINT_VENV)/.installed

$(LINT_VENV)/.installed: requirements-lint.txt
	@echo "==> lint-venv ($(LINT_VENV) from requirements-lint.txt)"
	rm -rf $(LINT_VENV)
	py=$$(tools/find_python.sh 3.12 3.13) && $$py -m venv $(LINT_VENV)
	$(LBIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-lint.txt
	touch $@

# The tarball Galaxy and Automation Hub receive, built from the copy of the collection.
dist: collection lint-venv
	@rm -rf $(DIST) && mkdir -p $(DIST)
	@cd $(COLLECTION) && $(LBIN)/ansible-galaxy collection build --force --output-path $(DIST) >/dev/null
	@echo "==> dist $(TARBALL)"

# What Galaxy, Automation Hub and the docs site check, on the copy and on the tarball; any finding fails.
lint: dist
	$(START) export PATH=$(LBIN):$$PATH && tools/release_checks.sh $(COLLECTION) $(TARBALL) $(DONE)

# Regenerate the guides' RST for the docs site from their Markdown (after editing a guide or docs/docsite/guides.yml).
docs-rst: lint-venv
	$(LBIN)/python tools/docs_rst.py

# The collection's docs site (HTML under build/docs/build/html), as the Ansible docsite renders it.
docs: collection lint-venv
	$(START) export PATH=$(LBIN):$$PATH && tools/build_docs.sh $(COLLECTIONS) $(BUILD)/docs $(DONE)

# The docs site as a reader sees it: screenshots of the front page and a plugin page with headless Chromium (installed
# with apt-get where missing and allowed) in build/docs-check/, and a failure for a placeholder page or link, a broken
# reference or a relative link to a missing file (tools/docs_check.py).
docs-check: docs
	$(START) python3 tools/docs_check.py $(BUILD)/docs/build/html $(BUILD)/docs/warnings.txt $(BUILD)/docs-check $(DONE)

# Release notes: regenerate changelogs/changelog.yaml and CHANGELOG.rst for galaxy.yml's version from every fragment
# in changelogs/fragments/ (kept: keep_fragments), new, edited or removed, and from the plugins' and role's
# version_added (docs/releasing.md). Idempotent. Run in the checkout, not the copy: it rewrites tracked files.
changelog: lint-venv
	export PATH=$(LBIN):$$PATH && antsibull-changelog lint \
		&& antsibull-changelog release --reload-plugins --refresh-fragments \
		&& antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml

clean:
	rm -rf $(BUILD)
