# Two commands matter: `make run` builds the warehouse and the report,
# `make test` lints and runs every test. Both create .venv when needed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed

RAW ?=
ACCESS_LOG ?=
SCALE ?= 1.0
SEED ?= 42
BENCH_SCALES ?= 1.0
BENCH_ARGS ?=

export PYTHONPATH := $(CURDIR)/python
export DBT_PROFILES_DIR := $(CURDIR)/profiles

.PHONY: run test lint pytest bench docs clean venv

venv: $(STAMP)

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m recruitment_analytics run \
		--raw "$(RAW)" --access-log "$(ACCESS_LOG)" --scale $(SCALE) --seed $(SEED)

lint: $(STAMP)
	$(BIN)/ruff check python tests/python benchmarks
	$(BIN)/ruff format --check python tests/python benchmarks
	$(BIN)/sqlfluff lint models analyses tests --disable-progress-bar

pytest: $(STAMP)
	$(BIN)/python -m pytest

test: lint pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run_benchmark.py --scales $(BENCH_SCALES) $(BENCH_ARGS)

docs: $(STAMP)
	$(BIN)/dbt docs generate --project-dir . --target-path target
	@echo "Browse with: $(BIN)/dbt docs serve --project-dir . --port 8080"

clean:
	rm -rf target logs warehouse/*.duckdb warehouse/.tmp reports/report.html
