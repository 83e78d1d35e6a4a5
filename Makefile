# deskbot — two commands for a new user: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: run test lint typecheck security bandit audit pytest fast install clean

## make run: install, migrate, ingest the sample knowledge base, serve on http://127.0.0.1:8000
run: $(VENV)/.installed
	$(BIN)/deskbot db upgrade
	$(BIN)/deskbot ingest
	$(BIN)/deskbot serve --host $(HOST) --port $(PORT)

## make test: lint, type-check, security checks and the whole test suite (SQLite and a
## throwaway PostgreSQL)
test: $(VENV)/.installed-test lint typecheck security
	@scripts/ensure_chromium.sh
	scripts/with_postgres.sh scripts/with_dovecot.sh $(BIN)/pytest $(PYTEST_ARGS)

## make fast: the quick tests only (no slow marks), for the edit loop
fast: $(VENV)/.installed-test
	$(BIN)/pytest -m "not slow and not browser" -q $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

## make security: bandit on the code, pip-audit on the installed dependencies
security: bandit audit

bandit: $(VENV)/.installed-test
	$(BIN)/bandit -q -c pyproject.toml -r bot sla --severity-level medium
	@# retrieval/ hashes content with sha1, caches its own BM25 index with pickle under the home
	@# and builds "?" placeholders into SQL: none of them a security use; the rest still counts.
	$(BIN)/bandit -q -c pyproject.toml -r retrieval --severity-level medium --skip B324,B301,B403,B608

## make audit: known vulnerabilities in the installed dependencies (see scripts/audit_deps.py;
## DESKBOT_ADVISORY_DB=<folder of OSV records> audits offline)
audit: $(VENV)/.installed-test
	$(BIN)/python scripts/audit_deps.py

install: $(VENV)/.installed

# torch goes first and pinned, so pip takes the CPU wheel instead of a multi-GB CUDA build.
# setuptools reports every editable install with an "Editable installation." notice (an
# information-only warning about same-named folders); it is expected here, so it is muted.
QUIET_EDITABLE := PYTHONWARNINGS="ignore:Editable installation"
$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q "torch==2.13.0"
	$(QUIET_EDITABLE) $(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(QUIET_EDITABLE) $(BIN)/pip install -q -e ".[test]"
	touch $@

clean:
	rm -rf $(VENV) .deskbot .pytest_cache .mypy_cache .ruff_cache
