"""The local HTTP server: each request becomes an API Gateway proxy event for the
search function's handler, exactly as API Gateway would pass it in AWS."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BufferedIOBase
from typing import Any
from urllib.parse import quote, urlsplit

from claimsearch.local import resumable
from claimsearch.local.apigw import response_parts, rest_event
from claimsearch.local.handlers import Handler, LocalContext
from claimsearch.web import SECURITY_HEADERS, is_page_path, static_file


def make_server(host: str, port: int, lambda_handler: Handler, max_body: int) -> ThreadingHTTPServer:
    # A Lambda instance handles one request at a time, and the handler relies on it:
    # Powertools' resolver keeps the current event on the module's `app`. The server's
    # threads take turns at the handler (a page's files and a stream's writes do not
    # wait), so two requests at once (the search page fetches in parallel) cannot read
    # each other's event.
    turn = threading.Lock()

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        with turn:
            return lambda_handler(event, context)

    class ApiRequest(BaseHTTPRequestHandler):
        server_version = "claimsearch-local"

        def _serve(self) -> None:
            if self.command in ("GET", "HEAD") and is_page_path(urlsplit(self.path).path):
                self._serve_page()
                return
            try:
                body = self._body()
            except BodyRefused as refused:
                self.close_connection = True  # what is left of the body is not read
                self._send(refused.status, {"error": {"code": refused.code, "message": refused.message}})
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() != "transfer-encoding"}
            event = rest_event(self.command, _encoded_path(self.path), headers, body)
            status, headers, data = response_parts(handler(event, LocalContext("claimsearch-search-local")))
            if resumable.is_resumable(self.command, status, headers):
                # GET /claims/export answered in part: the rest streams after it.
                resumable.stream(self, handler, (status, headers, data), dict(self.headers.items()))
                return
            self.send_response(status)
            for key, value in headers.items():
                if key.lower() not in ("content-length", "connection"):
                    self.send_header(key, value)
            # A HEAD answer has the headers of GET's, its length included, and no body; a 304
            # has no body and no length (it would say the body's it stands for).
            length = headers.get("Content-Length") if self.command == "HEAD" else None
            if status != 304:
                self.send_header("Content-Length", length or str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _body(self) -> bytes | None:
            """The request's body: Content-Length bytes, or chunks (curl -T, streaming
            clients), at most `max_body` either way; API Gateway hands the function either
            whole, so the local server reads them whole too."""
            if (self.headers.get("Transfer-Encoding") or "").strip().lower() == "chunked":
                return read_chunked(self.rfile, max_body) or None
            raw = (self.headers.get("Content-Length") or "0").strip()
            if not raw.isdigit():
                raise BodyRefused(400, "invalid_request", f"Content-Length {raw[:40]!r} is not a byte count")
            length = int(raw)
            if length > max_body:
                raise BodyRefused(413, "document_too_large", too_large(length, max_body))
            return self.rfile.read(length) if length else None

        def _serve_page(self) -> None:
            """The search page's files (claimsearch.web); on AWS the bucket serves them."""
            found = static_file(urlsplit(self.path).path)
            if found is None:
                self._send(404, {"error": {"code": "no_route", "message": f"no page file at {self.path}"}})
                return
            self.send_response(200)
            self.send_header("Content-Type", found.content_type)
            # Revalidate every time: a local checkout's edits show on reload.
            self.send_header("Cache-Control", "no-cache")
            for key, value in SECURITY_HEADERS.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(found.data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(found.data)

        def _send(self, status: int, payload: dict[str, object]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def __getattr__(self, name: str) -> Callable[[], None]:
            # http.server answers a method it has no do_<METHOD> for with its own 501 HTML
            # page; every method goes to the handler instead, as API Gateway's ANY routes
            # send it, so one the API does not take answers 405 JSON with an Allow header.
            if name.startswith("do_"):
                return self._serve
            raise AttributeError(name)

        def log_message(self, format: str, *args: object) -> None:
            print(f"http: {self.address_string()} {format % args}", flush=True)

    return ThreadingHTTPServer((host, port), ApiRequest)


class BodyRefused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def too_large(length: int, max_body: int) -> str:
    return f"request body of {length} bytes is over the limit of {max_body}"


def read_chunked(stream: BufferedIOBase, max_body: int) -> bytes:
    """A chunked body (RFC 9112, 7.1) as one, refused once it runs over `max_body`."""
    parts: list[bytes] = []
    total = 0
    while True:
        size_line = stream.readline(1024).split(b";", 1)[0].strip()
        size = int(size_line, 16) if re.fullmatch(rb"[0-9A-Fa-f]{1,16}", size_line) else -1
        if size < 0:  # int() would read "-1" too, and read(-1) waits for the connection to end
            raise BodyRefused(400, "invalid_request", "a chunk of the body has no valid size")
        if size == 0:
            while stream.readline(1024).strip():  # trailer fields, up to the blank line
                pass
            return b"".join(parts)
        total += size
        if total > max_body:
            raise BodyRefused(413, "document_too_large", too_large(total, max_body))
        parts.append(stream.read(size))
        stream.readline(1024)  # the CRLF after the chunk


def _encoded_path(path: str) -> str:
    """The request target as API Gateway's event carries it. http.server reads the request
    line as Latin-1, so a client that sends UTF-8 unencoded (curl 'claimant=José') would
    have its name read as "JosÃ©": its bytes are percent-encoded back, and the query
    parser reads them as UTF-8, as it reads any percent-encoded name."""
    return quote(path.encode("latin-1"), safe="".join(map(chr, range(0x21, 0x7F))))
