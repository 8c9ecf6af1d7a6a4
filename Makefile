# Two commands for a newcomer:
#   make lab    set everything up and open JupyterLab on the notebooks
#   make test   set everything up and run every test (unit tests, notebooks with nbval, browser tests, ruff)
# Also: make setup (only the set-up), make bench (benchmarks), make notebooks (re-run every notebook
# and save it with its outputs and widget state, after a change to what they show), make clean.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LAB_ARGS ?=
SYSTEM_PACKAGES := graphviz chromium fonts-dejavu-core

.PHONY: setup system-packages lab test bench notebooks clean

setup: system-packages $(STAMP) tests/browser/node_modules/.package-lock.json

# Debian/Ubuntu packages: Graphviz's `dot`, Chromium for the browser tests, fonts for the diagrams.
system-packages:
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
		echo "Please install with your package manager:$$missing (Graphviz provides the 'dot' program)" >&2; exit 1; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	else echo "Missing Debian packages:$$missing. Install them with: sudo apt-get install$$missing" >&2; exit 1; fi; \
	echo "Installing$$missing (apt-get)"; \
	$$sudo apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[lab,test]"
	touch $@

# The widget JavaScript that notebooks exported to HTML load in the browser tests (no CDN).
tests/browser/node_modules/.package-lock.json: tests/browser/package.json tests/browser/package-lock.json
	bash scripts/setup-browser.sh --npm-only
	touch $@

lab: setup
	$(BIN)/jupyter lab notebooks/00-start-here.ipynb $(LAB_ARGS)

test: setup
	$(BIN)/ruff check .
	CI=$${CI:-true} $(BIN)/python -m pytest tests notebooks --nbval --nbval-sanitize-with notebooks/nbval.cfg \
		--nbval-current-env --timeout=900 -p no:cacheprovider $(PYTEST_ARGS)

bench: setup
	$(BIN)/python benchmarks/run.py

# Committed with their outputs (GitHub shows them, nbval compares against them).
notebooks: setup
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=600 \
		--ExecutePreprocessor.store_widget_state=True notebooks/*.ipynb

clean:
	rm -rf $(VENV) tests/browser/node_modules test-artifacts
