# Every target sets itself up: the first use creates .venv and installs the project into it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# The demo needs only what the product runs on; the development tools come with the other targets.
RUNTIME_STAMP := $(VENV)/.runtime-stamp

.PHONY: demo run test lint typecheck pytest bench stress clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP) $(RUNTIME_STAMP)

$(RUNTIME_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $(RUNTIME_STAMP)

demo: $(RUNTIME_STAMP)
	$(VENV)/bin/minqing console

run: $(STAMP)
	$(VENV)/bin/minqing run

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy .

# Two processes (pytest-xdist): much of the suite waits on real processes and leases.
pytest: $(STAMP)
	$(PY) -m pytest -n 2

test: lint typecheck pytest

bench: $(STAMP)
	$(PY) -m tests.bench

stress: $(STAMP)
	$(PY) -m tests.stress

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
