# Two commands from a fresh clone (only Python 3.11 needed): `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONHASHSEED := 0

.PHONY: demo test lab bench setup clean lint lock

# The exact versions tested (requirements.lock, hashes checked), installed with uv when it is on PATH or
# can be installed into the venv, else with pip (tools/install_env.sh).
$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: install it or run 'make PYTHON=/path/to/python3.11'"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	tools/install_env.sh $(VENV)
	@touch $(STAMP)

setup: $(STAMP)

## Batch-run every sample merchant's playbooks into out/ (handouts, index.html, summary.json), then measure
## the handouts and leave 390 px screenshots and a printed page under out/screenshots/ (with Chromium)
demo: $(STAMP)
	$(BIN)/playbooks run params --out out
	@if command -v chromium >/dev/null 2>&1 || [ -n "$$CHROMIUM" ]; then \
	  $(BIN)/python tools/measure_handouts.py out --screenshots out/screenshots; \
	else echo "no Chromium (tools/ensure_chromium.sh): no out/screenshots, no legibility figures"; fi

## Library, CLI and notebook tests (nbval over playbooks/)
test: $(STAMP)
	tools/ensure_chromium.sh
	$(BIN)/python -m pytest -q --nbval-lax tests playbooks

## JupyterLab with the project installed (kernel: the project's .venv)
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=.

## Benchmarks (not part of make test)
bench: $(STAMP)
	$(BIN)/python -m tests.bench

## Refresh requirements.lock to the newest versions pyproject.toml allows; then `make test` and commit both
lock: $(STAMP)
	tools/lock.sh

lint: $(STAMP)
	$(BIN)/ruff check lib tests playbooks

clean:
	rm -rf $(VENV) out .pytest_cache
