"""The local HTTP server: each request becomes an API Gateway proxy event for the
search function's handler, exactly as API Gateway would pass it in AWS."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from claimsearch.local.apigw import response_parts, rest_event
from claimsearch.local.handlers import Handler, LocalContext


def make_server(host: str, port: int, handler: Handler, max_body: int) -> ThreadingHTTPServer:
    class ApiRequest(BaseHTTPRequestHandler):
        server_version = "claimsearch-local"

        def _serve(self) -> None:
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
            self.send_response(status)
            for key, value in headers.items():
                if key.lower() not in ("content-length", "connection"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _send(self, status: int, payload: dict[str, object]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        def log_message(self, format: str, *args: object) -> None:
            print(f"http: {self.address_string()} {format % args}", flush=True)

    return ThreadingHTTPServer((host, port), ApiRequest)
