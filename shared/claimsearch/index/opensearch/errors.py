"""The engine's failures: the reader's own error types, and both clients' failures as
the domain's errors.

Reads raise `EngineError` (an error answer) or `EngineUnreachable`; writes go through
opensearch-py and raise its `TransportError` family. `engine_errors` maps either to
`IndexUnavailable` where a retry may succeed. opensearch-py is not imported here: an
exception of its kind can only exist once something else has imported it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from claimsearch.errors import ClaimsearchError, IndexUnavailable


class RebuildFailed(ClaimsearchError):
    """A rebuild could not load every document; the previous index still serves."""

    code = "rebuild_failed"
    status = 500


class EngineError(Exception):
    """An error answer of the engine to a read: its HTTP status and the engine's body.

    The attributes are named as opensearch-py's `TransportError`'s, so the helpers
    below read both alike.
    """

    def __init__(self, status_code: int, info: Any) -> None:
        self.status_code = status_code
        self.info = info
        error = info.get("error") if isinstance(info, dict) else None
        self.error = str(error.get("type")) if isinstance(error, dict) else str(error or info)
        super().__init__(status_code, self.error)

    def __str__(self) -> str:
        return f"{self.status_code} {request_reason(self)}"


class EngineNotFound(EngineError):
    """404: no such document, or no such index (`no_index_yet` tells which)."""


class EngineRejected(EngineError):
    """400: the engine cannot run the request as written."""


class EngineUnreachable(Exception):
    """No answer: the connection failed or timed out (after the endpoint's retries)."""


def engine_error(status_code: int, info: Any) -> EngineError:
    kind = {404: EngineNotFound, 400: EngineRejected}.get(status_code, EngineError)
    return kind(status_code, info)


def _client_errors() -> tuple[type[Exception], ...]:
    """opensearch-py's connection and transport errors, in that order, once it is loaded
    (by a write)."""
    module = sys.modules.get("opensearchpy.exceptions")
    if module is None:
        return ()
    return (module.ConnectionError, module.TransportError)


@contextmanager
def engine_errors(action: str) -> Iterator[None]:
    """Engine failures as the domain's typed errors (IndexUnavailable is retryable)."""
    try:
        yield
    except EngineUnreachable as exc:
        raise IndexUnavailable(f"OpenSearch did not answer while trying to {action}: {exc}") from exc
    except EngineError as exc:
        _raise_unavailable(exc, action)
        raise
    except _client_errors() as exc:
        # opensearch-py's ConnectionError (timeouts included) is a TransportError without
        # an HTTP status.
        if isinstance(exc, _client_errors()[0]):
            raise IndexUnavailable(f"OpenSearch did not answer while trying to {action}: {exc}") from exc
        _raise_unavailable(exc, action)
        raise


def _raise_unavailable(exc: Any, action: str) -> None:
    if error_type(exc) == "index_not_found_exception":
        raise IndexUnavailable(f"OpenSearch index missing while trying to {action}: {exc}") from exc
    status = exc.status_code if isinstance(exc.status_code, int) else 500
    if status == 429 or status >= 500 or status in (401, 403):
        raise IndexUnavailable(f"OpenSearch refused to {action} ({status}): {exc}") from exc


def error_type(exc: Any) -> str | None:
    """The engine's error type ("index_not_found_exception", ...) of an EngineError or
    an opensearch-py TransportError."""
    info = exc.info if isinstance(exc.info, dict) else {}
    error = info.get("error")
    return error.get("type") if isinstance(error, dict) else None


def no_index_yet(exc: Any) -> bool:
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


def is_conflict(reason: str) -> bool:
    """Whether a write was refused because another writer changed the document since it was
    read (`bulk_reason` of a conditional put that lost, HTTP 409)."""
    return reason.startswith("version_conflict_engine_exception")


def request_reason(exc: Any) -> str:
    info = exc.info if isinstance(exc.info, dict) else {}
    return bulk_reason({"error": info.get("error") or exc.error, "status": exc.status_code})
