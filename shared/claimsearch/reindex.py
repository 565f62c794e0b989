"""Rebuild an index from the archive, the source of truth."""

from __future__ import annotations

from typing import Any

from claimsearch.archive import Archive
from claimsearch.claimants.registry import file_all
from claimsearch.clusters.assign import with_clusters
from claimsearch.index.port import SearchIndex


def rebuild_index(index: SearchIndex, archive: Archive) -> dict[str, Any]:
    """Load every archived article into `index`, filing claimants over the whole archive.

    Filing reads the archive twice (`claimants.registry.file_all`), so the same archive
    always rebuilds the same identities. The index builds beside the one serving and
    switches over at the end (see `SearchIndex.rebuild`), so searches are answered
    throughout. Claims keep the clusters ingest assigned them (`clusters.assign.with_clusters`).
    """
    pairs, registry = file_all(lambda: ((e.article, e.claims) for e in archive))
    name = index.rebuild(with_clusters(pairs), lambda: list(registry.identities.values()))
    merged = sum(i.merged_into is not None for i in registry.identities.values())
    return {
        "index": name,
        "claims": index.count_claims(),
        "claimants": len(registry.identities) - merged,
        "merged_claimants": merged,  # surnames' ids that lead to their person
    }
