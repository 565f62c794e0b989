"""One writer at a time per article (`claimsearch.leases`), on both blob stores, and the races
it closes: a takedown or an edit applied while an older upload of the same key was still
being written came out undone, since the older writes landed last."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claimsearch.index.port import IndexReport, SearchQuery
from claimsearch.index.sqlite import SqliteIndex
from claimsearch.ingest import IngestService, article_id_for_source
from claimsearch.leases import ArticleBusy, Lease, held
from claimsearch.model import Article, Claim, ClaimantIdentity
from claimsearch.s3_events import ObjectChanged
from claimsearch.storage.local import LocalBlobStore
from claimsearch.storage.port import BlobStore
from tests.integration import test_blob_stores
from tests.integration.test_described_claimants import _service

EXAMPLE = Path(__file__).resolve().parents[2] / "events" / "north-korea-forced-labour.txt"
KEY = "archive/leases/a1"


# Each test once over a folder and once over an S3 bucket (moto).
store = test_blob_stores.store


def test_a_lease_is_held_by_one_writer_until_given_back(store: BlobStore) -> None:
    with (
        held(store, KEY, "a1") as lease,
        pytest.raises(ArticleBusy, match="article a1 is being written by another") as busy,
        held(store, KEY, "a1"),
    ):
        pass
    assert str(lease) in str(busy.value)  # the holder: host, process, until when
    with held(store, KEY, "a1"):  # given back: the next writer takes it
        pass
    with pytest.raises(KeyError):
        store.head(KEY)


def test_a_lease_left_by_a_dead_writer_is_taken_over(store: BlobStore) -> None:
    now = datetime.now(UTC)
    lapsed = replace(Lease.new(now), host="elsewhere", until=(now - timedelta(seconds=1)).isoformat())
    store.put(KEY, lapsed.encode())
    with held(store, KEY, "a1") as lease:
        assert lease.holder != lapsed.holder
    # A live lease of a process of this host that has ended.
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    store.put(KEY, replace(Lease.new(now), pid=int(ended.stdout)).encode())
    with held(store, KEY, "a1"):
        pass
    # A live lease of another host's writer stands.
    store.put(KEY, replace(Lease.new(now), host="elsewhere").encode())
    with pytest.raises(ArticleBusy), held(store, KEY, "a1"):
        pass


def test_of_two_writers_taking_over_a_lapsed_lease_one_wins(store: BlobStore) -> None:
    now = datetime.now(UTC)
    store.put(KEY, replace(Lease.new(now), host="elsewhere", until=now.isoformat()).encode())

    class Racing:
        """The store as one writer sees it: another takes the lease over between its read
        and its write."""

        def __getattr__(self, name: str) -> object:
            return getattr(store, name)

        def replace(self, key: str, data: bytes, etag: str) -> bool:
            assert store.replace(key, Lease.new(datetime.now(UTC)).encode(), etag)  # the other one
            return store.replace(key, data, etag)

    with pytest.raises(ArticleBusy, match="taking over"), held(Racing(), KEY, "a1"):  # type: ignore[arg-type]
        pass
    holder = json.loads(store.get(KEY))["holder"]
    assert holder != "" and store.head(KEY)  # the winner's lease stands


def test_a_writer_that_outlived_its_lease_leaves_the_next_ones_alone(store: BlobStore) -> None:
    with held(store, KEY, "a1"):
        taken = Lease.new(datetime.now(UTC))
        store.put(KEY, taken.encode())  # taken over meanwhile
    assert json.loads(store.get(KEY))["holder"] == taken.holder


class _Meanwhile(SqliteIndex):
    """The SQLite index, with something done by another writer when the first article write
    begins: after the writer's last look at the source's record (`superseded`), where a
    second worker's event of the same key could slip in before the lease."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.then: Callable[[], None] | None = None

    def index_article(
        self, article: Article, claims: list[Claim], claimants: Iterable[ClaimantIdentity] = ()
    ) -> IndexReport:
        if self.then is not None:
            then, self.then = self.then, None
            then()
        return super().index_article(article, claims, claimants)


class _Queue:
    """Events applied as the queue delivers them: one that fails for now (ArticleBusy)
    comes back after the others, until every one is done."""

    def __init__(self) -> None:
        self.events: list[ObjectChanged] = []

    def offer(self, service: IngestService, bucket: BlobStore, event: ObjectChanged) -> None:
        """One delivery of `event`, back in the queue if it fails for now."""
        try:
            service.apply(bucket, event)
        except ArticleBusy:
            self.events.append(event)

    def drain(self, service: IngestService, bucket: BlobStore) -> None:
        while self.events:
            self.offer(service, bucket, self.events.pop(0))


def _cues(service: IngestService) -> set[str]:
    return {h.claim.cue.text for h in service.index.search(SearchQuery(claimant="Ahn", limit=10)).hits}


def _race(
    tmp_path: Path, first: bytes, meanwhile: Callable[[LocalBlobStore], ObjectChanged]
) -> IngestService:
    """An upload of `first` applied by one worker; as it writes, the file changes
    (`meanwhile`) and that change's event is delivered to a second worker of the same
    archive and index. Then the queue is drained."""
    bucket = LocalBlobStore(tmp_path / "bucket")
    bucket.put("inbox/nk.txt", first, "text/plain")
    queue = _Queue()
    index = _Meanwhile(tmp_path / "index.sqlite3")
    service = _service(index, tmp_path)
    index.then = lambda: queue.offer(_service(index, tmp_path), bucket, meanwhile(bucket))
    queue.offer(service, bucket, ObjectChanged("bucket", "inbox/nk.txt", "created", "0A"))
    queue.drain(service, bucket)
    return service


def test_a_takedown_during_an_upload_of_the_same_file_stands(tmp_path: Path) -> None:
    def removed(bucket: LocalBlobStore) -> ObjectChanged:
        bucket.delete("inbox/nk.txt")
        return ObjectChanged("bucket", "inbox/nk.txt", "removed", "0B")

    service = _race(tmp_path, EXAMPLE.read_bytes(), removed)
    # Without the lease, the removal was applied at once, and the upload's writes, landing
    # after it, brought the article back: live, archived and searchable, its file gone.
    assert _cues(service) == set()
    state = service.archive.source(article_id_for_source("bucket", "inbox/nk.txt"))
    assert state is not None and not state.live


def test_an_edit_during_an_older_upload_is_not_rolled_back(tmp_path: Path) -> None:
    first = EXAMPLE.read_bytes()

    def edited(bucket: LocalBlobStore) -> ObjectChanged:
        bucket.put("inbox/nk.txt", first.replace(b"believes the money", b"insists the money"), "text/plain")
        return ObjectChanged("bucket", "inbox/nk.txt", "created", "0B")

    service = _race(tmp_path, first, edited)
    # The upload read the first version before the edit. Without the lease, the edit was
    # indexed meanwhile and the upload's writes rolled it back: the index served the first
    # version while the bucket held the edit.
    assert "insists" in _cues(service) and "believes" not in _cues(service)
