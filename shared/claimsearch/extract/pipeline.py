"""Article -> [Claim]: parse, find attributions, build claims."""

from __future__ import annotations

import os
from functools import lru_cache

from claimsearch.extract.claims import build_claims
from claimsearch.extract.nlp import parse
from claimsearch.extract.rules import RuleBasedFinder
from claimsearch.extract.spans import AttributionFinder
from claimsearch.model import Article, Claim

FINDERS = ("repaired", "learned", "rules")


@lru_cache(maxsize=4)
def finder_named(name: str) -> AttributionFinder:
    if name == "rules":
        return RuleBasedFinder()
    from claimsearch.extract.learned import default_learned_finder

    if name == "learned":
        return default_learned_finder()
    if name == "repaired":
        from claimsearch.extract.repair import RepairedFinder

        return RepairedFinder(default_learned_finder(), RuleBasedFinder())
    raise ValueError(f"CLAIMSEARCH_EXTRACTOR must be one of {', '.join(FINDERS)}; got {name!r}")


def default_finder() -> AttributionFinder:
    """The finder this process uses: `CLAIMSEARCH_EXTRACTOR` (default: repaired)."""
    return finder_named(os.environ.get("CLAIMSEARCH_EXTRACTOR", "repaired"))


def extract_claims(article: Article, finder: AttributionFinder | None = None) -> list[Claim]:
    """Every attributed claim in the article, in text order, with provenance spans."""
    finder = finder or default_finder()
    doc = parse(article.text)
    return build_claims(article, doc, finder.find(doc), finder.name)
