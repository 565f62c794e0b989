"""The text SQLite's FTS5 indexes: stop words blanked and letters folded as OpenSearch reads
them, and highlights put back on the text as written."""

from __future__ import annotations

import pytest

from claimsearch.index.sqlite.fts_text import fts_copy, highlighted


@pytest.mark.parametrize(
    ("text", "copy"),
    [
        ("On the one hand", "       one hand"),
        ("it’s THE_END of it", "  ’s    _END      "),  # "_" and "’" split words, as unicode61 does
        ("on-line and a1 an", "  -line     a1   "),
        ("thé café on", "    café   "),  # a stop word with an accent is one, folded
        ("éthe the", "éthe    "),  # a letter outside ASCII is no word break
        ("Straße and Ærø", "Strasse     AEro"),  # spelt as asciifolding spells them
    ],
)
def test_the_copy_fts5_indexes(text: str, copy: str) -> None:
    assert fts_copy(text) == copy


@pytest.mark.parametrize(
    ("text", "word", "marked"),
    [
        ("On the one hand, the end of it", "one", "On the <mark>one</mark> hand, the end of it"),
        ("the Straße office of Łódź", "Strasse", "the <mark>Straße</mark> office of Łódź"),
        ("Ærø Tidende said on Monday", "Tidende", "Ærø <mark>Tidende</mark> said on Monday"),
    ],
)
def test_a_highlight_goes_back_on_the_text_as_written(text: str, word: str, marked: str) -> None:
    copy = fts_copy(text)
    assert highlighted(copy.replace(word, f"<mark>{word}</mark>"), text, "<mark>", "</mark>") == marked
