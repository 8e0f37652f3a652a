# Health & Care Mutuals Registry. `make help` lists the targets.
# Every set-up step is idempotent: it runs only when its inputs changed, so `make run` twice does no repeated work.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app registry
PORT ?= 5000
HOST ?= 127.0.0.1
VENDOR := registry/static/vendor
LOCK := requirements.lock
PYTEST_ARGS ?=

.PHONY: help install lock vendor static db run serve test test-unit lint format translations bench bench-weight clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The lock pins every runtime and dev dependency; the package itself is installed on top of it, adding nothing.
$(VENV)/.installed: $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# NHS.UK frontend's CSS asks for Frutiger from an NHS host: we drop those @font-face rules (the font is
# licensed to NHS bodies, and nothing may load from the network), and the CSS falls back to Arial.
$(VENDOR)/.copied: node_modules/.installed Makefile
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/nhsuk $(VENDOR)/leaflet
	sed -E 's/@font-face\{[^}]*\}//g' node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css > $(VENDOR)/nhsuk/nhsuk-frontend.min.css
	cp node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js $(VENDOR)/nhsuk/
	cp -r node_modules/nhsuk-frontend/dist/nhsuk/assets $(VENDOR)/nhsuk/assets
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	@touch $@

# The static files' build (build/static/): content-hashed names, Brotli and gzip copies. The app makes it too when
# it is missing (tests, a fresh clone), and makes nothing when it is current; this stamp saves starting Python.
STATIC_SOURCES := $(shell find registry/static -type f -not -name '.*' 2>/dev/null) registry/web/static_files.py
build/static/.built: $(VENV)/.installed $(VENDOR)/.copied $(STATIC_SOURCES)
	$(FLASK) static build
	@touch $@

install: $(VENV)/.installed $(VENDOR)/.copied build/static/.built ## Create .venv, install the locked dependencies, the package and the front-end files (static files built)

# pip-tools runs in a throwaway virtualenv, so the project's own stays exactly what the lock says. Run it with
# Python 3.11 on Linux, the platform the lock is for.
lock: ## Re-pin requirements.lock after changing the dependencies in pyproject.toml (UPGRADE=1: newest allowed versions)
	tools=$$(mktemp -d) && $(PYTHON) -m venv $$tools && $$tools/bin/pip install --quiet pip-tools && \
	  $$tools/bin/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url --no-emit-find-links \
	    $(if $(UPGRADE),--upgrade) --output-file $(LOCK) pyproject.toml; \
	  status=$$?; rm -rf $$tools; exit $$status

vendor: $(VENDOR)/.copied ## Copy the npm front-end packages into registry/static/vendor

static: build/static/.built ## Build the static files: content-hashed names, precompressed with Brotli and gzip

db: install ## Migrate the database, load reference data and seed listings, build the gazetteer if missing
	$(FLASK) init

run: db ## Set everything up and serve the app on http://$(HOST):$(PORT) (PORT to change it)
	$(FLASK) run --host $(HOST) --port $(PORT)

serve: install ## Production serving with gunicorn (REGISTRY_ENV=production; needs REGISTRY_SECRET_KEY and REGISTRY_DATABASE_URL)
	REGISTRY_ENV=production $(FLASK) init
	REGISTRY_ENV=production HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

# Coverage here rather than in pytest's addopts, so running one test file stays fast. The floor is
# [tool.coverage.report] fail_under in pyproject.toml, for the whole suite: a part of it through this target
# needs PYTEST_ARGS="--cov-fail-under=0 tests/unit".
test: db ## Set everything up and run the whole suite with coverage (REGISTRY_TEST_DATABASE_URL for PostgreSQL)
	$(BIN)/pytest --cov=registry --cov-report=term $(PYTEST_ARGS)

test-unit: install ## Run the fast unit tests only
	$(BIN)/pytest tests/unit $(PYTEST_ARGS)

lint: install ## ruff (lint and format check), mypy, import-linter
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Lighthouse is pinned in bench/package.json, apart from the app's own front-end packages, so `make install`
# never fetches it.
bench/node_modules/.installed: bench/package.json bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund --loglevel=error
	@touch $@

# The catalogue is read from its .po file when the app starts, so there is nothing to compile. After changing the
# words in code or templates, this adds the new ones to the Welsh catalogue (empty, to translate) and drops the ones
# no longer used; tests/unit/test_translations.py fails until each is translated.
translations: install ## Extract the words to translate (pybabel) and bring registry/translations/cy up to date
	mkdir -p build
	$(BIN)/pybabel -q extract -F babel.cfg -k lazy_gettext -k _l --no-location --sort-output --omit-header -o build/messages.pot .
	$(BIN)/pybabel -q update -i build/messages.pot -d registry/translations -l cy --no-wrap --no-fuzzy-matching --ignore-obsolete

bench: db bench/node_modules/.installed ## Run the benchmarks in bench/ and print their figures
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

bench-weight: db bench/node_modules/.installed ## Page weights (first and repeat visit) and Lighthouse scores in headless Chromium
	$(BIN)/python bench/bench_weight.py

clean: ## Remove the virtualenv, node_modules, vendored files and caches (keeps instance/ data)
	rm -rf $(VENV) node_modules bench/node_modules build $(VENDOR) .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage htmlcov
