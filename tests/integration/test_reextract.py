"""Re-extracting the archive with the current extractor (`claimsearch reextract`).

The archive here was made by the rule-based finder, an older extractor as far as the
archive can tell; the service re-extracts with the shipped (repaired learned) finder.
Over both engines: re-extraction goes through the index port as ingest does.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from opensearchpy import OpenSearch

from claimsearch.archive import Archive
from claimsearch.documents.limits import DocumentLimits
from claimsearch.extract.pipeline import DEFAULT_FINDER, ClaimExtractor, finder_named
from claimsearch.extract.rules import RuleBasedFinder
from claimsearch.index.opensearch import OpenSearchIndex
from claimsearch.index.port import SearchIndex
from claimsearch.index.sqlite import SqliteIndex
from claimsearch.ingest import IngestService
from claimsearch.model import Article, Claim, ExtractedArticle
from claimsearch.reextract import reextract_archive
from claimsearch.reindex import rebuild_index
from claimsearch.storage.local import LocalBlobStore
from tests.integration import opensearch_fixtures

opensearch_client = opensearch_fixtures.opensearch_client
opensearch_prefix = opensearch_fixtures.opensearch_prefix

OTHER = (
    b"Budget talks\n\nThe mayor said the city would close two libraries next year. "
    b"Council member Ruth Adler warned that the cuts would fall hardest on poor families.\n"
)

OLD = ClaimExtractor(RuleBasedFinder())
NEW = ClaimExtractor(finder_named(DEFAULT_FINDER))


Indexes = Callable[[Path], SearchIndex]  # the index of a data folder, one per folder
_names = itertools.count(1)


@pytest.fixture
def sqlite_indexes() -> Indexes:
    return lambda root: SqliteIndex(root / "index.sqlite3")


@pytest.fixture
def opensearch_indexes(opensearch_client: OpenSearch, opensearch_prefix: str) -> Iterator[Indexes]:
    made: dict[Path, OpenSearchIndex] = {}

    def index(root: Path) -> SearchIndex:
        if root not in made:
            made[root] = OpenSearchIndex(
                opensearch_fixtures.endpoint(), prefix=f"{opensearch_prefix}-reextract-{next(_names)}"
            )
            made[root].ensure_ready()
        return made[root]

    yield index
    for index in made.values():
        index.drop()


@pytest.fixture(params=["sqlite", "opensearch"])
def indexes(request: pytest.FixtureRequest) -> Indexes:
    return request.getfixturevalue(f"{request.param}_indexes")  # type: ignore[no-any-return]


class _Services:
    """Ingest services over folders of `tmp_path`: the same folder, the same index and archive."""

    def __init__(self, tmp_path: Path, indexes: Indexes) -> None:
        self.tmp_path = tmp_path
        self.indexes = indexes

    def __call__(self, extract: object, folder: str = "data") -> IngestService:
        root = self.tmp_path / folder
        return IngestService(
            self.indexes(root),
            Archive(LocalBlobStore(root / "store")),
            extract,  # type: ignore[arg-type]  # a ClaimExtractor, or a test's stand-in with a version
            DocumentLimits(max_bytes=10**6),
        )


@pytest.fixture
def services(tmp_path: Path, indexes: Indexes) -> _Services:
    return _Services(tmp_path, indexes)


def _claims(service: IngestService, article_id: str) -> list[tuple[str, str | None, str | None, str]]:
    return [
        (c.id, c.claimant.name, c.claimant.id, c.extractor_version)
        for c in service.index.claims_for_article(article_id)
    ]


@pytest.fixture
def old_archive(services: _Services, example_bytes: bytes) -> tuple[IngestService, list[str]]:
    """Two articles ingested with the old extractor; the service to re-extract them with."""
    old = services(OLD)
    ids = [old.ingest_bytes(example_bytes, "inbox/nk.txt").article_id]
    ids.append(old.ingest_bytes(OTHER, "inbox/budget.txt").article_id)
    return services(NEW), ids


def test_reextracted_archive_is_what_ingest_with_the_new_extractor_makes(
    services: _Services, example_bytes: bytes, old_archive: tuple[IngestService, list[str]]
) -> None:
    service, ids = old_archive
    before = {i: _claims(service, i) for i in ids}
    assert all(before[i] for i in ids)
    assert all(version == OLD.version for i in ids for *_, version in before[i])

    report = reextract_archive(service, service.archive)

    fresh = services(NEW, "fresh")
    fresh.ingest_bytes(example_bytes, "inbox/nk.txt")
    fresh.ingest_bytes(OTHER, "inbox/budget.txt")
    assert (report.articles, report.reextracted, report.current, report.failed) == (2, 2, 0, [])
    assert report.versions == {OLD.version: 2}
    for article_id in ids:
        assert _claims(service, article_id) == _claims(fresh, article_id)
        assert _claims(service, article_id) != before[article_id]
        archived = service.archive.load(article_id)
        assert archived.extractor_version == NEW.version
        assert [c.id for c in archived.claims] == [c for c, *_ in _claims(fresh, article_id)]
    assert report.claims_after == service.index.count_claims() == fresh.index.count_claims()
    assert report.claims_before == sum(len(before[i]) for i in ids)
    # Identities count the claims they hold now: one only old claims named holds none.
    old_ids = {cid for i in ids for _, _, cid, _ in before[i] if cid}
    new_ids = {cid for i in ids for _, _, cid, _ in _claims(fresh, i) if cid}
    counts = service.index.get_claimants(old_ids | new_ids)
    expected = fresh.index.get_claimants(new_ids)
    for identity in old_ids | new_ids:
        held = expected[identity].claims if identity in expected else 0
        assert counts[identity].claims == held, identity


def test_a_second_run_finds_every_article_current(old_archive: tuple[IngestService, list[str]]) -> None:
    service, ids = old_archive
    reextract_archive(service, service.archive)
    after = {i: _claims(service, i) for i in ids}
    again = reextract_archive(service, service.archive)
    assert (again.articles, again.reextracted, again.current) == (2, 0, 2)
    assert again.versions == {NEW.version: 2}
    assert {i: _claims(service, i) for i in ids} == after


def test_a_dry_run_counts_and_changes_nothing(old_archive: tuple[IngestService, list[str]]) -> None:
    service, ids = old_archive
    before = {i: _claims(service, i) for i in ids}
    report = reextract_archive(service, service.archive, dry_run=True)
    assert (report.articles, report.reextracted, report.current) == (2, 0, 0)
    assert report.versions == {OLD.version: 2}
    assert {i: _claims(service, i) for i in ids} == before
    assert all(service.archive.load(i).extractor_version == OLD.version for i in ids)


def test_a_run_cut_short_after_the_archive_is_redone(old_archive: tuple[IngestService, list[str]]) -> None:
    service, ids = old_archive
    # The archive written with the new claims, the index not: as a run stopped between them.
    archived = service.archive.load(ids[0])
    service.archive.save(ExtractedArticle(archived.article, NEW(archived.article), NEW.version))
    report = reextract_archive(service, service.archive)
    assert (report.reextracted, report.current) == (2, 0)
    assert {version for *_, version in _claims(service, ids[0])} == {NEW.version}


class _EditedMeanwhile:
    """The new extractor, during which another worker ingests an edit, or deletes, the article."""

    version = NEW.version

    def __init__(self, meanwhile: Callable[[], object]) -> None:
        self.meanwhile = meanwhile

    def __call__(self, article: Article) -> list[Claim]:
        claims = NEW(article)
        self.meanwhile()
        return claims


def test_an_article_edited_while_extracted_keeps_its_edit(
    services: _Services, old_archive: tuple[IngestService, list[str]]
) -> None:
    service, ids = old_archive
    edited = OTHER.replace(b"two libraries", b"three libraries")
    worker = services(OLD)
    racing = services(_EditedMeanwhile(lambda: worker.ingest_bytes(edited, "inbox/budget.txt")))
    result = racing.reextract(service.archive.load(ids[1]))
    assert result.action == "stale"
    assert "three libraries" in service.archive.load(ids[1]).article.text
    sentences = [c.sentence for c in service.index.claims_for_article(ids[1])]
    assert any("three libraries" in s for s in sentences)
    assert not any("two libraries" in s for s in sentences)


def test_an_article_deleted_while_extracted_stays_deleted(
    services: _Services, old_archive: tuple[IngestService, list[str]]
) -> None:
    service, ids = old_archive
    worker = services(OLD)
    racing = services(_EditedMeanwhile(lambda: worker.delete(ids[1])))
    assert racing.reextract(service.archive.load(ids[1])).action == "stale"
    assert service.index.claims_for_article(ids[1]) == []
    assert service.index.get_article(ids[1]) is None
    assert [e.article.id for e in service.archive] == [ids[0]]


def test_an_article_that_fails_is_reported_and_kept_and_the_rest_go_on(
    services: _Services, old_archive: tuple[IngestService, list[str]]
) -> None:
    service, ids = old_archive
    before = _claims(service, ids[1])

    class FailsOnBudget:
        version = NEW.version

        def __call__(self, article: Article) -> list[Claim]:
            if "libraries" in article.text:
                raise RecursionError("maximum recursion depth exceeded")
            return NEW(article)

    report = reextract_archive(services(FailsOnBudget()), service.archive)
    assert report.reextracted == 1
    assert [(f["article_id"], f["source"]) for f in report.failed] == [(ids[1], "inbox/budget.txt")]
    assert "RecursionError" in report.failed[0]["reason"]
    assert _claims(service, ids[1]) == before
    assert service.archive.load(ids[1]).extractor_version == OLD.version
    assert list(service.archive.rejections()) == []  # accepted once: no rejection recorded
    assert {version for *_, version in _claims(service, ids[0])} == {NEW.version}


def test_a_transient_failure_stops_the_run_and_the_next_run_goes_on(
    services: _Services, old_archive: tuple[IngestService, list[str]]
) -> None:
    service, _ = old_archive
    order = [e.article.id for e in service.archive]

    class ModelGone:
        version = NEW.version

        def __call__(self, article: Article) -> list[Claim]:
            if article.id == order[1]:
                raise OSError("model file unreadable")
            return NEW(article)

    stopped = reextract_archive(services(ModelGone()), service.archive)
    assert (stopped.reextracted, stopped.failed) == (1, [])
    assert (
        stopped.stopped is not None
        and order[1] in stopped.stopped
        and "model file unreadable" in stopped.stopped
    )
    assert service.archive.load(order[1]).extractor_version == OLD.version
    resumed = reextract_archive(service, service.archive)
    assert (resumed.current, resumed.reextracted, resumed.stopped) == (1, 1, None)


def test_an_archive_entry_from_before_versions_were_recorded_reads_its_claims_version(
    old_archive: tuple[IngestService, list[str]],
) -> None:
    service, ids = old_archive
    data = service.archive.load(ids[0]).to_dict()
    del data["extractor_version"]
    assert ExtractedArticle.from_dict(json.loads(json.dumps(data))).extractor_version == OLD.version
    data["claims"] = []
    assert ExtractedArticle.from_dict(data).extractor_version == ""  # unknown: re-extracted


def _shares_words(a: Claim, b: Claim) -> bool:
    words = set(a.content.text.casefold().split())
    return len(words & set(b.content.text.casefold().split())) >= len(words) / 2


def test_claim_ids_the_new_extractor_changed_lead_to_the_claims_in_their_place(
    old_archive: tuple[IngestService, list[str]],
) -> None:
    service, ids = old_archive
    before = {i: service.index.claims_for_article(i) for i in ids}
    reextract_archive(service, service.archive)
    replaced = gone = 0
    for article_id in ids:
        now = {c.id: c for c in service.index.claims_for_article(article_id)}
        for old in before[article_id]:
            successor = service.index.claim_replacing(old.id)
            if old.id in now:  # the same spans: the same id, nothing to look up
                assert successor is None
            elif successor is None:
                gone += 1
                assert not any(_shares_words(c, old) and _shares_words(old, c) for c in now.values())
            else:
                replaced += 1
                assert successor == now[successor.id] and old.id in successor.replaces
                assert _shares_words(old, successor) or _shares_words(successor, old)
    assert replaced >= 1, (replaced, gone)  # the rules' cues and contents end elsewhere than the model's
    # The archive holds them, so a rebuild from it keeps them.
    archived = {c.id: c.replaces for i in ids for c in service.archive.load(i).claims}
    assert archived == {c.id: c.replaces for i in ids for c in service.index.claims_for_article(i)}
    rebuild_index(service.index, service.archive)
    for article_id in ids:
        for old in before[article_id]:
            found = service.index.claim_replacing(old.id)
            assert (found.id if found else None) == next(
                (c for c, olds in archived.items() if old.id in olds), None
            )


def test_claim_ids_an_edit_moved_lead_to_the_latest_claims_and_go_with_the_article(
    services: _Services,
) -> None:
    service = services(NEW)
    article_id = service.ingest_bytes(OTHER, "inbox/budget.txt").article_id
    first = service.index.claims_for_article(article_id)
    assert len(first) == 2
    # A paragraph above both claims moves every offset, so every id.
    service.ingest_bytes(OTHER.replace(b"\n\n", b"\n\nThe council met on Monday.\n\n", 1), "inbox/budget.txt")
    second = service.index.claims_for_article(article_id)
    assert not {c.id for c in first} & {c.id for c in second}
    for old in first:
        successor = service.index.claim_replacing(old.id)
        assert successor is not None and successor.content.text == old.content.text
    # Edited again: the first version's ids lead to the claims of the third.
    service.ingest_bytes(b"Budget talks\n\nToday. " + OTHER.split(b"\n\n", 1)[1], "inbox/budget.txt")
    third = {c.content.text: c for c in service.index.claims_for_article(article_id)}
    for old in first + second:
        successor = service.index.claim_replacing(old.id)
        assert successor is not None and successor == third[old.content.text]
    service.delete(article_id)
    assert all(service.index.claim_replacing(c.id) is None for c in first + second)


def test_an_article_being_written_is_left_to_the_next_run_and_the_rest_go_on(
    old_archive: tuple[IngestService, list[str]],
) -> None:
    service, _ = old_archive
    order = [e.article.id for e in service.archive]
    with service.archive.hold(order[0]):  # an ingest of it, this moment
        report = reextract_archive(service, service.archive)
    assert (report.stale, report.reextracted, report.stopped) == (1, 1, None)
    assert service.archive.load(order[0]).extractor_version == OLD.version
    assert reextract_archive(service, service.archive).reextracted == 1
