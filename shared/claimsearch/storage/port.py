"""The BlobStore port: where article files and the archive live."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol


class BlobStore(Protocol):
    """Keyed bytes: an S3 bucket in AWS, a folder locally."""

    def get(self, key: str) -> bytes:
        """The object's bytes; raises KeyError when there is none."""

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None: ...

    def list(self, prefix: str = "") -> Iterator[str]:
        """Keys under `prefix`, in lexical order."""

    def size(self, key: str) -> int:
        """The object's size in bytes, without reading it; raises KeyError when absent."""
