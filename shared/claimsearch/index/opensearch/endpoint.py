"""Where an OpenSearch cluster answers, and how requests to it are authenticated.

One `Endpoint` serves both clients of a cluster: the reader of the search path
(`reader.Reader`, over http.client, signed by `sigv4`) and opensearch-py's client for
writes and schema (`client.connect`). Nothing here imports opensearch-py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote, urlsplit, urlunsplit

if TYPE_CHECKING:
    from botocore.credentials import Credentials

DEFAULT_URL = "http://127.0.0.1:9200"
# Answers retried (see `Endpoint`): a domain under blue/green deployment, a restarting node.
RETRIED_STATUSES = (502, 503, 504)


@dataclass(frozen=True)
class Endpoint:
    """A cluster's URL and credentials (default: the local node, no auth).

    With `aws_region`, requests are signed with SigV4 using the default boto3
    credential chain (the Lambda role in AWS); `aws_service` is "es" for Amazon
    OpenSearch Service, "aoss" for OpenSearch Serverless. Otherwise basic auth is
    used when credentials are given here or in the URL's userinfo. 5xx gateway
    errors are retried up to `max_retries` times (they are what a domain under
    blue/green deployment or a restarting node answers); timeouts are not, so a
    search cannot outlast API Gateway's limit by retrying.
    """

    url: str | None = None
    aws_region: str | None = None
    aws_service: str = "es"
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0
    max_retries: int = 3

    @property
    def host(self) -> str:
        """The URL without its userinfo: scheme, host, port and path prefix."""
        parts = urlsplit(self.url or DEFAULT_URL)
        netloc = parts.hostname or "127.0.0.1"
        if ":" in netloc:  # IPv6 literal
            netloc = f"[{netloc}]"
        if parts.port:
            netloc = f"{netloc}:{parts.port}"
        return urlunsplit((parts.scheme or "http", netloc, parts.path.rstrip("/"), "", ""))

    @property
    def uses_tls(self) -> bool:
        return urlsplit(self.url or DEFAULT_URL).scheme == "https"

    @property
    def basic_auth(self) -> tuple[str, str] | None:
        """User and password for basic auth (arguments first, then the URL's userinfo); None: none."""
        if self.aws_region:
            return None
        parts = urlsplit(self.url or DEFAULT_URL)
        username = self.username or unquote(parts.username or "")
        password = self.password or unquote(parts.password or "")
        return (username, password) if username else None

    def credentials(self) -> Credentials | EnvironmentCredentials | None:
        """The AWS credentials requests are signed with; None without `aws_region`.

        Raises ValueError when signing is asked for and no credentials are found.
        """
        if not self.aws_region:
            return None
        found = _default_credentials()
        if found is None:
            raise ValueError("CLAIMSEARCH_OPENSEARCH_REGION is set but boto3 finds no AWS credentials")
        return found


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
