# The two commands a newcomer needs: `make run` and `make test`.
# Both create .venv themselves; nothing is downloaded at run time.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test lint venv clean-index

$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.dev: $(VENV)/.base
	# torch==2.13.0 is a CPU build found on this disk; sentence-transformers comes with it.
	$(PY) -m pip install -q -e '.[st,dev]'
	touch $@

venv: $(VENV)/.base

## Build the index from data/plans (once) and start the web chat on http://127.0.0.1:7860
run: $(VENV)/.base
	$(PY) app.py

## Install everything and run ruff + the whole test suite
test: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

clean-index:
	rm -rf data/index data/cache
