"""Claim clusters on synthetic claims: who joins whom, and ids that survive a rebuild."""

from __future__ import annotations

import pytest

from claimsearch.clusters.assign import (
    MemoryClusters,
    assign,
    assign_article,
    canonical_key,
    cluster_claimant,
    cluster_id_for,
    rebuild,
)
from claimsearch.clusters.minhash import NUM_PERM, SEED, band_keys, signature
from claimsearch.clusters.normalise import content_words, match_tokens
from claimsearch.model import Claim, Claimant, Content, Cue

TRUMP = "p-trump"
CLINTON = "p-clinton"
WALL = "We will build a great wall on the southern border, and Mexico will pay for the wall"


def claim(
    claim_id: str,
    content: str,
    claimant_id: str | None = TRUMP,
    article: str = "a1",
    published: str = "2016-01-01",
    start: int = 0,
    claimant: Claimant | None = None,
) -> Claim:
    return Claim(
        id=claim_id,
        article_id=article,
        content=Content(content, [(start, start + len(content))], "direct"),
        cue=Cue("said", (0, 4), "say", "say"),
        claimant=claimant or Claimant("x", (0, 1), "x", "person", id=claimant_id),
        sentence=content,
        sentence_span=(start, start + len(content)),
        published_at=published,
    )


def clustered(*claims: Claim) -> dict[str, str]:
    return rebuild(claims)


def test_normalisation_folds_case_diacritics_punctuation_and_contractions() -> None:
    assert content_words("Don’t RAISE taxes, José!") == ["do", "not", "raise", "taxes", "jose"]
    assert match_tokens("He said taxes won't rise") == frozenset({"said", "tax", "not", "rise"})


def test_identical_quotes_join() -> None:
    ids = clustered(claim("c1", WALL, article="a1"), claim("c2", WALL, article="a2"))
    assert ids["c1"] == ids["c2"] == cluster_id_for("c1")


def test_near_identical_quotes_join() -> None:
    first = claim("c1", WALL, article="a1")
    punctuation = claim(
        "c2", "we will build a GREAT wall on the southern border - and Mexico will pay for the wall."
    )
    curly = claim("c3", "“We’ll build a great wall on the southern border, and Mexico will pay for the wall”")
    word = claim(
        "c4", "We will build a great wall on the southern border, and Mexico is going to pay for the wall"
    )
    ids = clustered(first, punctuation, curly, word)
    assert ids["c2"] == ids["c3"] == ids["c4"] == ids["c1"]


def test_different_claims_of_one_claimant_stay_apart() -> None:
    ids = clustered(
        claim("c1", WALL),
        claim("c2", "The election is going to be rigged and Republicans must watch the polls closely"),
        claim("c3", "We will build a wall and deport eleven million undocumented immigrants next year"),
    )
    assert len(set(ids.values())) == 3


def test_negation_is_a_different_claim() -> None:
    ids = clustered(
        claim("c1", "I will raise taxes on the middle class", article="a1"),
        claim("c2", "I will not raise taxes on the middle class", article="a2"),
        claim("c3", "I won't raise taxes on the middle class", article="a3"),
    )
    assert ids["c1"] != ids["c2"] and ids["c2"] == ids["c3"]


def test_same_words_from_different_claimants_stay_apart() -> None:
    ids = clustered(claim("c1", WALL, TRUMP, "a1"), claim("c2", WALL, CLINTON, "a2"))
    assert ids["c1"] != ids["c2"]


def test_claims_of_no_one_or_without_content_stay_alone() -> None:
    nobody = Claimant(None, None, None, "unattributed")
    he = Claimant("he", (0, 2), "he", "person")  # a pronoun never resolved
    ids = clustered(
        claim("c1", WALL, None, "a1", claimant=nobody),
        claim("c2", WALL, None, "a2", claimant=nobody),
        claim("c3", "the wall", TRUMP, "a3"),
        claim("c4", "the wall", TRUMP, "a4"),
        claim("c5", WALL, None, "a5", claimant=he),
        claim("c6", WALL, None, "a6", claimant=he),
    )
    assert len(set(ids.values())) == 6


