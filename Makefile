# The two commands a newcomer needs: `make run` and `make test`.
# Both create .venv themselves; nothing is downloaded at run time.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test test-fast lint venv clean-index

$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.dev: $(VENV)/.base
	# torch==2.13.0 is a CPU build found on this disk; sentence-transformers comes with it.
	$(PY) -m pip install -q -e '.[st,dev,cluster]'
	touch $@

# LLM mode's real-model test (extra `llm`): llama-cpp-python is an sdist compiled with cmake
# (~10 min on 2 cores), so its wheel is built once into $(VENV)/wheels and installed from there;
# the version is the one pinned in pyproject.toml. CPU code is AVX2-level, not -march=native:
# the native build's AMX kernels crash (SIGSEGV) in this VM. LLAVA (image input) is not used.
LLAMA_CPP_VERSION = $(shell sed -n 's/.*"llama-cpp-python\[server\]==\([0-9.]*\)".*/\1/p' pyproject.toml)
LLAMA_CPP_CMAKE_ARGS = -DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON \
	-DGGML_F16C=ON -DGGML_BMI2=ON

$(VENV)/.llm: $(VENV)/.dev
	test -n "$(LLAMA_CPP_VERSION)"
	ls $(VENV)/wheels/llama_cpp_python-$(LLAMA_CPP_VERSION)-*.whl >/dev/null 2>&1 || \
	  CMAKE_ARGS="$(LLAMA_CPP_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=2 \
	  $(PY) -m pip wheel -q --no-cache-dir --no-deps -w $(VENV)/wheels llama-cpp-python==$(LLAMA_CPP_VERSION)
	$(PY) -m pip install -q --no-deps --force-reinstall $(VENV)/wheels/llama_cpp_python-$(LLAMA_CPP_VERSION)-*.whl
	$(PY) -m pip install -q --find-links $(VENV)/wheels --only-binary llama-cpp-python -e '.[llm]'
	touch $@

venv: $(VENV)/.base

## Build the index from data/plans (once) and start the web chat on http://127.0.0.1:7860
run: $(VENV)/.base
	$(PY) app.py

## Install everything and run ruff + the whole test suite
test: $(VENV)/.dev $(VENV)/.llm
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

## Quick loop while developing (under a minute): ruff, then every test not marked slow or browser
## (no full-corpus index, no CLI subprocesses, no web server). `make test` stays the full check.
test-fast: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -m "not slow and not browser"

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

clean-index:
	rm -rf data/index data/cache
