# newsapi: `make run` serves the API with demo data, `make test` runs the whole suite.
# Both set up everything they need first (a .venv with the project and its dev tools).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install browser run test lint format schema db-stop clean-db bench

help:
	@echo "make run     set up, migrate, load demo data, build the search index and serve at http://$(HOST):$(PORT)"
	@echo "make test    set up and run the whole test suite"
	@echo "make lint    ruff check + ruff format --check"
	@echo "make format  ruff format + ruff check --fix"
	@echo "make schema  regenerate openapi.yaml"
	@echo "make bench   run the benchmarks in bench/"
	@echo "make db-stop stop the embedded PostgreSQL (it also stops after its last user exits)"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "newsapi needs Python 3.11 or newer; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(INSTALLED)

install: $(INSTALLED)

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "No chromium: install Debian's chromium package, or the browser tests are skipped."; \
	  fi; \
	fi

run: install
	$(PY) manage.py ensure_database
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py search_index apply
	@$(PY) manage.py ensure_admin --url http://$(HOST):$(PORT)/admin/
	@echo "API: http://$(HOST):$(PORT)/api/v1/   Swagger UI: http://$(HOST):$(PORT)/api/docs/"
	@# The worker (webhooks, events' upkeep) runs beside the server and stops with it: on
	@# Ctrl-C, on SIGTERM, and when this shell goes away (it watches its parent).
	@$(PY) manage.py run_worker --exit-with-parent & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

test: install browser
	$(PY) -m pytest $(PYTEST_ARGS)

# Redocly's CLI comes from the npm registry (needs Node.js and npx); the version is pinned.
REDOCLY := npx --yes @redocly/cli@2.77.0

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null
	$(REDOCLY) lint openapi.yaml

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

schema: install
	$(PY) manage.py spectacular --file openapi.yaml

# BENCH_ARTICLES (default 100000) sets the archive size; see bench/README.md.
bench: install
	$(PY) bench/run.py

db-stop: install
	$(PY) -m newsapi.database stop

clean-db: db-stop
	rm -rf .data/postgres
