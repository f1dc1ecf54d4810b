# The course's two main commands:  make book  (build the HTML book)  and  make test  (every check).
# Both create the virtual environment .venv on first use, so a fresh clone needs nothing else.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PYTHONHASHSEED := 0
# PyTorch lives in its own environment, used only to run the PyTorch snippets chapter 14 shows
TORCH_VENV ?= .venv-torch
export MICROGRAD_TORCH_PYTHON ?= $(abspath $(TORCH_VENV))/bin/python

.PHONY: book book-stored test lint format unit notebooks book-strict browser lab execute clean benchmark bench-build torch-env serve

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## book: build the Jupyter Book (executing every notebook) into _build/html
book: $(STAMP)
	$(BIN)/jupyter-book build . --all --warningiserror --nitpick --keep-going

## test: lint, unit and property tests, strict nbval, the book with warnings as errors, browser tests
test: lint book-stored unit notebooks browser

## book-stored: the same book built from the notebooks' stored outputs, without running them again (seconds,
## not minutes): what `make test` checks, since strict nbval (`make notebooks`) proves that the stored outputs
## are what the code gives today. The config is _config.yml with execution off (and absolute extension paths).
STORED_CONFIG := _build/config-stored-outputs.yml
book-stored: $(STAMP)
	@mkdir -p _build
	sed -e 's/^  execute_notebooks: force$$/  execute_notebooks: "off"/' -e 's|: _ext$$|: $(CURDIR)/_ext|' \
		_config.yml > $(STORED_CONFIG)
	@grep -q 'execute_notebooks: "off"' $(STORED_CONFIG) || { echo "book-stored: no execute_notebooks line in _config.yml"; exit 1; }
	$(BIN)/jupyter-book build . --all --warningiserror --nitpick --keep-going --config $(STORED_CONFIG)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

unit: $(STAMP)
	$(BIN)/python -m pytest tests -q --ignore=tests/browser -n 2

## notebooks: strict nbval on every notebook, then again on those that draw graphs with no system dot on PATH
notebooks: $(STAMP)
	$(BIN)/python -m pytest --nbval notebooks -q -p no:randomly
	$(BIN)/python scripts/nbval_without_dot.py

## browser: the built book in headless Chromium (run `make book` first); failures leave a screenshot
## and the console log in _build/browser-failures/
browser: $(STAMP)
	$(BIN)/python -m pytest tests/browser -q

## execute: re-run every notebook in place (after changing the package), so stored outputs match
execute: $(STAMP)
	$(BIN)/python scripts/execute_notebooks.py notebooks/*.ipynb

## torch-env: PyTorch (CPU) in .venv-torch, so `make unit` also runs chapter 14's PyTorch snippets
torch-env:
	PYTHON=$(PYTHON) TORCH_VENV=$(TORCH_VENV) scripts/torch_env.sh

## lab: open the notebooks in JupyterLab
lab: $(STAMP)
	$(BIN)/python -m pip install --quiet jupyterlab
	$(BIN)/jupyter lab notebooks

## benchmark: the scalar engine, the tensor engine and the training playground (benchmarks/README.md)
benchmark: $(STAMP)
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_tensor.py
	$(BIN)/python benchmarks/bench_playground.py

## bench-build: time every notebook cell, `make book` and `make test` (figures: benchmarks/BUILD.md)
bench-build: $(STAMP)
	$(BIN)/python benchmarks/bench_build.py

## serve: serve the built book on http://127.0.0.1:8000/ (the in-page exercises need http, not file://)
serve:
	$(PYTHON) -m http.server --bind 127.0.0.1 --directory _build/html 8000

clean:
	rm -rf _build
