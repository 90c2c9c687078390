# One place for every setup and check step; CI runs `make test` from a clean clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# apt-get needs root; developers who are not root get sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test check lint format typecheck pytest bench clean browser-deps

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		(echo "evidence-bot needs Python 3.11 or newer (PYTHON=$(PYTHON))" >&2; exit 1)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,curate]'
	touch $(STAMP)

## make demo: the sample atlas and sample thread through the console bot (no tokens needed)
demo: $(STAMP)
	$(BIN)/evidence-bot demo

## make test: format check, lint, strict typing and the whole test suite
test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) browser-deps
	$(BIN)/pytest -q

## make browser-deps: Debian's chromium for the web-view tests (CI runs as root on Debian)
browser-deps:
	test -x /usr/bin/chromium || ($(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium)

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make bench: the benchmarks in benchmarks/, figures printed as a table
bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache data/demo.db*
