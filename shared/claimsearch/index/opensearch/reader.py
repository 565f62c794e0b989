"""The adapter's reads (search, multi-search, get, count) as JSON requests over urllib3.

Why not opensearch-py's client, which the writes use: importing it loads requests and
its whole API (about 110 ms of a 2-core machine's CPU), and the search function's
first answer must come within 400 ms of a cold start (issue 11). A read is one signed
POST or GET of a JSON body; urllib3 (pooled connections, retries, timeouts) and
botocore's SigV4 signer, both already in the function, do everything it needs.
Retries and timeouts follow the endpoint as opensearch-py's transport does (`_Retry`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import quote, urlencode

import urllib3

from claimsearch.index.opensearch.endpoint import RETRIED_STATUSES, Endpoint, sigv4_headers
from claimsearch.index.opensearch.errors import EngineUnreachable, engine_error

if TYPE_CHECKING:
    from types import TracebackType

    from urllib3.connectionpool import ConnectionPool


class Reader:
    """Reads from the cluster at an endpoint. Thread-safe (urllib3's pool is)."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self._base = endpoint.host
        self._credentials = endpoint.credentials()  # fails early: no credentials, no reader
        self._auth_headers = (
            urllib3.make_headers(basic_auth=":".join(endpoint.basic_auth)) if endpoint.basic_auth else {}
        )
        self._pool = _pool_for(endpoint)  # connects at the first request, not here

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

    def _send(
        self, method: str, path: str, body: bytes, content_type: str | None
    ) -> urllib3.BaseHTTPResponse:
        url = self._base + path
        headers = dict(self._auth_headers)
        if content_type:
            headers["Content-Type"] = content_type
        if self._credentials is not None:
            endpoint = self.endpoint
            assert endpoint.aws_region is not None  # credentials come with a region
            headers |= sigv4_headers(
                self._credentials, endpoint.aws_region, endpoint.aws_service, method, url, body
            )
        try:
            return self._pool.request(method, url, body=body or None, headers=headers)
        except urllib3.exceptions.HTTPError as exc:  # connect and read errors, timeouts, after retries
            raise EngineUnreachable(f"{method} {path}: {exc}") from exc


def _pool_for(endpoint: Endpoint) -> urllib3.PoolManager:
    options: dict[str, Any] = {}
    if endpoint.uses_tls:
        import certifi  # the CA bundle opensearch-py verifies with

        options = {"cert_reqs": "CERT_REQUIRED", "ca_certs": certifi.where()}
    retries = _Retry(
        total=endpoint.max_retries,
        redirect=0,
        status_forcelist=RETRIED_STATUSES,
        allowed_methods=None,  # reads only: every request may be sent again
        raise_on_status=False,  # the last answer is returned, as an error answer
    )
    return urllib3.PoolManager(
        num_pools=1,
        maxsize=10,
        timeout=urllib3.Timeout(connect=endpoint.timeout, read=endpoint.timeout),
        retries=retries,
        **options,
    )


class _Retry(urllib3.Retry):
    """urllib3's retries as opensearch-py's transport retries: failed connections and
    dropped answers, and RETRIED_STATUSES, but never a timeout (`retry_on_timeout=False`),
    so a search cannot outlast API Gateway's limit by retrying."""

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: urllib3.BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        if isinstance(error, urllib3.exceptions.TimeoutError):
            raise error  # as the last attempt's error: the caller reports it unreachable
        return super().increment(method, url, response, error, _pool, _stacktrace)


def _name(index: str) -> str:
    return quote(index, safe=",*")


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default, separators=(",", ":"), ensure_ascii=False)


def _json_default(value: Any) -> Any:
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    raise TypeError(f"cannot send {type(value).__name__} to OpenSearch")
