"""Bulk export (GET /claims/export, `claimsearch export`) over both engines, SQLite and OpenSearch.

The corpus is the example article and 240 synthetic claims that tie on relevance for
"forced labour" (same words, same length), so pages of 100 end inside runs of equal
scores, where only the id tie-breaker keeps a keyset cursor from skipping or repeating.
Each engine is a real one: a SQLite file, and the OpenSearch node the suite is given
(skipped without one, failed with CLAIMSEARCH_REQUIRE_OPENSEARCH=1).
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from claimsearch.api.export_jobs import NDJSON, NEXT_CURSOR_HEADER, RELAXED_HEADER, TOTAL_HEADER, open_export
from claimsearch.claimants.registry import file_claims, updated_identities
from claimsearch.errors import InvalidQuery
from claimsearch.index.port import SearchIndex, SearchQuery
from claimsearch.index.sqlite import SqliteIndex
from claimsearch.local.apigw import response_parts, rest_event
from claimsearch.local.handlers import Handler, LocalContext, load_handler
from claimsearch.model import Article, Claim, Claimant, Content, Cue, article_id_for, claim_id_for
from tests.conftest import reset_process_caches
from tests.integration.opensearch_fixtures import opensearch_url

SYNTHETIC_ARTICLES = 12
CLAIMS_PER_ARTICLE = 20
PUBLISHER = "Synthetic Times"
QUERIES = {
    "everything": SearchQuery(),
    "text": SearchQuery(text="forced labour"),
    "claimant": SearchQuery(claimant="lopez"),
    "publisher": SearchQuery(publisher=PUBLISHER.lower()),
    "text and filter": SearchQuery(text="camps prisoners", match="all", published_from="2016-03-01"),
}


# -- the corpus --------------------------------------------------------------------------


def synthetic_corpus() -> list[tuple[Article, list[Claim]]]:
    """Articles of one claimant, each claim the same words but for one number."""
    pairs = []
    for a in range(SYNTHETIC_ARTICLES):
        sentences = [
            f"Maria Lopez said the forced labour camps hold {a * 100 + k} prisoners."
            for k in range(CLAIMS_PER_ARTICLE)
        ]
        text = " ".join(sentences)
        article = Article(
            id=article_id_for(text),
            text=text,
            title=f"Camps report {a}",
            source_key=f"synthetic/{a}.txt",
            publisher=PUBLISHER,
            published_at=f"2016-{1 + a % 12:02d}-15",
        )
        claims = []
        end = 0
        for sentence in sentences:
            start = text.index(sentence, end)
            end = start + len(sentence)
            cue = (start + len("Maria Lopez "), start + len("Maria Lopez said"))
            content = (cue[1] + 1, end - 1)
            claims.append(
                Claim(
                    id=claim_id_for(article.id, cue, [content]),
                    article_id=article.id,
                    content=Content(text[content[0] : content[1]], [content], "indirect"),
                    cue=Cue("said", cue, "say", "say"),
                    claimant=Claimant(
                        mention="Maria Lopez", span=(start, start + 11), name="Maria Lopez", type="person"
                    ),
                    sentence=sentence,
                    sentence_span=(start, end),
                    publisher=article.publisher,
                    published_at=article.published_at,
                    extractor_version="test",
                )
            )
        pairs.append((article, claims))
    return pairs


@pytest.fixture(scope="module")
def corpus(example_extraction) -> list[tuple[Article, list[Claim]]]:  # type: ignore[no-untyped-def]
    return [example_extraction, *synthetic_corpus()]


@pytest.fixture(scope="module")
def claim_ids(corpus: list[tuple[Article, list[Claim]]]) -> set[str]:
    return {c.id for _, claims in corpus for c in claims}


def load(index: SearchIndex, corpus: list[tuple[Article, list[Claim]]]) -> SearchIndex:
    """Each article filed and indexed as ingest does it."""
    index.ensure_ready()
    for article, claims in corpus:
        filed = file_claims(claims, index)
        report = index.index_article(article, filed.claims, updated_identities(filed, index))
        assert report.ok, report.failed
    return index


@pytest.fixture(scope="module")
def sqlite_dir(tmp_path_factory: pytest.TempPathFactory, corpus) -> Path:  # type: ignore[no-untyped-def]
    """A data directory whose index (claims.sqlite3, where settings look) holds the corpus."""
    directory = tmp_path_factory.mktemp("export")
    load(SqliteIndex(directory / "claims.sqlite3"), corpus)
    return directory


@pytest.fixture(scope="module")
def opensearch_prefix(corpus) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from claimsearch.index.opensearch import Endpoint, OpenSearchIndex
    from claimsearch.index.opensearch.client import connect

    url = opensearch_url()
    client = connect(Endpoint(url, max_retries=0))
    try:
        client.info()
    except Exception as exc:
        message = f"no OpenSearch node at {url} ({exc}); start one: infra/opensearch/node.sh start"
        if os.environ.get("CLAIMSEARCH_REQUIRE_OPENSEARCH") == "1":
            pytest.fail(message)
        pytest.skip(message)
    prefix = f"export-{uuid.uuid4().hex[:8]}"
    index = OpenSearchIndex(Endpoint(url), prefix=prefix)
    load(index, corpus)
    yield prefix
    index.drop()


@pytest.fixture(params=["sqlite", "opensearch"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[SearchIndex]:
    """The engine, also configured as the process's index (what the handler and the CLI use)."""
    if request.param == "sqlite":
        monkeypatch.setenv("CLAIMSEARCH_DATA_DIR", str(request.getfixturevalue("sqlite_dir")))
        monkeypatch.setenv("CLAIMSEARCH_INDEX", "sqlite")
        monkeypatch.delenv("CLAIMSEARCH_OPENSEARCH_URL", raising=False)
    else:
        monkeypatch.setenv("CLAIMSEARCH_INDEX_PREFIX", request.getfixturevalue("opensearch_prefix"))
        monkeypatch.setenv("CLAIMSEARCH_INDEX", "opensearch")
        monkeypatch.setenv("CLAIMSEARCH_OPENSEARCH_URL", opensearch_url())
    reset_process_caches()
    from claimsearch import wiring

    yield wiring.index()
    reset_process_caches()


