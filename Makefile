# bibtwin: `make help` lists the targets. Every target creates and reuses .venv on first use.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name bibtwin --display-name "Python (bibtwin)" > /dev/null
	@touch $(STAMP)

## help: list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed 's/^## /  make /'

## venv: create .venv and install bibtwin with its dependencies (done by every target on first use)
venv: $(STAMP)

## test: run the test suite (real-corpus tests skip when ../shared/corpus is absent)
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

## figures: run the whole pipeline (ingest, merge, screening, indicators) on data/raw/demo and draw every figure
figures: $(STAMP)
	$(BIN)/bibtwin run $(RUN_ARGS)

## lab: start JupyterLab on notebooks/ with the bibtwin kernel
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

## bench: print speed and memory figures (readers vs litstudy and bibliometrix, merge, scale)
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH)

## clean: remove generated outputs (data/processed, figures, reports), keep .venv
clean:
	rm -rf data/processed/* reports figures/*
	@touch data/processed/.gitkeep figures/.gitkeep

.PHONY: help venv test figures lab bench clean
