"""A stand-in for an OpenSearch node, for the reader's unit tests: it records what each
request carried and answers `{"count": 7}`, or 503 to the next `failures` requests."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

COUNT = 7


@dataclass
class StubNode:
    address: str = ""  # host:port
    # (method, path, headers with lower-case names) of each request received
    seen: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    failures: int = 0

    @property
    def url(self) -> str:
        return f"http://{self.address}"


@contextmanager
def stub_node() -> Iterator[StubNode]:
    node = StubNode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # connections kept, as a node keeps them

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            node.seen.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
            if node.failures:
                node.failures -= 1
                status, body = 503, b'{"error":"busy"}'
            else:
                status, body = 200, json.dumps({"count": COUNT}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    node.address = f"127.0.0.1:{server.server_address[1]}"
    try:
        yield node
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(name="node")
def node_fixture() -> Iterator[StubNode]:
    """A stub node for one test (`node = stub_node.node_fixture` in a test module)."""
    with stub_node() as node:
        yield node
