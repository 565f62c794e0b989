"""A name typed one letter wrong: which alias words a suggestion may read it as
(`claimants.names.one_edit_apart`, the rule SQLite applies and OpenSearch's fuzzy query
with fuzziness 1, prefix length 1 and transpositions applies to the same words)."""

from __future__ import annotations

import pytest

from claimsearch.claimants.names import one_edit_apart
from claimsearch.index.text_query import may_be_near


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("bornstein", "bornstein"),  # the word itself
        ("bornsten", "bornstein"),  # a letter left out
        ("brinkley", "brinkly"),  # a letter too many
        ("warden", "warren"),  # a letter replaced
        ("trmup", "trump"),  # two neighbours swapped
        ("clintno", "clinton"),  # two neighbours swapped at the end
        ("clinto", "clinton"),  # the last letter left out
    ],
)
def test_one_edit_away(typed: str, word: str) -> None:
    assert one_edit_apart(typed, word)
    assert one_edit_apart(word, typed)


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("klinton", "clinton"),  # the first letter stands
        ("lcinton", "clinton"),  # even swapped
        ("warned", "warren"),  # two edits
        ("acbed", "abcde"),  # two swaps
        ("clintonian", "clinton"),  # three letters more
        ("", "clinton"),
    ],
)
def test_more_than_one_edit_or_another_first_letter(typed: str, word: str) -> None:
    assert not one_edit_apart(typed, word)


def test_only_words_of_four_letters_or_more_are_read_loosely() -> None:
    assert not may_be_near("lee")  # one edit from "le", "leo", "lew", "lea": too many names
    assert may_be_near("pnce")  # "Pence" with a letter left out
