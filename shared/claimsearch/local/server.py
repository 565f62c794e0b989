"""The local HTTP server: each request becomes an API Gateway proxy event for the
search function's handler, exactly as API Gateway would pass it in AWS."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

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
            if self.command == "GET" and is_page_path(urlsplit(self.path).path):
                self._serve_page()
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > max_body:
                self._send(
                    413,
                    {
                        "error": {
                            "code": "document_too_large",
                            "message": f"request body of {length} bytes is over the limit of {max_body}",
                        }
                    },
                )
                return
            body = self.rfile.read(length) if length else None
            event = rest_event(self.command, self.path, dict(self.headers.items()), body)
            status, headers, data = response_parts(handler(event, LocalContext("claimsearch-search-local")))
            if resumable.is_resumable(self.command, status, headers):
                # GET /claims/export answered in part: the rest streams after it.
                resumable.stream(self, handler, (status, headers, data), dict(self.headers.items()))
                return
            self.send_response(status)
            for key, value in headers.items():
                if key.lower() not in ("content-length", "connection"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":  # a HEAD answer has the headers of its body, never the body
                self.wfile.write(data)

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
