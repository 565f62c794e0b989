"""Each function's IAM role allows every OpenSearch call the function really makes.

`tests/infra/test_least_privilege.py` proves what each role can and cannot do against
lists of calls written by hand; a list out of date let the reindex function's role deny the
`_flush`, `_search` and `_update_by_query` a rebuild makes, and the export role the
`_msearch` of a collapsed export, so both failed on AWS every time. Here the calls are
recorded instead: the product runs against a real node through a proxy that notes each
request (ingest and deletes as the CLI and the ingest function run them, the search
function's routes, an export's pages, the reindex function), and every call of each stage
is evaluated against its role in template.yaml.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest

from claimsearch.api.export_jobs import ExportFilters, open_export
from claimsearch.index.port import SearchQuery
from claimsearch.local.apigw import response_parts, rest_event
from claimsearch.local.handlers import LocalContext, load_handler
from tests.conftest import reset_process_caches
from tests.faults.proxy import FaultProxy
from tests.infra.test_least_privilege import OpenSearch, _deployment
from tests.integration import opensearch_fixtures
from tests.integration.opensearch_fixtures import opensearch_client, opensearch_prefix  # noqa: F401

EXAMPLE = Path(__file__).resolve().parents[2] / "events" / "north-korea-forced-labour.txt"
POLICIES = ("role policy only", "this stack's domain policy")


@pytest.fixture
def proxied(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    opensearch_prefix: str,  # noqa: F811
) -> Iterator[tuple[FaultProxy, str]]:
    """The product configured for OpenSearch through a recording proxy, under a prefix of its own."""
    prefix = f"{opensearch_prefix}-roles"
    with FaultProxy(opensearch_fixtures.opensearch_url()) as proxy:
        monkeypatch.setenv("CLAIMSEARCH_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("CLAIMSEARCH_INDEX", "opensearch")
        monkeypatch.setenv("CLAIMSEARCH_OPENSEARCH_URL", proxy.url)
        monkeypatch.setenv("CLAIMSEARCH_INDEX_PREFIX", prefix)
        reset_process_caches()
        yield proxy, prefix
    reset_process_caches()


def _taken(proxy: FaultProxy, prefix: str) -> set[tuple[str, str]]:
    """The calls recorded since the last take, as the role tests write them ("P-claims/_search")."""
    calls = {
        (method, unquote(path.split("?")[0].lstrip("/")).replace(f"{prefix}-", "P-"))
        for method, path in proxy.calls
    }
    proxy.calls.clear()
    return calls


def _denied(role: str, calls: set[tuple[str, str]]) -> dict[str, set[tuple[str, str]]]:
    denied = {}
    for policy in POLICIES:
        evaluator = OpenSearch(_deployment("new domain"), role, policy)
        if refused := calls - evaluator.allowed(calls):
            denied[policy] = refused
    return denied


def test_every_call_of_each_function_is_one_its_role_allows(
    proxied: tuple[FaultProxy, str], tmp_path: Path
) -> None:
    from claimsearch import cli, wiring

    proxy, prefix = proxied
    # Ingest: two copies of the example (a cluster of two claims across articles), an edit
    # of one (its claims replaced), then a delete, as the ingest function and the CLI run them.
    folder = tmp_path / "inbox"
    folder.mkdir()
    text = EXAMPLE.read_text(encoding="utf-8")
    (folder / "nk.txt").write_text(text, encoding="utf-8")
    (folder / "nk-reprint.txt").write_text(text, encoding="utf-8")
    (folder / "nk-edited.txt").write_text(text, encoding="utf-8")
    assert cli.main(["ingest", str(folder)]) == 0
    (folder / "nk-edited.txt").write_text(
        text.replace("believes the money", "insists the money"), encoding="utf-8"
    )
    assert cli.main(["ingest", str(folder / "nk-edited.txt")]) == 0
    index = wiring.index()
    edited = next(h.claim.article_id for h in index.search(_query("insists")).hits)
    assert cli.main(["delete", edited]) == 0
    ingest = _taken(proxy, prefix)
    assert ("POST", "_bulk") in ingest

    # The search function's routes.
    search = load_handler("search")
    ahn = next(h.claim for h in index.search(_query(claimant="Ahn")).hits)
    assert ahn.claimant.id and ahn.cluster_id
    for url in (
        "/health",
        "/claims?q=forced%20labour",
        "/claims?q=slaves%20luxury%20yachts",  # relaxed
        "/claims?claimant=Ahn&collapse=cluster&sort=size",
        "/claims?q=money&collapse=cluster&sort=first_seen&attributed=true",
        "/claims/export?collapse=cluster",
        f"/claims/{ahn.id}",
        "/claimants?q=ah",
        f"/claimants/{ahn.claimant.id}",
        f"/clusters/{ahn.cluster_id}",
        f"/articles/{ahn.article_id}",
    ):
        status, _, body = response_parts(search(rest_event("GET", url, None, None), LocalContext("search")))
        assert status == 200, (url, body)
    searches = _taken(proxy, prefix)

    # An export's pages, collapsed and not, as the export function writes them.
    for filters in ({}, {"collapse": "cluster"}, {"q": "money", "collapse": "cluster", "sort": "size"}):
        export = open_export(index, ExportFilters.model_validate(filters).to_query())
        assert len(list(export.lines)) == export.total > 0, filters
    exports = _taken(proxy, prefix)
    assert any(path.endswith("_msearch") for _, path in exports)  # collapse counts clusters so

    # The reindex function, as Lambda runs it.
    report = load_handler("reindex")({}, LocalContext("reindex"))
    assert report["claims"] == index.count_claims() > 0, json.dumps(report)
    rebuild = _taken(proxy, prefix)

    stages = {
        "IngestFunctionRole": ingest,
        "SearchFunctionRole": searches,
        "ExportFunctionRole": exports,
        "ReindexFunctionRole": rebuild,
    }
    denied = {role: refused for role, calls in stages.items() if (refused := _denied(role, calls))}
    assert denied == {}


def _query(q: str | None = None, claimant: str | None = None) -> SearchQuery:
    return SearchQuery(text=q, claimant=claimant)
