"""An article's filed claims written to the index, with what they change in the registry:
the one write ingest, re-extraction and a rebuild's catch-up share."""

from __future__ import annotations

from claimsearch.claimants.registry import Filed, identities_joined, updated_identities
from claimsearch.errors import IndexingFailed
from claimsearch.index.port import SearchIndex
from claimsearch.model import Article


def index_filed(index: SearchIndex, article: Article, filed: Filed) -> None:
    """Write `filed` (the article's claims, filed against `index`) in place of what the index
    holds for the article, with the identities they add to; then move to the person it names
    each identity filed before that belongs to them now."""
    report = index.index_article(article, filed.claims, updated_identities(filed, index))
    if not report.ok:
        failures = "; ".join(f"{k}: {v}" for k, v in list(report.failed.items())[:3])
        raise IndexingFailed(f"{len(report.failed)} claims of {article.id} not indexed ({failures})")
    # A surname filed alone, or a name written another way ("Len Burman", "Hillary Rodham
    # Clinton"), before this article named its person so joins that person now, as
    # `reindex` would file it. Before the source is recorded: a failure here fails the
    # event, and its retry (the article unchanged in the index) moves them.
    for alone, person in identities_joined(filed, index):
        index.move_claimant(alone, person)
