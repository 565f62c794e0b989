"""Streaming a resumable response (GET /claims/export) from the local server.

In AWS each response of GET /claims/export stops under Lambda's 6 MB limit and carries
X-Next-Cursor; the client resumes from it. Locally there is no such limit, so the server
does the resuming itself: it calls the same handler again with `cursor=<X-Next-Cursor>`
and writes each part out as it comes (chunked), so the client gets every line in one
response and the server holds one part at a time, however large the export.
"""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from claimsearch.api.export_jobs import NDJSON, NEXT_CURSOR_HEADER
from claimsearch.local.apigw import response_parts, rest_event
from claimsearch.local.handlers import Handler, LocalContext


def header(headers: dict[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


def is_resumable(method: str, status: int, headers: dict[str, str]) -> bool:
    """A GET answered in part, with the cursor of the rest."""
    content_type = header(headers, "Content-Type") or ""
    return (
        method == "GET"
        and status == 200
        and content_type.startswith(NDJSON)
        and header(headers, NEXT_CURSOR_HEADER) is not None
    )


def with_cursor(url: str, cursor: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "cursor"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("cursor", cursor)])))


def remaining_parts(
    handler: Handler, url: str, request_headers: dict[str, str], next_cursor: str
) -> Iterator[bytes]:
    """The bodies of the responses after the first, each asked for with the last one's cursor.

    A part that fails (the index gone mid-export) raises: the status line is long sent, so
    the only honest signal left is to break off the response.
    """
    cursor: str | None = next_cursor
    while cursor is not None:
        event = rest_event("GET", with_cursor(url, cursor), request_headers)
        status, headers, data = response_parts(handler(event, LocalContext("claimsearch-search-local")))
        if status != 200:
            raise RuntimeError(f"export part after cursor {cursor[:16]}... answered {status}: {data[:300]!r}")
        yield data
        cursor = header(headers, NEXT_CURSOR_HEADER)


def stream(
    request: BaseHTTPRequestHandler,
    handler: Handler,
    first: tuple[int, dict[str, str], bytes],
    request_headers: dict[str, str],
) -> None:
    """Send the first part's status and headers, then every part as it comes."""
    status, headers, data = first
    next_cursor = header(headers, NEXT_CURSOR_HEADER)
    assert next_cursor is not None
    # Chunked needs HTTP/1.1; to an HTTP/1.0 client the end of the body is the connection's.
    chunked = request.request_version == "HTTP/1.1"
    if chunked:
        request.protocol_version = "HTTP/1.1"
    request.send_response(status)
    for key, value in headers.items():
        if key.lower() not in ("content-length", "connection", NEXT_CURSOR_HEADER.lower()):
            request.send_header(key, value)
    if chunked:
        request.send_header("Transfer-Encoding", "chunked")
    request.send_header("Connection", "close")
    request.end_headers()

    def write(part: bytes) -> None:
        if not part:
            return
        if chunked:
            request.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
        else:
            request.wfile.write(part)
        request.wfile.flush()

    write(data)
    try:
        for part in remaining_parts(handler, request.path, request_headers, next_cursor):
            write(part)
    except Exception as error:  # broken off without the last chunk: the client sees it incomplete
        print(f"http: export broken off: {error}", flush=True)
        request.close_connection = True
        return
    if chunked:
        request.wfile.write(b"0\r\n\r\n")
