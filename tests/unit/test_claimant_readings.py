"""A `claimant=` name as an article writes it: the terms asked and the looser readings tried after."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from claimsearch.index.fields import claimant_words
from claimsearch.index.text_query import ClaimantTerms, claimant_terms, looser_readings, match_claimant
from claimsearch.model import Claimant


def _readings(name: str) -> list[str]:
    return [reading.terms.phrase for reading in looser_readings(name)]


def test_a_party_label_after_the_name_is_cut() -> None:
    assert claimant_terms("Sen. Lindsey Graham (R-S.C.)").phrase == "lindsey graham"
    assert claimant_terms("Rep. Jason Chaffetz (R-Utah)").phrase == "jason chaffetz"


@pytest.mark.parametrize(
    ("name", "readings"),
    [
        # Each followed by the given name in its other forms, people only (`nicknames`).
        ("New Jersey Gov. Chris Christie", ["chris christie", "christopher christie", "christine christie"]),
        ("Retired Lt. Gen. Michael Flynn", ["michael flynn", "mike flynn"]),
        ("Trump campaign manager Kellyanne Conway", ["kellyanne conway"]),  # a role, not a title
        ("Republican operative Roger Stone", ["roger stone"]),
        ("longtime Trump ally and billionaire Carl Icahn", ["carl icahn"]),
        # What follows the last title is the name as asked ("of state hillary clinton"): the last two words.
        ("Former Secretary of State Hillary Clinton", ["hillary clinton"]),
        ("U.S. Sen. Ted Cruz", ["ted cruz", "edward cruz", "theodore cruz"]),
        ("Hillary Rodham Clinton", ["hillary clinton"]),
        # The suffix stays: another person. A middle name gives no other forms of itself.
        ("Donald John Trump Jr.", ["donald trump jr", "don trump jr", "donnie trump jr"]),
        # "Justice" is no title ("Justice Department"): a reading without it finds no one first.
        (
            "Chief Justice John G. Roberts Jr.",
            ["justice roberts jr", "john roberts jr", "jack roberts jr", "johnny roberts jr"],
        ),
        ("Don Fowler, who helmed the DNC from 1995 to 1997", ["don fowler", "donald fowler"]),
        (
            "Retired Gen. Michael Flynn, a former adviser",
            ["michael flynn", "retired gen michael flynn", "mike flynn"],
        ),
        ("Ed Rendell", ["edward rendell"]),
        ("William Clinton", ["bill clinton", "billy clinton"]),
        # No title or listed role: the capitals after the last lower-case or owning word.
        ("longtime Clinton confidant Robby Mook", ["robby mook"]),
        (
            "MSNBC's Chris Matthews",
            ["chris matthews", "msnbc matthews", "christopher matthews", "christine matthews"],
        ),
        # A description, then the person after the comma, read as a name of its own.
        (
            "Trump's running mate, Indiana Gov. Mike Pence",
            ["trump running mate", "trump mate", "indiana gov mike pence", "mike pence", "michael pence"],
        ),
        ("Bank of America", []),  # a name of its own, not a description
    ],
)
def test_looser_readings_in_the_order_they_are_tried(name: str, readings: list[str]) -> None:
    assert _readings(name) == readings


@pytest.mark.parametrize(
    "name", ["Trump", "Mr. Trump", "Hillary Clinton", "Bank of America", "the State Department"]
)
def test_a_name_with_nothing_to_cut_has_no_looser_reading(name: str) -> None:
    # "Bank of America" is no first, middle and last name: no "bank america"; a suffix
    # after a comma is part of the name.
    assert _readings(name) == []


def test_only_a_name_cut_before_a_comma_may_be_anyone_s() -> None:
    readings = looser_readings("Don Fowler, who helmed the DNC")
    assert [(r.terms.phrase, r.people_only) for r in readings] == [
        ("don fowler", False),
        ("donald fowler", True),
    ]
    readings = looser_readings("New York Gov. Andrew Mark Cuomo")
    assert [(r.terms.phrase, r.people_only) for r in readings] == [
        ("andrew mark cuomo", True),
        ("andrew cuomo", True),  # a reading's middle name goes before the next reading
        ("mark cuomo", True),
        ("andy cuomo", True),  # the given name's other forms last, of a first and last name
        ("drew cuomo", True),
    ]


def _lookup(known: set[str], asked: list[str]) -> Callable[[ClaimantTerms], list[tuple[str, bool]]]:
    def lookup(terms: ClaimantTerms) -> list[tuple[str, bool]]:
        asked.append(terms.phrase)
        return [(f"id:{terms.phrase}", False)] if terms.phrase in known else []

    return lookup


def _everyone(ids: list[str]) -> dict[str, tuple[str, str]]:
    return {i: ("person", i.removeprefix("id:")) for i in ids}


def _no_one(ids: list[str]) -> dict[str, tuple[str, str]]:
    return {i: ("organisation", i.removeprefix("id:")) for i in ids}


def test_a_looser_reading_is_tried_only_when_the_name_as_asked_finds_no_one() -> None:
    name, asked = "Hillary Rodham Clinton", []
    terms, ids = match_claimant(
        name, _lookup({"hillary rodham clinton", "hillary clinton"}, asked), _everyone
    )
    assert (terms.phrase, ids, asked) == (
        "hillary rodham clinton",
        ["id:hillary rodham clinton"],
        [name.lower()],
    )
    asked.clear()
    terms, ids = match_claimant(name, _lookup({"hillary clinton"}, asked), _everyone)
    # The terms stay the name as asked: a claim whose source holds it still matches.
    assert (terms.phrase, ids, asked) == (
        "hillary rodham clinton",
        ["id:hillary clinton"],
        [name.lower(), "hillary clinton"],
    )
    terms, ids = match_claimant("Hillary Rodham Clintonn", _lookup({"hillary clinton"}, []), _everyone)
    assert (terms.phrase, ids) == ("hillary rodham clintonn", [])


def test_a_middle_word_is_dropped_only_from_a_person_s_name() -> None:
    # "Tax Policy Center" is no "Tax Center", though it reads as first, middle and last words.
    terms, ids = match_claimant("Tax Policy Center", _lookup({"tax center"}, []), _no_one)
    assert (terms.phrase, ids) == ("tax policy center", [])
    terms, ids = match_claimant("Tax Policy Center", _lookup({"tax center"}, []), _everyone)
    assert ids == ["id:tax center"]


def _keys(*keys: str) -> Callable[[ClaimantTerms], list[tuple[str, bool]]]:
    """A lookup that finds every identity whose key holds the words asked."""

    def lookup(terms: ClaimantTerms) -> list[tuple[str, bool]]:
        return [(f"id:{k}", k.endswith(" jr")) for k in keys if f" {terms.phrase} " in f" {k} "]

    return lookup


def test_a_suffix_keeps_a_namesake_apart_and_no_one_else() -> None:
    trumps = _keys("donald trump", "donald trump jr", "ivanka trump")
    terms, ids = match_claimant("Trump", trumps, _everyone)
    assert (ids, terms.suffixed) == (["id:donald trump", "id:ivanka trump"], False)
    terms, ids = match_claimant("Donald Trump Jr.", trumps, _everyone)
    assert (ids, terms.suffixed) == (["id:donald trump jr"], True)
    # No one without the suffix has the name: it is how the name is written in full, and a
    # claim's source may then hold it with the suffix too.
    terms, ids = match_claimant("Mr. Biden", _keys("joseph r biden jr", "jill biden"), _everyone)
    assert (ids, terms.suffixed) == (["id:jill biden", "id:joseph r biden jr"], True)


@pytest.mark.parametrize(
    ("mention", "name", "words"),
    [
        # The source holds the name: its words alone.
        (
            "Len Burman, head of the Tax Policy Center",
            "Len Burman",
            "len burman head of the tax policy center",
        ),
        # A name resolved from elsewhere in the article is added.
        ("The poll", "A new Quinnipiac University poll", "the poll new quinnipiac university poll"),
        ("he", "Donald Trump", "he donald trump"),
        # No name: the source's words.
        ("who", None, "who"),
    ],
)
def test_a_claim_is_found_by_its_sources_words_and_the_name_resolved_outside_them(
    mention: str, name: str | None, words: str
) -> None:
    assert claimant_words(Claimant(mention, (0, len(mention)), name, "person")) == words
