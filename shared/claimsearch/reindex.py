"""Rebuild an index from the archive, the source of truth."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from claimsearch.archive import Archive
from claimsearch.claimants.registry import file_all, file_claims
from claimsearch.clusters.assign import with_clusters
from claimsearch.index.port import SearchIndex
from claimsearch.indexing import index_filed

# How far before the rebuild's start the catch-up looks: the clocks of the archive's store
# (S3's LastModified) and of this machine may differ by this much. Too far costs only
# articles indexed again as they are.
CLOCK_MARGIN = timedelta(seconds=30)


def rebuild_index(index: SearchIndex, archive: Archive) -> dict[str, Any]:
    """Load every archived article into `index`, filing claimants over the whole archive.

    Filing reads the archive twice (`claimants.registry.file_all`), so the same archive
    always rebuilds the same identities. The index builds beside the one serving and
    switches over at the end (see `SearchIndex.rebuild`), so searches are answered
    throughout. Claims keep the clusters ingest assigned them (`clusters.assign.with_clusters`).

    Ingest, takedowns and re-extraction go on meanwhile (the nightly rebuild on AWS runs
    beside the ingest function), writing to the index being replaced: what they wrote there
    would be lost at the switch, while their sources record them as done (a re-ingest of
    the file answers "unchanged"). Each of them writes the archive before the index, so
    after the switch every article archived or taken down since the rebuild started is put
    in the new index again (`catch_up`).
    """
    started = datetime.now(UTC) - CLOCK_MARGIN
    pairs, registry = file_all(lambda: ((e.article, e.claims) for e in archive))
    name = index.rebuild(with_clusters(pairs), lambda: list(registry.identities.values()))
    indexed, deleted = catch_up(index, archive, started)
    merged = sum(i.merged_into is not None for i in registry.identities.values())
    return {
        "index": name,
        "claims": index.count_claims(),
        "claimants": len(registry.identities) - merged,
        "merged_claimants": merged,  # surnames' ids that lead to their person
        "caught_up": {"indexed": indexed, "deleted": deleted},
    }


def catch_up(index: SearchIndex, archive: Archive, since: datetime) -> tuple[int, int]:
    """Put in `index` what the archive took in at or after `since`: each article archived
    then, as ingest indexes it, and each taken down, out. Returns how many of each."""
    saved, taken_down = archive.written_since(since)
    for article_id in sorted(taken_down):
        index.delete_article(article_id)
    indexed = 0
    for article_id in sorted(saved - taken_down):
        try:
            archived = archive.load(article_id)
        except KeyError:  # taken down since the listing: its tombstone's write is next
            continue
        # As ingest indexes it, less the extraction and the archive's write.
        index_filed(index, archived.article, file_claims(archived.claims, index))
        indexed += 1
    return indexed, len(taken_down)
