# newsapi: `make run` serves the API with demo data, `make test` runs the whole suite.
# Both set up everything they need first (a .venv with the project and its dev tools).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
LOCK := requirements.lock
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install lock browser typescript run test test-fast lint format schema db-stop clean-db bench

help:
	@echo "make run     set up, migrate, load demo data, build the search index and serve at http://$(HOST):$(PORT)"
	@echo "make test    set up and run the whole test suite"
	@echo "make test-fast  the suite without the slow tests (processes, browser, replicas, schemathesis)"
	@echo "make lock    re-resolve requirements.lock (every dependency, pinned with hashes)"
	@echo "make lint    ruff check + ruff format --check"
	@echo "make format  ruff format + ruff check --fix"
	@echo "make schema  regenerate openapi.yaml"
	@echo "make bench   run the benchmarks in bench/"
	@echo "make db-stop stop the embedded PostgreSQL (it also stops after its last user exits)"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "newsapi needs Python 3.11 or newer; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)

# Exactly the versions (and files: hashes) of requirements.lock, then the project itself
# without resolving anything; `pip check` fails when pyproject.toml declares a dependency the
# lock lacks (then run `make lock`).
$(INSTALLED): pyproject.toml $(LOCK) | $(PY)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	@$(PY) -m pip check >/dev/null || { $(PY) -m pip check; \
	  echo "requirements.lock does not match pyproject.toml: run make lock"; exit 1; }
	@touch $(INSTALLED)

install: $(INSTALLED)

# Re-resolve the whole tree (runtime + dev) from pyproject.toml, for any platform and Python
# >= 3.11, with hashes. Run it after changing pyproject.toml's dependencies, or to take new
# releases; commit requirements.lock. uv comes from PyPI (and is itself in the lock).
lock: | $(PY)
	@test -x $(VENV)/bin/uv || $(PY) -m pip install --quiet 'uv>=0.5'
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
	  --generate-hashes --custom-compile-command "make lock" --quiet -o $(LOCK)

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

# The TypeScript client check (tests/test_typescript_client.py) installs the npm registry's
# packages at the versions of tests/typescript/package-lock.json; without npm it is skipped.
TS_CHECK := tests/typescript
$(TS_CHECK)/node_modules/.package-lock.json: $(TS_CHECK)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd $(TS_CHECK) && npm ci --no-audit --no-fund --loglevel=error; \
	else \
	  echo "No npm: install Node.js and npm, or the TypeScript client check is skipped."; \
	fi

typescript: $(TS_CHECK)/node_modules/.package-lock.json

# The first command says which database; the others keep quiet about it.
QUIET := NEWSAPI_QUIET_DATABASE=1

run: install
	@$(PY) manage.py ensure_database
	@$(QUIET) $(PY) manage.py migrate --noinput
	@$(QUIET) $(PY) manage.py load_demo
	@$(QUIET) $(PY) manage.py search_index apply
	@$(QUIET) $(PY) manage.py ensure_admin --url http://$(HOST):$(PORT)/admin/
	@echo "Home: http://$(HOST):$(PORT)/   API: http://$(HOST):$(PORT)/api/v1/   Swagger UI: http://$(HOST):$(PORT)/api/docs/"
	@# The worker (webhooks, events' upkeep) runs beside the server and stops with it: on
	@# Ctrl-C, on SIGTERM, and when this shell goes away (it watches its parent).
	@$(QUIET) $(PY) manage.py run_worker --exit-with-parent & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(QUIET) $(PY) manage.py runserver $(HOST):$(PORT)

test: install browser typescript
	$(PY) -m pytest --durations=20 $(PYTEST_ARGS)

# The quick loop: everything but the tests marked slow, spread over the cores (pytest-xdist;
# each worker has its own test database). TEST_WORKERS=0 runs them in this one process.
TEST_WORKERS ?= auto
test-fast: install
	$(PY) -m pytest -m 'not slow' --durations=20 -n $(TEST_WORKERS) $(PYTEST_ARGS)

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
