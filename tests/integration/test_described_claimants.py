"""A person an article describes without naming ("The GOP nominee told the crowd ..."),
filed under the person the article names whom the index knows by that description.

Over both engines, through ingest and `reindex` with the shipped extractor: the registry's
roles come from another article ("Republican presidential nominee Donald Trump"), so a
search for Trump finds the claim the description made, whichever article came first. And a
document described by its noun ("The poll"), found by the name of the one it refers to.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from claimsearch.archive import Archive
from claimsearch.claimants.registry import file_claims, identity_id
from claimsearch.documents import parse_document
from claimsearch.documents.limits import DocumentLimits
from claimsearch.errors import IndexingFailed
from claimsearch.extract.pipeline import DEFAULT_FINDER, ClaimExtractor, finder_named
from claimsearch.index.opensearch import OpenSearchIndex
from claimsearch.index.port import IndexReport, SearchIndex, SearchQuery
from claimsearch.index.sqlite import SqliteIndex
from claimsearch.ingest import IngestService
from claimsearch.model import Article, Claim, ClaimantIdentity
from claimsearch.refiling import file_descriptions_elsewhere
from claimsearch.reindex import rebuild_index
from claimsearch.storage.local import LocalBlobStore
from tests.integration import opensearch_fixtures

opensearch_client = opensearch_fixtures.opensearch_client
opensearch_prefix = opensearch_fixtures.opensearch_prefix

# Describes him: the registry learns the role "Republican presidential nominee".
DEBATE = (
    b"Debate night\n\nRepublican presidential nominee Donald Trump said on Monday that the polls "
    b"were rigged against him. Hillary Clinton said the debate had gone well.\n"
)
# Names him, then only describes him.
RALLY = (
    b"Rally in Ohio\n\nDonald Trump said on Tuesday that he would win Ohio. Hillary Clinton spoke "
    b"in Florida. The GOP nominee told the crowd that the economy was in ruins.\n"
)
DESCRIBED = "the economy was in ruins"
EXTRACT = ClaimExtractor(finder_named(DEFAULT_FINDER))


@pytest.fixture(params=["sqlite", "opensearch"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    if request.param == "sqlite":
        yield SqliteIndex(tmp_path / "index.sqlite3")
        return
    request.getfixturevalue("opensearch_client")
    prefix: str = request.getfixturevalue("opensearch_prefix")
    engine = OpenSearchIndex(opensearch_fixtures.endpoint(), prefix=f"{prefix}-described")
    engine.ensure_ready()
    yield engine
    engine.drop()


def _service(index: SearchIndex, root: Path) -> IngestService:
    return IngestService(
        index, Archive(LocalBlobStore(root / "store")), EXTRACT, DocumentLimits(max_bytes=10**6)
    )


def _trump(index: SearchIndex) -> dict[str, tuple[str | None, str | None, str | None]]:
    """Donald Trump's claims: content -> (mention, name, identity id)."""
    hits = index.search(SearchQuery(claimant="Trump", limit=50)).hits
    return {
        h.claim.content.text: (h.claim.claimant.mention, h.claim.claimant.name, h.claim.claimant.id)
        for h in hits
    }


def test_a_description_is_found_under_the_person_the_index_knows_by_it(
    index: SearchIndex, tmp_path: Path
) -> None:
    service = _service(index, tmp_path)
    service.ingest_bytes(DEBATE, "inbox/debate.txt")
    service.ingest_bytes(RALLY, "inbox/rally.txt")
    donald = identity_id("donald trump")
    claims = _trump(index)
    # Named as the article names him elsewhere, as a pronoun resolved is.
    assert claims[DESCRIBED] == ("The GOP nominee", claims["he would win Ohio"][1], donald)
    assert "the polls were rigged against him" in claims
    identity = index.get_claimants([donald])[donald]
    assert "The GOP nominee" not in identity.aliases  # a description is no way to write his name
    # Nothing of Hillary Clinton's, who is no GOP nominee.
    assert DESCRIBED not in {h.claim.content.text for h in index.search(SearchQuery(claimant="Clinton")).hits}


