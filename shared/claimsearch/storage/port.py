"""The BlobStore port: where article files and the archive live."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class OutsideStore(Exception):
    """A key that names something outside the store (a local link out of its folder): an
    object there, but not one to read."""


class VersionGone(Exception):
    """The object no longer holds the version asked for (`BlobStore.get`'s `etag`): it was
    written again, or removed, since that version was seen."""


@dataclass(frozen=True)
class ObjectInfo:
    size: int
    etag: str  # changes whenever the content does (S3's ETag; a content hash locally)


class BlobStore(Protocol):
    """Keyed bytes: an S3 bucket in AWS, a folder locally."""

    def get(self, key: str, etag: str | None = None) -> bytes:
        """The object's bytes; raises KeyError when there is none. With `etag` (`head`'s),
        only that version's: raises VersionGone when the object now holds another."""

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None: ...

    def create(self, key: str, data: bytes) -> bool:
        """Write the object only when there is none (S3's If-None-Match: *): True when this
        call wrote it, False when one was there. Of two racing calls, one wins."""

    def replace(self, key: str, data: bytes, etag: str) -> bool:
        """Write the object only while its etag is `etag` (S3's If-Match): True when this
        call wrote it, False when it holds another version or is gone."""

    def delete(self, key: str) -> None:
        """Remove the object; nothing happens when there is none."""

    def list(self, prefix: str = "") -> Iterator[str]:
        """Keys under `prefix`, in lexical order."""

    def modified_since(self, prefix: str, since: datetime) -> Iterator[str]:
        """Keys under `prefix` written at or after `since` (by the store's clock: S3's
        LastModified, a file's mtime)."""

    def head(self, key: str) -> ObjectInfo:
        """The object's size and etag, without reading it; raises KeyError when absent,
        OutsideStore when the key leads out of the store."""
