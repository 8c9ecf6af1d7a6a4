# Two commands for a newcomer:
#   make lab    set everything up and open JupyterLab on the notebooks (Notebook 7 is installed too)
#   make test   set everything up and run every test (unit tests, notebooks with nbval, browser tests, ruff)
# While working: make check (lint and the fast tests: no browser, no notebook run; well under a minute).
# Also: make setup (only the set-up), make bench (benchmarks), make notebooks (re-run every notebook
# and save it with its outputs and widget state, after a change to what they show), make html (the
# notebooks as a static site in build/html: every stepper steps, no kernel, no network), make lite
# (the notebooks in JupyterLite, in build/lite/: serve it with any static file server), make clean.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LAB_ARGS ?=
# JupyterLab refuses to run as root unless told it may (containers, Binder-like machines).
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

LITE_VENV := build/lite-venv
# Matplotlib's font cache, this environment's own and built at set-up: a cache shared with another
# environment names that one's fonts, and once those are gone every notebook that plots prints
# matplotlib's complaints (nbval then sees output the committed notebooks do not have).
export MPLCONFIGDIR := $(CURDIR)/$(VENV)/matplotlib
# JupyterLab's defaults for everyone using .venv's JupyterLab: no news and no update checks, so no
# notification asks about them over the notebook (at 1024x768 it covered the corner of a stepper).
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json

.PHONY: setup setup-lab lab test check bench notebooks html lite clean

# What JupyterLab needs: Graphviz's `dot`, fonts, Python's venv, then the package in .venv.
setup-lab:
	PYTHON=$(PYTHON) bash scripts/setup-system.sh lab
	$(MAKE) --no-print-directory $(STAMP) $(LAB_OVERRIDES)

# Everything, tests included: also Chromium, npm and the widget JavaScript of the browser tests.
setup: setup-lab
	PYTHON=$(PYTHON) bash scripts/setup-system.sh test
	$(MAKE) --no-print-directory tests/browser/node_modules/.package-lock.json

# Every extra of pyproject.toml: JupyterLab, the course site, the tests, ruff, the browser tests, nbdime.
EXTRAS := lab,site,test,lint,browser,review

# Binder's pinned versions as constraints: the notebooks are tested with what Binder runs.
$(STAMP): pyproject.toml binder/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c binder/requirements.txt -e ".[$(EXTRAS)]"
	$(BIN)/python -c "import matplotlib.font_manager"  # its font cache, built now rather than in a notebook's output
	# nbdime is for reviewing notebook diffs from the command line; its JupyterLab buttons would crowd
	# a projector's toolbar (at 1024 px JupyterLab moved the kernel's status into the overflow menu).
	$(BIN)/jupyter labextension disable --level=sys_prefix nbdime-jupyterlab >/dev/null 2>&1
	$(BIN)/jupyter server extension disable --sys-prefix nbdime >/dev/null 2>&1
	touch $@

# The same file Binder's postBuild installs.
$(LAB_OVERRIDES): binder/overrides.json $(STAMP)
	mkdir -p $(dir $@)
	cp binder/overrides.json $@

# The widget JavaScript that notebooks exported to HTML load in the browser tests (no CDN).
tests/browser/node_modules/.package-lock.json: tests/browser/package.json tests/browser/package-lock.json
	bash scripts/setup-browser.sh
	touch $@

# Trusted, the notebooks show their committed steppers live at once (untrusted: a still picture until run).
lab: setup-lab
	$(BIN)/jupyter trust notebooks/*.ipynb
	$(BIN)/jupyter lab notebooks/00-start-here.ipynb $(ROOT_FLAG) $(LAB_ARGS)

test: setup lite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	CI=$${CI:-true} $(BIN)/python -m pytest tests notebooks --nbval --nbval-sanitize-with notebooks/nbval.cfg \
		--nbval-current-env --timeout=900 -p no:cacheprovider $(PYTEST_ARGS)

# The fast tier: lint and the tests marked neither slow nor browser (what `make test` runs, less those).
check: setup-lab
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest tests -m "not slow and not browser" -q -p no:cacheprovider $(PYTEST_ARGS)

bench: setup-lab
	$(BIN)/python benchmarks/run.py

# Committed with their outputs (GitHub shows them, nbval compares against them).
notebooks: setup-lab
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=600 \
		--ExecutePreprocessor.store_widget_state=True notebooks/*.ipynb
	$(BIN)/python scripts/colab_cells.py  # Colab's set-up cell as committed: not run, no count

# The course site, from the notebooks as committed (outputs and widget state): open build/html/index.html.
html: setup-lab
	rm -rf build/html
	$(BIN)/python -m backprop_viz.course.site notebooks build/html

# JupyterLite: Python in the browser, nothing to install (scripts/build_lite.py says what the site holds).
# Its own environment: the site's JupyterLab is JupyterLite's, older than .venv's.
# Built again only when what goes into it changed (the package, the notebooks, the build's own files).
LITE_INPUTS := $(shell find backprop_viz notebooks scripts/build_lite.py scripts/colab_cells.py pyproject.toml \
	lite/requirements.txt binder/requirements.txt lite/package.json lite/package-lock.json \
	-type f -not -path '*/__pycache__/*' 2>/dev/null)
lite: build/lite/.built

build/lite/.built: $(LITE_VENV)/.installed lite/node_modules/.package-lock.json $(LITE_INPUTS)
	$(LITE_VENV)/bin/python scripts/build_lite.py
	touch $@

$(LITE_VENV)/.installed: lite/requirements.txt
	$(PYTHON) -m venv $(LITE_VENV)
	$(LITE_VENV)/bin/pip install -q --upgrade pip
	$(LITE_VENV)/bin/pip install -q -r lite/requirements.txt
	touch $@

# Pyodide's runtime and the WebAssembly Graphviz, from npm (never from a CDN).
lite/node_modules/.package-lock.json: lite/package.json lite/package-lock.json
	@command -v npm >/dev/null || { echo "make lite: npm is missing (make setup installs it)" >&2; exit 1; }
	npm ci --prefix lite --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) tests/browser/node_modules lite/node_modules build test-artifacts
