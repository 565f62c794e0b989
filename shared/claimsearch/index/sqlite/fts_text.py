"""The text FTS5 indexes: read as OpenSearch's `claims_english` analyzer reads it.

That analyzer folds letters to ASCII (asciifolding) and drops English stop words before it
stems, so a claim's "on" is no term of its index, and a search for "one" (stemmed "on") finds
the claims that say "one". FTS5's porter tokenizer keeps every word: "one" found every claim
saying "on" (538 claims of PolNeAR dev against OpenSearch's 128; "ate" 254 against 0, via
"at"); and its remove_diacritics folds accents but not the letters NFKD leaves whole
("Ærø", "Łukasz", "Straße"), which OpenSearch spells in ASCII. The SQLite adapter gives FTS5
a copy of each text with those letters spelt as OpenSearch spells them and its stop words
replaced by spaces, so both indexes hold the same terms; a highlight FTS5 marks in the copy
is put back on the text as written (`highlighted`), through the copy's map of offsets.
"""

from __future__ import annotations

import re

from claimsearch.index.normalize import FOLDED_LETTERS, fold_letters, normalize_keyword
from claimsearch.index.port import escape_html
from claimsearch.index.text_query import ENGLISH_STOP_WORDS

# A word as unicode61 and OpenSearch's `claims_words` tokenizer read one: letters and digits.
_WORD = re.compile(r"[^\W_]+")
# A stop word written in ASCII, as a whole word: most texts have no other letters, and
# blanking their stop words alone costs less than reading every word (bulk loads pay it per claim).
_ASCII_STOP_WORD = re.compile(
    r"(?<![^\W_])(?:" + "|".join(sorted(ENGLISH_STOP_WORDS, key=len, reverse=True)) + r")(?![^\W_])",
    re.IGNORECASE | re.ASCII,
)
# A letter or digit outside ASCII: where one occurs, words are read one by one.
_NON_ASCII_LETTER = re.compile(r"(?![\x00-\x7f])[^\W_]")
# The letters the copy spells otherwise (`fold_letters`, and ß).
_FOLDED_LETTERS = re.compile("[ß" + "".join(sorted(FOLDED_LETTERS)) + "]")


def fts_copy(text: str) -> str:
    """What FTS5 is given for `text`: letters folded (`fold_letters`, "ß" as "ss"), English
    stop words ("on", "The", "thé": case and accents folded, as OpenSearch folds them before
    its stop filter) replaced by spaces of their length in the copy."""
    return _copy(text)[0]


def _copy(text: str) -> tuple[str, list[int] | None]:
    """The copy, and for each of its characters the offset in `text` it comes from (None
    where each comes from its own: no letter was spelt longer, the common case)."""
    if not _NON_ASCII_LETTER.search(text):  # curly quotes and dashes aside, ASCII
        return _ASCII_STOP_WORD.sub(lambda m: " " * len(m.group()), text), None
    if not _FOLDED_LETTERS.search(text):
        return _WORD.sub(_blank_stop_word, text), None
    pieces: list[str] = []
    origins: list[int] = []
    for i, char in enumerate(text):
        spelt = "ss" if char == "ß" else fold_letters(char)
        pieces.append(spelt)
        origins.extend([i] * len(spelt))
    return _WORD.sub(_blank_stop_word, "".join(pieces)), origins


def _blank_stop_word(match: re.Match[str]) -> str:
    word = match.group()
    return " " * len(word) if normalize_keyword(word) in ENGLISH_STOP_WORDS else word


def highlighted(marked: str, original: str, pre: str, post: str) -> str:
    """`original` with the marks FTS5's highlight() put in its copy (`marked`: the copy with
    `pre` and `post` inserted), each at the offset of the character it stands before; the
    text around the marks escaped as HTML (`escape_html`)."""
    out: list[str] = []
    if not _FOLDED_LETTERS.search(original):
        # The copy's offsets are the original's: its pieces between marks go back whole.
        at = 0
        for piece in re.split(f"({re.escape(pre)}|{re.escape(post)})", marked):
            out.append(piece if piece in (pre, post) else escape_html(original[at : at + len(piece)]))
            at += 0 if piece in (pre, post) else len(piece)
        return "".join(out)
    origins = _copy(original)[1] or []
    at = 0  # offset in the copy
    done = 0  # characters of the original written out
    i = 0
    while i < len(marked):
        mark = pre if marked.startswith(pre, i) else post if marked.startswith(post, i) else None
        if mark is not None:
            out.append(mark)
            i += len(mark)
            continue
        if at < len(origins) and origins[at] >= done:
            out.append(escape_html(original[done : origins[at] + 1]))
            done = origins[at] + 1
        at += 1
        i += 1
    out.append(escape_html(original[done:]))
    return "".join(out)
