"""BlobStore over a local folder (the local stack's inbox and archive)."""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from claimsearch.storage.port import ObjectInfo, OutsideStore, VersionGone


class LocalBlobStore:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root not in path.parents and path != self.root:
            # Not KeyError, which says "no such object": a link in the inbox to a file
            # elsewhere would read as the file's removal and take its article down.
            raise OutsideStore(f"{key} leads outside {self.root} (a link to a file elsewhere?)")
        return path

    def get(self, key: str, etag: str | None = None) -> bytes:
        path = self._path(key)
        if not path.is_file():
            raise KeyError(key)
        data = path.read_bytes()
        if etag is not None and _content_hash(data) != etag:
            raise VersionGone(key)
        return data

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half a file.
        os.replace(self._written(path, data), path)

    def create(self, key: str, data: bytes) -> bool:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._written(path, data)
        try:
            os.link(tmp, path)  # fails when the name exists: of two racing calls, one wins
        except FileExistsError:
            return False
        finally:
            os.unlink(tmp)
        return True

    def replace(self, key: str, data: bytes, etag: str) -> bool:
        path = self._path(key)
        if not path.parent.is_dir():
            return False
        # The folder's lock keeps the check and the write together against every other
        # replace (any process); a plain put does not take it, as S3 orders none either.
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            fcntl.flock(folder, fcntl.LOCK_EX)
            try:
                held = path.read_bytes()
            except FileNotFoundError:
                return False
            if _content_hash(held) != etag:
                return False
            os.replace(self._written(path, data), path)
            return True
        finally:
            os.close(folder)  # and the lock with it

    @staticmethod
    def _written(path: Path, data: bytes) -> str:
        """`data` in a temporary file beside `path` (listed by no one), its name."""
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return tmp

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def list(self, prefix: str = "") -> Iterator[str]:
        if not self.root.exists():
            return
        keys = (
            p.relative_to(self.root).as_posix()
            for p in self.root.rglob("*")
            if p.is_file() and not p.name.startswith(".tmp-")
        )
        yield from sorted(k for k in keys if k.startswith(prefix))

    def modified_since(self, prefix: str, since: datetime) -> Iterator[str]:
        cutoff = since.timestamp()
        for key in self.list(prefix):
            try:
                if (self.root / key).stat().st_mtime >= cutoff:
                    yield key
            except FileNotFoundError:  # removed since the listing
                continue

    def head(self, key: str) -> ObjectInfo:
        path = self._path(key)
        if not path.is_file():
            raise KeyError(key)
        # A content hash, as S3's ETag is for single-part uploads: an edit that keeps
        # the size and time still changes it, and rewriting the same bytes does not.
        digest = hashlib.md5(usedforsecurity=False)
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return ObjectInfo(path.stat().st_size, digest.hexdigest())


def _content_hash(data: bytes) -> str:
    """`head`'s etag of these bytes."""
    return hashlib.md5(data, usedforsecurity=False).hexdigest()