def test_a_later_article_giving_the_role_files_an_earlier_description_as_reindex_does(
    index: SearchIndex, tmp_path: Path
) -> None:
    service = _service(index, tmp_path)
    rally = service.ingest_bytes(RALLY, "inbox/rally.txt").article_id  # before any article calls him so
    assert DESCRIBED not in _trump(index)
    debate = service.ingest_bytes(DEBATE, "inbox/debate.txt").article_id
    donald = identity_id("donald trump")
    ingested = _trump(index)
    assert ingested[DESCRIBED] == ("The GOP nominee", ingested["he would win Ohio"][1], donald)
    held = {a: index.claims_for_article(a) for a in (rally, debate)}
    identity = index.get_claimants([donald])[donald]
    # Every claim and the identity as a rebuild from the archive files them.
    rebuild_index(index, service.archive)
    assert {a: index.claims_for_article(a) for a in (rally, debate)} == held
    assert index.get_claimants([donald])[donald] == identity
    assert _trump(index) == ingested


POLL = (
    b"Poll shows tight race\n\nA new Quinnipiac University poll shows that Clinton leads Trump by "
    b"five points in Ohio.\n\nThe poll also found that most voters distrust both candidates.\n"
)


def test_the_poll_is_found_by_the_name_of_the_poll_it_refers_to(index: SearchIndex, tmp_path: Path) -> None:
    # "A new Quinnipiac University poll" is a description (one poll among many: no identity),
    # and "The poll" is it: both claims are found by the poll's name, the second by the name
    # it was resolved to, not by its own words.
    _service(index, tmp_path).ingest_bytes(POLL, "inbox/poll.txt")
    hits = index.search(SearchQuery(claimant="Quinnipiac", limit=10)).hits
    found = {h.claim.claimant.mention: h.claim for h in hits}
    assert set(found) == {"A new Quinnipiac University poll", "The poll"}
    assert found["The poll"].claimant.name == "A new Quinnipiac University poll"
    assert found["The poll"].claimant.id is None


class _FailsOnce(SqliteIndex):
    """The SQLite index, failing the first write of one article's claims (a write the
    refiling makes), as a node that rejects a bulk does."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.fail: str | None = None

    def index_article(
        self, article: Article, claims: list[Claim], claimants: Iterable[ClaimantIdentity] = ()
    ) -> IndexReport:
        if article.id == self.fail:
            self.fail = None
            return IndexReport(article.id, 0, {c.id: "rejected" for c in claims})
        return super().index_article(article, claims, claimants)


def test_a_refiling_that_fails_fails_the_event_and_its_retry_files_it(tmp_path: Path) -> None:
    index = _FailsOnce(tmp_path / "index.sqlite3")
    service = _service(index, tmp_path)
    rally = service.ingest_bytes(RALLY, "inbox/rally.txt").article_id
    index.fail = rally
    with pytest.raises(IndexingFailed, match="not filed again"):
        service.ingest_bytes(DEBATE, "inbox/debate.txt")
    assert DESCRIBED not in _trump(index)
    # The retry finds the role still new (the debate's own write never came) and files it.
    assert service.ingest_bytes(DEBATE, "inbox/debate.txt").action == "indexed"
    assert _trump(index)[DESCRIBED][2] == identity_id("donald trump")


def test_an_article_edited_meanwhile_is_not_written_back(tmp_path: Path) -> None:
    index = SqliteIndex(tmp_path / "index.sqlite3")
    service = _service(index, tmp_path)
    service.ingest_bytes(RALLY, "inbox/rally.txt")
    article = replace(parse_document(DEBATE, "debate.txt", limits=service.limits), id="debate")
    filed = file_claims(EXTRACT(article), index)
    # The archive no longer holds the claims the index read: the edit's own filing reads the role.
    assert file_descriptions_elsewhere(index, "debate", filed, lambda _a, _c: False) == 0
    assert DESCRIBED not in _trump(index)
    assert file_descriptions_elsewhere(index, "debate", filed) == 1
    assert _trump(index)[DESCRIBED][2] == identity_id("donald trump")