@pytest.fixture(scope="module")
def handler() -> Handler:
    return load_handler("search")


def get(handler: Handler, url: str) -> tuple[int, dict[str, str], bytes]:
    return response_parts(handler(rest_event("GET", url), LocalContext("search")))


def ids_of(lines: list[dict[str, Any]]) -> list[str]:
    return [line["claim"]["id"] for line in lines]


def parse(body: bytes) -> list[dict[str, Any]]:
    text = body.decode("utf-8")
    assert text == "" or text.endswith("\n"), "every line ends with a newline"
    return [json.loads(line) for line in text.splitlines()]


def paged_ids(index: SearchIndex, query: SearchQuery) -> list[str]:
    """Every hit of the query the way GET /claims pages (pages of 7 end inside runs of ties)."""
    ids: list[str] = []
    page = replace(query, limit=7, facets=False)
    while True:
        result = index.search(page)
        ids += [h.claim.id for h in result.hits]
        if result.next_after is None:
            return ids
        page = replace(page, after=result.next_after)


# -- the export, through the port ----------------------------------------------------------


@pytest.mark.parametrize("name", list(QUERIES))
def test_an_export_is_every_match_once_in_the_order_of_get_claims(
    engine: SearchIndex, claim_ids: set[str], name: str
) -> None:
    query = QUERIES[name]
    export = open_export(engine, query)
    lines = [json.loads(line.text) for line in export.lines]
    ids = ids_of(lines)
    assert len(ids) == export.total == len(set(ids)) > 0
    assert ids == paged_ids(engine, query)
    if name == "everything":
        assert set(ids) == claim_ids  # no gaps
    if name in ("claimant", "publisher"):
        assert len(ids) == SYNTHETIC_ARTICLES * CLAIMS_PER_ARTICLE


