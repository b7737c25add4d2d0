# gdash — every target creates .venv on first use, so a fresh clone needs only python3.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: dashboards test fuzz bench docs docs-pages check clean rule-docs

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

## Fuzz: more seeded broken inputs of every kind (GDASH_FUZZ_CASES per kind, GDASH_FUZZ_SEED)
GDASH_FUZZ_CASES ?= 500
fuzz: $(STAMP)
	GDASH_FUZZ_CASES=$(GDASH_FUZZ_CASES) $(BIN)/python -m pytest tests/fuzz -q

## Documentation site: regenerate the generated pages, then mkdocs build --strict into site/
DOCS_STAMP := $(VENV)/.docs-installed
$(DOCS_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[docs]'
	touch $(DOCS_STAMP)

docs-pages: $(STAMP)
	$(BIN)/python -m gdash.clidoc > docs/cli.md
	$(BIN)/python -m gdash.configdoc

docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir site

## Lint, format check and type check of src/ (config in pyproject.toml)
CHECK_STAMP := $(VENV)/.check-installed
$(CHECK_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[check]'
	touch $(CHECK_STAMP)

check: $(CHECK_STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src
	$(BIN)/mypy

## Benchmarks: each prints ratios against a baseline measured in the same run
bench: $(STAMP)
	@set -e; for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b; done

## Regenerate docs/rules/*.md (one page per lint rule) and the lint precision summary
rule-docs: $(STAMP)
	$(BIN)/python -m gdash.lint.precision tests/lint/corpus/real tests/lint/corpus/real/labels.yaml --summary src/gdash/lint/measured.py
	$(BIN)/python -m gdash.lint.catalog --write docs/rules --lint-page docs/lint.md

clean:
	rm -rf build site .pytest_cache src/*.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
