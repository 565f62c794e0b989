"""Ingest's records follow the file through failures, undoings and removals.

A failed index write, then the file put back before the retry: the archive follows the file.

Ingest archives a version before it indexes it and records the source (with the version's
etag) after both. When the index write of an edit failed and the file went back to the
version indexed before, that version's event found the recorded etag, answered "unchanged"
and left the failed edit in the archive for good: a rebuild then served a version no longer
in the bucket.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claimsearch.errors import IndexingFailed, NotFound
from claimsearch.index.port import SearchQuery
from claimsearch.reindex import rebuild_index
from claimsearch.storage.local import LocalBlobStore
from claimsearch.storage.port import ObjectInfo
from tests.integration.test_described_claimants import _FailsOnce, _service

EXAMPLE = Path(__file__).resolve().parents[2] / "events" / "north-korea-forced-labour.txt"


def _cues(index: _FailsOnce) -> set[str]:
    return {h.claim.cue.text for h in index.search(SearchQuery(claimant="Ahn", limit=10)).hits}


@pytest.mark.parametrize("path", ["the command line", "the bucket"])
def test_a_version_put_back_after_a_failed_edit_is_archived_again(tmp_path: Path, path: str) -> None:
    first = EXAMPLE.read_bytes()
    edit = first.replace(b"believes the money", b"insists the money")
    index = _FailsOnce(tmp_path / "index.sqlite3")
    service = _service(index, tmp_path)
    bucket = LocalBlobStore(tmp_path / "bucket")

    def ingest(data: bytes, sequencer: str) -> str:
        if path == "the command line":
            return service.ingest_bytes(data, "inbox/nk.txt").action
        from claimsearch.s3_events import ObjectChanged

        bucket.put("inbox/nk.txt", data, "text/plain")
        return service.apply(bucket, ObjectChanged("bucket", "inbox/nk.txt", "created", sequencer)).action

    assert ingest(first, "0A") == "indexed"
    article_id = next(iter({h.claim.article_id for h in index.search(SearchQuery(limit=1)).hits}))
    index.fail = article_id
    with pytest.raises(IndexingFailed):
        ingest(edit, "0B")
    # The file is put back as it was; its event comes before the edit's retry.
    assert ingest(first, "0C") == "indexed"
    assert service.archive.load(article_id).article.text.count("believes the money") == 1
    assert "believes" in _cues(index)
    rebuild_index(index, service.archive)
    assert "believes" in _cues(index) and "insists" not in _cues(index)
    # A duplicate of the version now recorded is still nothing to do.
    assert ingest(first, "0D") == "unchanged"


def test_removing_a_refused_file_clears_its_rejection(tmp_path: Path) -> None:
    from claimsearch.errors import DocumentError
    from claimsearch.s3_events import ObjectChanged

    service = _service(_FailsOnce(tmp_path / "index.sqlite3"), tmp_path)
    bucket = LocalBlobStore(tmp_path / "bucket")
    bucket.put("inbox/empty.txt", b"   ", "text/plain")
    with pytest.raises(DocumentError):
        service.apply(bucket, ObjectChanged("bucket", "inbox/empty.txt", "created", "0A"))
    assert [r["source_key"] for r in service.archive.rejections()] == ["inbox/empty.txt"]
    bucket.delete("inbox/empty.txt")
    # Nothing was up to take down: no article deleted (the dashboard's ArticlesDeleted).
    removal = ObjectChanged("bucket", "inbox/empty.txt", "removed", "0B")
    assert service.apply(bucket, removal).action == "unchanged"
    assert list(service.archive.rejections()) == []


def test_a_removal_delivered_again_deletes_nothing_more(tmp_path: Path) -> None:
    from claimsearch.s3_events import ObjectChanged

    service = _service(_FailsOnce(tmp_path / "index.sqlite3"), tmp_path)
    bucket = LocalBlobStore(tmp_path / "bucket")
    bucket.put("inbox/nk.txt", EXAMPLE.read_bytes(), "text/plain")
    assert service.apply(bucket, ObjectChanged("bucket", "inbox/nk.txt", "created", "0A")).action == "indexed"
    bucket.delete("inbox/nk.txt")
    removal = ObjectChanged("bucket", "inbox/nk.txt", "removed", "0B")
    first = service.apply(bucket, removal)
    assert (first.action, first.claims > 0) == ("deleted", True)
    assert (service.apply(bucket, removal).action, _cues(service.index)) == ("unchanged", set())


class _DeleteFailsOnce(_FailsOnce):
    """The SQLite index, failing the first takedown (the node gone mid-delete)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.delete_fails = True

    def delete_article(self, article_id: str) -> int:
        if self.delete_fails:
            self.delete_fails = False
            raise ConnectionError("index unreachable")
        return super().delete_article(article_id)


def test_a_takedown_cut_short_after_its_tombstone_is_finished_by_the_next_one(tmp_path: Path) -> None:
    index = _DeleteFailsOnce(tmp_path / "index.sqlite3")
    service = _service(index, tmp_path)
    article_id = service.ingest_bytes(EXAMPLE.read_bytes(), "nk.txt").article_id
    with pytest.raises(ConnectionError):
        service.delete(article_id)
    source = service.archive.source(article_id)
    assert source is not None and not source.live  # the tombstone went first
    held = len(index.claims_for_article(article_id))
    assert held  # still searchable
    # `claimsearch delete ID` again: it finishes the job instead of answering "no article".
    result = service.delete(article_id)
    assert (result.action, result.claims) == ("deleted", held)
    assert index.claims_for_article(article_id) == [] and index.get_article(article_id) is None
    with pytest.raises(KeyError):
        service.archive.load(article_id)
    # Done now: a third is the "no such article" it always was.
    with pytest.raises(NotFound):
        service.delete(article_id)


class _RewrittenAfterHead(LocalBlobStore):
    """A folder whose file is written again (`then`) right after its first head: the edit
    that lands between ingest's head (the etag it records) and its read (the bytes it indexes)."""

    def __init__(self, root: Path, then: bytes) -> None:
        super().__init__(root)
        self.then: bytes | None = then

    def head(self, key: str) -> ObjectInfo:
        info = super().head(key)
        if self.then is not None:
            self.put(key, self.then, "text/plain")
            self.then = None
        return info


def test_a_version_replaced_between_head_and_read_is_not_recorded_for_another(tmp_path: Path) -> None:
    from claimsearch.s3_events import ObjectChanged

    first = EXAMPLE.read_bytes()
    edit = first.replace(b"believes the money", b"insists the money")
    other = first.replace(b"believes the money", b"argues the money")
    service = _service(_FailsOnce(tmp_path / "index.sqlite3"), tmp_path)
    bucket = _RewrittenAfterHead(tmp_path / "bucket", then=other)
    bucket.put("inbox/nk.txt", edit, "text/plain")
    # The edit's event: the file holds another version by the time it is read.
    assert service.apply(bucket, ObjectChanged("bucket", "inbox/nk.txt", "created", "0A")).action == "stale"
    # That version's own event brings it in, under its own etag.
    assert service.apply(bucket, ObjectChanged("bucket", "inbox/nk.txt", "created", "0B")).action == "indexed"
    assert "argues" in _cues(service.index)
    # The edit written again (an undo): indexed, not "unchanged" against a wrongly recorded etag.
    bucket.put("inbox/nk.txt", edit, "text/plain")
    assert service.apply(bucket, ObjectChanged("bucket", "inbox/nk.txt", "created", "0C")).action == "indexed"
    assert "insists" in _cues(service.index) and "argues" not in _cues(service.index)
