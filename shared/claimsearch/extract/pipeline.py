"""Article -> [Claim]: parse, find attributions, build claims."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from claimsearch.extract import DEFAULT_FINDER, FINDERS
from claimsearch.extract.claims import build_claims, extractor_version
from claimsearch.extract.nlp import parse
from claimsearch.extract.rules import RuleBasedFinder
from claimsearch.extract.spans import AttributionFinder
from claimsearch.model import Article, Claim


@lru_cache(maxsize=4)
def finder_named(name: str, threads: int = 1) -> AttributionFinder:
    """The finder called `name` (one of FINDERS); `threads`: the trained model's intra-op threads."""
    if name == "rules":
        return RuleBasedFinder()
    from claimsearch.extract.learned import default_learned_finder

    if name == "learned":
        return default_learned_finder(threads)
    if name == "repaired":
        from claimsearch.extract.repair import RepairedFinder

        return RepairedFinder(default_learned_finder(threads), RuleBasedFinder())
    raise ValueError(f"the extractor must be one of {', '.join(FINDERS)}; got {name!r}")


def extract_claims(article: Article, finder: AttributionFinder | None = None) -> list[Claim]:
    """Every attributed claim in the article, in text order, with provenance spans.

    `finder` defaults to the repaired learned finder; processes choose theirs from
    configuration (`wiring.make_extractor`).
    """
    finder = finder or finder_named(DEFAULT_FINDER)
    doc = parse(article.text)
    return build_claims(article, doc, finder.find(doc), finder.name)


@dataclass(frozen=True)
class ClaimExtractor:
    """Article -> claims with one finder, and the version every claim it makes records:
    ingest archives it beside the claims, so `claimsearch reextract` knows which
    archived articles another extractor made."""

    finder: AttributionFinder

    @property
    def version(self) -> str:
        return extractor_version(self.finder.name)

    def __call__(self, article: Article) -> list[Claim]:
        return extract_claims(article, self.finder)
