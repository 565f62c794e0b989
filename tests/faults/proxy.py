"""A fault-injecting HTTP proxy in front of a real OpenSearch node, on loopback.

Point a client at `FaultProxy.url` instead of the node and each request meets the
fate its `FaultPlan` draws for it:

- throttle: 429 `es_rejected_execution_exception`, not forwarded (the node's queue full);
- unavailable: 503, not forwarded (a node restarting, a gateway without a backend);
- drop: the connection closed without an answer, not forwarded;
- unanswered: forwarded, then the connection closed: the node did the work, the answer
  is lost;
- slow: forwarded after a delay;
- bulk: for `_bulk` requests, a share of the items answered 429 and not forwarded, the
  others forwarded: a partial failure (`errors: true`) as a node under load gives.

Every request takes the same number of draws from one seeded RNG, whatever befalls
it, so a client sending the same requests in the same order meets the same faults.
`fail_from` turns the proxy into a failing node instead: from the n-th request after
the plan was set (the n-th whose path has `matching`) every request fails (`fail_with`),
or that one and the next `fail_for - 1`.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Literal
from urllib.parse import urlsplit

Headers = list[tuple[str, str]]
Answer = tuple[int, Headers, bytes]

JSON = [("Content-Type", "application/json; charset=UTF-8")]
# Not forwarded either way: they describe one hop, and the bodies are re-framed here.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "content-length",
    "host",
}


def _error(status: int, kind: str, reason: str) -> dict[str, object]:
    error = {"type": kind, "reason": reason}
    return {"error": {"root_cause": [error], **error}, "status": status}


THROTTLED = _error(
    429, "es_rejected_execution_exception", "rejected execution: the write queue is full (fault injected)"
)
UNAVAILABLE = _error(
    503, "cluster_block_exception", "blocked by: [SERVICE_UNAVAILABLE/1/state not recovered] (fault injected)"
)


@dataclass(frozen=True)
class FaultPlan:
    """Probabilities per request (throttle, unavailable, drop and unanswered exclude each other)."""

    throttle: float = 0.0
    unavailable: float = 0.0
    drop: float = 0.0
    unanswered: float = 0.0
    slow: float = 0.0
    slow_s: tuple[float, float] = (0.2, 1.0)
    bulk: float = 0.0  # of `_bulk` requests: some items rejected
    bulk_item_share: float = 0.3  # of the items of such a request (at least one)
    fail_from: int | None = None  # 1-based, counted from when the plan was set
    fail_for: int | None = None  # requests, from that one on; None: the node never comes back
    fail_with: Literal["unavailable", "drop", "unanswered"] = "unavailable"
    matching: str = ""  # fail_from counts only the requests whose path has this


NO_FAULTS = FaultPlan()


@dataclass(frozen=True)
class _Fate:
    fault: str | None  # one of the plan's kinds, or None: forwarded as it is
    delay_s: float = 0.0
    seed: int = 0  # picks the rejected items of a partial bulk


class FaultProxy:
    """The proxy; a context manager that starts and stops it. Thread-safe."""

    def __init__(self, upstream: str, plan: FaultPlan = NO_FAULTS, seed: int = 0) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 9200)
        self.counts: Counter[str] = Counter()  # requests, and each fault injected
        self.calls: list[tuple[str, str]] = []  # (method, path with its query) of each request
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._plan = plan
        self._counted = 0  # requests fail_from counts, since the plan was set
        self._cut_at: int | None = None  # the request the cut began at
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-proxy", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def requests(self) -> int:
        return self.counts["requests"]

    def faults(self) -> dict[str, int]:
        return {k: v for k, v in sorted(self.counts.items()) if k != "requests"}

    def set_plan(self, plan: FaultPlan) -> None:
        """Faults from the next request on (`NO_FAULTS` switches them off)."""
        with self._lock:
            self._plan = plan
            self._counted = 0
            self._cut_at = None

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    # -- what happens to one request --

    def _fate(self, method: str, path: str) -> _Fate:
        with self._lock:
            self.calls.append((method, path))
            plan = self._plan
            self.counts["requests"] += 1
            counted = plan.matching in path
            self._counted += counted
            if counted and self._counted == plan.fail_from:
                self._cut_at = self.counts["requests"]
            since = None if self._cut_at is None else self.counts["requests"] - self._cut_at
            draw, slow, bulk = self._rng.random(), self._rng.random(), self._rng.random()
            delay = self._rng.uniform(*plan.slow_s)
            seed = self._rng.getrandbits(32)
            fault: str | None = None
            if since is not None and (plan.fail_for is None or since < plan.fail_for):
                # A node going after the lost answer of the cut's first request: the later
                # ones are not heard.
                fault = "drop" if plan.fail_with == "unanswered" and since > 0 else plan.fail_with
            else:
                edge = 0.0
                for kind in ("throttle", "unavailable", "drop", "unanswered"):
                    edge += getattr(plan, kind)
                    if draw < edge:
                        fault = kind
                        break
                if fault is None and _is_bulk(path) and bulk < plan.bulk:
                    fault = "bulk"
            if fault is not None:
                self.counts[fault] += 1
            if fault in (None, "unanswered", "bulk") and slow < plan.slow:
                self.counts["slow"] += 1
                return _Fate(fault, delay, seed)
            return _Fate(fault, 0.0, seed)

    def _forward(self, method: str, path: str, headers: Headers, body: bytes) -> Answer:
        connection = HTTPConnection(*self.upstream, timeout=60)
        try:
            kept = {k: v for k, v in headers if k.lower() not in HOP_BY_HOP}
            connection.request(method, path, body=body or None, headers=kept)
            response = connection.getresponse()
            data = response.read()
            answered = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
            return response.status, answered, data
        finally:
            connection.close()

    def _partial_bulk(self, path: str, headers: Headers, body: bytes, seed: int) -> Answer:
        """Forward some of the bulk's items; answer the others 429, in their places."""
        items = _bulk_items(body)
        rng = random.Random(seed)
        rejected = {i for i in range(len(items)) if rng.random() < self._plan.bulk_item_share}
        rejected = rejected or {rng.randrange(len(items))}
        kept = [line for i, item in enumerate(items) if i not in rejected for line in item]
        answers: list[dict[str, object]] = []
        answered = JSON
        if kept:
            status, answered, data = self._forward("POST", path, headers, b"\n".join(kept) + b"\n")
            if status != 200:
                return status, answered, data  # failed as a whole: nothing to split
            answers = json.loads(data)["items"]
        with self._lock:
            self.counts["bulk_items"] += len(rejected)
        forwarded = iter(answers)
        merged = [
            _rejected_item(items[i][0], _path_index(path)) if i in rejected else next(forwarded)
            for i in range(len(items))
        ]
        return 200, answered, json.dumps({"took": 1, "errors": True, "items": merged}).encode()


