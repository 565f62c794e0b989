"""Article -> [Claim]: parse, find attributions, build claims."""

from __future__ import annotations

import os
from functools import lru_cache

from claimsearch.extract.claims import build_claims
from claimsearch.extract.nlp import parse
from claimsearch.extract.rules import RuleBasedFinder
from claimsearch.extract.spans import AttributionFinder
from claimsearch.model import Article, Claim


@lru_cache(maxsize=1)
def default_finder() -> AttributionFinder:
    """The finder this process uses: `CLAIMSEARCH_EXTRACTOR` = rules (default for now)."""
    choice = os.environ.get("CLAIMSEARCH_EXTRACTOR", "rules")
    if choice == "rules":
        return RuleBasedFinder()
    raise ValueError(f"CLAIMSEARCH_EXTRACTOR must be 'rules', got {choice!r}")


def extract_claims(article: Article, finder: AttributionFinder | None = None) -> list[Claim]:
    """Every attributed claim in the article, in text order, with provenance spans."""
    finder = finder or default_finder()
    doc = parse(article.text)
    return build_claims(article, doc, finder.find(doc), finder.name)
