"""Exceptions the client raises.

Every answer the API refuses becomes a `ClaimsearchAPIError` carrying the API's
stable `code`, its `message`, the `parameter` it names (400s) and the HTTP status;
the subclasses let callers catch the cases they handle differently without
comparing strings. Network failures are `ClaimsearchConnectionError`, so callers
never need to import the HTTP library this package happens to use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ClaimsearchClientError(Exception):
    """Base of everything this package raises on purpose."""


class ClaimsearchConnectionError(ClaimsearchClientError):
    """The API could not be reached, or the connection broke (after the retries allowed)."""


class ResponseShapeError(ClaimsearchClientError):
    """An answer that does not fit the API's contract (a proxy's page, a wrong base_url)."""


class ClaimsearchAPIError(ClaimsearchClientError):
    """The API answered with an error status and (usually) its JSON error body."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        parameter: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.parameter = parameter
        self.headers: Mapping[str, str] = dict(headers or {})
        self.body = body


class InvalidParameterError(ClaimsearchAPIError):
    """400 `invalid_parameter`: `parameter` names the query parameter at fault."""


class DocumentRejectedError(ClaimsearchAPIError):
    """POST /articles refused the document (empty, too large, not prose...): `code` says why."""


class NotFoundError(ClaimsearchAPIError):
    """404: no claim, claimant or article with that id (or no such route: `code` is `no_route`)."""


class ConflictError(ClaimsearchAPIError):
    """409: e.g. deleting an article that did not come through the inbox (`not_deletable`)."""


class RateLimitedError(ClaimsearchAPIError):
    """429: the usage plan's rate or quota is spent (raised once the retries are used up)."""


class ServiceUnavailableError(ClaimsearchAPIError):
    """503: the index or a dependency did not answer; transient (raised after the retries)."""


class ServerError(ClaimsearchAPIError):
    """Any other 5xx."""


def error_for(
    status: int, body: Any, headers: Mapping[str, str] | None = None, text: str = ""
) -> ClaimsearchAPIError:
    """The exception for an error answer: the API's `{"error": {...}}` body when it has one,
    else what a gateway in front of it sent (API Gateway answers `{"message": ...}`)."""
    code, message, parameter = f"http_{status}", text.strip()[:500] or f"HTTP {status}", None
    if isinstance(body, Mapping):
        detail = body.get("error")
        if isinstance(detail, Mapping) and isinstance(detail.get("code"), str):
            code = detail["code"]
            message = str(detail.get("message") or message)
            parameter = detail.get("parameter") if isinstance(detail.get("parameter"), str) else None
        elif isinstance(body.get("message"), str):  # API Gateway's own errors
            message = body["message"]
    kind: type[ClaimsearchAPIError]
    if status == 429:
        kind = RateLimitedError
    elif status == 503:
        kind = ServiceUnavailableError
    elif status >= 500:
        kind = ServerError
    elif status == 404:
        kind = NotFoundError
    elif status == 409:
        kind = ConflictError
    elif code == "invalid_parameter":
        kind = InvalidParameterError
    elif status in (400, 413, 415, 422) and not code.startswith("http_"):
        kind = DocumentRejectedError
    else:
        kind = ClaimsearchAPIError
    return kind(status, code, message, parameter, headers=headers, body=body)
