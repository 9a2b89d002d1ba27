# The two commands: `make run` and `make test`. Everything they need is set up by them.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run stop test test-unit test-integration test-e2e fuzz bench venv migrate seed clean-state check-deploy

$(STAMP): requirements.txt requirements-dev.txt services/common/pyproject.toml services/identity/pyproject.toml services/profile/pyproject.toml gateway/pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e services/common -e services/identity -e services/profile -e gateway
	@touch $(STAMP)

venv: $(STAMP)

run: venv
	@bash scripts/run.sh

stop:
	@bash scripts/stop.sh

test: venv
	@bash scripts/test.sh all

test-unit: venv
	@bash scripts/test.sh unit

test-integration: venv
	@bash scripts/test.sh integration

test-e2e: venv
	@bash scripts/test.sh e2e

fuzz: venv
	@bash scripts/test.sh fuzz

bench: venv
	@bash scripts/bench.sh

check-deploy: venv
	$(BIN)/python scripts/check-deploy.py
