"""The ingest use case: a source (bucket and key) becomes an archived, indexed article.

An article is its source. Each event about a source brings the article in line with
the object as it is *now* in the store: created or edited, the object is parsed,
extracted and replaces the article's claims; gone, the article is deleted and a
tombstone stays in the archive. Events of one key carry S3's `sequencer`; one older
than the last applied is skipped, so a late event never undoes a newer one, and a
duplicate finds the same content (same etag) and does nothing.

Order matters for "nothing lost, nothing duplicated": the archive is written before
the index, and the source's record after both, all keyed by stable ids, so a retry
after any failure rewrites the same records instead of adding new ones.

Re-extraction (`reextract`, after an upgrade of the extractor) takes the same path from
the archived text instead of the file: an edit that leaves the text alone.

Failures come in two kinds. `DocumentError`: the file can never succeed; it is
recorded once under `rejected/` and raised for the caller to acknowledge. Anything
else is transient (the index, the archive or the model failed) and raised as a
`ClaimsearchError` for the caller to retry; nothing escapes untyped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Literal, NoReturn, Protocol

from claimsearch.archive import Archive, SourceState
from claimsearch.claimants.registry import file_claims
from claimsearch.clusters.assign import clustered
from claimsearch.documents import parse_document
from claimsearch.documents.limits import DocumentLimits
from claimsearch.errors import (
    ClaimsearchError,
    DependencyFailed,
    DocumentError,
    DocumentTooLarge,
    ExtractionFailed,
    NotFound,
    UnreadableSource,
)
from claimsearch.index.port import SearchIndex
from claimsearch.indexing import index_filed
from claimsearch.model import Article, Claim, ExtractedArticle, article_id_for_source
from claimsearch.refiling import file_descriptions_elsewhere
from claimsearch.replacements import with_replacements
from claimsearch.s3_events import ObjectChanged, is_older
from claimsearch.storage.port import BlobStore, OutsideStore, VersionGone

Action = Literal["indexed", "unchanged", "stale", "deleted"]


class Extractor(Protocol):
    """Article -> claims (`extract.pipeline.ClaimExtractor`), and which extractor it is."""

    @property
    def version(self) -> str:
        """Recorded in the archive beside the claims: `reextract` compares it."""

    def __call__(self, article: Article) -> list[Claim]: ...


# Errors of extraction that depend on the text alone: a retry raises them again.
DETERMINISTIC_ERRORS: tuple[type[BaseException], ...] = (
    RecursionError,
    ValueError,  # spaCy's max_length among them
    IndexError,
    KeyError,
    TypeError,
    AssertionError,
    ArithmeticError,
    MemoryError,
)


@dataclass(frozen=True)
class IngestResult:
    source_key: str
    article_id: str
    action: Action
    claims: int = 0
    archive_key: str | None = None


class IngestService:
    def __init__(
        self, index: SearchIndex, archive: Archive, extract: Extractor, limits: DocumentLimits
    ) -> None:
        self.index = index
        self.archive = archive
        self.extract = extract
        self.limits = limits

    # -- entry points --

    def apply(
        self, store: BlobStore, change: ObjectChanged, time_for: Callable[[int], None] = lambda size: None
    ) -> IngestResult:
        """Bring the article of `change`'s source in line with the object now in `store`.
        ArticleBusy (transient) while another writer holds the article (`claimsearch.leases`).
        `time_for(size)` is told the size of the object to be read, before it is, and may
        raise (`time_budget.OutOfTime`: the invocation has too little time left for it)."""
        try:
            with self.archive.hold(article_id_for_source(change.bucket, change.key)):
                return self._apply(store, change, time_for)
        except ClaimsearchError:
            raise
        except Exception as exc:  # the store or the index failed in a way of its own
            raise DependencyFailed(f"{change.key}: {type(exc).__name__}: {exc}") from exc

    def check_size(self, source_key: str, size: int) -> None:
        """Refuse (and record) a file over the size limit before anyone reads it: from the
        bucket's HEAD, or the command line's stat of a local file."""
        if size > self.limits.max_bytes:
            self._reject(source_key, _too_large(source_key, size, self.limits.max_bytes))

    def ingest_bytes(self, data: bytes, source_key: str, bucket: str = "") -> IngestResult:
        """Ingest bytes read from a local file named `source_key`."""
        article_id = article_id_for_source(bucket, source_key)
        with self.archive.hold(article_id):
            return self._ingest_bytes(data, source_key, bucket, article_id)

    def _ingest_bytes(self, data: bytes, source_key: str, bucket: str, article_id: str) -> IngestResult:
        etag = hashlib.md5(data, usedforsecurity=False).hexdigest()
        state = self.archive.source(article_id)
        if state is not None and state.live and state.etag == etag:
            # The indexed version is back: a rejection of a version in between is void.
            self.archive.clear_rejection(source_key)
            return IngestResult(source_key, article_id, "unchanged")
        self.check_size(source_key, len(data))
        try:
            return self._ingest(data, SourceState(article_id, bucket, source_key, True, None, etag))
        except ClaimsearchError:
            raise
        except Exception as exc:
            raise DependencyFailed(f"{source_key}: {type(exc).__name__}: {exc}") from exc

    def delete(self, article_id: str) -> IngestResult:
        """Take an article down wherever it came from (`claimsearch delete`)."""
        with self.archive.hold(article_id):
            return self._delete_known(article_id)

    def _delete_known(self, article_id: str) -> IngestResult:
        state = self.archive.source(article_id)
        if state is None:
            article = self.index.get_article(article_id)
            if article is None:
                raise NotFound("article", article_id)
            state = SourceState(article_id, "", article.source_key, True)
        elif not state.live and not self._takedown_unfinished(article_id):
            raise NotFound("article", article_id)
        return self._delete(state, state.sequencer)

    def _takedown_unfinished(self, article_id: str) -> bool:
        """A delete cut short after its tombstone: the index or the archive still holds the
        article, and the retry must finish the job rather than answer "no such article"."""
        if self.index.get_article(article_id) is not None or self.index.claims_for_article(article_id):
            return True
        try:
            self.archive.load(article_id)
        except KeyError:
            return False
        return True

    # -- the steps --

    def _apply(
        self, store: BlobStore, change: ObjectChanged, time_for: Callable[[int], None]
    ) -> IngestResult:
        article_id = article_id_for_source(change.bucket, change.key)
        state = self.archive.source(article_id)
        if state is not None and is_older(change.sequencer, state.sequencer):
            return IngestResult(change.key, article_id, "stale")
        known = state or SourceState(article_id, change.bucket, change.key, False)
        try:
            info = store.head(change.key)
        except KeyError:
            return self._delete(known, change.sequencer)
        except OutsideStore as error:
            # Refused, and recorded, as any file that cannot be read: the version indexed
            # before stays.
            self._reject(change.key, UnreadableSource(change.key, f"{error}; copy the file in instead"))
        if state is not None and state.live and state.etag == info.etag:
            # The indexed version is back (a duplicate event, or a bad edit undone):
            # nothing to extract, and a rejection of the version in between is void.
            if change.sequencer and change.sequencer != state.sequencer:
                self.archive.record_source(replace(state, sequencer=change.sequencer))
            self.archive.clear_rejection(change.key)
            return IngestResult(change.key, article_id, "unchanged")
        self.check_size(change.key, info.size)
        time_for(info.size)
        try:
            # The version whose etag is recorded with it: read by that etag, or the
            # record would name one version while the archive and index hold another.
            data = store.get(change.key, info.etag)
        except KeyError:  # removed between the two calls
            return self._delete(known, change.sequencer)
        except VersionGone:
            # Written again since the head: that write's own event brings the new version.
            return IngestResult(change.key, article_id, "stale")
        source = replace(known, live=True, sequencer=change.sequencer, etag=info.etag)
        return self._ingest(data, source)

    def _ingest(self, data: bytes, source: SourceState) -> IngestResult:
        try:
            article = parse_document(data, PurePosixPath(source.key).name, limits=self.limits)
        except DocumentError as error:
            self._reject(source.key, error)
        article = replace(article, id=source.article_id, source_key=source.key)
        try:
            claims = self._extracted(article, source.key)
        except ExtractionFailed as error:
            self._reject(source.key, error)

        def superseded() -> bool:
            # Another worker may have applied a newer event of this key meanwhile.
            current = self.archive.source(source.article_id)
            return current is not None and is_older(source.sequencer, current.sequencer)

        def archiving() -> None:
            # The archive is about to hold this version while the source's record names the
            # last one indexed. Should the index write fail and the file go back to that
            # version before the retry, its event would find the recorded etag, answer
            # "unchanged" and leave this version archived for good (a rebuild would serve
            # it). Until the record names this version, it names none.
            current = self.archive.source(source.article_id)
            if current is not None and current.etag is not None:
                self.archive.record_source(replace(current, etag=None))

        result = self._store(
            article, claims, self._archived_claims(article.id), source.key, superseded, archiving
        )
        if result.action == "indexed":
            self.archive.record_source(source)
            self.archive.clear_rejection(source.key)
        return result

    def reextract(self, archived: ExtractedArticle) -> IngestResult:
        """The archived article's claims made again by this service's extractor, archived
        and indexed in place of the old ones, as an edit that leaves the text alone would
        be: claims keep their ids where their spans are the same, identities and clusters
        are filed as ingest files them. "unchanged" where this extractor made them already;
        "stale" where the article was edited or deleted while it was being extracted.

        The archived text is what is read again, not the source file, so an article
        whose file has gone from the bucket is still upgraded. An extraction that fails
        on the text raises `ExtractionFailed` and leaves the article as it was (it was
        accepted once; no rejection is recorded); anything else is transient, as in ingest.
        A run cut short after the archive and before the index is redone: done means
        the index holds the archive's claims, made by this extractor.
        """
        article = archived.article
        key = article.source_key or article.id
        if self._made_by_this_extractor(archived):
            return IngestResult(key, article.id, "unchanged")
        claims = self._extracted(article, key)

        def superseded() -> bool:
            # Ingest archives an edit before it records the source, and a delete records
            # its tombstone first: read both, right before writing.
            try:
                now = self.archive.load(article.id)
            except KeyError:
                return True
            state = self.archive.source(article.id)
            edited = now.article != article or now.extractor_version != archived.extractor_version
            return edited or (state is not None and not state.live)

        # Extracted without the lease (it takes seconds); written under it, so that what
        # `superseded` reads stays true until the write is done.
        with self.archive.hold(article.id):
            return self._store(article, claims, archived.claims, key, superseded)

    def _store(
        self,
        article: Article,
        claims: list[Claim],
        previous: list[Claim],
        key: str,
        superseded: Callable[[], bool],
        archiving: Callable[[], None] = lambda: None,
    ) -> IngestResult:
        """File, cluster, archive and index an article's claims in place of `previous` (the
        claims archived for it before: the new ones record which of those they replace),
        unless `superseded()` says a newer version of the article arrived meanwhile ("stale").
        `archiving()` runs right before the archive is written."""
        filed = file_claims(with_replacements(previous, claims), self.index)
        # Clusters before the archive, which keeps them: a rebuild restores them as assigned.
        filed = replace(filed, claims=clustered(filed.claims, self.index))
        if superseded():
            return IngestResult(key, article.id, "stale")
        archiving()
        archive_key = self.archive.save(ExtractedArticle(article, filed.claims, self.extract.version))
        # Before this article's write, which adds its roles to the registry: a failure
        # fails the event, and its retry finds the same roles new and does it again.
        file_descriptions_elsewhere(self.index, article.id, filed, self._archive_holds)
        index_filed(self.index, article, filed)
        return IngestResult(key, article.id, "indexed", len(filed.claims), archive_key)

    def _archive_holds(self, article_id: str, claims: list[Claim]) -> bool:
        """Whether the archive holds these claims for the article (no edit or delete since)."""
        return {c.id for c in self._archived_claims(article_id)} == {c.id for c in claims}

    def _archived_claims(self, article_id: str) -> list[Claim]:
        """The claims the archive holds for the article; none for an article not seen before."""
        try:
            return self.archive.load(article_id).claims
        except KeyError:
            return []

    def _made_by_this_extractor(self, archived: ExtractedArticle) -> bool:
        version = self.extract.version
        if archived.extractor_version != version:
            return False
        held = self.index.claims_for_article(archived.article.id)
        same = {c.id for c in held} == {c.id for c in archived.claims}
        return same and all(c.extractor_version == version for c in held)

    def _extracted(self, article: Article, key: str) -> list[Claim]:
        """The article's claims; `ExtractionFailed` where the text makes the extractor fail."""
        try:
            return self.extract(article)
        except ClaimsearchError:
            raise
        except DETERMINISTIC_ERRORS as exc:
            raise ExtractionFailed(key, f"extraction failed: {type(exc).__name__}: {exc}") from exc
        except Exception as exc:  # the model or its runtime: may pass on another try
            raise DependencyFailed(f"{key}: extractor failed: {type(exc).__name__}: {exc}") from exc

    def _delete(self, state: SourceState, sequencer: str | None) -> IngestResult:
        # The tombstone first: whatever fails after it, a rebuild leaves the article out
        # and the retry (deletes are idempotent) finishes the job.
        self.archive.record_source(replace(state, live=False, sequencer=sequencer, etag=None))
        removed = self.index.delete_article(state.article_id)
        self.archive.remove(state.article_id)
        # A file refused and then removed is no longer waiting to be mended.
        self.archive.clear_rejection(state.key)
        # "unchanged" where nothing was up: a removal delivered again, the removal of a file
        # only ever refused. The tombstone is written all the same: it orders a late event.
        taken_down = state.live or removed > 0
        return IngestResult(state.key, state.article_id, "deleted" if taken_down else "unchanged", removed)

    def _reject(self, key: str, error: DocumentError) -> NoReturn:
        error.source = key
        self.archive.reject(key, error)
        raise error


def _too_large(key: str, size: int, limit: int) -> DocumentTooLarge:
    return DocumentTooLarge(key, f"{size} bytes is over the limit of {limit} bytes; split the file")
