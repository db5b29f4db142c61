# The two commands a new user needs: `make demo` (run podesk on SQLite with demo data) and
# `make test` (the test suite). Each installs what it needs into .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: install demo serve test fuzz bench assets clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/podesk demo

serve: install
	$(BIN)/podesk serve

# pytest exits 5 when it collects no tests; that is not a failure of the suite.
test: install
	$(BIN)/pytest $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then exit 0; fi; exit $$rc

# The fuzzer alone (part of `make test` too): schemathesis from our OpenAPI document, about 3 minutes.
fuzz: install
	$(BIN)/python -m pytest tests/fuzz -s $(PYTEST_ARGS)

# Several minutes: 100k POs for the list, 10k invoices, repeated ERP batches (and PostgreSQL when it answers).
bench: install
	$(BIN)/python bench/list.py
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/bulk.py

# Front-end files come from npm (package.json, package-lock.json) and are committed under
# web/static/vendor/ with a MANIFEST.json of their hashes, so installing podesk needs no Node;
# only changing them does. npm ci refuses a tarball whose hash differs from the lock.
assets:
	npm ci --ignore-scripts --no-audit --no-fund
	$(PYTHON) scripts/vendor_assets.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache podesk-demo.db*
