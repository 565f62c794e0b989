"""The search function traces its reads from OpenSearch as X-Ray subsegments, one per read,
through the reader's hook rather than X-Ray's http.client patch (which imports urllib3,
about 30 ms of a cold start)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from claimsearch.index.opensearch import Endpoint
from claimsearch.index.opensearch import reader as reader_module
from claimsearch.index.opensearch.reader import Reader
from tests.stub_node import COUNT, StubNode, node_fixture

node = node_fixture  # a stub node per test (tests/stub_node.py)
REPO = Path(__file__).resolve().parents[2]


def test_each_read_opens_one_span_retries_included(node: StubNode) -> None:
    opened: list[str] = []

    @contextmanager
    def span(name: str) -> Iterator[None]:
        opened.append(name)
        yield

    reader = Reader(Endpoint(node.url, max_retries=2))
    reader_module.trace_reads(span)
    try:
        node.failures = 1  # answered 503, then sent again within the same span
        assert reader.count("claims-claims") == {"count": COUNT}
        assert len(node.seen) == 2
        reader.get("claims-articles", "a/b", "article")
        reader.search("claims-claims", {"query": {"match_all": {}}})
    finally:
        reader_module.trace_reads(None)
    assert opened == ["## opensearch POST _count", "## opensearch GET _doc", "## opensearch POST _search"]
    reader.count("claims-claims")
    assert len(opened) == 3  # the hook removed, nothing more is opened


PROBE = """
import json, sys
sys.path[:0] = [{function!r}, {shared!r}]
import app  # the search function, tracing on as in Lambda
from aws_xray_sdk.core import xray_recorder
sent = []  # in Lambda each subsegment goes to the daemon as it ends
xray_recorder.emitter.send_entity = lambda entity: sent.append(entity.name)
from claimsearch.index.opensearch import Endpoint
from claimsearch.index.opensearch.reader import Reader
Reader(Endpoint({node!r})).count("claims-claims")
print(json.dumps({{
    "subsegments": sent,
    "imported": [m for m in ("urllib3", "aws_xray_sdk.ext.httplib", "opensearchpy",
                             "claimsearch.index.opensearch.writes") if m in sys.modules],
}}))
"""


def test_the_search_function_records_a_read_without_xrays_http_patch(node: StubNode, tmp_path: Path) -> None:
    function = REPO / "functions" / "search"
    inherited = ("AWS_", "POWERTOOLS_", "_X_AMZN")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
    environment |= {
        "LAMBDA_TASK_ROOT": str(function),  # Powertools' Tracer is on, as with Tracing: Active
        "_X_AMZN_TRACE_ID": "Root=1-67a0f0a0-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1",
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",  # segments go out over UDP, unanswered
        "AWS_REGION": "eu-west-1",
        "CLAIMSEARCH_DATA_DIR": str(tmp_path),
    }
    code = PROBE.format(function=str(function), shared=str(REPO / "shared"), node=node.url)
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["subsegments"] == ["## opensearch POST _count"]
    assert answer["imported"] == []
