"""The OpenSearch adapter's reads (`reader.Reader`, urllib3) meet a failing node as the
writes' client (opensearch-py's transport) does: 502-504 answers and failed or dropped
connections are retried up to the endpoint's `max_retries`, a timeout is not, and what
still fails is `IndexUnavailable`. A real node behind the fault-injecting proxy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import pytest
from opensearchpy import OpenSearch

from claimsearch.errors import IndexUnavailable
from claimsearch.index.opensearch import Endpoint, OpenSearchIndex
from claimsearch.index.port import SearchQuery
from claimsearch.model import Article
from tests.faults.proxy import NO_FAULTS, FaultPlan, FaultProxy
from tests.integration import opensearch_fixtures

opensearch_client = opensearch_fixtures.opensearch_client
opensearch_prefix = opensearch_fixtures.opensearch_prefix

RETRIES = 3


@pytest.fixture(scope="module")
def prefix(opensearch_client: OpenSearch, opensearch_prefix: str) -> Iterator[str]:
    """An index holding one article, written directly to the node."""
    index = OpenSearchIndex(opensearch_fixtures.endpoint(), f"{opensearch_prefix}-reader")
    index.ensure_ready()
    text = "The minister said the plan works."
    article = Article(id="a1", text=text, title="Reads", source_key="reader.txt")
    index.index_article(article, [])
    yield index.prefix
    index.drop()


@pytest.fixture
def proxy() -> Iterator[FaultProxy]:
    with FaultProxy(opensearch_fixtures.opensearch_url()) as proxy:
        yield proxy


def _through(proxy: FaultProxy, prefix: str, timeout: float = 10.0) -> OpenSearchIndex:
    return OpenSearchIndex(Endpoint(proxy.url, timeout=timeout, max_retries=RETRIES), prefix)


@pytest.mark.parametrize("fault", ["unavailable", "drop", "unanswered"])
def test_a_read_is_retried_through_failures(
    proxy: FaultProxy, prefix: str, fault: Literal["unavailable", "drop", "unanswered"]
) -> None:
    index = _through(proxy, prefix)
    proxy.set_plan(FaultPlan(fail_from=1, fail_for=RETRIES, fail_with=fault))
    assert index.get_article("a1") is not None
    assert proxy.requests == RETRIES + 1
    assert sum(proxy.faults().values()) == RETRIES


def test_a_node_failing_past_the_retries_is_unavailable(proxy: FaultProxy, prefix: str) -> None:
    index = _through(proxy, prefix)
    proxy.set_plan(FaultPlan(fail_from=1, fail_with="unavailable"))
    with pytest.raises(IndexUnavailable, match="503"):
        index.search(SearchQuery(text="plan"))
    assert proxy.requests == RETRIES + 1
    proxy.set_plan(NO_FAULTS)
    assert index.search(SearchQuery(text="plan")).total == 0  # no claims: the article alone


def test_a_timeout_is_not_retried(proxy: FaultProxy, prefix: str) -> None:
    # A search must not outlast API Gateway's limit by sending itself again.
    index = _through(proxy, prefix, timeout=0.3)
    proxy.set_plan(FaultPlan(slow=1.0, slow_s=(1.0, 1.0)))
    with pytest.raises(IndexUnavailable, match="did not answer"):
        index.get_article("a1")
    assert proxy.requests == 1


def test_a_missing_document_and_a_missing_index_read_as_nothing(proxy: FaultProxy, prefix: str) -> None:
    assert _through(proxy, prefix).get_article("no-such-article") is None
    fresh = _through(proxy, f"{prefix}-never-written")
    assert fresh.get_article("a1") is None
    assert fresh.count_claims() == 0
    assert fresh.search(SearchQuery(text="plan")).hits == []
