"""AWS Signature Version 4 for the reads' requests, with the standard library alone.

Why not botocore's signer, which the writes use through opensearch-py: importing
`botocore.auth` (with `botocore.compat`, `botocore.utils` and urllib3) costs about 50 ms
of the search function's first answer after a cold start, which must come within 400 ms
(issue 11), and what the reads need from it is one documented algorithm
(https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html). This
module follows botocore's `SigV4Auth` step for step, the choices AWS leaves open
included (the path encoded a second time, the query string kept as sent, the default
port left out of the host), and the tests sign the same requests with botocore and
with opensearch-py's signer and compare every header.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import SplitResult, quote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"
DEFAULT_PORTS = {"http": 80, "https": 443}


class Credentials(Protocol):
    """What a signature needs: botocore's `Credentials` and `EnvironmentCredentials` both fit."""

    @property
    def access_key(self) -> str: ...

    @property
    def secret_key(self) -> str: ...

    @property
    def token(self) -> str | None: ...


def sigv4_headers(
    credentials: Credentials,
    region: str,
    service: str,
    method: str,
    url: str,
    body: bytes,
    now: datetime | None = None,
) -> dict[str, str]:
    """The headers that sign one request, as opensearch-py's `AWSV4Signer` makes them:
    Authorization, X-Amz-Date, the session token (if any) and the payload's hash (which
    OpenSearch Serverless requires). The request must carry `host_header(url)` as its Host.
    """
    # Refreshable credentials refresh on each attribute read: a frozen copy keeps the key
    # and the secret of one signature from two different refreshes.
    frozen = getattr(credentials, "get_frozen_credentials", None)
    if callable(frozen):
        credentials = frozen()
    timestamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    day = timestamp[:8]
    parts = urlsplit(url)
    signed = {"host": _host(parts), "x-amz-date": timestamp}
    if credentials.token:
        signed["x-amz-security-token"] = credentials.token
    names = ";".join(sorted(signed))
    payload = hashlib.sha256(body).hexdigest()
    canonical = "\n".join(
        [
            method.upper(),
            _canonical_path(parts),
            _canonical_query(parts.query),
            "".join(f"{name}:{' '.join(signed[name].split())}\n" for name in sorted(signed)),
            names,
            payload,
        ]
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join([ALGORITHM, timestamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = f"AWS4{credentials.secret_key}".encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers = {"X-Amz-Date": timestamp}
    if credentials.token:
        headers["X-Amz-Security-Token"] = credentials.token
    headers["Authorization"] = (
        f"{ALGORITHM} Credential={credentials.access_key}/{scope}, "
        f"SignedHeaders={names}, Signature={signature}"
    )
    headers["X-Amz-Content-SHA256"] = payload
    return headers


def host_header(url: str) -> str:
    """The Host a signature covers: the host in lower case, its port unless the scheme's default."""
    return _host(urlsplit(url))


def _host(parts: SplitResult) -> str:
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    if parts.port is not None and parts.port != DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{parts.port}"
    return host


def _canonical_path(parts: SplitResult) -> str:
    # The path as sent (already percent-encoded) is encoded once more: AWS's rule for
    # every service but S3.
    return quote(_remove_dot_segments(parts.path) if parts.path else "/", safe="/~")


def _remove_dot_segments(path: str) -> str:
    """RFC 3986's dot-segment removal, empty segments dropped too (as AWS requires)."""
    kept: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if kept:
                kept.pop()
        elif segment and segment != ".":
            kept.append(segment)
    first = "/" if path.startswith("/") else ""
    last = "/" if path.endswith("/") and kept else ""
    return first + "/".join(kept) + last


def _canonical_query(query: str) -> str:
    """The query's pairs sorted, each kept as sent (the caller encodes them)."""
    if not query:
        return ""
    pairs = sorted((key, value) for key, _, value in (pair.partition("=") for pair in query.split("&")))
    return "&".join(f"{key}={value}" for key, value in pairs)
