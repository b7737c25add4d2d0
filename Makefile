# gdash — every target creates .venv on first use, so a fresh clone needs only python3.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: dashboards test bench docs docs-pages clean rule-docs

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## Build, validate (and lint) every dashboard and alert rule into build/
dashboards: $(STAMP)
	$(BIN)/gdash build --out build && $(BIN)/gdash lint

## Run the test suite
test: $(STAMP)
	$(BIN)/python -m pytest

## Documentation site: regenerate the generated pages, then mkdocs build --strict into site/
DOCS_STAMP := $(VENV)/.docs-installed
$(DOCS_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[docs]'
	touch $(DOCS_STAMP)

docs-pages: $(STAMP)
	$(BIN)/python -m gdash.clidoc > docs/cli.md

docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir site

## Benchmarks: each prints ratios against a baseline measured in the same run
bench: $(STAMP)
	@set -e; for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b; done

## Regenerate docs/rules/*.md (one page per lint rule) and the lint precision summary
rule-docs: $(STAMP)
	$(BIN)/python -m gdash.lint.precision tests/lint/corpus/real tests/lint/corpus/real/labels.yaml --summary src/gdash/lint/measured.py
	$(BIN)/python -m gdash.lint.catalog --write docs/rules

clean:
	rm -rf build site .pytest_cache src/*.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
