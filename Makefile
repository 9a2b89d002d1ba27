# The two commands: `make run` and `make test`. Everything they need is set up by them.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run stop test test-unit test-integration test-e2e fuzz bench venv migrate seed clean-state check-deploy reseal

# The registered services (services/common/ausm_common/services.yml), each installed from services/<name>.
SERVICES := $(shell sed -n 's/^ *- *{name: *\([a-z_]*\),.*/\1/p' services/common/ausm_common/services.yml)

$(STAMP): requirements.txt requirements-dev.txt services/common/ausm_common/services.yml $(wildcard services/*/pyproject.toml) gateway/pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e services/common $(addprefix -e services/,$(SERVICES)) -e gateway
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

# After a rotation of SECRET_KEY (SECRET_KEY_PREVIOUS set): identity's sealed secrets under the new key.
# RESEAL_ARGS=--dry-run counts only.
reseal: venv
	@source scripts/env.sh && $(BIN)/python -m identity.reseal $(RESEAL_ARGS)
