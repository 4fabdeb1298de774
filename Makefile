# Halyq — `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE ?= halyq.config.settings.local

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements/lock.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "$$(grep -E '^uv==' requirements/lock.txt)"
	# Bytecode now: where PYTHONDONTWRITEBYTECODE is set (this project's machines), every
	# process would otherwise compile what it imports, e.g. 0.3 s for holidays' countries.
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements/lock.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install exactly what requirements/lock.txt pins

lock: ## Re-resolve requirements/lock.txt from pyproject.toml
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev --python-version 3.11 -o requirements/lock.txt

run: install ## Migrate, load the demo data once, and serve on http://127.0.0.1:8000
	@# One process for all of it: each `halyq` start costs seconds. No auto-reload, so
	@# a second `make run` serves in seconds; `halyq serve` reloads while developing.
	$(BIN)/halyq serve --prepare --noreload

browser: ## Install Debian's Chromium for the browser tests when it is missing
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium for browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || { echo "Could not install chromium (run as root, or: sudo apt-get install chromium)"; exit 1; }; }

test: install browser ## Run the whole test suite (set DATABASE_URL for PostgreSQL)
	DJANGO_SETTINGS_MODULE=halyq.config.settings.test $(BIN)/halyq makemigrations --check --dry-run -v 0 \
	  || { echo "Models changed without a migration: run halyq makemigrations"; exit 1; }
	$(BIN)/lint-imports --no-cache
	# pytest-django prefers the environment over pyproject, and this Makefile exports the
	# local settings for the other targets: name the test settings explicitly.
	DJANGO_SETTINGS_MODULE=halyq.config.settings.test $(BIN)/pytest $(PYTEST_ARGS)

lint: install ## ruff (lint and format check), mypy on the pure core, import contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

format: install ## Apply ruff's formatting and safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install ## Extract strings into the kk/ru .po files and compile them
	cd src/halyq && HALYQ_VAR_DIR=../../var ../../$(BIN)/halyq makemessages -l kk -l ru -l en --no-obsolete --ignore 'seeding/*' && ../../$(BIN)/halyq compilemessages

fuzz: install ## Fuzz the HTTP API longer: schemathesis, every role, every operation
	DJANGO_SETTINGS_MODULE=halyq.config.settings.test HALYQ_FUZZ_EXAMPLES=$${HALYQ_FUZZ_EXAMPLES:-25} \
	  $(BIN)/pytest tests/api/test_fuzz.py -p no:logging $(PYTEST_ARGS)

.PHONY: fuzz

bench: install ## Run the self-contained benchmarks (docs/benchmarks.md lists them all, with their set-up)
	$(BIN)/python bench/bench_scoring.py
	$(BIN)/python bench/bench_ledger.py --events 1000000

.PHONY: help install lock run browser test lint format messages bench
