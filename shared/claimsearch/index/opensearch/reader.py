"""The adapter's reads (search, multi-search, get, count) as JSON requests over http.client.

Why not opensearch-py's client, which the writes use: importing it loads requests and
its whole API (about 110 ms of a 2-core machine's CPU), and the search function's
first answer must come within 400 ms of a cold start (issue 11). Nor urllib3 (about
25 ms more, on top of the http.client it drives): a read is one signed POST or GET of a
JSON body to one host, and what it needs from a client is kept connections, a timeout
and retries, which `_Connections` and `Reader._send` give in a few lines. Retries
follow the endpoint as opensearch-py's transport does: failed connections, dropped
answers and RETRIED_STATUSES, up to `max_retries` more attempts, never a timeout.
"""

from __future__ import annotations

import base64
import http.client
import json
import select
import ssl
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from typing import Any, NamedTuple
from urllib.parse import quote, urlencode, urlsplit

from claimsearch.index.opensearch.endpoint import RETRIED_STATUSES, Endpoint
from claimsearch.index.opensearch.errors import EngineUnreachable, engine_error
from claimsearch.index.opensearch.sigv4 import host_header, sigv4_headers

# Idle connections kept per reader: as many as the threads that read at once, at most.
MAX_IDLE = 10


class Answer(NamedTuple):
    status: int
    data: bytes


# Opened around each read, retries included, when set (`trace_reads`): the search function
# records them as X-Ray subsegments this way, since X-Ray's own http.client patch imports
# urllib3 (about 30 ms of a cold start) and the domain knows no tracer.
Span = Callable[[str], AbstractContextManager[Any]]
_span: Span | None = None


def trace_reads(span: Span | None) -> None:
    """Open `span(name)` around every read from now on ("## opensearch POST _search"); None: stop."""
    global _span
    _span = span


