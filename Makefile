# Shuniu — the two commands: `make run` and `make test` (see README).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?=
PYTEST_ARGS ?= -n 2
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-postgres test-e2e setup serve migrate demo lint format messages bench clean

run: setup migrate demo
	$(PY) -m shuniu serve --host $(HOST) --port $(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

# The same suite on the local PostgreSQL (each run creates and drops its own test database).
test-postgres: setup
	SHUNIU_DATABASE_URL=$${SHUNIU_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/shuniu} \
		$(PY) -m pytest $(PYTEST_ARGS) -m "not e2e"

test-e2e: setup
	$(PY) -m pytest -m e2e

setup: $(VENV)/.installed node_modules/.installed src/shuniu/static/vendor/.installed translations

# Dependencies come from requirements.lock, every one pinned with its hashes (scripts/lock.sh).
$(VENV)/.installed: pyproject.toml requirements.lock
	@if [ ! -x $(PY) ]; then \
		python=$$(PYTHON="$(PYTHON)" ./scripts/find_python.sh) || exit 1; \
		echo "Creating $(VENV) with $$python ($$($$python --version))"; \
		$$python -m venv $(VENV) || exit 1; \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m pip check
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

src/shuniu/static/vendor/.installed: node_modules/.installed scripts/collect_vendor.py
	$(PY) scripts/collect_vendor.py
	@touch $@

translations: $(VENV)/.installed
	@$(PY) -m shuniu compile_translations

migrate: setup
	$(PY) -m shuniu migrate --noinput

demo: migrate
	$(PY) -m shuniu seed_demo --if-empty

lint: setup
	$(VENV)/bin/ruff check src tests scripts $(wildcard bench)
	$(VENV)/bin/ruff format --check src tests scripts $(wildcard bench)
	$(VENV)/bin/bandit -q -r src -ll

format: setup
	$(VENV)/bin/ruff format src tests scripts $(wildcard bench)
	$(VENV)/bin/ruff check --fix src tests scripts $(wildcard bench)

# Update the translation catalogues after changing strings (needs GNU gettext's xgettext).
messages: setup
	$(PY) scripts/messages.py

# The benchmark suite at 100k on PostgreSQL (BENCH_ARGS="--size 1000000" for a million).
BENCH_ARGS ?=
bench: setup
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules src/shuniu/static/vendor var
