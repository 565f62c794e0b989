"""What the registry says of a person after an edit or a takedown, over both engines, through
ingest with the shipped extractor: what a rebuild from the archive says, no more. A role an
edit corrected, the names a deleted article alone gave and, with the last claim, the person
go from the live registry as they would from a rebuilt one.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from claimsearch.archive import Archive
from claimsearch.claimants.registry import identity_id
from claimsearch.documents.limits import DocumentLimits
from claimsearch.extract.pipeline import DEFAULT_FINDER, ClaimExtractor, finder_named
from claimsearch.index.opensearch import OpenSearchIndex
from claimsearch.index.port import SearchIndex
from claimsearch.index.sqlite import SqliteIndex
from claimsearch.ingest import IngestService
from claimsearch.model import ClaimantIdentity
from claimsearch.reindex import rebuild_index
from claimsearch.storage.local import LocalBlobStore
from tests.integration import opensearch_fixtures

opensearch_client = opensearch_fixtures.opensearch_client
opensearch_prefix = opensearch_fixtures.opensearch_prefix

TALKS = b"Peace talks\n\nGovernor John Kerry said on Monday that the talks would resume in Rome.\n"
# The same article corrected: the role it gave him was wrong.
TALKS_CORRECTED = b"Peace talks\n\nSecretary John Kerry said on Monday that the talks would resume in Rome.\n"
TRUCE = b"Truce holds\n\nMr. Kerry said on Tuesday that the ceasefire would hold. John Kerry spoke in Rome.\n"
EXTRACT = ClaimExtractor(finder_named(DEFAULT_FINDER))
KERRY = identity_id("john kerry")

Engines = Callable[[str], SearchIndex]


@pytest.fixture(params=["sqlite", "opensearch"])
def engines(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engines]:
    """A maker of empty indices of one engine, by name: the live one and a rebuilt one."""
    made: list[SearchIndex] = []
    if request.param == "sqlite":
        yield lambda name: SqliteIndex(tmp_path / f"{name}.sqlite3")
        return
    request.getfixturevalue("opensearch_client")
    prefix: str = request.getfixturevalue("opensearch_prefix")

    def make(name: str) -> SearchIndex:
        engine = OpenSearchIndex(opensearch_fixtures.endpoint(), prefix=f"{prefix}-upkeep-{name}")
        engine.ensure_ready()
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.drop()


def _kerry(index: SearchIndex) -> ClaimantIdentity | None:
    return index.get_claimants([KERRY]).get(KERRY)


def test_edits_and_takedowns_leave_the_registry_a_rebuild_gives(engines: Engines, tmp_path: Path) -> None:
    live = engines("live")
    store = LocalBlobStore(tmp_path / "store")
    service = IngestService(live, Archive(store), EXTRACT, DocumentLimits(max_bytes=10**6))
    rebuilds = itertools.count()

    def rebuilt() -> ClaimantIdentity | None:
        """Kerry as a rebuild from the archive as it stands files him, in an index of its own."""
        fresh = engines(f"rebuilt{next(rebuilds)}")
        rebuild_index(fresh, service.archive)
        return _kerry(fresh)

    talks = service.ingest_bytes(TALKS, "inbox/talks.txt").article_id
    truce = service.ingest_bytes(TRUCE, "inbox/truce.txt").article_id
    first = _kerry(live)
    assert first is not None and first.claims == 2
    assert first.roles == ["Governor"]
    assert "Mr. Kerry" in first.aliases
    assert first == rebuilt()

    assert service.ingest_bytes(TALKS_CORRECTED, "inbox/talks.txt").action == "indexed"
    corrected = _kerry(live)
    assert corrected is not None and corrected.claims == 2
    assert corrected.roles == ["Secretary"]  # the old code kept "Governor" too
    assert corrected == rebuilt()

    service.delete(truce)
    alone = _kerry(live)
    assert alone is not None and alone.claims == 1
    assert "Mr. Kerry" not in alone.aliases  # only the deleted article wrote him so
    assert alone == rebuilt()

    service.delete(talks)
    assert _kerry(live) is None and live.suggest_claimants("kerry") == []
    assert rebuilt() is None