class Reader:
    """Reads from the cluster at an endpoint. Thread-safe."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self._base = endpoint.host
        self._prefix = urlsplit(self._base).path  # a path the cluster is served under, if any
        self._credentials = endpoint.credentials()  # fails early: no credentials, no reader
        self._headers = {"Host": host_header(self._base)}  # the Host a signature covers
        if endpoint.basic_auth:
            user_password = ":".join(endpoint.basic_auth).encode()
            self._headers["Authorization"] = "Basic " + base64.b64encode(user_password).decode()
        self._connections = _Connections(endpoint)  # connects at the first request, not here

    # -- the reads -----------------------------------------------------------------------------

    def search(self, index: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._json("POST", f"/{_name(index)}/_search", body)

    def msearch(
        self, index: str, bodies: Sequence[tuple[dict[str, Any], dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """The answers to (header, body) pairs, in order; each answer may hold an "error"."""
        lines = "".join(_dumps(part) + "\n" for pair in bodies for part in pair)
        answer = self._request("POST", f"/{_name(index)}/_msearch", lines.encode(), "application/x-ndjson")
        return list(answer["responses"])

    def get(self, index: str, doc_id: str, source_includes: str) -> dict[str, Any]:
        query = urlencode({"_source_includes": source_includes})
        return self._json("GET", f"/{_name(index)}/_doc/{quote(doc_id, safe='')}?{query}", None)

    def count(self, index: str) -> dict[str, Any]:
        return self._json("POST", f"/{_name(index)}/_count", None)

    def ping(self) -> bool:
        try:
            response = self._send("HEAD", "/", b"", None)
        except EngineUnreachable:
            return False
        return 200 <= response.status < 300

    # -- the transport --------------------------------------------------------------------------

    def _json(self, method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        data = _dumps(body).encode() if body is not None else b""
        return self._request(method, path, data, "application/json" if body is not None else None)

    def _request(self, method: str, path: str, body: bytes, content_type: str | None) -> dict[str, Any]:
        response = self._send(method, path, body, content_type)
        try:
            answer = json.loads(response.data) if response.data else {}
        except ValueError:
            answer = {"error": response.data.decode("utf-8", "replace")[:500]}
        if response.status >= 400:
            raise engine_error(response.status, answer)
        return dict(answer)

    def _send(self, method: str, path: str, body: bytes, content_type: str | None) -> Answer:
        """One request, sent again after a failed connection, a dropped answer or a
        RETRIED_STATUSES answer, up to the endpoint's `max_retries` times; the last
        answer is returned, an error answer included. Raises EngineUnreachable."""
        headers = dict(self._headers)
        if content_type:
            headers["Content-Type"] = content_type
        if self._credentials is not None:
            endpoint = self.endpoint
            assert endpoint.aws_region is not None  # credentials come with a region
            headers |= sigv4_headers(
                self._credentials, endpoint.aws_region, endpoint.aws_service, method, self._base + path, body
            )
        # "_search", "_msearch", "_doc", "_count" (index names cannot begin with "_"); "/" for a ping.
        operation = next((part for part in path.split("?", 1)[0].split("/") if part.startswith("_")), "/")
        with (_span or nullcontext)(f"## opensearch {method} {operation}"):
            return self._attempts(method, self._prefix + path, path, body, headers)

    def _attempts(self, method: str, target: str, path: str, body: bytes, headers: dict[str, str]) -> Answer:
        attempts = self.endpoint.max_retries + 1
        for attempt in range(1, attempts + 1):
            connection = self._connections.take()
            try:
                connection.request(method, target, body=body or None, headers=headers)
                response = connection.getresponse()
                data = response.read()
            except TimeoutError as exc:
                # Not sent again: a search must not outlast API Gateway's limit by retrying.
                connection.close()
                waited = f"no answer within {self.endpoint.timeout:g} s"
                raise EngineUnreachable(f"{method} {path}: {waited}") from exc
            except ssl.SSLError as exc:  # a certificate refused is not going to change
                connection.close()
                raise EngineUnreachable(f"{method} {path}: {exc}") from exc
            except (OSError, http.client.HTTPException) as exc:  # refused, reset, closed unanswered
                connection.close()
                if attempt == attempts:
                    raise EngineUnreachable(f"{method} {path}: {exc!r} after {attempts} attempts") from exc
                continue
            self._connections.give_back(connection, reusable=not response.will_close)
            if response.status in RETRIED_STATUSES and attempt < attempts:
                continue
            return Answer(response.status, data)
        raise AssertionError("unreachable: the last attempt returns or raises")


class _Connections:
    """Kept-alive connections to the endpoint's host, one per request in flight. Thread-safe."""

    def __init__(self, endpoint: Endpoint) -> None:
        parts = urlsplit(endpoint.host)
        self._tls = parts.scheme == "https"
        self._hostname = parts.hostname or "127.0.0.1"
        self._port = parts.port
        self._timeout = endpoint.timeout
        self._context: ssl.SSLContext | None = None
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def take(self) -> http.client.HTTPConnection:
        with self._lock:
            while self._idle:
                connection = self._idle.pop()
                if _still_open(connection):
                    return connection
                connection.close()
            if self._tls and self._context is None:
                import certifi  # the CA bundle opensearch-py verifies with

                self._context = ssl.create_default_context(cafile=certifi.where())
        if self._tls:
            return http.client.HTTPSConnection(
                self._hostname, self._port, timeout=self._timeout, context=self._context
            )
        return http.client.HTTPConnection(self._hostname, self._port, timeout=self._timeout)

    def give_back(self, connection: http.client.HTTPConnection, *, reusable: bool) -> None:
        with self._lock:
            if reusable and len(self._idle) < MAX_IDLE:
                self._idle.append(connection)
                return
        connection.close()


def _still_open(connection: http.client.HTTPConnection) -> bool:
    """False when the cluster closed a kept connection while it was idle (it reads as ready:
    end of file), as urllib3 checks before reusing one, so that no attempt is spent on it."""
    sock = connection.sock
    if sock is None:
        return True  # not connected yet: it connects when used
    readable, _, _ = select.select([sock], [], [], 0)
    return not readable


def _name(index: str) -> str:
    return quote(index, safe=",*")


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default, separators=(",", ":"), ensure_ascii=False)


def _json_default(value: Any) -> Any:
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    raise TypeError(f"cannot send {type(value).__name__} to OpenSearch")