def _is_bulk(path: str) -> bool:
    return urlsplit(path).path.rstrip("/").endswith("/_bulk")


def _path_index(path: str) -> str | None:
    first = urlsplit(path).path.strip("/").split("/")[0]
    return None if first.startswith("_") else first


def _bulk_items(body: bytes) -> list[list[bytes]]:
    """The bulk body's items: the action line, and the source line unless it is a delete."""
    lines = iter(line for line in body.splitlines() if line.strip())
    items = []
    for line in lines:
        op = next(iter(json.loads(line)))
        items.append([line] if op == "delete" else [line, next(lines)])
    return items


def _rejected_item(action_line: bytes, index: str | None) -> dict[str, object]:
    op, meta = next(iter(json.loads(action_line).items()))
    error = THROTTLED["error"]
    return {op: {"_index": meta.get("_index", index), "_id": meta.get("_id"), "status": 429, "error": error}}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, proxy: FaultProxy) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.proxy = proxy


class _Handler(BaseHTTPRequestHandler):
    # Keep-alive, as the node speaks it: a dropped connection is then one a client reuses.
    protocol_version = "HTTP/1.1"
    server: _Server

    def _relay(self) -> None:
        proxy = self.server.proxy
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = list(self.headers.items())
        fate = proxy._fate(self.command, self.path)
        if fate.fault == "throttle":
            return self._answer(429, JSON, json.dumps(THROTTLED).encode())
        if fate.fault == "unavailable":
            return self._answer(503, JSON, json.dumps(UNAVAILABLE).encode())
        if fate.fault == "drop":
            self.close_connection = True
            return None
        time.sleep(fate.delay_s)
        if fate.fault == "bulk":
            answer = proxy._partial_bulk(self.path, headers, body, fate.seed)
        else:
            answer = proxy._forward(self.command, self.path, headers, body)
        if fate.fault == "unanswered":
            self.close_connection = True
            return None
        return self._answer(*answer)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _relay

    def _answer(self, status: int, headers: Headers, body: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if self.command == "HEAD":
            body = b""
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # a test's output is for its figures
