"""One writer at a time per article: a lease object in the archive's store.

Two events of one key can be applied at once (the ingest function runs two at a time; the
local watcher beside `claimsearch delete`). Each reads the source's record, then writes
the archive, the index and the record. Interleaved, the older one's writes could land
last: an upload overwriting the takedown that followed it, or an edit rolled back. So a
writer first takes the article's lease, a small object created only if absent (S3's
conditional write, If-None-Match), and removes it when done. A writer that finds the
lease held raises ArticleBusy, a transient error: its message goes back to the queue and
is applied after the holder, when the record it reads is the holder's.

A lease names its holder and when it lapses. A holder that died (a Lambda timeout, a
killed process) leaves one behind; once it has lapsed, or its process is gone from this
host, the next writer takes it over with a write conditional on the old lease's etag
(If-Match), so of two writers taking over at once, one wins.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from claimsearch.errors import ClaimsearchError
from claimsearch.storage.port import BlobStore, VersionGone

# Longer than any one writer holds it: a Lambda invocation lasts at most 15 minutes.
LEASE = timedelta(minutes=15)


class ArticleBusy(ClaimsearchError):
    """Another writer holds the article's lease: try again once it is done (transient)."""

    code = "article_busy"
    status = 409

    def __init__(self, article_id: str, holder: str) -> None:
        super().__init__(
            f"article {article_id} is being written by another ingest or delete ({holder}); try again shortly"
        )
        self.article_id = article_id


@dataclass(frozen=True)
class Lease:
    holder: str
    host: str
    pid: int
    until: str  # ISO 8601, UTC

    @classmethod
    def new(cls, now: datetime) -> Lease:
        return cls(uuid.uuid4().hex, socket.gethostname(), os.getpid(), (now + LEASE).isoformat())

    def encode(self) -> bytes:
        return json.dumps(asdict(self)).encode("utf-8")

    def lapsed(self, now: datetime) -> bool:
        """Past its time, or left by a process of this host that is no longer running."""
        return datetime.fromisoformat(self.until) <= now or (
            self.host == socket.gethostname() and not _running(self.pid)
        )

    def __str__(self) -> str:
        return f"{self.host} pid {self.pid} until {self.until}"


@contextmanager
def held(store: BlobStore, key: str, article_id: str) -> Iterator[Lease]:
    """Hold the lease at `key` while the block runs; ArticleBusy when another holds it."""
    lease = _take(store, key, article_id)
    try:
        yield lease
    finally:
        _give_back(store, key, lease)


def _take(store: BlobStore, key: str, article_id: str) -> Lease:
    now = datetime.now(UTC)
    lease = Lease.new(now)
    if store.create(key, lease.encode()):
        return lease
    try:
        etag = store.head(key).etag
        current = _read(store.get(key, etag))
    except (KeyError, VersionGone):
        # Given back, or taken over, since the create: one more try, then busy.
        if store.create(key, lease.encode()):
            return lease
        raise ArticleBusy(article_id, "another writer") from None
    if current is not None and not current.lapsed(now):
        raise ArticleBusy(article_id, str(current))
    if store.replace(key, lease.encode(), etag):
        return lease
    raise ArticleBusy(article_id, "another writer taking over a lapsed lease")


def _give_back(store: BlobStore, key: str, lease: Lease) -> None:
    try:
        etag = store.head(key).etag
        current = _read(store.get(key, etag))
    except (KeyError, VersionGone):
        return
    # Not another's: a writer that outlived its lease finds it taken over.
    if current is not None and current.holder == lease.holder:
        store.delete(key)


def _read(data: bytes) -> Lease | None:
    """The lease written; None for one that cannot be read (it counts as lapsed)."""
    try:
        return Lease(**json.loads(data))
    except (ValueError, TypeError):
        return None


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # running, as another user
        return True
    return True
