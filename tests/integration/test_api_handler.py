"""The search function's handler on the API Gateway events kept in events/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimsearch.documents.limits import DocumentLimits
from claimsearch.local.apigw import response_parts, rest_event
from claimsearch.local.handlers import Handler, LocalContext, load_handler
from tests.conftest import EVENTS, reset_process_caches


@pytest.fixture(scope="module")
def handler() -> Handler:
    return load_handler("search")


@pytest.fixture
def api(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, handler: Handler, example_bytes: bytes
):  # type: ignore[no-untyped-def]
    """The API over an index holding the example article; POSTs land in a temp inbox."""
    from claimsearch import wiring
    from claimsearch.ingest import IngestService

    monkeypatch.setenv("CLAIMSEARCH_INBOX_DIR", str(tmp_path / "inbox"))
    monkeypatch.delenv("CLAIMSEARCH_INBOX_BUCKET", raising=False)
    reset_process_caches()
    IngestService(
        wiring.index(), wiring.make_archive(), wiring.make_extractor(), DocumentLimits(max_bytes=10**6)
    ).ingest_bytes(example_bytes, "nk.txt")

    def call(event: dict[str, Any] | str) -> tuple[int, dict[str, str], Any]:
        if isinstance(event, str):
            event = json.loads((EVENTS / event).read_text())
        status, headers, body = response_parts(handler(event, LocalContext("search")))
        return status, headers, json.loads(body) if body else None

    return call


def test_health(api) -> None:  # type: ignore[no-untyped-def]
    status, _, body = api("api-health.json")
    assert status == 200
    assert body["status"] == "ok" and body["claims"] >= 8


def test_search_is_ranked_highlighted_and_faceted(api) -> None:  # type: ignore[no-untyped-def]
    status, _, body = api("api-search-forced-labour.json")
    assert status == 200
    assert body["total"] >= 1
    scores = [h["score"] for h in body["hits"]]
    assert scores == sorted(scores, reverse=True)
    top = body["hits"][0]
    contents = [h["claim"]["content"]["text"].lower() for h in body["hits"]]
    # Both words in the best match's content; one holding them as a phrase ("Forced labour
    # is seen as ...", where the extractor puts the passive's subject in the content)
    # ranks above one holding them apart ("forced into slave labour").
    assert "forced" in contents[0] and "labour" in contents[0]
    assert "forced labour" in contents[0] or not any("forced labour" in c for c in contents)
    assert any(c.startswith("tens of thousands of north koreans") for c in contents)
    fragments = " ".join(f for fs in top["highlights"].values() for f in fs)
    assert "<mark>forced</mark>" in fragments.lower() and "<mark>labour</mark>" in fragments.lower()
    assert set(body["facets"]) == {"claimant", "organization", "entity", "publisher"}
    assert body["facets"]["publisher"] == [{"value": "The Independent", "count": body["total"], "id": None}]


def test_search_says_when_best_match_relaxed_to_any_word(api) -> None:  # type: ignore[no-untyped-def]
    # No claim of the example holds three of "forced labour zqxjv vjxqz"; some hold a word.
    _, _, body = api(rest_event("GET", "/claims?q=forced%20labour%20zqxjv%20vjxqz"))
    assert body["relaxed"] is True and body["total"] >= 1
    assert "forced" in body["hits"][0]["claim"]["content"]["text"].lower()
    _, _, strict = api(rest_event("GET", "/claims?q=forced%20labour%20zqxjv%20vjxqz&match=all"))
    assert (strict["total"], strict["relaxed"]) == (0, False)
    _, _, found = api(rest_event("GET", "/claims?q=forced%20labour"))
    assert found["total"] >= 1 and found["relaxed"] is False


def test_search_suggests_claimants_for_a_name_no_one_goes_by(api) -> None:  # type: ignore[no-untyped-def]
    _, _, body = api(rest_event("GET", "/claims?claimant=Myeong-chu"))  # a name cut short
    assert body["total"] == 0
    assert [(c["name"], c["claims"]) for c in body["claimant_suggestions"]] == [("Ahn Myeong-chul", 2)]
    _, _, found = api(rest_event("GET", "/claims?claimant=Ahn&q=zqxjv"))
    assert (found["total"], found["claimant_suggestions"]) == (0, [])


def test_claimant_filter_returns_exactly_her_two_claims(api) -> None:  # type: ignore[no-untyped-def]
    status, _, body = api("api-search-claimant.json")
    assert status == 200
    assert body["total"] == 2
    assert sorted(h["claim"]["cue"]["text"] for h in body["hits"]) == ["believes", "told"]
    ids = {h["claim"]["claimant"]["id"] for h in body["hits"]}
    assert len(ids) == 1 and None not in ids
    # The surname alone, any case: the same two claims.
    for name in ("Ahn", "ahn%20myeong-chul", "AHN%20MYEONG-CHUL"):
        _, _, other = api(rest_event("GET", f"/claims?claimant={name}"))
        assert {h["claim"]["id"] for h in other["hits"]} == {h["claim"]["id"] for h in body["hits"]}, name
    _, _, by_id = api(rest_event("GET", f"/claims?claimant_id={ids.pop()}"))
    assert by_id["total"] == 2


def test_claimant_facet_counts_identities_never_pronouns(api) -> None:  # type: ignore[no-untyped-def]
    _, _, body = api(rest_event("GET", "/claims?limit=1"))
    facet = body["facets"]["claimant"]
    assert facet and all(f["id"] for f in facet)
    names = {f["value"].casefold() for f in facet}
    assert not names & {"he", "she", "they", "it", "who", "which", "that", "unattributed"}
    assert {"value": "Ahn Myeong-chul", "count": 2} in [
        {"value": f["value"], "count": f["count"]} for f in facet
    ]
    _, _, unattributed = api(rest_event("GET", "/claims?attributed=false"))
    assert unattributed["total"] >= 1
    assert all(h["claim"]["claimant"]["type"] == "unattributed" for h in unattributed["hits"])


def test_claimants_are_suggested_as_a_user_types_and_have_a_page(api) -> None:  # type: ignore[no-untyped-def]
    status, _, body = api(rest_event("GET", "/claimants?q=ah"))
    assert status == 200
    top = body["claimants"][0]
    assert (top["name"], top["claims"], top["type"]) == ("Ahn Myeong-chul", 2, "person")
    status, _, page = api(rest_event("GET", f"/claimants/{top['id']}"))
    assert status == 200
    assert page["claims"] == 2 and "NK Watch" in page["organizations"] and "head" in page["roles"]
    assert "Ahn Myeong-chul" not in [e["value"] for e in page["entities"]]  # not an entity of her own claims
    assert "Kim Jong-un" in [e["value"] for e in page["entities"]]
    status, _, missing = api(rest_event("GET", "/claimants/pnope"))
    assert (status, missing["error"]["code"]) == (404, "not_found")
    status, _, bad = api(rest_event("GET", "/claimants"))
    assert (status, bad["error"]["parameter"]) == (400, "q")


def test_a_surname_that_joined_its_person_answers_301_to_him(api) -> None:  # type: ignore[no-untyped-def]
    # "Obama" alone before any article names him in full: an identity of its own; once one
    # does, its claims move to Barack Obama, and the id a partner may have stored leads there.
    from claimsearch import wiring
    from claimsearch.claimants.registry import identity_id
    from claimsearch.ingest import IngestService

    service = IngestService(
        wiring.index(), wiring.make_archive(), wiring.make_extractor(), DocumentLimits(max_bytes=10**6)
    )
    service.ingest_bytes(b"Climate talks\n\nObama said the climate agreement would hold.\n", "alone.txt")
    obama, barack = identity_id("obama"), identity_id("barack obama")
    status, _, before = api(rest_event("GET", f"/claimants/{obama}"))
    assert (status, before["claims"]) == (200, 1)
    full = b"Museum opens\n\nPresident Barack Obama said the museum must be seen.\n"
    service.ingest_bytes(full, "full.txt")
    status, headers, moved = api(rest_event("GET", f"/claimants/{obama}"))
    assert (status, moved["error"]["code"]) == (301, "claimant_merged")
    assert headers["Location"] == barack  # relative: /claimants/{barack}, behind any stage prefix
    # After a trailing slash the same route answers, and its Location still leads to him.
    status, headers, _ = api(rest_event("GET", f"/claimants/{obama}/"))
    assert (status, headers["Location"]) == (301, f"../{barack}")
    status, _, page = api(rest_event("GET", f"/claimants/{barack}"))
    assert (status, page["claims"]) == (200, 2) and "Obama" in page["aliases"]
    _, _, found = api(rest_event("GET", f"/claims?claimant_id={obama}"))
    assert found["total"] == 2 and {h["claim"]["claimant"]["id"] for h in found["hits"]} == {barack}


def test_paging_with_cursor_visits_every_claim_once(api) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    url = "/claims?limit=3"
    while True:
        status, _, body = api(rest_event("GET", url))
        assert status == 200
        seen += [h["claim"]["id"] for h in body["hits"]]
        if not body["next_cursor"]:
            break
        url = f"/claims?limit=3&cursor={body['next_cursor']}"
    assert len(seen) == len(set(seen)) == body["total"]


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/claims?limit=1000", "limit"),
        ("/claims?limit=abc", "limit"),
        ("/claims?cue_class=shout", "cue_class"),
        ("/claims?published_from=yesterday", "published_from"),
        ("/claims?published_from=2020-02-01&published_to=2020-01-01", "published_from"),
        ("/claims?cursor=not-a-cursor", "cursor"),
        ("/claims?q=" + "x" * 501, "q"),
        ("/claims?match=some", "match"),
        ("/claims?claimant=the", "claimant"),
        ("/claims?claimant=Mr.", "claimant"),
        ("/claims?attributed=maybe", "attributed"),
        ("/claimants?q=ah&limit=11", "limit"),
    ],
)
def test_invalid_parameters_are_400_naming_the_parameter(api, url: str, parameter: str) -> None:  # type: ignore[no-untyped-def]
    status, _, body = api(rest_event("GET", url))
    assert status == 400
    assert body["error"]["code"] == "invalid_parameter"
    assert body["error"]["parameter"] == parameter


def test_invalid_limit_sample_event(api) -> None:  # type: ignore[no-untyped-def]
    status, _, body = api("api-search-invalid-limit.json")
    assert (status, body["error"]["parameter"]) == (400, "limit")


@pytest.mark.parametrize("event", ["api-get-claim-unknown.json", "api-get-article-unknown.json"])
def test_unknown_ids_are_404(api, event: str) -> None:  # type: ignore[no-untyped-def]
    status, _, body = api(event)
    assert status == 404
    assert body["error"]["code"] == "not_found"


def test_claim_and_article_by_id(api) -> None:  # type: ignore[no-untyped-def]
    _, _, body = api("api-search-claimant.json")
    claim = body["hits"][0]["claim"]
    status, _, one = api(rest_event("GET", f"/claims/{claim['id']}"))
    assert status == 200 and one == claim
    status, _, article = api(rest_event("GET", f"/articles/{claim['article_id']}"))
    assert status == 200
    text = article["article"]["text"]
    for c in article["claims"]:
        start, end = c["cue"]["span"]
        assert text[start:end] == c["cue"]["text"]


def test_post_text_article_is_queued_in_the_inbox(api, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    status, headers, body = api("api-post-article-text.json")
    assert status == 202
    assert body["status"] == "queued"
    # Relative to the request (/articles), so it holds behind a stage prefix; the body's URL is
    # the path below the API's base URL.
    assert headers["Location"] == f"articles/{body['article_id']}"
    assert body["article_url"] == f"/articles/{body['article_id']}"
    queued = tmp_path / "inbox" / body["source_key"]
    assert queued.read_bytes() == (EVENTS / "north-korea-forced-labour.txt").read_bytes()


def test_post_json_article(api) -> None:  # type: ignore[no-untyped-def]
    status, _, body = api("api-post-article-json.json")
    assert status == 202 and body["source_key"].endswith(".json")


def test_post_empty_article_is_400(api) -> None:  # type: ignore[no-untyped-def]
    status, _, body = api("api-post-article-empty.json")
    assert status == 400
    assert body["error"]["code"] == "empty_document"
    # Named as what the client sent, not as the file the inbox would have made of it.
    assert body["error"]["message"] == "request body: the file holds no text"


def test_post_oversized_article_is_413(api, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CLAIMSEARCH_MAX_REQUEST_BYTES", "1000")
    reset_process_caches()
    status, _, body = api(rest_event("POST", "/articles", {"Content-Type": "text/plain"}, b"x" * 1001))
    assert status == 413
    assert body["error"]["code"] == "document_too_large"


def test_delete_answers_404_for_unknown_and_409_for_articles_not_from_the_inbox(api) -> None:  # type: ignore[no-untyped-def]
    from claimsearch.model import article_id_for_source

    status, _, body = api(rest_event("DELETE", "/articles/a00000000000000000000000", {}, None))
    assert status == 404 and body["error"]["code"] == "not_found"
    local = article_id_for_source("", "nk.txt")  # ingested from a local file by the fixture
    status, _, body = api(rest_event("DELETE", f"/articles/{local}", {}, None))
    assert status == 409 and body["error"]["code"] == "not_deletable"


def test_openapi_document_describes_the_routes(api) -> None:  # type: ignore[no-untyped-def]
    status, _, spec = api("api-openapi.json")
    assert status == 200
    assert spec["openapi"].startswith("3.")
    assert {
        "/claims",
        "/claims/{claim_id}",
        "/claimants",
        "/claimants/{claimant_id}",
        "/articles/{article_id}",
        "/articles",
        "/health",
    } <= set(spec["paths"])
    params = {p["name"] for p in spec["paths"]["/claims"]["get"]["parameters"]}
    assert {
        "q",
        "match",
        "claimant",
        "claimant_id",
        "attributed",
        "organization",
        "entity",
        "publisher",
        "cue_class",
        "quote_type",
        "published_from",
        "published_to",
        "article_id",
        "limit",
        "cursor",
    } <= params
    # A merged claimant's and a replaced claim's 301, with its Location, on their routes and no other.
    paths = spec["paths"]
    moved = [(path, m) for path, item in paths.items() for m, op in item.items() if "301" in op["responses"]]
    assert sorted(moved) == [("/claimants/{claimant_id}", "get"), ("/claims/{claim_id}", "get")]
    for path, _ in moved:
        assert "Location" in paths[path]["get"]["responses"]["301"]["headers"]


def test_a_claim_an_edit_replaced_answers_301_to_the_claim_in_its_place(api) -> None:  # type: ignore[no-untyped-def]
    # An edit above a claim moves its offsets, so its id: the id a partner stored leads on.
    from claimsearch import wiring
    from claimsearch.ingest import IngestService

    service = IngestService(
        wiring.index(), wiring.make_archive(), wiring.make_extractor(), DocumentLimits(max_bytes=10**6)
    )
    first = b"Budget talks\n\nCouncil member Ruth Adler said the cuts would fall hardest on poor families.\n"
    article = service.ingest_bytes(first, "budget.txt").article_id
    (old,) = service.index.claims_for_article(article)
    edited = first.replace(b"\n\n", b"\n\nThe council met on Monday.\n\n", 1)
    service.ingest_bytes(edited, "budget.txt")
    (new,) = service.index.claims_for_article(article)
    assert new.id != old.id and new.content.text == old.content.text
    status, headers, moved = api(rest_event("GET", f"/claims/{old.id}"))
    assert (status, moved["error"]["code"]) == (301, "claim_replaced")
    assert headers["Location"] == new.id  # relative: /claims/{new id}, behind any stage prefix
    status, _, claim = api(rest_event("GET", f"/claims/{new.id}"))
    assert (status, claim["replaces"]) == (200, [old.id])
    service.delete(article)
    status, _, gone = api(rest_event("GET", f"/claims/{old.id}"))
    assert (status, gone["error"]["code"]) == (404, "not_found")


def test_a_reprint_joins_the_clusters_of_the_first_article(api, example_bytes: bytes) -> None:  # type: ignore[no-untyped-def]
    from claimsearch import wiring
    from claimsearch.ingest import IngestService

    IngestService(
        wiring.index(), wiring.make_archive(), wiring.make_extractor(), DocumentLimits(max_bytes=10**6)
    ).ingest_bytes(example_bytes, "nk-reprint.txt")
    _, _, body = api(rest_event("GET", "/claims?claimant=Ahn"))
    assert body["total"] == 4
    clusters = {h["claim"]["cluster"]["id"] for h in body["hits"]}
    assert len(clusters) == 2
    assert {h["claim"]["cluster"]["size"] for h in body["hits"]} == {2}

    _, _, collapsed = api(rest_event("GET", "/claims?claimant=Ahn&collapse=cluster"))
    assert collapsed["total"] == 2
    assert {h["claim"]["cluster"]["id"] for h in collapsed["hits"]} == clusters

    cluster_id = body["hits"][0]["claim"]["cluster"]["id"]
    status, _, cluster = api(rest_event("GET", f"/clusters/{cluster_id}"))
    assert status == 200
    assert cluster["size"] == 2 and len(cluster["members"]) == 2
    assert len({m["article_id"] for m in cluster["members"]}) == 2
    assert cluster["claimant"]["name"] == "Ahn Myeong-chul"
    assert cluster["representative"] == cluster["members"][0]["content"]["text"]
    assert cluster["first_article_id"] == cluster["members"][0]["article_id"]
    assert cluster["timeline"] == []  # the example article carries no date

    status, _, error = api(rest_event("GET", "/clusters/knosuchcluster"))
    assert status == 404 and error["error"]["code"] == "not_found"

    # The archive keeps each claim's cluster: a rebuild from it restores every id.
    from claimsearch.reindex import rebuild_index

    before = {h["claim"]["id"]: h["claim"]["cluster"] for h in body["hits"]}
    rebuild_index(wiring.index(), wiring.make_archive())
    _, _, again = api(rest_event("GET", "/claims?claimant=Ahn"))
    assert {h["claim"]["id"]: h["claim"]["cluster"] for h in again["hits"]} == before
    status, _, error = api(rest_event("GET", "/claims?collapse=article"))
    assert status == 400 and error["error"]["parameter"] == "collapse"

    # Most reported first: every claim of both copies is in a cluster of 2, but the two
    # unattributed ones (no identity: clusters of their own, in each copy).
    _, _, by_size = api(rest_event("GET", "/claims?sort=size&limit=100"))
    sizes = [h["claim"]["cluster"]["size"] for h in by_size["hits"]]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] == 2 and sizes[-1] == 1
    _, _, page = api(rest_event("GET", "/claims?sort=size&limit=3"))
    _, _, rest = api(rest_event("GET", f"/claims?sort=size&limit=100&cursor={page['next_cursor']}"))
    ids = [h["claim"]["id"] for h in by_size["hits"]]
    assert [h["claim"]["id"] for h in page["hits"] + rest["hits"]] == ids
    status, _, error = api(rest_event("GET", "/claims?sort=newest"))
    assert status == 400 and error["error"]["parameter"] == "sort"


@pytest.mark.parametrize(
    ("content_type", "body", "status", "code", "message"),
    [
        # Deeper than the JSON parser's stack: a RecursionError was answered 500.
        (
            "application/json",
            b"[" * 5000,
            400,
            "nesting_too_deep",
            "request body: JSON nested too deeply to read",
        ),
        # Powertools' error names the character as if it were a parameter ("13: JSON decode error").
        (
            "application/json",
            b'{"q":"labour"',
            400,
            "invalid_document",
            "request body: not valid JSON (at character 13)",
        ),
        # curl -d's default type: read as a form whose one field was the whole JSON object.
        (
            "application/x-www-form-urlencoded",
            b'{"q":"labour"}',
            415,
            "unsupported_format",
            "request body: application/x-www-form-urlencoded is not read; send application/json",
        ),
    ],
)
def test_a_body_post_exports_cannot_read_is_the_clients_error(  # type: ignore[no-untyped-def]
    api, content_type: str, body: bytes, status: int, code: str, message: str
) -> None:
    answer_status, _, answer = api(rest_event("POST", "/exports", {"Content-Type": content_type}, body))
    assert (answer_status, answer["error"]["code"], answer["error"]["message"]) == (status, code, message)
    assert "parameter" not in answer["error"]


def test_a_parameter_given_twice_is_named_and_told_so(api) -> None:  # type: ignore[no-untyped-def]
    status, _, answer = api(rest_event("GET", "/claims?publisher=Asia%20Wire&publisher=Example%20Times"))
    assert status == 400
    assert answer["error"] == {
        "code": "invalid_parameter",
        "message": "publisher: given more than once; give it once",
        "parameter": "publisher",
    }


@pytest.mark.parametrize(
    ("url", "parameter", "takes"),
    [
        ("/claims?claimnt=Trump", "claimnt", "article_id, attributed, claimant, claimant_id,"),
        ("/claims?q=labour&Q=labour", "Q", "article_id, attributed, claimant, claimant_id,"),
        ("/claims/export?q=labour&limit=1", "limit", "article_id, attributed, claimant, claimant_id,"),
        ("/health?verbose=1", "verbose", "it takes none"),
    ],
)
def test_a_parameter_the_route_does_not_take_is_refused_not_ignored(  # type: ignore[no-untyped-def]
    api, url: str, parameter: str, takes: str
) -> None:
    # `claimnt=Trump` answered every claim, as if no claimant had been asked for.
    status, _, answer = api(rest_event("GET", url))
    assert status == 400 and answer["error"]["parameter"] == parameter
    path = url.split("?")[0]
    assert answer["error"]["message"].startswith(f"{parameter}: is not a parameter of GET {path}; ")
    assert takes in answer["error"]["message"]


def test_an_empty_parameter_is_one_left_out(api) -> None:  # type: ignore[no-untyped-def]
    # A form's blank text fields: each read as absent, where each used to read "" its own way.
    _, _, everything = api(rest_event("GET", "/claims?facets=none"))
    for name in ("q", "organization", "entity", "publisher", "claimant", "claimant_id", "article_id"):
        status, _, body = api(rest_event("GET", f"/claims?{name}=&facets=none"))
        assert (status, body["total"]) == (200, everything["total"]), (name, body)
    # A typed value given empty is refused, naming it, as any value not of its type is.
    for name in ("cue_class", "quote_type", "match", "limit", "cursor", "attributed", "published_from"):
        status, _, body = api(rest_event("GET", f"/claims?{name}=&facets=none"))
        assert (status, body["error"]["parameter"]) == (400, name), (name, body)
    status, _, body = api(rest_event("GET", "/claims?publisher=&publisher=The%20Independent&facets=none"))
    assert (status, body["total"]) == (200, everything["total"])
    status, _, body = api(rest_event("GET", "/claims?organization=&entity=Nowhere%20Land&facets=none"))
    assert (status, body["total"]) == (200, 0)


def test_a_bad_date_in_the_query_of_post_articles_is_named_as_that_parameter(api) -> None:  # type: ignore[no-untyped-def]
    status, _, body = api(
        rest_event(
            "POST",
            "/articles?published_at=2016-13-45",
            {"Content-Type": "text/plain"},
            b"Tax plan\n\nThe minister said taxes would rise.",
        )
    )
    assert (status, body["error"]["code"], body["error"]["parameter"]) == (
        400,
        "invalid_date",
        "published_at",
    )
    assert "2016-13-45" in body["error"]["message"]
