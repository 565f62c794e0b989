"""Keyword normalisation shared by every index adapter.

Filters on claimant, organisation, entity and publisher are exact matches that
ignore case and accents ("Ahn Myeong-Chul" == "ahn myeong-chul"). OpenSearch does
this with a `lowercase` + `asciifolding` normalizer; SQLite stores the output of
`normalize_keyword`, which folds the letters asciifolding spells in ASCII too
(`fold_letters`: "Ærø" is "aero"). Both must agree, so both are tested by the contract suite.
"""

from __future__ import annotations

import unicodedata

# Letters NFKD leaves whole, spelt as OpenSearch's asciifolding spells them ("Ærø" -> "Aero",
# "Łukasz" -> "Lukasz"); ß needs none: casefold writes "ss".
_LETTERS = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ı": "i",
    }  # fmt: skip
)


def fold_letters(text: str) -> str:
    """`text` with the letters of `_LETTERS` in ASCII."""
    return text.translate(_LETTERS)


def normalize_keyword(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = fold_letters("".join(c for c in decomposed if not unicodedata.combining(c)))
    return " ".join(stripped.casefold().split())
