# The same commands a person runs and CI runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: help install lint test unit integration demo schemas clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/news-ingest: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/news-ingest  ## create the virtualenv with the package and dev tools

lint: install  ## ruff, ruff format --check, mypy --strict
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: install  ## lint, then every test (starts a real Kafka broker for the integration tests)
	$(MAKE) lint
	$(BIN)/pytest

unit: install  ## the tests that need no broker
	$(BIN)/pytest tests/unit

integration: install  ## the tests against the real broker
	$(BIN)/pytest tests/integration

demo: install  ## start the local broker and workers, replay the seed corpus, print results, stop
	$(BIN)/news-ingest demo

schemas: install  ## regenerate schemas/ from the models
	$(BIN)/news-ingest schemas

clean:  ## remove the virtualenv and caches
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
