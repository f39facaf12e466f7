# Two commands on a fresh clone: `make run` and `make test`. Both create the
# virtual environment from pyproject.toml when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# An older DuckDB beside the virtualenv, for the test that the warehouse opens in it
# (tests/test_old_duckdb.py); the pipeline itself uses the DuckDB in pyproject.toml.
OLD_DUCKDB := $(VENV)/duckdb-1.4
export DAGSTER_HOME := $(CURDIR)/.dagster_home

.PHONY: run test lint dev bench clean release

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## set up, then run the whole pipeline (pinned, offline)
	@mkdir -p $(DAGSTER_HOME)
	$(BIN)/incidents refresh

release: $(STAMP)  ## a citable, versioned release of the published warehouse in dist/
	$(BIN)/incidents release

$(OLD_DUCKDB)/.installed: $(STAMP)
	$(BIN)/python -m pip install --quiet --no-warn-conflicts --target $(OLD_DUCKDB) duckdb==1.4.5
	touch $@

test: $(STAMP) $(OLD_DUCKDB)/.installed  ## set up, then run lint and the tests
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
