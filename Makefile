# Two entry points: `make demo` (install, build the demo workspace, run the main job on it)
# and `make test` (install the test dependencies, lint, type-check and run the tests).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO ?= demo

.PHONY: demo test install install-test browser lint typecheck bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python browser
	$(BIN)/pip install --quiet -e '.[test]'

# The browser tests of cpto serve drive Debian's chromium (a browser download at install time does not
# work offline). Best effort: where it cannot be installed, those tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] \
		&& timeout 600 apt-get install -y -q chromium >/dev/null 2>&1; } || echo "chromium not installed: browser tests will skip"

demo: install
	rm -rf $(DEMO)
	$(BIN)/cpto demo $(DEMO)
	$(BIN)/cpto review --workspace $(DEMO)

lint: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install-test
	$(BIN)/mypy

test: install-test lint typecheck
	$(BIN)/pytest -q

bench: install
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/index.py

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache build dist src/*.egg-info
