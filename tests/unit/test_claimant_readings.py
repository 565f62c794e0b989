"""A `claimant=` name as an article writes it: the terms asked and the looser readings tried after."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from claimsearch.index.text_query import ClaimantTerms, claimant_terms, looser_claimant_terms, match_claimant


def _readings(name: str) -> list[str]:
    return [terms.phrase for terms in looser_claimant_terms(name)]


def test_a_party_label_after_the_name_is_cut() -> None:
    assert claimant_terms("Sen. Lindsey Graham (R-S.C.)").phrase == "lindsey graham"
    assert claimant_terms("Rep. Jason Chaffetz (R-Utah)").phrase == "jason chaffetz"


@pytest.mark.parametrize(
    ("name", "readings"),
    [
        ("New Jersey Gov. Chris Christie", ["chris christie"]),
        ("Retired Lt. Gen. Michael Flynn", ["michael flynn"]),
        # What follows the last title is the name as asked ("of state hillary clinton"): the last two words.
        ("Former Secretary of State Hillary Clinton", ["hillary clinton"]),
        ("U.S. Sen. Ted Cruz", ["ted cruz"]),
        ("Hillary Rodham Clinton", ["hillary clinton"]),
        ("Donald John Trump Jr.", ["donald trump jr"]),  # the suffix stays: another person
        ("Chief Justice John G. Roberts Jr.", ["john roberts jr", "justice roberts jr"]),
        ("Don Fowler, who helmed the DNC from 1995 to 1997", ["don fowler"]),
        ("Retired Gen. Michael Flynn, a former adviser", ["retired gen michael flynn", "michael flynn"]),
    ],
)
def test_looser_readings_in_the_order_they_are_tried(name: str, readings: list[str]) -> None:
    assert _readings(name) == readings


@pytest.mark.parametrize(
    "name", ["Trump", "Mr. Trump", "Donald Trump Jr.", "Bank of America", "the State Department"]
)
def test_a_name_with_nothing_to_cut_has_no_looser_reading(name: str) -> None:
    # "Bank of America" is no first, middle and last name: no "bank america"; a suffix
    # after a comma is part of the name.
    assert _readings(name) == []


def test_a_looser_reading_is_tried_only_when_the_name_as_asked_finds_no_one() -> None:
    asked: list[str] = []

    def identities(known: set[str]) -> Callable[[ClaimantTerms], list[str]]:
        def lookup(terms: ClaimantTerms) -> list[str]:
            asked.append(terms.phrase)
            return [f"id:{terms.phrase}"] if terms.phrase in known else []

        return lookup

    name = "Hillary Rodham Clinton"
    terms, ids = match_claimant(name, identities({"hillary rodham clinton", "hillary clinton"}))
    assert (terms.phrase, ids, asked) == (
        "hillary rodham clinton",
        ["id:hillary rodham clinton"],
        [name.lower()],
    )
    asked.clear()
    terms, ids = match_claimant(name, identities({"hillary clinton"}))
    assert (terms.phrase, ids, asked) == (
        "hillary clinton",
        ["id:hillary clinton"],
        [name.lower(), "hillary clinton"],
    )
    # Nothing found: the name as asked stays, for the claims whose source holds its words.
    terms, ids = match_claimant("Hillary Rodham Clintonn", identities({"hillary clinton"}))
    assert (terms.phrase, ids) == ("hillary rodham clintonn", [])
