"""Reaching an OpenSearch cluster: the client, and engine failures as the domain's errors."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote, urlsplit, urlunsplit

from opensearchpy import OpenSearch, RequestsHttpConnection
from opensearchpy.exceptions import ConnectionError as TransportConnectionError
from opensearchpy.exceptions import NotFoundError, TransportError

from claimsearch.errors import ClaimsearchError, IndexUnavailable

if TYPE_CHECKING:
    from botocore.credentials import Credentials

DEFAULT_URL = "http://127.0.0.1:9200"


class RebuildFailed(ClaimsearchError):
    """A rebuild could not load every document; the previous index still serves."""

    code = "rebuild_failed"
    status = 500


def connect(
    url: str | None,
    *,
    aws_region: str | None = None,
    aws_service: str = "es",
    username: str | None = None,
    password: str | None = None,
    timeout: float = 10.0,
    max_retries: int = 3,
) -> OpenSearch:
    """A client for the node or domain at `url` (default: the local node).

    With `aws_region`, requests are signed with SigV4 using the default boto3
    credential chain (the Lambda role in AWS); `aws_service` is "es" for Amazon
    OpenSearch Service, "aoss" for OpenSearch Serverless. Otherwise basic auth is
    used when credentials are given as arguments or in the URL's userinfo.
    5xx gateway errors are retried by the transport (they are what a domain under
    blue/green deployment or a restarting node answers); timeouts are not, so a
    search cannot outlast API Gateway's limit by retrying.
    """
    parts = urlsplit(url or DEFAULT_URL)
    if parts.username or parts.password:
        username = username or unquote(parts.username or "")
        password = password or unquote(parts.password or "")
    netloc = parts.hostname or "127.0.0.1"
    if ":" in netloc:  # IPv6 literal
        netloc = f"[{netloc}]"
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    host = urlunsplit((parts.scheme or "http", netloc, parts.path, "", ""))
    options: dict[str, Any] = {
        "hosts": [host],
        "use_ssl": parts.scheme == "https",
        "verify_certs": parts.scheme == "https",
        "timeout": timeout,
        "max_retries": max_retries,
        "retry_on_status": (502, 503, 504),
        "retry_on_timeout": False,
    }
    if aws_region:
        from opensearchpy import AWSV4SignerAuth

        credentials = _default_credentials()
        if credentials is None:
            raise ValueError("CLAIMSEARCH_OPENSEARCH_REGION is set but boto3 finds no AWS credentials")
        # Requests-based connection: the signer documented for it signs the exact body sent.
        options["http_auth"] = AWSV4SignerAuth(credentials, aws_region, aws_service)
        options["connection_class"] = RequestsHttpConnection
        options["pool_maxsize"] = 10
    elif username:
        options["http_auth"] = (username, password or "")
    return OpenSearch(**options)


class EnvironmentCredentials(NamedTuple):
    """Credentials as the environment gives them, frozen: what the SigV4 signer reads."""

    access_key: str
    secret_key: str
    token: str | None


def _default_credentials() -> Credentials | EnvironmentCredentials | None:
    """What boto3's default credential chain answers, importing only what the answer needs.

    The chain asks the environment first, and in Lambda the role's credentials are there:
    reading them as botocore's environment provider does (the same variables) skips
    importing botocore's credential machinery and building a session (about 20 ms of CPU
    and 80 ms respectively in the search function's cold start). Elsewhere, or when the
    environment's credentials carry an expiry (botocore refreshes those), the whole chain runs.
    """
    environ = os.environ
    key, secret = environ.get("AWS_ACCESS_KEY_ID"), environ.get("AWS_SECRET_ACCESS_KEY")
    if key and secret and not environ.get("AWS_CREDENTIAL_EXPIRATION"):
        token = environ.get("AWS_SESSION_TOKEN") or environ.get("AWS_SECURITY_TOKEN") or None
        return EnvironmentCredentials(key, secret, token)
    from botocore.session import Session

    return Session().get_credentials()


@contextmanager
def engine_errors(action: str) -> Iterator[None]:
    """Engine failures as the domain's typed errors (IndexUnavailable is retryable)."""
    try:
        yield
    except TransportConnectionError as exc:  # includes timeouts
        raise IndexUnavailable(f"OpenSearch did not answer while trying to {action}: {exc}") from exc
    except TransportError as exc:
        if error_type(exc) == "index_not_found_exception":
            raise IndexUnavailable(f"OpenSearch index missing while trying to {action}: {exc}") from exc
        status = exc.status_code if isinstance(exc.status_code, int) else 500
        if status == 429 or status >= 500 or status in (401, 403):
            raise IndexUnavailable(f"OpenSearch refused to {action} ({status}): {exc}") from exc
        raise


def error_type(exc: TransportError) -> str | None:
    info = exc.info if isinstance(exc.info, dict) else {}
    error = info.get("error")
    return error.get("type") if isinstance(error, dict) else None


def no_index_yet(exc: NotFoundError) -> bool:
    """The alias is missing: nothing has been ingested into this cluster yet."""
    return error_type(exc) == "index_not_found_exception"


def bulk_reason(info: dict[str, Any]) -> str:
    error = info.get("error")
    if isinstance(error, dict):
        reason = f"{error.get('type')}: {error.get('reason')}"
        cause = error.get("caused_by")
        if isinstance(cause, dict) and cause.get("reason"):
            reason += f" ({cause.get('reason')})"
        return reason
    return str(error or f"status {info.get('status')}")


def request_reason(exc: TransportError) -> str:
    info = exc.info if isinstance(exc.info, dict) else {}
    return bulk_reason({"error": info.get("error") or exc.error, "status": exc.status_code})
