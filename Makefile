# apiauth.vendors: `make demo` and `make test` on a fresh machine with python3 (3.11) and make.
# Everything else (ansible-core, pytest, the simulator's cryptography) goes into build/venv from
# the pinned requirements-test.txt.

PYTHON ?= python3
BUILD := $(CURDIR)/build
VENV := $(BUILD)/venv
VBIN := $(VENV)/bin
COLLECTIONS := $(BUILD)/collections
COLLECTION := $(COLLECTIONS)/ansible_collections/apiauth/vendors
PYTEST := $(VBIN)/python -m pytest -p no:cacheprovider -q
# The copied collection is what every stage runs: the same tree ansible-test and ansible see.
IN_COLLECTION := cd $(COLLECTION) && PATH=$(VBIN):$$PATH PYTHONPATH=$(COLLECTIONS) ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS)

.PHONY: all test demo units functional sanity collection venv clean

all: test

test: units functional sanity

venv: $(VENV)/.installed

$(VENV)/.installed: requirements-test.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(VBIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

collection: venv
	tools/build_collection.sh $(COLLECTION)

units: collection
	$(IN_COLLECTION) $(PYTEST) tests/unit

functional: collection
	$(IN_COLLECTION) $(PYTEST) tests/functional

sanity: collection
	$(VBIN)/python tools/get_pip_standin.py --install
	$(IN_COLLECTION) ansible-test sanity --python 3.11 --color no

demo: collection
	tools/demo.sh

clean:
	rm -rf $(BUILD)
