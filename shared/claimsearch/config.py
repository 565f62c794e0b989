"""Configuration from environment variables, read once, typed.

Defaults make the local run work with nothing else installed: SQLite under
`.data/`, local folders instead of buckets.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from claimsearch.errors import ConfigurationError
from claimsearch.extract import DEFAULT_FINDER, FINDERS

MiB = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    index_backend: str  # "sqlite" | "opensearch"
    opensearch_url: str | None
    opensearch_region: str | None  # set: sign requests with SigV4 (AWS)
    opensearch_service: str  # "es" (OpenSearch Service) | "aoss" (Serverless)
    index_prefix: str
    archive_bucket: str | None  # set: archive in S3; unset: under data_dir
    archive_prefix: str
    rejected_prefix: str
    max_document_bytes: int
    max_request_bytes: int
    # Limits of the text a file may yield (documents/limits.py says why each is what it is).
    max_text_chars: int
    max_text_lines: int
    max_token_chars: int
    max_nesting_depth: int
    extractor: str  # the attribution finder: one of `extract.FINDERS`
    model_threads: int  # intra-op threads of the trained finder
    # Exports (claimsearch/api/export_jobs.py): GET /claims/export stops a response at this many
    # bytes as Lambda returns it (its limit is 6 MB) and says where to resume; POST /exports
    # writes to the bucket and queue below (unset: the local stack, which has neither).
    export_response_bytes: int
    export_bucket: str | None
    export_prefix: str
    export_queue_url: str | None
    export_url_seconds: int  # how long a finished export's download URL works
    # The ingest function's own queue, where a message it has no time left for is sent again
    # (functions/ingest/app.py); unset: the message goes back as a batch item failure.
    ingest_queue_url: str | None
    # Origins whose pages may call the API from a browser (CORS): "*" any (the API sends no
    # cookies and takes its key in a header, so no origin gains anything the key does not
    # give), else the listed ones; none: no CORS headers, no preflight.
    cors_origins: tuple[str, ...] = ("*",)

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "claims.sqlite3"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"environment variable {name} must be an integer, got {raw!r}") from exc


def _choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise ConfigurationError(
            f"environment variable {name} must be one of {', '.join(choices)}, got {value!r}"
        )
    return value


def load_settings() -> Settings:
    """Read settings from the environment (uncached: tests change the environment)."""
    opensearch_url = os.environ.get("CLAIMSEARCH_OPENSEARCH_URL") or None
    backend = os.environ.get("CLAIMSEARCH_INDEX") or ("opensearch" if opensearch_url else "sqlite")
    if backend not in ("sqlite", "opensearch"):
        raise ConfigurationError(f"CLAIMSEARCH_INDEX must be 'sqlite' or 'opensearch', got {backend!r}")
    return Settings(
        data_dir=Path(os.environ.get("CLAIMSEARCH_DATA_DIR") or ".data").resolve(),
        index_backend=backend,
        opensearch_url=opensearch_url,
        opensearch_region=os.environ.get("CLAIMSEARCH_OPENSEARCH_REGION") or None,
        opensearch_service=os.environ.get("CLAIMSEARCH_OPENSEARCH_SERVICE") or "es",
        index_prefix=os.environ.get("CLAIMSEARCH_INDEX_PREFIX") or "claimsearch",
        archive_bucket=os.environ.get("CLAIMSEARCH_ARCHIVE_BUCKET") or None,
        archive_prefix=os.environ.get("CLAIMSEARCH_ARCHIVE_PREFIX") or "archive/",
        rejected_prefix=os.environ.get("CLAIMSEARCH_REJECTED_PREFIX") or "rejected/",
        max_document_bytes=_int("CLAIMSEARCH_MAX_DOCUMENT_BYTES", 5 * MiB),
        max_request_bytes=_int("CLAIMSEARCH_MAX_REQUEST_BYTES", 5 * MiB),
        max_text_chars=_int("CLAIMSEARCH_MAX_TEXT_CHARS", 200_000),
        max_text_lines=_int("CLAIMSEARCH_MAX_TEXT_LINES", 10_000),
        max_token_chars=_int("CLAIMSEARCH_MAX_TOKEN_CHARS", 1_000),
        max_nesting_depth=_int("CLAIMSEARCH_MAX_NESTING_DEPTH", 100),
        extractor=_choice("CLAIMSEARCH_EXTRACTOR", FINDERS, DEFAULT_FINDER),
        model_threads=_int("CLAIMSEARCH_MODEL_THREADS", 1),
        export_response_bytes=_int("CLAIMSEARCH_EXPORT_RESPONSE_BYTES", 5_000_000),
        export_bucket=os.environ.get("CLAIMSEARCH_EXPORT_BUCKET") or None,
        export_prefix=os.environ.get("CLAIMSEARCH_EXPORT_PREFIX") or "exports/",
        export_queue_url=os.environ.get("CLAIMSEARCH_EXPORT_QUEUE_URL") or None,
        export_url_seconds=_int("CLAIMSEARCH_EXPORT_URL_SECONDS", 3600),
        ingest_queue_url=os.environ.get("CLAIMSEARCH_INGEST_QUEUE_URL") or None,
        cors_origins=_origins("CLAIMSEARCH_CORS_ORIGINS", "*"),
    )


def _origins(name: str, default: str) -> tuple[str, ...]:
    """A comma-separated list of origins ("https://app.example, https://news.example"), "*", or
    "none"; each origin a scheme and host with no path, as a browser sends it."""
    raw = os.environ.get(name, default).strip()
    if raw.lower() == "none":
        return ()
    origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    for origin in origins:
        if origin != "*" and not re.fullmatch(r"https?://[^/\s]+", origin):
            raise ConfigurationError(
                f"environment variable {name}: {origin!r} is not an origin"
                " (https://host[:port]), '*' or 'none'"
            )
    return origins or (default,)


@lru_cache(maxsize=1)
def settings() -> Settings:
    """Settings of this process, read once (Lambda containers reuse them)."""
    return load_settings()
