"""What the local stack cannot be made to do on demand: throttling (429), a busy index
(503), gateway errors, a connection that drops inside an export, answers from a newer
server. Served by httpx's MockTransport, so these run without the stack."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import claimsearch_client.client as client_module
import httpx
import pytest
from claimsearch_client import (
    Claim,
    ClaimsearchConnectionError,
    Client,
    Cluster,
    ConflictError,
    DocumentRejectedError,
    InvalidParameterError,
    RateLimitedError,
    ResponseShapeError,
    ServerError,
    ServiceUnavailableError,
)


def claim_dict(claim_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": claim_id,
        "article_id": "a1",
        "content": {
            "text": "taxes would not rise",
            "spans": [[30, 50]],
            "quote_type": "indirect",
            "introducer": None,
        },
        "cue": {"text": "said", "span": [13, 17], "lemma": "say", "class": "say"},
        "claimant": {
            "id": None,
            "mention": "The minister",
            "span": [0, 12],
            "name": "The minister",
            "name_span": [0, 12],
            "type": "person",
            "role": "minister",
            "organization": None,
        },
        "medium": None,
        "sentence": "The minister said taxes would not rise.",
        "sentence_span": [0, 39],
        "entities": [],
        "quantities": [{"text": "5%", "span": [1, 3], "value": 5, "unit": "%"}],
        "dates": [],
        "publisher": None,
        "published_at": None,
        "extractor_version": "test",
        **extra,
    }


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waited: list[float] = []
    monkeypatch.setattr(client_module, "_sleep", waited.append)
    return waited


def mock_client(handler: Callable[[httpx.Request], httpx.Response], **options: Any) -> Client:
    return Client("http://api.test/prod", transport=httpx.MockTransport(handler), **options)


def error(status: int, code: str, message: str = "m", **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": message}}, headers=headers)


def test_api_key_header_and_stage_path(sleeps: list[float]) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"status": "ok", "index": "opensearch", "claims": 3})

    with mock_client(handler, api_key="k-123") as api:
        assert api.health().claims == 3
    assert seen[0].headers["x-api-key"] == "k-123"
    assert seen[0].url.path == "/prod/health"


def test_503_is_retried_honouring_retry_after(sleeps: list[float]) -> None:
    answers = iter(
        [
            error(503, "index_unavailable", **{"Retry-After": "2"}),
            error(503, "index_unavailable"),
            httpx.Response(200, json={"hits": [], "total": 0, "facets": {}, "next_cursor": None}),
        ]
    )
    with mock_client(lambda request: next(answers), backoff=0.1) as api:
        assert api.search("x").total == 0
    assert sleeps[0] == 2.0
    assert 0.1 <= sleeps[1] <= 0.2  # second retry: 0.1 * 2, with jitter, when no Retry-After


def test_429_gives_up_after_the_retries_with_the_api_error(sleeps: list[float]) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(429, json={"message": "Too Many Requests"})  # API Gateway's body

    with mock_client(handler, max_retries=2) as api, pytest.raises(RateLimitedError) as raised:
        api.search("x")
    assert calls == 3 and len(sleeps) == 2
    assert raised.value.status == 429 and raised.value.code == "http_429"
    assert raised.value.message == "Too Many Requests"


def test_error_classes_follow_status_and_code(sleeps: list[float]) -> None:
    answers = {
        "/prod/articles/a": error(409, "not_deletable"),
        "/prod/articles": error(422, "too_few_letters"),
        "/prod/claims/x": httpx.Response(502, text="Bad Gateway"),
    }
    with mock_client(lambda request: answers[request.url.path], max_retries=0) as api:
        with pytest.raises(ConflictError) as conflict:
            api.delete_article("a")
        assert conflict.value.code == "not_deletable"
        with pytest.raises(DocumentRejectedError) as rejected:
            api.post_article("1234")
        assert rejected.value.status == 422 and rejected.value.code == "too_few_letters"
        with pytest.raises(ServerError) as bad_gateway:
            api.claim("x")
        assert bad_gateway.value.message == "Bad Gateway"
    with (
        mock_client(lambda r: error(503, "dependency_failed"), max_retries=0) as api,
        pytest.raises(ServiceUnavailableError),
    ):
        api.health()


def test_post_article_sends_json_and_is_not_repeated_after_a_broken_connection(
    sleeps: list[float],
) -> None:
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        raise httpx.ReadError("connection reset", request=request)

    with mock_client(handler) as api, pytest.raises(ClaimsearchConnectionError):
        api.post_article("Text.", title="T", published_at="2026-11-20")
    # The server may have stored it: a POST that broke after sending is not repeated.
    assert bodies == [{"text": "Text.", "title": "T", "published_at": "2026-11-20"}]


def test_newer_server_fields_are_tolerated_and_kept_in_raw() -> None:
    data = claim_dict("c1", cluster_id="k9", stance={"label": "pro"})
    data["cue"]["confidence"] = 0.9
    claim = Claim.from_dict(data)
    assert claim.cue.cue_class == "say"
    assert claim.quantities[0].value == 5.0 and isinstance(claim.quantities[0].value, float)
    assert claim.raw["cluster_id"] == "k9"
    assert claim == Claim.from_dict(claim_dict("c1"))  # raw does not take part in equality


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.pop("cue"), "claim.cue"),
        (lambda d: d["content"].update(spans=[[1]]), "claim.content.spans[0]"),
        (lambda d: d.update(id=7), "claim.id"),
        (lambda d: d["claimant"].update(span=[True, 3]), "claim.claimant.span"),
    ],
)
def test_answers_that_break_the_contract_say_where(
    change: Callable[[dict[str, Any]], Any], where: str
) -> None:
    data = claim_dict("c1")
    change(data)
    with pytest.raises(ResponseShapeError, match="^" + re.escape(where)):
        Claim.from_dict(data)


def test_a_page_that_is_not_json_is_a_shape_error() -> None:
    with (
        mock_client(lambda r: httpx.Response(200, text="<html>login</html>")) as api,
        pytest.raises(ResponseShapeError, match="not JSON"),
    ):
        api.search()


# -- export -----------------------------------------------------------------------------------


def ndjson_line(claim_id: str) -> bytes:
    return json.dumps({"cursor": f"after-{claim_id}", "claim": claim_dict(claim_id)}).encode() + b"\n"


class Body(httpx.SyncByteStream):
    """A response body sent in pieces, that can break after them as a dropped connection does."""

    def __init__(self, pieces: list[bytes], then_fail: bool) -> None:
        self.pieces = pieces
        self.then_fail = then_fail

    def __iter__(self) -> Iterator[bytes]:
        yield from self.pieces
        if self.then_fail:
            raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")


def test_export_resumes_from_the_last_cursor_after_a_drop(sleeps: list[float]) -> None:
    ids = ["c1", "c2", "c3", "c4"]
    cursors: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/prod/claims/export"
        assert request.headers["accept"] == "application/x-ndjson"
        assert request.url.params["claimant"] == "Ahn"
        cursor = request.url.params.get("cursor")
        cursors.append(cursor)
        start = 0 if cursor is None else ids.index(cursor.removeprefix("after-")) + 1
        lines = [ndjson_line(i) for i in ids[start:]]
        if cursor is None:  # the first answer breaks inside its third line
            body = Body([lines[0], lines[1], lines[2][:15]], then_fail=True)
        else:
            body = Body(lines, then_fail=False)
        return httpx.Response(
            200, headers={"content-type": "application/x-ndjson", "x-total-count": "4"}, stream=body
        )

    with mock_client(handler) as api:
        stream = api.export(claimant="Ahn")
        assert [claim.id for claim in stream] == ids
    assert cursors == [None, "after-c2"]
    assert stream.total == 4 and stream.resumes == 1 and stream.cursor == "after-c4"


def test_export_follows_x_next_cursor_across_responses(sleeps: list[float]) -> None:
    # In AWS a response stops at the Lambda payload limit and names the next cursor.
    ids = ["c1", "c2", "c3"]

    def handler(request: httpx.Request) -> httpx.Response:
        cursor = request.url.params.get("cursor")
        start = 0 if cursor is None else ids.index(cursor.removeprefix("after-")) + 1
        part = ids[start : start + 2]
        headers = {"x-total-count": "3"}
        if start + 2 < len(ids):
            headers["x-next-cursor"] = f"after-{part[-1]}"
        return httpx.Response(200, headers=headers, content=b"".join(ndjson_line(i) for i in part))

    with mock_client(handler) as api:
        stream = api.export()
        assert [claim.id for claim in stream] == ids
    assert stream.continued == 1 and stream.resumes == 0 and sleeps == []


def test_export_refuses_an_x_next_cursor_that_goes_nowhere() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"x-next-cursor": "c0"}, content=b"")

    with mock_client(handler) as api, pytest.raises(ResponseShapeError, match="no progress"):
        list(api.export(cursor="c0"))


def test_export_catches_a_body_cut_inside_a_line_without_a_transport_error(sleeps: list[float]) -> None:
    # A body framed by closing the connection ends "cleanly" even when cut short.
    def handler(request: httpx.Request) -> httpx.Response:
        if "cursor" not in request.url.params:
            return httpx.Response(200, stream=Body([ndjson_line("c1"), ndjson_line("c2")[:-9]], False))
        return httpx.Response(200, stream=Body([ndjson_line("c2").rstrip(b"\n")], False))

    with mock_client(handler) as api:
        assert [claim.id for claim in api.export()] == ["c1", "c2"]


def test_export_gives_up_after_max_resumes_without_progress(sleeps: list[float]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if "cursor" not in request.url.params:
            return httpx.Response(200, stream=Body([ndjson_line("c1")], then_fail=True))
        return httpx.Response(200, stream=Body([b'{"cur'], then_fail=True))

    with mock_client(handler) as api:
        stream = api.export(max_resumes=2)
        received = []
        with pytest.raises(ClaimsearchConnectionError, match="after-c1"):
            for claim in stream:
                received.append(claim.id)
    assert received == ["c1"] and stream.cursor == "after-c1" and stream.resumes == 2


def test_export_errors_before_the_stream_are_api_errors(sleeps: list[float]) -> None:
    with (
        mock_client(lambda r: error(400, "invalid_parameter", "cue_class: bad")) as api,
        pytest.raises(InvalidParameterError) as raised,
    ):
        list(api.export(cue_class="say"))
    assert raised.value.code == "invalid_parameter" and sleeps == []


def test_the_client_never_imports_the_server_package() -> None:
    # Partners install the client alone; the server's dependencies must not leak in.
    probe = (
        "import sys, claimsearch_client, claimsearch_client.client, claimsearch_client.models\n"
        "leaked = sorted(m for m in sys.modules if m == 'claimsearch' or m.startswith('claimsearch.'))\n"
        "assert not leaked, leaked\n"
        "assert 'pydantic' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True, timeout=60)


def test_exports_to_the_bucket_start_and_report_as_the_api_documents_them(sleeps: list[float]) -> None:
    # The answers are the server's own OpenAPI examples, so the client reads the contract.
    from claimsearch.api.export import ACCEPTED_EXAMPLE, STATUS_EXAMPLE

    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "POST":
            return httpx.Response(202, json=ACCEPTED_EXAMPLE)
        return httpx.Response(200, json=STATUS_EXAMPLE)

    with mock_client(handler) as api:
        job = api.start_export("forced labour", claimant="Ahn", published_from="2016-03-01", attributed=True)
        status = api.export_status(job.id)
    assert json.loads(seen[0].content) == {
        "q": "forced labour",
        "claimant": "Ahn",
        "published_from": "2016-03-01",
        "attributed": True,
    }
    assert seen[0].url.path == "/prod/exports"
    assert seen[1].url.path == f"/prod/exports/{ACCEPTED_EXAMPLE['id']}"
    assert (job.id, job.state, job.total) == (ACCEPTED_EXAMPLE["id"], "queued", ACCEPTED_EXAMPLE["total"])
    assert status.state == STATUS_EXAMPLE["state"] and status.finished
    assert status.url == STATUS_EXAMPLE["url"] and status.claims == STATUS_EXAMPLE["claims"]


def test_an_export_on_a_deployment_without_a_bucket_is_a_503_with_its_code(sleeps: list[float]) -> None:
    calls: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return error(503, "exports_unavailable")

    # No retry mends a deployment without a bucket: raised at the first answer, unretried.
    with mock_client(answer, max_retries=3) as api, pytest.raises(ServiceUnavailableError) as raised:
        api.start_export(publisher="The Independent")
    assert raised.value.code == "exports_unavailable"
    assert (len(calls), sleeps) == (1, [])


def test_a_datetime_is_sent_as_its_day(sleeps: list[float]) -> None:
    from datetime import datetime

    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"total": 0, "hits": [], "facets": {}, "next_cursor": None})

    with mock_client(answer) as api:
        api.search(published_from=datetime(2016, 9, 20, 12, 30), published_to=datetime(2016, 9, 21))
    assert seen[0].url.params["published_from"] == "2016-09-20"
    assert seen[0].url.params["published_to"] == "2016-09-21"


# -- claim clusters ---------------------------------------------------------------------------


def test_clusters_read_as_the_api_documents_them(sleeps: list[float]) -> None:
    # The answers are the server's own OpenAPI examples, so the client reads the contract.
    from claimsearch.api.openapi import CLAIM_EXAMPLE, CLUSTER_EXAMPLE, SEARCH_EXAMPLE

    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.startswith("/prod/clusters/"):
            return httpx.Response(200, json=CLUSTER_EXAMPLE)
        return httpx.Response(200, json=SEARCH_EXAMPLE)

    with mock_client(handler) as api:
        page = api.search("money", collapse="cluster")
        claim = page.hits[0].claim
        assert claim.cluster is not None
        cluster = api.cluster(claim.cluster.id)
        list(api.iter_claims(claimant="Ahn", collapse="cluster", sort="size"))
    assert seen[0].url.params["collapse"] == "cluster" and seen[0].url.params["q"] == "money"
    assert "sort" not in seen[0].url.params and seen[2].url.params["sort"] == "size"
    assert seen[1].url.path == f"/prod/clusters/{CLAIM_EXAMPLE['cluster']['id']}"
    assert seen[2].url.params["collapse"] == "cluster" and seen[2].url.params["claimant"] == "Ahn"
    ref = CLAIM_EXAMPLE["cluster"]
    assert (claim.cluster.id, claim.cluster.size) == (ref["id"], ref["size"])
    assert claim.cluster.first_seen == ref["first_seen"]
    assert claim.cluster.first_article_id == ref["first_article_id"]
    assert cluster.id == CLUSTER_EXAMPLE["id"] and cluster.size == CLUSTER_EXAMPLE["size"]
    assert cluster.representative == CLUSTER_EXAMPLE["representative"]
    assert cluster.claimant is not None and cluster.claimant.id == CLUSTER_EXAMPLE["claimant"]["id"]
    assert cluster.first_claim_id == CLUSTER_EXAMPLE["first_claim_id"]
    assert cluster.first_article_id == CLUSTER_EXAMPLE["first_article_id"]
    assert cluster.first_seen == CLUSTER_EXAMPLE["first_seen"]
    assert [m.id for m in cluster.members] == [m["id"] for m in CLUSTER_EXAMPLE["members"]]
    assert cluster.members[0] == claim
    assert list(cluster.timeline) == CLUSTER_EXAMPLE["timeline"]


def test_a_dated_cluster_without_a_claimant_and_claims_without_clusters() -> None:
    from claimsearch.api.openapi import CLUSTER_EXAMPLE

    dated = {
        **CLUSTER_EXAMPLE,
        "claimant": None,
        "size": 2,
        "first_seen": "2016-09-01",
        "timeline": [{"value": "2016-09-01", "count": 1}, {"value": "2016-09-03", "count": 1}],
        "members": [claim_dict("c1"), claim_dict("c2")],
    }
    cluster = Cluster.from_dict(dated)
    assert cluster.claimant is None and cluster.first_seen == "2016-09-01"
    assert [(day.value, day.count) for day in cluster.timeline] == [("2016-09-01", 1), ("2016-09-03", 1)]
    # An older server (or a claim indexed before clusters) sends no cluster, or null.
    assert cluster.members[0].cluster is None
    assert Claim.from_dict(claim_dict("c1", cluster=None)).cluster is None
    with pytest.raises(ResponseShapeError, match=r"^claim\.cluster\.size"):
        Claim.from_dict(claim_dict("c1", cluster={"id": "k1", "size": "2", "first_article_id": "a1"}))
    with pytest.raises(ResponseShapeError, match=r"^cluster\.members\[1\]\.cue"):
        Cluster.from_dict({**dated, "members": [claim_dict("c1"), {**claim_dict("c2"), "cue": None}]})


def test_a_merged_claimant_id_is_followed_to_the_identity_it_joined() -> None:
    from claimsearch.api.openapi import CLAIMANT_PROFILE_EXAMPLE

    seen: list[str] = []
    joined = CLAIMANT_PROFILE_EXAMPLE["id"]

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path == "/prod/claimants/pold0000000000000000":
            # The API's answer: the error shape, and a Location relative to the request.
            return error(301, "claimant_merged", "joined", Location=joined)
        return httpx.Response(200, json=CLAIMANT_PROFILE_EXAMPLE)

    with mock_client(handler) as api:
        profile = api.claimant("pold0000000000000000")
    assert profile.id == joined
    assert seen == ["/prod/claimants/pold0000000000000000", f"/prod/claimants/{joined}"]
