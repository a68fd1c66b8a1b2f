# Amends: the two everyday commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-dev run test bench lint format lock docs messages screenshots clean

# Installing never resolves against the index: every lock holds the complete set of packages
# (extras included), pip installs each with --no-deps and checks its hash, and Amends itself is
# built with the pinned setuptools from build.lock instead of whatever the index has today.
# `make run` installs the runtime lock; everything else adds the test and lint tools.
install: $(RUN_STAMP)
install-dev: $(DEV_STAMP)

PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps
LOCKED := $(PIP) --require-hashes --only-binary :all:

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "error: Amends needs Python 3.11 or newer (found $$($(PYTHON) --version 2>&1))"; exit 1; }
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || \
		{ echo "error: python venv is missing; on Debian: apt-get install python3-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): $(BIN)/python requirements/build.lock requirements/base.lock pyproject.toml
	$(LOCKED) -r requirements/build.lock -r requirements/base.lock
	$(PIP) --no-build-isolation -e .
	@touch $(RUN_STAMP)

$(DEV_STAMP): $(RUN_STAMP) requirements/dev.lock
	$(LOCKED) -r requirements/dev.lock
	@touch $(DEV_STAMP)

run: install
	$(BIN)/amends migrate
	$(BIN)/amends serve --host $(HOST) --port $(PORT)

test: install-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m amends.devtools.clidocs --check
	./scripts/test-all

bench: install-dev
	./scripts/bench-tools
	$(BIN)/python -m benchmarks

lint: install-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

docs: install-dev
	$(BIN)/python -m amends.devtools.clidocs --write

# The Welsh catalogue: gather every string the desk shows into src/amends/locale/cy (new ones
# untranslated, for a translator), then compile it. Needs GNU gettext (apt-get install gettext);
# the compiled catalogue is checked in, so running Amends never does.
messages: install-dev
	cd src/amends && DJANGO_SETTINGS_MODULE=amends.settings AMENDS_HOME=$$(mktemp -d) \
		../../$(BIN)/python -m django makemessages -l cy --no-location --no-wrap
	cd src/amends && DJANGO_SETTINGS_MODULE=amends.settings AMENDS_HOME=$$(mktemp -d) \
		../../$(BIN)/python -m django compilemessages -l cy

# Pictures of the desk for the README and docs: the browser test's screenshots, and a page of
# an evidence pack's PDF report.
screenshots: install-dev
	AMENDS_HOME=$$(mktemp -d) AMENDS_SCREENSHOTS=$(CURDIR)/docs/images \
		AMENDS_TEST_CHROMIUM=$$(./scripts/browser) \
		$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_desk_browser.py -k five_steps
	AMENDS_HOME=$$(mktemp -d) AMENDS_SCREENSHOTS=$(CURDIR)/docs/images PATH="$$(./scripts/pdf-tools):$$PATH" \
		$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_evidence_report.py -k sample

# Regenerate the lock files after changing dependencies in pyproject.toml.
lock:
	$(PYTHON) -m venv /tmp/amends-lock && /tmp/amends-lock/bin/pip install --quiet pip-tools
	/tmp/amends-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-find-links --no-emit-index-url -o requirements/base.lock pyproject.toml
	/tmp/amends-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-find-links --no-emit-index-url --extra dev -o requirements/dev.lock pyproject.toml
	/tmp/amends-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
		--no-emit-find-links --no-emit-index-url -o requirements/build.lock requirements/build.in
	/tmp/amends-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
		--no-emit-find-links --no-emit-index-url -o requirements/pywb.lock requirements/pywb.in

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .ruff_cache
