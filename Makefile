# apiauth.vendors: `make demo` and `make test` on a fresh machine with python3 (3.11) and make.
# Everything else (ansible-core, pytest, the simulator's cryptography) goes into build/venv from
# the pinned requirements-test.txt; every stage runs in a copy of the collection under build/.

PYTHON ?= python3
BUILD := $(CURDIR)/build
VENV := $(BUILD)/venv
VBIN := $(VENV)/bin
COLLECTIONS := $(BUILD)/collections
COLLECTION := $(COLLECTIONS)/ansible_collections/apiauth/vendors
PYTEST := $(VBIN)/python -m pytest -p no:cacheprovider -q
# The copied collection is what every stage runs: the same tree ansible-test and ansible see.
IN_COLLECTION := cd $(COLLECTION) && export PATH=$(VBIN):$$PATH PYTHONPATH=$(COLLECTIONS) ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) &&
# A stage's banner and its duration, e.g. `<== sanity ok in 412s`.
START = @echo "==> $@"; t0=$$(date +%s);
DONE = && echo "<== $@ ok in $$(( $$(date +%s) - t0 ))s"


.PHONY: all test demo units ansible-test-units functional sanity offline-ansible-test collection venv clean bench bench-diff
# One stage at a time, in the order given, even under make -j: readable output, first failure stops.
.NOTPARALLEL:

all: test

test: units ansible-test-units functional sanity

venv: $(VENV)/.installed

# Re-created from scratch whenever the pins change; the machine's pip configuration applies.
$(VENV)/.installed: requirements-test.txt
	@echo "==> venv ($(VENV) from requirements-test.txt)"
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(VBIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

collection: venv
	@echo "==> collection ($(COLLECTION))"
	@tools/build_collection.sh $(COLLECTION)

units: collection
	$(START) $(IN_COLLECTION) $(PYTEST) tests/unit $(DONE)

# The same unit tests through ansible-test's own harness, in a virtualenv of its own.
ansible-test-units: collection offline-ansible-test
	$(START) $(IN_COLLECTION) ansible-test units --venv --python 3.11 --requirements --color no $(DONE)

functional: collection
	$(START) $(IN_COLLECTION) $(PYTEST) tests/functional $(DONE)

sanity: collection offline-ansible-test
	$(START) $(IN_COLLECTION) ansible-test sanity --python 3.11 --color no $(DONE)

# ansible-test fetches a pip bootstrap script from a host that is not reachable here; give it ours.
offline-ansible-test: venv
	@$(VBIN)/python tools/get_pip_standin.py --install

demo: venv collection
	tools/demo.sh

# Not part of `make test`: about five minutes of timed plays against 100 simulated SBCs (tools/bench/README.md).
# Prints a table, writes $(BUILD)/bench/results.json, fails when an acceptance ratio does.
bench: venv collection
	$(START) $(IN_COLLECTION) $(VBIN)/python tools/bench/run.py --out $(BUILD)/bench \
		--source-commit "$$(git -C $(CURDIR) rev-parse --short HEAD 2>/dev/null)" $(DONE)

# Two results files side by side (standard library only, no venv needed):
# make bench-diff OLD=saved/results.json [NEW=build/bench/results.json]; see tools/bench/README.md.
bench-diff:
	@test -n "$(OLD)" || { echo 'usage: make bench-diff OLD=path/to/results.json [NEW=$(BUILD)/bench/results.json]' >&2; exit 2; }
	@$(PYTHON) tools/bench/diff.py "$(OLD)" "$(or $(NEW),$(BUILD)/bench/results.json)"

clean:
	rm -rf $(BUILD)
