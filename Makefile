# One place for every setup and check step; CI runs `make test` from a clean clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# apt-get needs root; developers who are not root get sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test test-postgres postgres-deps check lint format typecheck pytest bench clean browser-deps

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

## make test-postgres: the store-facing tests on PostgreSQL (EVBOT_TEST_DATABASE_URL names a
## server; without it a throwaway cluster is started with Debian's initdb and removed after)
POSTGRES_TESTS := tests/records tests/cli tests/unmatched tests/enrich tests/sync \
	tests/report/test_report_cmd.py tests/archive/test_scan_shared_store.py \
	tests/curate/test_curate_snapshot.py
PLATFORM_TESTS := tests/discord tests/reddit tests/xenforo tests/discourse tests/lemmy tests/feeds \
	tests/reliability
RESTART_TESTS := restart or twice or once or double
test-postgres: $(STAMP) postgres-deps
	$(BIN)/python -m tests.postgres_server -- sh -c '\
		$(BIN)/pytest -q -p no:cacheprovider $(POSTGRES_TESTS) && \
		$(BIN)/pytest -q -p no:cacheprovider $(PLATFORM_TESTS) -k "$(RESTART_TESTS)"'

## make postgres-deps: Debian's postgresql (initdb) when no server is named
postgres-deps:
	test -n "$$EVBOT_TEST_DATABASE_URL" || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		command -v initdb >/dev/null || ($(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql)

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
