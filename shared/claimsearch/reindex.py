"""Rebuild an index from the archive, the source of truth."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from claimsearch.archive import Archive
from claimsearch.claimants.registry import EmptyRegistry, MemoryRegistry, file_claims
from claimsearch.index.port import SearchIndex
from claimsearch.model import Article, Claim


def rebuild_index(index: SearchIndex, archive: Archive) -> dict[str, Any]:
    """Load every archived article into `index`, filing claimants over the whole archive.

    Filing reads the archive twice. The first pass gathers the full names each article
    gives on its own; the second files every claim against them, so a surname alone
    joins the person who dominates that surname across the whole archive, whatever
    order the articles come in: the same archive always rebuilds the same identities.

    The index builds beside the one serving and switches over at the end (see
    `SearchIndex.rebuild`), so searches are answered throughout.
    """
    full_names = MemoryRegistry()
    for extracted in archive:
        full_names.add(file_claims(extracted.claims, EmptyRegistry()))
    registry = MemoryRegistry()

    def pairs() -> Iterator[tuple[Article, list[Claim]]]:
        for extracted in archive:
            filed = file_claims(extracted.claims, full_names)
            registry.add(filed)
            yield extracted.article, filed.claims

    name = index.rebuild(pairs(), lambda: list(registry.identities.values()))
    return {"index": name, "claims": index.count_claims(), "claimants": len(registry.identities)}