def test_the_text_query_really_ties_across_page_boundaries(engine: SearchIndex) -> None:
    """The premise of the resumption test below: scores repeat across the pages of 100."""
    scores = [h.score for h in engine.search(replace(QUERIES["text"], limit=100, facets=False)).hits]
    assert scores[98] == scores[99] and len(set(scores)) < 10


def test_resuming_at_any_line_gives_exactly_the_rest(engine: SearchIndex) -> None:
    query = QUERIES["text"]
    lines = list(open_export(engine, query).lines)
    ids = [json.loads(line.text)["claim"]["id"] for line in lines]
    assert len(ids) > 200
    for cut in (0, 6, 98, 99, 100, 101, 199, 200, len(lines) - 2, len(lines) - 1):
        rest = open_export(engine, query, lines[cut].cursor)
        assert rest.total == len(ids)  # the total of the export, not of what is left
        assert [json.loads(line.text)["claim"]["id"] for line in rest.lines] == ids[cut + 1 :], cut


def test_a_cursor_is_bound_to_its_filters(engine: SearchIndex) -> None:
    line = next(open_export(engine, QUERIES["text"]).lines)
    with pytest.raises(InvalidQuery) as refused:
        open_export(engine, QUERIES["publisher"], line.cursor)
    assert refused.value.parameter == "cursor"
    with pytest.raises(InvalidQuery):
        open_export(engine, QUERIES["text"], "not-a-cursor")


# -- GET /claims/export ----------------------------------------------------------------------


def test_each_line_is_the_claim_as_get_claims_serves_it_and_the_cursors_agree(
    engine: SearchIndex, handler: Handler
) -> None:
    for params in (
        "q=forced%20labour",
        "publisher=synthetic%20times",
        "",
        "q=forced%20labour&collapse=cluster",
    ):
        status, headers, body = get(handler, f"/claims/export?{params}")
        assert status == 200 and headers["Content-Type"] == NDJSON
        lines = parse(body)
        status, _, page = get(handler, f"/claims?{params}&limit=100&facets=none")
        served = json.loads(page)
        assert int(headers[TOTAL_HEADER]) == served["total"] == len(lines)
        assert [line["claim"] for line in lines[:100]] == [hit["claim"] for hit in served["hits"]]
        # The last line of a page resumes where GET /claims' next page starts.
        _, _, second = get(handler, f"/claims?{params}&limit=100&facets=none&cursor={lines[99]['cursor']}")
        assert [hit["claim"]["id"] for hit in json.loads(second)["hits"]] == ids_of(lines[100:200])


