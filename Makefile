# Two commands on a fresh clone: `make run` and `make test`. Both create the
# virtual environment from pyproject.toml when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME := $(CURDIR)/.dagster_home

.PHONY: run test lint dev bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## set up, then run the whole pipeline (pinned, offline)
	@mkdir -p $(DAGSTER_HOME)
	$(BIN)/incidents refresh

test: $(STAMP)  ## set up, then run lint and the tests
	@scripts/ensure-chromium
	$(BIN)/ruff check .
	$(BIN)/pytest -q

dev: $(STAMP)  ## open the Dagster UI on this project
	@mkdir -p $(DAGSTER_HOME)
	env -u DAGSTER_HOME $(BIN)/dagster dev  # as plain `dagster dev`: ./dagster.yaml

bench: $(STAMP)  ## every performance measurement; writes benchmarks/RESULTS.md
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/refresh.py

clean:  ## remove generated outputs (never data/raw)
	rm -rf data/staging data/curated/*.duckdb data/curated/parquet dashboards/*.html dashboards/data
