"""The ingest use case with local adapters: idempotence and recorded rejections."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimsearch.archive import Archive
from claimsearch.claimants.registry import identity_id
from claimsearch.documents.limits import DocumentLimits
from claimsearch.errors import DependencyFailed, EmptyDocument, ExtractionFailed
from claimsearch.extract.pipeline import DEFAULT_FINDER, ClaimExtractor, finder_named
from claimsearch.index.sqlite import SqliteIndex
from claimsearch.ingest import IngestService
from claimsearch.model import Article, Claim
from claimsearch.reindex import rebuild_index
from claimsearch.s3_events import ObjectChanged
from claimsearch.storage.local import LocalBlobStore


@pytest.fixture
def service(tmp_path: Path) -> IngestService:
    return IngestService(
        SqliteIndex(tmp_path / "i.sqlite3"),
        Archive(LocalBlobStore(tmp_path / "store")),
        ClaimExtractor(finder_named(DEFAULT_FINDER)),
        DocumentLimits(max_bytes=1_000_000),
    )


def test_same_file_twice_is_one_article_without_duplicates(
    service: IngestService, example_bytes: bytes
) -> None:
    first = service.ingest_bytes(example_bytes, "inbox/nk.txt")
    second = service.ingest_bytes(example_bytes, "inbox/nk.txt")
    assert (first.action, second.action) == ("indexed", "unchanged")
    assert first.article_id == second.article_id
    claims = service.index.claims_for_article(first.article_id)
    assert len(claims) == first.claims
    assert len({c.id for c in claims}) == len(claims)
    assert len(list(service.archive)) == 1


def test_the_same_text_under_two_names_is_two_articles(service: IngestService, example_bytes: bytes) -> None:
    # Each source lives and dies on its own: deleting the copy leaves the original.
    first = service.ingest_bytes(example_bytes, "inbox/nk.txt")
    copy = service.ingest_bytes(example_bytes, "inbox/copy-of-nk.txt")
    assert first.article_id != copy.article_id
    assert first.claims == copy.claims > 0
    service.delete(copy.article_id)
    assert len(service.index.claims_for_article(first.article_id)) == first.claims
    assert service.index.claims_for_article(copy.article_id) == []


def test_rejected_file_is_recorded_and_raised(service: IngestService) -> None:
    with pytest.raises(EmptyDocument):
        service.ingest_bytes(b"", "inbox/empty.txt")
    (record,) = list(service.archive.rejections())
    assert record["source_key"] == "inbox/empty.txt"
    assert record["code"] == "empty_document"


def test_oversized_blob_is_refused_before_download(tmp_path: Path, service: IngestService) -> None:
    store = LocalBlobStore(tmp_path / "inbox")
    store.put("big.txt", b"x" * 2_000_000)
    with pytest.raises(Exception, match="over the limit"):
        service.apply(store, ObjectChanged("", "big.txt", "created"))
    assert [r["code"] for r in service.archive.rejections()] == ["document_too_large"]


def test_index_rebuilds_from_archive(tmp_path: Path, service: IngestService, example_bytes: bytes) -> None:
    result = service.ingest_bytes(example_bytes, "inbox/nk.txt")
    fresh = SqliteIndex(tmp_path / "fresh.sqlite3")
    report = rebuild_index(fresh, service.archive)
    assert report["claims"] == result.claims
    assert [c.id for c in fresh.claims_for_article(result.article_id)] == [
        c.id for c in service.index.claims_for_article(result.article_id)
    ]


SURNAME_ALONE = (
    b"Climate talks\n\nObama said the climate agreement would hold whoever wins the election."
    b" Mr. Obama added that the recovery had created millions of jobs.\n"
)
FULL_NAME = (
    b"Museum opens\n\nPresident Barack Obama said the new museum tells an American story that must be told.\n"
)


def _ingested_and_rebuilt(
    tmp_path: Path, service: IngestService, texts: dict[str, bytes], order: tuple[str, ...]
) -> tuple[dict[str, str | None], SqliteIndex]:
    """Each text ingested in `order`: the identity of every claim, once the index was
    rebuilt from the archive (checked to give the same), and the rebuilt index."""
    results = {name: service.ingest_bytes(texts[name], f"inbox/{name}.txt") for name in order}
    ids = {
        c.id: c.claimant.id for r in results.values() for c in service.index.claims_for_article(r.article_id)
    }
    fresh = SqliteIndex(tmp_path / "fresh.sqlite3")
    rebuild_index(fresh, service.archive)
    rebuilt = {c.id: c.claimant.id for r in results.values() for c in fresh.claims_for_article(r.article_id)}
    assert rebuilt == ids
    return ids, fresh


@pytest.mark.parametrize("order", [("alone", "full"), ("full", "alone")])
def test_identities_do_not_depend_on_the_order_articles_arrive_in(
    tmp_path: Path, service: IngestService, order: tuple[str, str]
) -> None:
    # A surname alone that arrives first is an identity of its own until an article names
    # its person in full; then it joins him, as `reindex` files it whatever the order.
    ids, fresh = _ingested_and_rebuilt(tmp_path, service, {"alone": SURNAME_ALONE, "full": FULL_NAME}, order)
    assert set(ids.values()) == {identity_id("barack obama")}
    (barack,) = service.index.suggest_claimants("obama")
    assert barack.claims == 3 and {"Obama", "Mr. Obama"} <= set(barack.aliases)
    # The surname's id leads to him, in the live index and in the rebuilt one alike.
    obama = identity_id("obama")
    for index in (service.index, fresh):
        assert index.get_claimants([obama])[obama].merged_into == barack.id


SHORT_GIVEN_NAME = b"Tax plan\n\nLen Burman said the plan would cut taxes for the richest households.\n"
FORMAL_GIVEN_NAME = b"Deficits\n\nThe economist Leonard Burman said the plan would add trillions in debt.\n"
MIDDLE_NAME = b"Jobs\n\nHillary Rodham Clinton said the plan would create millions of jobs.\n"
NO_MIDDLE_NAME = b"Taxes\n\nThe candidate Hillary Clinton said the wealthy would pay their fair share.\n"


@pytest.mark.parametrize("order", [("other", "full"), ("full", "other")])
@pytest.mark.parametrize(
    ("other", "full", "keys"),
    [
        (SHORT_GIVEN_NAME, FORMAL_GIVEN_NAME, ("len burman", "leonard burman")),
        (MIDDLE_NAME, NO_MIDDLE_NAME, ("hillary rodham clinton", "hillary clinton")),
    ],
)
def test_a_name_written_another_way_joins_the_person_whatever_the_order(
    tmp_path: Path,
    service: IngestService,
    other: bytes,
    full: bytes,
    keys: tuple[str, str],
    order: tuple[str, str],
) -> None:
    ids, fresh = _ingested_and_rebuilt(tmp_path, service, {"other": other, "full": full}, order)
    written, person = identity_id(keys[0]), identity_id(keys[1])
    assert len(ids) == 2 and set(ids.values()) == {person}
    for index in (service.index, fresh):
        found = index.get_claimants([written, person])
        assert found[person].claims == 2
        assert found[written].merged_into == person  # the other form's id leads to the person


class _failing:
    """An extractor that raises `error` on every article."""

    version = "failing"

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def __call__(self, article: Article) -> list[Claim]:
        raise self.error


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (RecursionError("maximum recursion depth exceeded"), True),
        (ValueError("[E088] Text of length 2000001 exceeds maximum"), True),
        (RuntimeError("onnxruntime session failed"), False),
        (OSError("model file unreadable"), False),
    ],
)
def test_every_extraction_failure_is_typed_permanent_or_transient(
    tmp_path: Path, example_bytes: bytes, error: BaseException, permanent: bool
) -> None:
    # The extractor's own failures, injected: what is tested is how ingest classifies them.
    service = IngestService(
        SqliteIndex(tmp_path / "i.sqlite3"),
        Archive(LocalBlobStore(tmp_path / "s")),
        _failing(error),
        DocumentLimits(max_bytes=10**6),
    )
    expected = ExtractionFailed if permanent else DependencyFailed
    with pytest.raises(expected):
        service.ingest_bytes(example_bytes, "inbox/nk.txt")
    records = list(service.archive.rejections())
    assert [r["code"] for r in records] == (["extraction_failed"] if permanent else [])
    assert service.index.count_claims() == 0


def test_a_hostile_key_gets_its_rejection_record_inside_the_prefix(service: IngestService) -> None:
    with pytest.raises(EmptyDocument):
        service.ingest_bytes(b"", "inbox/../../../etc/passwd.txt")
    (record,) = list(service.archive.rejections())
    assert record["source_key"] == "inbox/../../../etc/passwd.txt"
    (key,) = list(service.archive.store.list("rejected/"))
    assert key.startswith("rejected/by-hash/")