def test_a_response_stops_under_the_size_limit_and_x_next_cursor_resumes(
    engine: SearchIndex, handler: Handler, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = 40_000
    monkeypatch.setenv("CLAIMSEARCH_EXPORT_RESPONSE_BYTES", str(limit))
    reset_process_caches()
    whole = [json.loads(line.text) for line in open_export(engine, QUERIES["text"]).lines]
    received: list[dict[str, Any]] = []
    url = "/claims/export?q=forced+labour"
    responses = 0
    while True:
        status, headers, body = get(handler, url)
        responses += 1
        assert status == 200 and int(headers[TOTAL_HEADER]) == len(whole)
        # What Lambda returns: the body as a JSON string, escaped.
        assert len(json.dumps(body.decode("utf-8"))) <= limit + 2
        lines = parse(body)
        assert lines, "every response carries at least one line"
        received += lines
        if NEXT_CURSOR_HEADER not in headers:
            break
        assert headers[NEXT_CURSOR_HEADER] == lines[-1]["cursor"]
        url = f"/claims/export?q=forced+labour&cursor={headers[NEXT_CURSOR_HEADER]}"
    assert responses > 3
    assert ids_of(received) == ids_of(whole)  # no duplicates, no gaps
    # A client that lost the connection mid-response resumes from the last line it has.
    cut = 150
    _, headers, body = get(handler, f"/claims/export?q=forced+labour&cursor={whole[cut]['cursor']}")
    assert ids_of(parse(body)) == ids_of(whole)[cut + 1 : cut + 1 + len(parse(body))]


def test_a_relaxed_export_says_so_and_holds_what_get_claims_relaxed_to(
    engine: SearchIndex, handler: Handler
) -> None:
    # No claim holds three of these four words; the synthetic ones hold "forced" and "labour".
    query = SearchQuery(text="forced labour zqxjv vjxqz")
    status, headers, body = get(handler, "/claims/export?q=forced+labour+zqxjv+vjxqz")
    assert status == 200 and headers.get(RELAXED_HEADER) == "true"
    assert ids_of(parse(body)) == paged_ids(engine, query) == paged_ids(engine, replace(query, match="any"))
    _, headers, _ = get(handler, "/claims/export?q=forced+labour")
    assert RELAXED_HEADER not in headers


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/claims/export?cursor=bm90LWEtY3Vyc29y", "cursor"),
        ("/claims/export?cursor=not%20base64", "cursor"),
        ("/claims/export?published_from=2016-05-01&published_to=2016-04-01", "published_from"),
        ("/claims/export?cue_class=shout", "cue_class"),
        ("/claims/export?published_from=yesterday", "published_from"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(
    engine: SearchIndex, handler: Handler, url: str, parameter: str
) -> None:
    status, _, body = get(handler, url)
    assert status == 400
    error = json.loads(body)["error"]
    assert error["code"] == "invalid_parameter" and error["parameter"] == parameter


def test_a_cursor_from_other_filters_is_a_400(engine: SearchIndex, handler: Handler) -> None:
    _, _, body = get(handler, "/claims/export?q=forced+labour")
    cursor = parse(body)[0]["cursor"]
    status, _, answer = get(handler, f"/claims/export?publisher=x&cursor={cursor}")
    assert status == 400 and "different query" in json.loads(answer)["error"]["message"]


def test_the_openapi_document_declares_the_export_routes(handler: Handler) -> None:
    _, _, body = get(handler, "/openapi.json")
    paths = json.loads(body)["paths"]
    export = paths["/claims/export"]["get"]
    assert set(export["responses"]["200"]["content"]) == {NDJSON}
    assert {TOTAL_HEADER, NEXT_CURSOR_HEADER} <= set(export["responses"]["200"]["headers"])
    names = {p["name"] for p in export["parameters"]}
    _, _, _ = get(handler, "/openapi.json")
    search = {p["name"] for p in paths["/claims"]["get"]["parameters"]}
    assert names == search - {"limit", "facets", "If-None-Match"}  # parts are no-store: no tag
    for path, method, ok in (("/claims/export", "get", "200"), ("/exports", "post", "202"),
                             ("/exports/{export_id}", "get", "200")):  # fmt: skip
        responses = paths[path][method]["responses"]
        assert ok in responses and {"400", "500", "503"} <= set(responses), path
        assert responses["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")


# -- the local server streams the whole export -------------------------------------------


@pytest.fixture
def local_server(
    engine: SearchIndex, handler: Handler, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, int]]:
    from claimsearch.local.server import make_server

    # Small parts, so one export takes many handler calls behind one HTTP response.
    monkeypatch.setenv("CLAIMSEARCH_EXPORT_RESPONSE_BYTES", "30000")
    reset_process_caches()
    server = make_server("127.0.0.1", 0, handler, 10**6)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[:2]  # type: ignore[misc]
    server.shutdown()
    server.server_close()


def test_the_local_server_streams_every_line_in_one_response(
    engine: SearchIndex, local_server: tuple[str, int]
) -> None:
    whole = [json.loads(line.text) for line in open_export(engine, QUERIES["text"]).lines]
    connection = http.client.HTTPConnection(*local_server, timeout=60)
    connection.request("GET", f"/claims/export?q={quote('forced labour')}")
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Transfer-Encoding") == "chunked"
    assert response.getheader(NEXT_CURSOR_HEADER) is None  # the server followed it
    assert int(response.getheader(TOTAL_HEADER) or -1) == len(whole)
    received = parse(response.read())
    assert ids_of(received) == ids_of(whole)
    # Resumed by a line's cursor, through the server too.
    connection = http.client.HTTPConnection(*local_server, timeout=60)
    connection.request("GET", f"/claims/export?q=forced+labour&cursor={whole[120]['cursor']}")
    assert ids_of(parse(connection.getresponse().read())) == ids_of(whole)[121:]
    # An error before the first line is an ordinary JSON error.
    connection = http.client.HTTPConnection(*local_server, timeout=60)
    connection.request("GET", "/claims/export?cursor=bm90LWEtY3Vyc29y")
    error = connection.getresponse()
    assert error.status == 400 and json.loads(error.read())["error"]["parameter"] == "cursor"


def test_requests_at_once_each_get_their_own_answer(
    engine: SearchIndex, local_server: tuple[str, int], claim_ids: set[str]
) -> None:
    """The handler keeps the current event on a module-level resolver, as Lambda allows (one
    request per instance at a time); the threaded local server must not mix two up."""
    paths = [f"/claims/{claim_id}" for claim_id in sorted(claim_ids)[:12]]
    paths += ["/claims?q=forced+labour&limit=3", "/claimants?q=ahn", "/health", "/claims?cue_class=nope"]

    def fetch(path: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(*local_server, timeout=60)
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()

    alone = {path: fetch(path) for path in paths}
    answers: list[tuple[str, tuple[int, bytes]]] = []
    lock = threading.Lock()

    def hammer(path: str) -> None:
        for _ in range(5):
            answer = fetch(path)
            with lock:
                answers.append((path, answer))

    threads = [threading.Thread(target=hammer, args=(path,)) for path in paths * 2]
    # Threads switched as often as the interpreter can: a race shows in every run, not 1 in 50.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert len(answers) == len(paths) * 10
    # /health carries the time; every other answer is the same bytes as when sent alone.
    assert [path for path, answer in answers if path != "/health" and answer != alone[path]] == []
    assert {answer[0] for path, answer in answers if path == "/health"} == {200}


# -- claimsearch export --------------------------------------------------------------------


def test_the_cli_writes_the_same_lines_and_resumes(
    engine: SearchIndex, handler: Handler, capsys: pytest.CaptureFixture[str]
) -> None:
    from claimsearch.cli import main

    _, _, body = get(handler, "/claims/export?q=forced+labour&published_from=2016-03-01")
    served = body.decode("utf-8")
    assert main(["export", "forced labour", "--from", "2016-03-01"]) == 0
    out, err = capsys.readouterr()
    assert out == served
    total = len(served.splitlines())
    assert f"exported {total} claim(s) of {total}" in err
    cursor = json.loads(served.splitlines()[41])["cursor"]
    assert main(["export", "forced labour", "--from", "2016-03-01", "--cursor", cursor]) == 0
    assert capsys.readouterr().out.splitlines() == served.splitlines()[42:]
    # A cursor of other filters: the CLI's error line, exit status 1.
    assert main(["export", "--publisher", "x", "--cursor", cursor]) == 1
    assert "cursor" in capsys.readouterr().err


@pytest.mark.parametrize(
    "order", [["--collapse"], ["--sort", "size"], ["--collapse", "--sort", "first_seen"]]
)
def test_the_cli_exports_in_the_orders_get_claims_export_takes(
    engine: SearchIndex, handler: Handler, capsys: pytest.CaptureFixture[str], order: list[str]
) -> None:
    from claimsearch.cli import main

    params = "&".join(
        ["q=forced+labour", *(["collapse=cluster"] if "--collapse" in order else [])]
        + ([f"sort={order[order.index('--sort') + 1]}"] if "--sort" in order else [])
    )
    _, _, body = get(handler, f"/claims/export?{params}")
    assert main(["export", "forced labour", *order]) == 0
    assert capsys.readouterr().out == body.decode("utf-8")
