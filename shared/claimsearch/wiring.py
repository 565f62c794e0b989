"""Adapters chosen by configuration, in one place.

Handlers and the CLI ask here for the index, the archive and blob stores; nothing
else reads configuration to pick an adapter.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from claimsearch.config import Settings, settings
from claimsearch.index.port import SearchIndex
from claimsearch.storage.port import BlobStore

if TYPE_CHECKING:
    from claimsearch.api.export_jobs import ExportStore
    from claimsearch.archive import Archive
    from claimsearch.documents.limits import DocumentLimits
    from claimsearch.extract.pipeline import ClaimExtractor


def make_index(config: Settings | None = None) -> SearchIndex:
    config = config or settings()
    if config.index_backend == "opensearch":
        from claimsearch.index.opensearch import Endpoint, OpenSearchIndex

        endpoint = Endpoint(
            config.opensearch_url,
            aws_region=config.opensearch_region,
            aws_service=config.opensearch_service,
        )
        return OpenSearchIndex(endpoint, prefix=config.index_prefix)
    from claimsearch.index.sqlite import SqliteIndex

    return SqliteIndex(config.sqlite_path)


def document_limits(config: Settings | None = None) -> DocumentLimits:
    """The limits on uploaded documents that configuration sets (the ratios keep their defaults)."""
    # Imported here: the documents package brings the parsers, which searches never need.
    from claimsearch.documents.limits import DocumentLimits

    config = config or settings()
    return DocumentLimits(
        max_bytes=config.max_document_bytes,
        max_chars=config.max_text_chars,
        max_lines=config.max_text_lines,
        max_token_chars=config.max_token_chars,
        max_depth=config.max_nesting_depth,
    )


@lru_cache(maxsize=1)
def index() -> SearchIndex:
    """The index of this process (one client per Lambda container).

    Not made ready here: writes create what they need, and reads answer "nothing yet"
    on a fresh cluster, so the search function's read-only role can start on one.
    """
    return make_index()


def local_buckets() -> dict[str, Path]:
    """Bucket names served from local folders: `CLAIMSEARCH_LOCAL_BUCKETS=name=path,...`.

    The local stack uses this so a file dropped in ./inbox travels the same S3 event
    path as an upload to the real bucket.
    """
    raw = os.environ.get("CLAIMSEARCH_LOCAL_BUCKETS", "")
    pairs = (item.split("=", 1) for item in raw.split(",") if "=" in item)
    return {name.strip(): Path(path.strip()) for name, path in pairs}


def blob_store(bucket: str) -> BlobStore:
    local = local_buckets().get(bucket)
    if local is not None:
        from claimsearch.storage.local import LocalBlobStore

        return LocalBlobStore(local)
    from claimsearch.storage.s3 import S3BlobStore

    return S3BlobStore(bucket)


def make_extractor(config: Settings | None = None) -> ClaimExtractor:
    """Article -> claims with the configured finder (imports the NLP stack: ingest only)."""
    from claimsearch.extract.pipeline import ClaimExtractor, finder_named

    config = config or settings()
    return ClaimExtractor(finder_named(config.extractor, config.model_threads))


def make_archive(config: Settings | None = None) -> Archive:
    # Imported when asked for: the search function needs the archive for DELETE only.
    from claimsearch.archive import Archive

    config = config or settings()
    store: BlobStore
    if config.archive_bucket:
        store = blob_store(config.archive_bucket)
    else:
        from claimsearch.storage.local import LocalBlobStore

        store = LocalBlobStore(config.data_dir)
    return Archive(store, config.archive_prefix, config.rejected_prefix)


LOCAL_INBOX_BUCKET = "claimsearch-local-inbox"


@dataclass(frozen=True)
class Inbox:
    """Where POST /articles drops files for the ingest path, and what DELETE removes."""

    bucket: str
    prefix: str
    store: BlobStore


def inbox_scope() -> tuple[str, str] | None:
    """The bucket and key prefix the ingest function takes events of (CLAIMSEARCH_INBOX_BUCKET
    and _PREFIX, as the stack sets them); None where no inbox is named: any."""
    bucket = os.environ.get("CLAIMSEARCH_INBOX_BUCKET")
    return (bucket, os.environ.get("CLAIMSEARCH_INBOX_PREFIX", "inbox/")) if bucket else None


def inbox() -> Inbox:
    """The inbox bucket (`CLAIMSEARCH_INBOX_BUCKET`), or a local folder standing in for it."""
    bucket = os.environ.get("CLAIMSEARCH_INBOX_BUCKET")
    if bucket:
        return Inbox(bucket, os.environ.get("CLAIMSEARCH_INBOX_PREFIX", "inbox/"), blob_store(bucket))
    from claimsearch.storage.local import LocalBlobStore

    folder = Path(os.environ.get("CLAIMSEARCH_INBOX_DIR", "inbox"))
    return Inbox(LOCAL_INBOX_BUCKET, "", LocalBlobStore(folder))


def export_store(config: Settings | None = None) -> ExportStore:
    """The bucket for exports; ExportsUnavailable where none is configured (the local stack)."""
    from claimsearch.api.export_jobs import ExportsUnavailable
    from claimsearch.storage.exports import S3ExportStore

    config = config or settings()
    if not config.export_bucket:
        raise ExportsUnavailable(
            "exports to a bucket need the AWS stack (CLAIMSEARCH_EXPORT_BUCKET is not set);"
            " GET /claims/export or `claimsearch export` give every claim here"
        )
    return S3ExportStore(config.export_bucket)


def export_queue(config: Settings | None = None) -> Callable[[str], None]:
    """Sends an export job to the export worker's queue."""
    from claimsearch.api.export_jobs import ExportsUnavailable
    from claimsearch.storage.sqs import SqsQueue

    config = config or settings()
    if not config.export_queue_url:
        raise ExportsUnavailable("exports need the export queue (CLAIMSEARCH_EXPORT_QUEUE_URL is not set)")
    return SqsQueue(config.export_queue_url).send


def ingest_requeue(config: Settings | None = None) -> Callable[[str, Mapping[str, int], int], None] | None:
    """Sends a message to the ingest function's own queue again (with its attributes, and a
    delay in seconds); None where no queue is configured (the local stack): a message then goes back as a
    batch item failure."""
    from claimsearch.storage.sqs import SqsQueue

    config = config or settings()
    if not config.ingest_queue_url:
        return None
    return SqsQueue(config.ingest_queue_url).send
