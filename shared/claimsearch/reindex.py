"""Rebuild an index from the archive, the source of truth."""

from __future__ import annotations

from typing import Any

from claimsearch.archive import Archive
from claimsearch.index.port import SearchIndex


def rebuild_index(index: SearchIndex, archive: Archive) -> dict[str, Any]:
    """Load every archived article into `index`.

    Engines that support it (OpenSearch) build a new versioned index and switch an
    alias, so searches keep being served from the old one until the switch; others
    re-index article by article (idempotent: ids are stable).
    """
    pairs = ((e.article, e.claims) for e in archive)
    rebuild = getattr(index, "rebuild", None)
    if callable(rebuild):
        name = rebuild(pairs)
        return {"index": name, "claims": index.count_claims()}
    index.ensure_ready()
    articles = claims = 0
    for article, article_claims in pairs:
        index.index_article(article, article_claims)
        articles += 1
        claims += len(article_claims)
    return {"index": "in place", "articles": articles, "claims": claims}
