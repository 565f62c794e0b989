"""Keyword normalisation shared by every index adapter.

Filters on claimant, organisation, entity and publisher are exact matches that
ignore case and accents ("Ahn Myeong-Chul" == "ahn myeong-chul"). OpenSearch does
this with a `lowercase` + `asciifolding` normalizer; SQLite stores the output of
`normalize_keyword`, which folds the letters asciifolding spells in ASCII too
(`fold_letters`: "Ærø" is "aero"). Both must agree, so both are tested by the contract suite.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# Letters NFKD leaves whole, spelt as OpenSearch's asciifolding spells them ("Ærø" -> "Aero",
# "Łukasz" -> "Lukasz"); ß needs none: casefold writes "ss".
_ONE_FOR_ONE = dict(zip("øØłŁđĐðÐı", "oOlLdDdDi", strict=True))
_TWO_FOR_ONE = {"æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH"}
FOLDED_LETTERS = frozenset(_ONE_FOR_ONE) | frozenset(_TWO_FOR_ONE)
_LETTERS = str.maketrans({**_ONE_FOR_ONE, **_TWO_FOR_ONE})


def fold_letters(text: str) -> str:
    """`text` with the letters of `FOLDED_LETTERS` in ASCII."""
    return text.translate(_LETTERS)


def normalize_keyword(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = fold_letters("".join(c for c in decomposed if not unicodedata.combining(c)))
    return " ".join(stripped.casefold().split())


def most_used_spelling(key: str, spellings: Iterable[tuple[str, int]]) -> str:
    """The spelling a facet shows for the folded value `key`: of `spellings` (value, claims
    using it) that fold to `key`, the one most claims use; ties by code point. `key` when none does.

    Both adapters count a keyword facet by folded value, as its filter matches, so
    "HIllary Clinton" (12 claims) and "Hillary Clinton" (382) are one button of 394,
    shown as "Hillary Clinton"; any spelling of it, given back as the filter, finds the 394.
    """
    best = min(
        ((-count, value) for value, count in spellings if normalize_keyword(value) == key),
        default=None,
    )
    return key if best is None else best[1]
