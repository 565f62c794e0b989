"""A person an article describes without naming ("The GOP nominee told the crowd ..."),
filed under the person the article names whom the index knows by that description.

Over both engines, through ingest and `reindex` with the shipped extractor: the registry's
roles come from another article ("Republican presidential nominee Donald Trump"), so a
search for Trump finds the claim the description made.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from claimsearch.archive import Archive
from claimsearch.claimants.registry import identity_id
from claimsearch.documents.limits import DocumentLimits
from claimsearch.extract.pipeline import DEFAULT_FINDER, ClaimExtractor, finder_named
from claimsearch.index.opensearch import OpenSearchIndex
from claimsearch.index.port import SearchIndex, SearchQuery
from claimsearch.index.sqlite import SqliteIndex
from claimsearch.ingest import IngestService
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


def test_ingest_files_a_description_by_the_roles_known_when_it_arrives_and_reindex_by_all(
    index: SearchIndex, tmp_path: Path
) -> None:
    service = _service(index, tmp_path)
    service.ingest_bytes(RALLY, "inbox/rally.txt")  # before any article calls him the nominee
    service.ingest_bytes(DEBATE, "inbox/debate.txt")
    assert DESCRIBED not in _trump(index)
    rebuild_index(index, service.archive)
    claims = _trump(index)
    assert claims[DESCRIBED] == (
        "The GOP nominee",
        claims["he would win Ohio"][1],
        identity_id("donald trump"),
    )
