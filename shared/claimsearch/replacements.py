"""Which claim takes the place of one that an edit or a re-extraction removed.

A claim's id is its article plus its cue and content spans (`model.claim_id_for`), so
it survives a re-extraction that finds the same spans and nothing else: a new extractor
that moves a content's edge by a word, or an edit that moves every offset after it,
gives the claim a new id. A partner who stored the old one (a fact-check pointing at
it, a saved search result) would get 404. Instead each new claim lists the ids it
replaces (`Claim.replaces`), kept in the archive and the index, and `GET /claims/{old}`
answers 301 with the new claim's URL.

A removed claim is replaced by the new claim of the same article that says the most of
the same words: one sharing at least half of the longer content's words (a content cut or
run on by a few words), or, under the same cue, one whose content holds at least half of
the shorter one's words, three at least (a content cut to its first phrase, or run on
into the next sentence, where the cue says it is the same report). The greater share
of the longer content wins, then the same cue text, then the nearer place. Words, not
offsets, because an edit moves offsets. Several removed claims may share one successor
(two contents the new extractor reads as one); a removed claim without a match is gone,
as its words are.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from claimsearch.model import Claim

# The share of the longer content's words two contents must share; under the same cue, of
# the shorter's, and how many words that must be at least.
MIN_SHARED = 0.5
MIN_SHARED_UNDER_CUE = 3
_WORD = re.compile(r"\w+")


def with_replacements(previous: Sequence[Claim], claims: list[Claim]) -> list[Claim]:
    """`claims` (an article's new claims) with `replaces` set from `previous` (the claims
    they take the place of): a claim that keeps its id keeps what it replaced, a removed
    claim and all it replaced go to its successor. Order and everything else unchanged."""
    kept = {c.id for c in claims}
    words = [_words(c) for c in claims]
    inherited: dict[str, set[str]] = {c.id: set() for c in claims}
    for old in previous:
        if old.id in kept:
            inherited[old.id].update(old.replaces)
            continue
        successor = _successor(old, claims, words)
        if successor is not None:
            inherited[successor.id].update([old.id, *old.replaces])
    return [replace(c, replaces=sorted(inherited[c.id] - kept)) for c in claims]


def _successor(old: Claim, claims: list[Claim], words: list[Counter[str]]) -> Claim | None:
    said = _words(old)
    ranked: list[tuple[tuple[float, bool, int], Claim]] = []
    for claim, new in zip(claims, words, strict=True):
        sizes = (sum(said.values()), sum(new.values()))
        common = sum((said & new).values())
        same_cue = claim.cue.text == old.cue.text
        within = same_cue and common >= max(MIN_SHARED_UNDER_CUE, MIN_SHARED * min(sizes))
        if common and (common >= MIN_SHARED * max(sizes) or within):
            ranked.append(((common / max(sizes), same_cue, -abs(claim.cue.span[0] - old.cue.span[0])), claim))
    # The first of the best: ties go to the claim that comes first.
    return max(ranked, key=lambda r: r[0])[1] if ranked else None


def _words(claim: Claim) -> Counter[str]:
    return Counter(_WORD.findall(claim.content.text.casefold()))
