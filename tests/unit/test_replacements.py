"""Which new claim of an article takes the place of each old one (`claimsearch.replacements`)."""

from __future__ import annotations

from dataclasses import replace

from claimsearch.model import Claim, Claimant, Content, Cue
from claimsearch.replacements import with_replacements

CUTS = "the cuts would fall hardest on poor families in the north of the city"


def claim(
    claim_id: str, content: str, cue: str = "said", at: int = 0, replaces: list[str] | None = None
) -> Claim:
    return Claim(
        id=claim_id,
        article_id="a1",
        content=Content(content, [(at + 10, at + 10 + len(content))], "indirect"),
        cue=Cue(cue, (at, at + len(cue)), cue, "say"),
        claimant=Claimant("Ruth Adler", (0, 10), "Ruth Adler", "person"),
        sentence=content,
        sentence_span=(at, at + 100),
        replaces=replaces or [],
    )


def replaced(previous: list[Claim], claims: list[Claim]) -> dict[str, list[str]]:
    return {c.id: c.replaces for c in with_replacements(previous, claims)}


def test_a_content_whose_edge_moved_replaces_the_old_claim_and_an_unrelated_one_does_not() -> None:
    old = [claim("c1", CUTS), claim("c2", "the mayor will close two libraries next year", at=200)]
    new = [
        claim("n1", CUTS.removesuffix(" of the city"), at=5),
        claim("n2", "taxes will rise in the spring", at=200),
    ]
    assert replaced(old, new) == {"n1": ["c1"], "n2": []}


def test_half_the_longer_contents_words_decide_under_another_cue() -> None:
    short = "the cuts would fall hardest on poor families"  # 8 words of CUTS' 14
    assert replaced([claim("c1", CUTS)], [claim("n1", short, cue="warned")]) == {"n1": ["c1"]}
    shorter = "the cuts would fall hardest"  # 5 of 14
    assert replaced([claim("c1", CUTS)], [claim("n1", shorter, cue="warned")]) == {"n1": []}
    # Run on to three times as long.
    assert replaced([claim("c1", shorter)], [claim("n1", CUTS, cue="warned")]) == {"n1": []}


def test_under_the_same_cue_half_the_shorter_contents_words_decide() -> None:
    shorter = "the cuts would fall hardest"  # 5 of 14, all inside CUTS
    assert replaced([claim("c1", CUTS)], [claim("n1", shorter)]) == {"n1": ["c1"]}
    assert replaced([claim("c1", shorter)], [claim("n1", CUTS)]) == {"n1": ["c1"]}
    # Three words at least: "the cuts" alone could be in any report of the article.
    assert replaced([claim("c1", "the cuts")], [claim("n1", CUTS)]) == {"n1": []}
    assert replaced([claim("c1", "the cuts, he warned")], [claim("n1", CUTS)]) == {"n1": []}  # 2 of 4


def test_a_kept_claim_keeps_what_it_replaced_and_chains_follow_to_the_latest() -> None:
    first = [claim("c1", CUTS), claim("c2", "the mayor will close two libraries next year", at=200)]
    second = with_replacements(first, [claim("n1", CUTS, at=5), first[1]])
    assert {c.id: c.replaces for c in second} == {"n1": ["c1"], "c2": []}
    third = with_replacements(second, [claim("m1", CUTS, at=9), second[1]])
    assert {c.id: c.replaces for c in third} == {"m1": ["c1", "n1"], "c2": []}
    # Back to the first spans: the id is live again, so it is no longer a replaced one.
    back = with_replacements(third, [replace(first[0]), third[1]])
    assert {c.id: c.replaces for c in back} == {"c1": ["m1", "n1"], "c2": []}


def test_a_repeated_content_goes_to_the_same_cue_then_the_nearer_place() -> None:
    old = [claim("c1", CUTS, cue="warned", at=100)]
    new = [claim("n1", CUTS, cue="said", at=100), claim("n2", CUTS, cue="warned", at=900)]
    assert replaced(old, new) == {"n1": [], "n2": ["c1"]}
    new = [claim("n1", CUTS, at=900), claim("n2", CUTS, at=120), claim("n3", CUTS, at=90)]
    assert replaced([claim("c1", CUTS, at=100)], new) == {"n1": [], "n2": [], "n3": ["c1"]}


def test_two_old_claims_read_as_one_both_lead_to_it() -> None:
    old = [
        claim("c1", "the cuts would fall hardest on poor families"),
        claim("c2", "in the north of the city", at=50),
    ]
    merged = claim("n1", CUTS, cue="warned")
    assert replaced(old, [merged]) == {"n1": ["c1"]}  # "in the north of the city": 6 of 14 words
    assert replaced(old, [replace(merged, cue=old[1].cue)]) == {"n1": ["c1", "c2"]}  # all 6 inside it
    old = [
        claim("c1", "the cuts would fall hardest on poor"),
        claim("c2", "families in the north of the city", at=50),
    ]
    assert replaced(old, [merged]) == {"n1": ["c1", "c2"]}
