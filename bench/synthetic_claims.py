"""Hand-made articles and claims for benches that need a shape of index, not a corpus."""

from __future__ import annotations

from claimsearch.model import Article, Claim, Claimant, Content, Cue, claim_id_for


def article(article_id: str) -> Article:
    return Article(
        id=article_id,
        text="x" * 2000,
        title="t",
        source_key=f"{article_id}.txt",
        publisher="Bench Times",
        published_at="2016-09-12",
    )


def claim(a: Article, n: int, claimant: Claimant, content: str) -> Claim:
    """The article's `n`th claim (of up to 20), said by `claimant`."""
    cue, spans = (n * 100, n * 100 + 4), [(n * 100 + 5, n * 100 + 60)]
    return Claim(
        id=claim_id_for(a.id, cue, spans),
        article_id=a.id,
        content=Content(content, spans, "indirect"),
        cue=Cue("said", cue, "say", "say"),
        claimant=claimant,
        sentence=f"{claimant.mention} said {content}",
        sentence_span=(n * 100 - 20, n * 100 + 60),
        entities=[],
        publisher=a.publisher,
        published_at=a.published_at,
    )
