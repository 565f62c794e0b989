"""Keyword normalisation shared by every index adapter.

Filters on claimant, organisation, entity and publisher are exact matches that
ignore case and accents ("Ahn Myeong-Chul" == "ahn myeong-chul"). OpenSearch does
this with a `lowercase` + `asciifolding` normalizer; SQLite stores the output of
`normalize_keyword`. Both must agree, so both are tested by the contract suite.
"""

from __future__ import annotations

import unicodedata


def normalize_keyword(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())
