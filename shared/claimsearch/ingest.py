"""The ingest use case: a file becomes an archived, indexed article with its claims.

Order matters for "nothing lost, nothing duplicated": the archive is written
before the index, both keyed by stable ids, so a retry after any failure rewrites
the same records instead of adding new ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from claimsearch.archive import Archive
from claimsearch.claimants.registry import file_claims, updated_identities
from claimsearch.documents import parse_document
from claimsearch.errors import ClaimsearchError, DocumentError, DocumentTooLarge
from claimsearch.index.port import SearchIndex
from claimsearch.model import Article, Claim, ExtractedArticle
from claimsearch.storage.port import BlobStore

Extractor = Callable[[Article], list[Claim]]


class IndexingFailed(ClaimsearchError):
    """Some claims were not indexed. Transient: the message is retried."""

    code = "indexing_failed"
    status = 503


@dataclass(frozen=True)
class IngestResult:
    source_key: str
    article_id: str
    claims: int
    archive_key: str


class IngestService:
    def __init__(self, index: SearchIndex, archive: Archive, extract: Extractor, max_bytes: int) -> None:
        self.index = index
        self.archive = archive
        self.extract = extract
        self.max_bytes = max_bytes

    def ingest_bytes(self, data: bytes, source_key: str) -> IngestResult:
        """Parse, extract, file claimants, archive and index one file.

        Rejections are recorded, then raised.
        """
        try:
            article = parse_document(data, PurePosixPath(source_key).name, max_bytes=self.max_bytes)
        except DocumentError as error:
            error.source = source_key
            self.archive.reject(source_key, error)
            raise
        article = _with_source(article, source_key)
        filed = file_claims(self.extract(article), self.index)
        claims = filed.claims
        archive_key = self.archive.save(ExtractedArticle(article, claims))
        report = self.index.index_article(article, claims, updated_identities(filed, self.index))
        if not report.ok:
            failures = "; ".join(f"{k}: {v}" for k, v in list(report.failed.items())[:3])
            raise IndexingFailed(f"{len(report.failed)} claims of {article.id} not indexed ({failures})")
        return IngestResult(source_key, article.id, len(claims), archive_key)

    def ingest_blob(self, store: BlobStore, key: str) -> IngestResult:
        """Ingest an object from a blob store, refusing oversized ones before download."""
        size = store.size(key)
        if size > self.max_bytes:
            error = DocumentTooLarge(key, f"{size} bytes is over the limit of {self.max_bytes} bytes")
            self.archive.reject(key, error)
            raise error
        return self.ingest_bytes(store.get(key), key)

    def rebuild_pairs(self) -> list[tuple[Article, list[Claim]]]:
        return [(e.article, e.claims) for e in self.archive]


def _with_source(article: Article, source_key: str) -> Article:
    from dataclasses import replace

    return replace(article, source_key=source_key)
