# gongkai — every target installs what it needs from uv.lock into .venv first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
QUARTER ?= 2020-Q1

export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export DO_NOT_TRACK := 1

.PHONY: install run ui test lint format docs bench clean

# Installs exactly the locked versions; the stamp makes later targets start at once.
$(VENV)/.synced: uv.lock pyproject.toml
	@test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet uv==$(UV_VERSION); }
	$(BIN)/uv sync --frozen --compile-bytecode --python $(BIN)/python
	@touch $@

install: $(VENV)/.synced

$(DAGSTER_HOME)/dagster.yaml: orchestration/dagster.yaml
	@mkdir -p $(DAGSTER_HOME)
	cp orchestration/dagster.yaml $@

# Materialise every asset of one quarter (default: the bundled sample 2020-Q1).
run: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster asset materialize -m orchestration.definitions --select '*' --partition $(QUARTER)

ui: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

lint: install
	$(BIN)/ruff check orchestration tests
	$(BIN)/ruff format --check orchestration tests

test: install lint
	$(BIN)/pytest

# Not part of `make test`: prints per-stage timings and peak memory, writes bench-results/.
bench: install
	$(BIN)/python -m tests.benchmarks.run_benchmark

format: install
	$(BIN)/ruff format orchestration tests
	$(BIN)/ruff check --fix orchestration tests

clean:
	rm -rf $(VENV) .dagster_home warehouse dbt_project/target dbt_project/logs
