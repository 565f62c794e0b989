"""A rebuild while ingest and takedowns go on (the nightly rebuild on AWS runs beside the
ingest function): what they wrote to the index being replaced is not lost at the switch.

Ingest writes the archive before the index and records the source after both, so an
article ingested during a rebuild, after the rebuild had read the archive, went only to
the old index: the switch dropped it, while its source said it was done (a re-ingest of
the file answered "unchanged"). A takedown then was undone the same way. Both engines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from claimsearch.index.port import SearchIndex, SearchQuery
from claimsearch.reindex import rebuild_index
from tests.integration import opensearch_fixtures
from tests.integration.test_described_claimants import _service, index

opensearch_client = opensearch_fixtures.opensearch_client
opensearch_prefix = opensearch_fixtures.opensearch_prefix
__all__ = ["index"]

TAKEN_DOWN = b"Budget vote\n\nAna Ruiz, the finance minister, said the deficit would fall below 3 percent.\n"
KEPT = b"Harbour plan\n\nEva Lind, the mayor, said the harbour would reopen in May.\n"
LATE = b"Rail strike\n\nBen Ortiz, the union's leader, said the strike would go on until Friday.\n"


def _names(index: SearchIndex) -> set[str | None]:
    return {h.claim.claimant.name for h in index.search(SearchQuery(limit=50)).hits}


def test_writes_made_while_a_rebuild_runs_are_in_the_index_it_switches_to(
    index: SearchIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = _service(index, tmp_path)
    taken_down = service.ingest_bytes(TAKEN_DOWN, "budget.txt").article_id
    service.ingest_bytes(KEPT, "harbour.txt")
    assert _names(index) == {"Ana Ruiz", "Eva Lind"}
    rebuild = index.rebuild

    def rebuild_with_writes_meanwhile(
        pairs: Iterable[Any], claimants: Callable[[], Iterable[Any]] = list
    ) -> str:
        def then() -> list[Any]:
            # The archive has been read; the new index is not yet serving.
            identities = list(claimants())
            assert service.ingest_bytes(LATE, "strike.txt").action == "indexed"
            assert service.delete(taken_down).action == "deleted"
            return identities

        return rebuild(pairs, then)

    monkeypatch.setattr(index, "rebuild", rebuild_with_writes_meanwhile)
    report = rebuild_index(index, service.archive)
    assert _names(index) == {"Eva Lind", "Ben Ortiz"}
    assert report["caught_up"]["deleted"] == 1 and report["caught_up"]["indexed"] >= 1
    # The sources and the index agree: the late file is not "unchanged" with nothing indexed.
    assert service.ingest_bytes(LATE, "strike.txt").action == "unchanged"
    (hit,) = index.search(SearchQuery(claimant="Ortiz", limit=5)).hits
    assert hit.claim.claimant.id and hit.claim.claimant.id in index.get_claimants([hit.claim.claimant.id])
