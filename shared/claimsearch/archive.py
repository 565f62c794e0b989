"""The archive: parsed articles with their claims, the source of truth.

Every ingested article is written here as JSON before it is indexed, so an index
can always be rebuilt from the archive (`claimsearch reindex`), and every rejected
file leaves a record of why.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

from claimsearch.errors import DocumentError
from claimsearch.model import ExtractedArticle
from claimsearch.storage.port import BlobStore


class Archive:
    def __init__(
        self, store: BlobStore, prefix: str = "archive/", rejected_prefix: str = "rejected/"
    ) -> None:
        self.store = store
        self.prefix = prefix
        self.rejected_prefix = rejected_prefix

    def key_for(self, article_id: str) -> str:
        return f"{self.prefix}articles/{article_id}.json"

    def save(self, extracted: ExtractedArticle) -> str:
        key = self.key_for(extracted.article.id)
        body = json.dumps(extracted.to_dict(), ensure_ascii=False, indent=1).encode("utf-8")
        self.store.put(key, body, "application/json")
        return key

    def load(self, article_id: str) -> ExtractedArticle:
        return ExtractedArticle.from_dict(json.loads(self.store.get(self.key_for(article_id))))

    def __iter__(self) -> Iterator[ExtractedArticle]:
        for key in self.store.list(f"{self.prefix}articles/"):
            if key.endswith(".json"):
                yield ExtractedArticle.from_dict(json.loads(self.store.get(key)))

    def reject(self, source_key: str, error: DocumentError) -> str:
        """Record why a file was refused, next to the archive, keyed by the file's key."""
        key = f"{self.rejected_prefix}{source_key}.json"
        record = {
            "source_key": source_key,
            "code": error.code,
            "reason": error.reason,
            "rejected_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        self.store.put(key, json.dumps(record, indent=1).encode("utf-8"), "application/json")
        return key

    def rejections(self) -> Iterator[dict[str, str]]:
        for key in self.store.list(self.rejected_prefix):
            yield json.loads(self.store.get(key))
