# gongkai — every target installs what it needs from uv.lock into .venv first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
QUARTER ?= 2020-Q1
DBT_DIR := dbt_project
DBT_MANIFEST := $(DBT_DIR)/target/manifest.json
DBT_INPUTS := $(shell find $(DBT_DIR) \( -path $(DBT_DIR)/target -o -path $(DBT_DIR)/logs \) -prune \
	-o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.md' \) -print) $(wildcard seeds/reference/*.csv)

export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export DO_NOT_TRACK := 1
# dagster dev re-parses the dbt project on load and calls `dbt` from PATH.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: install run ui test lint format docs bench clean reference-link

export LINT_STAMP := import sys; from pathlib import Path; \
	from orchestration.publication import stamp_build_context; \
	from orchestration.quarters import Quarter; \
	stamp_build_context(Path(sys.argv[1]), "lint", Quarter.parse("$(QUARTER)"))

# Installs exactly the locked versions; the stamp makes later targets start at once.
$(VENV)/.synced: uv.lock pyproject.toml
	@test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet uv==$(UV_VERSION); }
	$(BIN)/uv sync --frozen --compile-bytecode --python $(BIN)/python
	@touch $@

install: $(VENV)/.synced

# dbt's seed path is the link target/reference (runs point it at GONGKAI_REFERENCE_DIR); parsing,
# docs and lint outside a run read the bundled reference folder.
reference-link:
	@mkdir -p $(DBT_DIR)/target && ln -sfn ../../seeds/reference $(DBT_DIR)/target/reference

# dagster-dbt reads the parsed manifest when the code location loads: parse once, and again
# only when a dbt file or a reference CSV changes.
$(DBT_MANIFEST): $(VENV)/.synced $(DBT_INPUTS) | reference-link
	$(BIN)/dagster-dbt project prepare-and-package --file orchestration/transform/project.py
	@touch $@

$(DAGSTER_HOME)/dagster.yaml: orchestration/dagster.yaml $(VENV)/.synced
	@mkdir -p $(DAGSTER_HOME)
	cp orchestration/dagster.yaml $@
	$(BIN)/dagster instance migrate >/dev/null

# Materialise every asset of one quarter (default: the bundled sample 2020-Q1).
run: $(DBT_MANIFEST) $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster asset materialize -m orchestration.definitions --select '*' --partition $(QUARTER)

ui: $(DBT_MANIFEST) $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

# sqlfluff renders the models with dbt: a scratch warehouse and target keep it off the real ones.
# The quality gate's queries (expectations/*.sql) are linted from their folder, whose .sqlfluff
# sets their templater (DuckDB $placeholders).
lint: install reference-link
	$(BIN)/ruff check orchestration tests
	$(BIN)/ruff format --check orchestration tests
	# the marts read their quarter from the warehouse (macros/quarter.sql): a stamped scratch one
	scratch="$$(mktemp -d)/lint.duckdb" && $(BIN)/python -c "$$LINT_STAMP" "$$scratch" && \
		cd $(DBT_DIR) && GONGKAI_WAREHOUSE="$$scratch" DBT_TARGET_PATH="$$(mktemp -d)" \
		../$(BIN)/sqlfluff lint models tests
	cd expectations && ../$(BIN)/sqlfluff lint .

# Whole test modules run side by side on every core (pytest-xdist): modules share module-scoped
# warehouses, and dbt runs of different reference folders take turns on the seed path
# (orchestration/transform/invocation.py reading_reference). TEST_WORKERS=0 runs one by one.
TEST_WORKERS ?= auto
test: $(DBT_MANIFEST) lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

# dbt docs with the lineage graph: open dbt_project/target/docs/static_index.html.
docs: $(DBT_MANIFEST) reference-link
	cd $(DBT_DIR) && ../$(BIN)/dbt docs generate --static --target-path target/docs

# Not part of `make test`: a county's quarter against the hand script (cold CLI and from the UI),
# where each run's time goes, 1 county x 41 quarters, 100 and 2,800 counties; writes
# bench-results/. E.g. `make bench BENCH_ARGS="--only 1x1 --pairs 3"`.
bench: $(DBT_MANIFEST)
	$(BIN)/python -m tests.benchmarks.run_benchmark $(BENCH_ARGS)

format: install
	$(BIN)/ruff format orchestration tests
	$(BIN)/ruff check --fix orchestration tests

clean:
	rm -rf $(VENV) .dagster_home warehouse $(DBT_DIR)/target $(DBT_DIR)/logs

# Add a county (or a quarter's new units and columns) to the reference folder from that quarter's
# spreadsheets: make onboard COUNTY=某某县 QUARTER=2020-Q2 (README: Adopting gongkai in your county).
.PHONY: onboard
onboard: install
	$(BIN)/python -m orchestration.onboard --county "$(COUNTY)" --quarter $(QUARTER)
