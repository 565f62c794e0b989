"""The local HTTP server (`claimsearch serve`) reads requests as clients send them: UTF-8 not
percent-encoded in the query (curl 'claimant=José'), chunked bodies, and a Content-Length
that is no byte count answered in JSON instead of a dropped or hung connection."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimsearch.documents.limits import DocumentLimits
from claimsearch.local.handlers import Handler, load_handler
from tests.conftest import reset_process_caches

ARTICLE = "Budget vote\n\nJosé Núñez, the finance minister, said the deficit would fall below 3 percent.\n"


@pytest.fixture
def server(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, int]]:
    from claimsearch import wiring
    from claimsearch.ingest import IngestService
    from claimsearch.local.server import make_server

    monkeypatch.setenv("CLAIMSEARCH_INBOX_DIR", str(tmp_path / "inbox"))
    monkeypatch.delenv("CLAIMSEARCH_INBOX_BUCKET", raising=False)
    reset_process_caches()
    IngestService(
        wiring.index(), wiring.make_archive(), wiring.make_extractor(), DocumentLimits(max_bytes=10**6)
    ).ingest_bytes(ARTICLE.encode(), "budget.txt")
    handler: Handler = load_handler("search")
    running = make_server("127.0.0.1", 0, handler, 10_000)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running.server_address[:2]  # type: ignore[misc]
    running.shutdown()
    running.server_close()


def _raw(address: tuple[str, int], request: bytes) -> tuple[int, dict[str, object]]:
    """Send bytes as they are (http.client would refuse a non-ASCII request line)."""
    with socket.create_connection(address, timeout=30) as connection:
        connection.sendall(request)
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def test_a_name_sent_in_utf8_unencoded_finds_what_its_encoded_form_finds(server: tuple[str, int]) -> None:
    encoded = _raw(
        server,
        b"GET /claims?claimant=Jos%C3%A9%20N%C3%BA%C3%B1ez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    raw = _raw(
        server, "GET /claims?claimant=José%20Núñez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    )
    assert encoded[0] == raw[0] == 200
    assert raw[1]["total"] == encoded[1]["total"] == 1
    assert raw[1]["hits"][0]["claim"]["claimant"]["name"] == "José Núñez"  # type: ignore[index]


def test_a_chunked_body_is_read_whole(server: tuple[str, int], tmp_path: Path) -> None:
    text = "Rail strike\n\nMaria Costa said the strike would end on Friday.\n"
    connection = http.client.HTTPConnection(*server, timeout=30)
    parts = iter([text[:20].encode(), text[20:].encode()])
    connection.request(
        "POST", "/articles", body=parts, headers={"Content-Type": "text/plain"}, encode_chunked=True
    )
    response = connection.getresponse()
    answer = json.loads(response.read())
    assert response.status == 202, answer
    assert [p.read_text() for p in (tmp_path / "inbox").iterdir()] == [text]


def test_a_negative_chunk_size_is_refused_not_waited_on(server: tuple[str, int]) -> None:
    head = b"POST /articles HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
    assert _raw(server, head + b"\r\n-1\r\n") == (
        400,
        {"error": {"code": "invalid_request", "message": "a chunk of the body has no valid size"}},
    )


@pytest.mark.parametrize(
    ("header", "status", "message"),
    [
        (b"Content-Length: abc", 400, "Content-Length 'abc' is not a byte count"),
        (b"Content-Length: -1", 400, "Content-Length '-1' is not a byte count"),
        (b"Content-Length: 20000", 413, "request body of 20000 bytes is over the limit of 10000"),
        (b"Transfer-Encoding: chunked", 400, "a chunk of the body has no valid size"),  # "zz"
    ],
)
def test_a_body_the_server_cannot_take_is_a_json_error(
    server: tuple[str, int], header: bytes, status: int, message: str
) -> None:
    request = (
        b"POST /articles HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n" + header + b"\r\n\r\nzz\r\n"
    )
    answer = _raw(server, request)
    assert answer[0] == status
    assert answer[1]["error"]["message"] == message  # type: ignore[index]


def _request(
    address: tuple[str, int], method: str, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(*address, timeout=30)
    connection.request(method, path, headers=headers or {})
    answer = connection.getresponse()
    # http.client reads no body after HEAD: what the server wrote would spoil the next answer.
    body = answer.read()
    connection.close()
    return answer.status, dict(answer.getheaders()), body


@pytest.mark.parametrize("path", ["/health", "/claims?claimant=N%C3%BA%C3%B1ez", "/", "/static/app.js"])
def test_head_answers_what_get_would_without_the_body(server: tuple[str, int], path: str) -> None:
    status, headers, body = _request(server, "GET", path)
    head_status, head_headers, head_body = _request(server, "HEAD", path)
    assert (head_status, head_body) == (status, b"") and status == 200
    assert (
        head_headers["Content-Length"] == str(len(body))
        and head_headers["Content-Type"] == headers["Content-Type"]
    )


def test_a_page_on_another_origin_may_call_the_api(server: tuple[str, int]) -> None:
    origin = {"Origin": "https://partner.example"}
    # The browser's preflight for a GET sending the API key: no key, and answered.
    status, headers, _ = _request(
        server,
        "OPTIONS",
        "/claims?claimant=N%C3%BA%C3%B1ez",
        {**origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-api-key"},
    )
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in headers["Access-Control-Allow-Methods"].split(",")
    assert {"x-api-key", "if-none-match"} <= set(headers["Access-Control-Allow-Headers"].lower().split(","))
    status, headers, body = _request(server, "GET", "/claims/export?claimant=N%C3%BA%C3%B1ez", origin)
    assert status == 200 and body and headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Total-Count" in headers["Access-Control-Expose-Headers"].split(",")
    _, headers, _ = _request(server, "GET", "/claims?q=deficit", origin)
    assert "ETag" in headers["Access-Control-Expose-Headers"].split(",") and headers["ETag"]
    # Without an Origin (no browser), none of it.
    _, headers, _ = _request(server, "GET", "/health")
    assert not any(name.lower().startswith("access-control-") for name in headers)


def test_a_client_holding_an_answer_is_told_it_is_unchanged_until_it_changes(
    server: tuple[str, int], tmp_path: Path
) -> None:
    path = "/claims?q=deficit"
    status, headers, body = _request(server, "GET", path)
    tag = headers["ETag"]
    assert status == 200 and json.loads(body)["total"] == 1 and tag.startswith('W/"')
    # Sent back (weak or strong form, alone or in a list): 304, no body, the same tag.
    for held in (tag, tag.removeprefix("W/"), f'"other", {tag}', "*"):
        status, headers, body = _request(server, "GET", path, {"If-None-Match": held})
        assert (status, body, headers["ETag"]) == (304, b"", tag), held
        assert "Content-Length" not in headers and "Content-Type" not in headers
    status, _, body = _request(server, "HEAD", path, {"If-None-Match": tag})
    assert (status, body) == (304, b"")
    # Another answer's tag is not this one's.
    assert _request(server, "GET", "/claims?q=minister")[1]["ETag"] != tag
    status, _, body = _request(server, "GET", path, {"If-None-Match": '"other"'})
    assert status == 200 and json.loads(body)["total"] == 1
    # The index changes the answer: the tag held no longer matches, and the new answer says so.
    from claimsearch import wiring
    from claimsearch.ingest import IngestService

    IngestService(
        wiring.index(), wiring.make_archive(), wiring.make_extractor(), DocumentLimits(max_bytes=10**6)
    ).ingest_bytes(ARTICLE.replace("José Núñez", "Ana Ruiz").encode(), "budget-2.txt")
    status, headers, body = _request(server, "GET", path, {"If-None-Match": tag})
    assert status == 200 and json.loads(body)["total"] == 2 and headers["ETag"] != tag


def test_errors_and_exports_carry_no_tag(server: tuple[str, int]) -> None:
    status, headers, _ = _request(server, "GET", "/claims/c0000000000000000000000", {"If-None-Match": "*"})
    assert status == 404 and "ETag" not in headers
    status, headers, body = _request(server, "GET", "/claims/export?q=deficit", {"If-None-Match": "*"})
    assert status == 200 and body and "ETag" not in headers