def test_a_claimant_described_not_named_is_compared_under_its_description() -> None:
    # The registry files "a White House official" under no identity (another article's is
    # another official), but the same claim from one in two articles is one claim reported
    # twice; the same words from "a Pentagon official" are another claim.
    def described(words: str) -> Claimant:
        return Claimant(words, (0, len(words)), words, "person")

    ids = clustered(
        claim("c1", WALL, None, "a1", claimant=described("a White House official")),
        claim("c2", WALL, None, "a2", claimant=described("A White House official")),
        claim("c3", WALL, None, "a3", claimant=described("a Pentagon official")),
    )
    assert ids["c1"] == ids["c2"] != ids["c3"]
    assert cluster_claimant(claim("c4", WALL, None, claimant=described("A report"))) is not None
    assert cluster_claimant(claim("c5", WALL, TRUMP)) == TRUMP


def corpus() -> list[Claim]:
    return [
        claim("c3", WALL, article="a3", published="2016-03-01"),
        claim("c1", WALL + " someday", article="a1", published="2016-01-01"),
        claim("c2", "The election is going to be rigged and Republicans must watch closely", article="a2"),
        claim("c4", "the election is going to be RIGGED, and Republicans must watch closely", article="a4"),
        claim("c5", WALL, CLINTON, article="a5", published="2016-02-01"),
    ]


def test_ids_are_stable_under_rebuild_in_canonical_order() -> None:
    ordered = sorted(corpus(), key=canonical_key)
    first = rebuild(ordered)
    assert rebuild(sorted(reversed(corpus()), key=canonical_key)) == first
    # The earliest member founds the cluster: its id is that claim's.
    assert first["c3"] == first["c1"] == cluster_id_for("c1")


def test_incremental_assignment_equals_rebuild() -> None:
    ordered = sorted(corpus(), key=canonical_key)
    state = MemoryClusters()
    incremental: dict[str, str] = {}
    for article in dict.fromkeys(c.article_id for c in ordered):
        claims = [c for c in ordered if c.article_id == article]
        for c, assignment in zip(claims, assign_article(claims, state), strict=True):
            state.add(c, assignment)
            incremental[c.id] = assignment.cluster_id
    assert incremental == rebuild(ordered)


def test_a_claim_ingested_again_keeps_its_cluster() -> None:
    state = MemoryClusters()
    for c in sorted(corpus(), key=canonical_key):
        state.add(c, assign(c, state))
    again = claim("c3", WALL, article="a3", published="2016-03-01")
    assert assign(again, state).cluster_id == state.cluster_of["c3"]


def test_claims_of_one_article_join_each_other() -> None:
    claims = [claim("c1", WALL, start=0), claim("c2", WALL.upper(), start=200)]
    first, second = assign_article(claims, MemoryClusters())
    assert second.cluster_id == first.cluster_id and second.matched == "c1"


def test_signatures_and_bands_match_datasketch() -> None:
    datasketch = pytest.importorskip("datasketch")
    tokens = sorted(match_tokens(WALL))
    reference = datasketch.MinHash(num_perm=NUM_PERM, seed=SEED, scheme="legacy")
    for token in tokens:
        reference.update(token.encode("utf-8"))
    ours = signature(tokens)
    assert (reference.hashvalues == ours).all()
    # MinHashLSH with the same bands finds exactly the candidates our band keys find.
    lsh = datasketch.MinHashLSH(num_perm=NUM_PERM, params=(32, 2))
    other_tokens = sorted(match_tokens("Mexico will pay for the wall, believe me"))
    other = datasketch.MinHash(num_perm=NUM_PERM, seed=SEED, scheme="legacy")
    for token in other_tokens:
        other.update(token.encode("utf-8"))
    lsh.insert("other", other)
    shares_key = bool(set(band_keys(ours)) & set(band_keys(signature(other_tokens))))
    assert (lsh.query(reference) == ["other"]) == shares_key
