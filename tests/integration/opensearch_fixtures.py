"""Fixtures for tests against a real OpenSearch node (no mocks).

The node is the one at CLAIMSEARCH_TEST_OPENSEARCH_URL (what `make test` sets), else
CLAIMSEARCH_OPENSEARCH_URL, else the local node of `infra/opensearch/node.sh start`.
Every index and template a session creates carries one random prefix and is deleted
at the end, so the tests can share a node with real data and with each other.
Without a node the tests skip, unless CLAIMSEARCH_REQUIRE_OPENSEARCH=1 (CI): then
they fail, so a CI run can never pass by skipping them.

Import the fixtures into the test module (or a conftest) to use them.
"""

from __future__ import annotations

import functools
import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from opensearchpy import OpenSearch
from opensearchpy.exceptions import TransportError

from claimsearch.index.opensearch import Endpoint, OpenSearchIndex
from claimsearch.index.opensearch.client import connect
from claimsearch.index.port import SearchIndex
from claimsearch.index.sqlite import SqliteIndex

DEFAULT_URL = "http://127.0.0.1:9200"


def endpoint() -> Endpoint:
    """The test node's endpoint (what an OpenSearchIndex is made with)."""
    return Endpoint(opensearch_url())


@functools.cache
def opensearch_url() -> str:
    """The test node's URL, read once: a test that points the product's
    CLAIMSEARCH_OPENSEARCH_URL at a fault proxy must not move the fixtures there too."""
    return (
        os.environ.get("CLAIMSEARCH_TEST_OPENSEARCH_URL")
        or os.environ.get("CLAIMSEARCH_OPENSEARCH_URL")
        or DEFAULT_URL
    )


@pytest.fixture(scope="session")
def opensearch_client() -> OpenSearch:
    """A client for the test node; skips (or fails, in CI) when none answers."""
    url = opensearch_url()
    client = connect(Endpoint(url, max_retries=0))
    try:
        client.info()
    except TransportError as exc:
        message = (
            f"no OpenSearch node answers at {url} ({exc.__class__.__name__}); "
            "start one with `infra/opensearch/node.sh start`"
        )
        if os.environ.get("CLAIMSEARCH_REQUIRE_OPENSEARCH") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return connect(endpoint())


@pytest.fixture(scope="session")
def opensearch_prefix(opensearch_client: OpenSearch) -> Iterator[str]:
    """The session's index prefix; everything under it is deleted afterwards."""
    prefix = f"cstest-{uuid.uuid4().hex[:10]}"
    yield prefix
    opensearch_client.indices.delete(index=f"{prefix}-*", ignore_unavailable=True, expand_wildcards="all")
    templates = opensearch_client.indices.get_index_template(name=f"{prefix}-*", ignore=404)
    for template in templates.get("index_templates", []):
        opensearch_client.indices.delete_index_template(name=template["name"], ignore=404)


_counter = itertools.count(1)


@pytest.fixture
def opensearch_index(opensearch_client: OpenSearch, opensearch_prefix: str) -> Iterator[OpenSearchIndex]:
    """An empty, ready OpenSearchIndex of its own (a sub-prefix per test), dropped afterwards."""
    index = OpenSearchIndex(endpoint(), prefix=f"{opensearch_prefix}-{next(_counter)}")
    index.ensure_ready()
    yield index
    index.drop()


def loaded_engines(load: Callable[[SearchIndex], SearchIndex], name: str) -> tuple[Any, Any, Any]:
    """Module fixtures for a contract suite over both engines, each index filled by `load`:
    `sqlite_index`, `opensearch_index` (under the session's prefix, dropped afterwards) and
    `engine`, each test run once per engine. Assign them to those names in the module:

        sqlite_index, opensearch_index, engine = opensearch_fixtures.loaded_engines(_load, "words")
    """

    @pytest.fixture(scope="module")
    def sqlite_index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
        return load(SqliteIndex(tmp_path_factory.mktemp(name) / "claims.sqlite3"))

    @pytest.fixture(scope="module")
    def opensearch_index(opensearch_client: OpenSearch, opensearch_prefix: str) -> Iterator[SearchIndex]:
        index = OpenSearchIndex(endpoint(), prefix=f"{opensearch_prefix}-{name}")
        yield load(index)
        index.drop()

    @pytest.fixture(params=["sqlite", "opensearch"])
    def engine(request: pytest.FixtureRequest) -> SearchIndex:
        return request.getfixturevalue(f"{request.param}_index")  # type: ignore[no-any-return]

    return sqlite_index, opensearch_index, engine
