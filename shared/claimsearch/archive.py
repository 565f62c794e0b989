"""The archive: parsed articles with their claims, the source of truth.

Every ingested article is written here as JSON before it is indexed, so an index
can always be rebuilt from the archive (`claimsearch reindex`), and every rejected
file leaves a record of why.

Beside the articles, the archive keeps one record per source (bucket and key): the
last event applied to it, the content it holds, and whether it is live. A deleted
source leaves a tombstone, so a rebuild never brings its article back and a late,
older event never overwrites what came after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from itertools import islice

from claimsearch.errors import DocumentError
from claimsearch.leases import Lease, held
from claimsearch.model import ExtractedArticle
from claimsearch.storage.port import BlobStore

MAX_PLAIN_KEY = 512
READ_THREADS = 10  # botocore pools 10 connections per client
READ_WINDOW = 256


@dataclass(frozen=True)
class SourceState:
    """What the archive holds for one source: the article it became, or its tombstone."""

    article_id: str
    bucket: str
    key: str
    live: bool
    sequencer: str | None = None  # of the last event applied
    etag: str | None = None  # of the content indexed (None once deleted)
    updated_at: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> SourceState:
        return cls(
            article_id=str(data["article_id"]),
            bucket=str(data["bucket"]),
            key=str(data["key"]),
            live=bool(data["live"]),
            sequencer=None if data.get("sequencer") is None else str(data["sequencer"]),
            etag=None if data.get("etag") is None else str(data["etag"]),
            updated_at=str(data.get("updated_at") or ""),
        )


def rejection_name(source_key: str) -> str:
    """Where, under the rejected prefix, the record for `source_key` lives.

    The key itself when it is a plain path, so people find the record beside the
    file's name; a hash for keys that would climb out of the prefix ("..") or are
    too long or strange to be a file name.
    """
    parts = source_key.split("/")
    plain = (
        len(source_key.encode("utf-8")) <= MAX_PLAIN_KEY
        and all(p not in ("", ".", "..") and len(p.encode("utf-8")) < 240 for p in parts)
        and source_key.isprintable()
    )
    if plain:
        return f"{source_key}.json"
    return f"by-hash/{hashlib.sha256(source_key.encode('utf-8', 'surrogatepass')).hexdigest()}.json"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Archive:
    def __init__(
        self, store: BlobStore, prefix: str = "archive/", rejected_prefix: str = "rejected/"
    ) -> None:
        self.store = store
        self.prefix = prefix
        self.rejected_prefix = rejected_prefix

    # -- articles --

    def key_for(self, article_id: str) -> str:
        return f"{self.prefix}articles/{article_id}.json"

    def save(self, extracted: ExtractedArticle) -> str:
        key = self.key_for(extracted.article.id)
        body = json.dumps(extracted.to_dict(), ensure_ascii=False, indent=1).encode("utf-8")
        self.store.put(key, body, "application/json")
        return key

    def load(self, article_id: str) -> ExtractedArticle:
        return ExtractedArticle.from_dict(json.loads(self.store.get(self.key_for(article_id))))

    def remove(self, article_id: str) -> None:
        self.store.delete(self.key_for(article_id))

    def __iter__(self) -> Iterator[ExtractedArticle]:
        """Every live article, in key order. A tombstoned one whose removal was cut short stays out.

        Reads run READ_THREADS at a time (an S3 GET is mostly waiting), a window of
        READ_WINDOW keys ahead, so memory stays bounded on any archive size.
        """
        keys = self._live_keys()

        def load(key: str) -> ExtractedArticle:
            return ExtractedArticle.from_dict(json.loads(self.store.get(key)))

        with ThreadPoolExecutor(max_workers=READ_THREADS, thread_name_prefix="archive-read") as pool:
            while window := list(islice(keys, READ_WINDOW)):
                yield from pool.map(load, window)

    def count(self) -> int:
        """How many live articles the archive holds (a listing: no article is read)."""
        return sum(1 for _ in self._live_keys())

    def _live_keys(self) -> Iterator[str]:
        dead = self.tombstones()
        return (
            key
            for key in self.store.list(f"{self.prefix}articles/")
            if key.endswith(".json") and key.rsplit("/", 1)[-1][: -len(".json")] not in dead
        )

    # -- leases --

    def hold(self, article_id: str) -> AbstractContextManager[Lease]:
        """The article's lease, held while the block writes it (`claimsearch.leases`)."""
        return held(self.store, f"{self.prefix}leases/{article_id}", article_id)

    # -- sources --

    def _source_key(self, article_id: str) -> str:
        return f"{self.prefix}sources/{article_id}.json"

    def _tombstone_key(self, article_id: str) -> str:
        return f"{self.prefix}tombstones/{article_id}"

    def source(self, article_id: str) -> SourceState | None:
        try:
            return SourceState.from_dict(json.loads(self.store.get(self._source_key(article_id))))
        except KeyError:
            return None

    def record_source(self, state: SourceState) -> None:
        """Write the source's record; a tombstone marks it deleted (listed without reading)."""
        body = json.dumps({**asdict(state), "updated_at": _now()}, indent=1).encode("utf-8")
        if not state.live:
            # The tombstone first: if the next write fails, a rebuild already leaves it out.
            self.store.put(self._tombstone_key(state.article_id), b"", "text/plain")
        self.store.put(self._source_key(state.article_id), body, "application/json")
        if state.live:
            self.store.delete(self._tombstone_key(state.article_id))

    def written_since(self, since: datetime) -> tuple[set[str], set[str]]:
        """The ids of the articles archived, and of those taken down, at or after `since`."""
        saved = {
            key.rsplit("/", 1)[-1][: -len(".json")]
            for key in self.store.modified_since(f"{self.prefix}articles/", since)
            if key.endswith(".json")
        }
        prefix = f"{self.prefix}tombstones/"
        return saved, {key[len(prefix) :] for key in self.store.modified_since(prefix, since)}

    def live_sources(self, bucket: str) -> Iterator[SourceState]:
        """The live sources of `bucket` (each record read: for a local inbox, not a bucket of millions)."""
        for key in self.store.list(f"{self.prefix}sources/"):
            try:
                state = SourceState.from_dict(json.loads(self.store.get(key)))
            except KeyError:  # deleted since the listing
                continue
            if state.live and state.bucket == bucket:
                yield state

    def tombstones(self) -> set[str]:
        prefix = f"{self.prefix}tombstones/"
        return {key[len(prefix) :] for key in self.store.list(prefix)}

    # -- rejections --

    def rejection_key(self, source_key: str) -> str:
        return f"{self.rejected_prefix}{rejection_name(source_key)}"

    def reject(self, source_key: str, error: DocumentError) -> str:
        """Record why a file was refused, next to the archive, keyed by the file's key."""
        key = self.rejection_key(source_key)
        record = {
            "source_key": source_key,
            "code": error.code,
            "reason": error.reason,
            "rejected_at": _now(),
        }
        self.store.put(key, json.dumps(record, indent=1).encode("utf-8"), "application/json")
        return key

    def clear_rejection(self, source_key: str) -> None:
        """A later version of the file was accepted: its old rejection no longer holds."""
        self.store.delete(self.rejection_key(source_key))

    def rejections(self) -> Iterator[dict[str, str]]:
        for key in self.store.list(self.rejected_prefix):
            yield json.loads(self.store.get(key))
