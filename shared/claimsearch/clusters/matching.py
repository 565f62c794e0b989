"""The second stage: whether two candidate claims of one claimant say the same thing.

LSH finds candidates that share some words; most share a name and a topic and make
different claims ("Trump ... a wall" and "Trump ... Mexico pays for the wall"). The test
is exact set overlap of the match tokens:

- Jaccard similarity >= `jaccard`: the two wordings are mostly the same words (a wire
  copy, a reprint, a quote with a word or two changed or cut);
- or containment >= `containment` (the shared words over the smaller set) when the
  smaller claim has at least `min_contained` tokens: one outlet quotes a part of what
  another quotes in full. The floor is high (8) on purpose: on the labelled pairs a short
  claim contained in a longer one is as often a different claim (the longer quote adds a
  demand, a second charge, a new number) as the same one cut short, and word overlap
  cannot tell the two apart; any lower floor or threshold dropped precision on the tuning
  half below 0.95.

A claim with a negation and one without never match, however many words they share: "will
raise taxes" and "will not raise taxes" are opposite claims four words in five alike.

Claims with fewer than `min_tokens` match tokens never join anything: two or three
content words ("his candidacy", "a request for comment") do not tell one proposition
from another, and the labelled pairs show such matches are wrong as often as right.

The thresholds were chosen on the tuning half of tests/data/claim_pairs.jsonl (bench/
bench_clusters.py prints the figures); see the package docstring.
"""

from __future__ import annotations

from dataclasses import dataclass

NEGATIONS = frozenset({"not", "no", "never", "nor", "neither", "none", "nobody", "nothing", "nowhere"})


@dataclass(frozen=True)
class Thresholds:
    jaccard: float = 0.8
    containment: float | None = 0.9  # None: Jaccard alone decides
    min_contained: int = 8
    min_tokens: int = 3


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Overlap:
    jaccard: float
    containment: float
    smaller: int  # tokens in the smaller set


def overlap(left: frozenset[str], right: frozenset[str]) -> Overlap:
    shared = len(left & right)
    union = len(left) + len(right) - shared
    smaller = min(len(left), len(right))
    return Overlap(
        jaccard=shared / union if union else 0.0,
        containment=shared / smaller if smaller else 0.0,
        smaller=smaller,
    )


def same_claim(
    left: frozenset[str], right: frozenset[str], thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> bool:
    """Whether two claims' match tokens say the same thing (same claimant assumed)."""
    if min(len(left), len(right)) < thresholds.min_tokens:
        return False
    if bool(left & NEGATIONS) != bool(right & NEGATIONS):
        return False
    found = overlap(left, right)
    if found.jaccard >= thresholds.jaccard:
        return True
    if thresholds.containment is None:
        return False
    return found.smaller >= thresholds.min_contained and found.containment >= thresholds.containment


def match_score(left: frozenset[str], right: frozenset[str]) -> float:
    """How alike two matching claims are, to pick the best of several: Jaccard, then containment."""
    found = overlap(left, right)
    return found.jaccard + found.containment / 1000
