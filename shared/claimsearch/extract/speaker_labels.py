"""Speaker labels: claims attributed by punctuation, not by a verb.

News text attributes some claims with a mark alone: a colon after a speaker's name
("Ryan: 'Anti-Semitic Images' Have 'No Place ...'", transcripts' "WALLACE: ...") or a
dash before it, closing a quotation (the pull quote or quote roundup's
'"Trump must stop portraying Latinos as ..." ― Carla Sanchez', or a line "- Sanders."
under a quoted paragraph). PolNeAR annotates the mark as the cue.

The trained model finds colon labels (PolNeAR train has 146 of them) but dash bylines
are rare in train (11) and it misses them; `dash_bylines` finds those from the text and
the parse. On train it finds 5 of the 11, all exactly as annotated (cue, source and
content); the held-out slice has none (see docs/model-card.md).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from claimsearch.extract.spans import AttributionSpans
from claimsearch.model import Span

COLON = ":"
DASHES = frozenset({"―", "—", "–", "-", "--"})
# The colon of "Ryan: ..." and the dashes of '"..." ― Carla Sanchez': what a cue may be
# made of when it holds no word.
LABEL_MARKS = frozenset({COLON, *DASHES})

_OPENING_QUOTES = frozenset('"“”')  # a mis-typed ” opens quotations in scraped text too
_CLOSING_QUOTES = frozenset('"”')
_PARTICLES = frozenset("of the and de van von der da al bin la le du".split())
_MAX_NAME_WORDS = 5
_MIN_QUOTE_WORDS = 4
_LINE = re.compile(r"[^\n]+")
_HAS_DASH = re.compile("[" + re.escape("".join(sorted({c for dash in DASHES for c in dash}))) + "]")


def dash_bylines(doc: Doc) -> list[AttributionSpans]:
    """Quotations credited by a dash and a name ending the line, or on the next line.

    '"..." ― Carla Sanchez' (the quotation, the dash and the name on one line) and
    '"..."' followed by a line '- Sanders.': cue the dash, source the name, content the
    quotation with its quote marks (as PolNeAR marks it).
    """
    text = doc.text
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text)]
    found = []
    for number, (start, end) in enumerate(lines):
        if not _HAS_DASH.search(text, start, end):
            continue  # most lines: no need to look at their tokens
        tokens = _tokens(doc, start, end)
        if len(tokens) < 2:
            continue
        dash = next((i for i in range(len(tokens) - 1, -1, -1) if tokens[i].text in DASHES), None)
        if dash is None:
            continue
        name = _name(tokens[dash + 1 :])
        if name is None:
            continue
        if dash == 0 and number > 0:  # "- Sanders." under a quoted paragraph
            quote = _quotation(text, *lines[number - 1])
        elif dash > 0:  # '"..." ― Carla Sanchez'
            quote = _quotation(text, start, tokens[dash].idx)
        else:
            continue
        if quote is None:
            continue
        cue = (tokens[dash].idx, tokens[dash].idx + len(tokens[dash].text))
        found.append(AttributionSpans(cue=[cue], source=[_span(name)], content=[quote]))
    return found


def _tokens(doc: Doc, start: int, end: int) -> list[Token]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return [t for t in span if not t.is_space] if span is not None else []


def _name(tokens: list[Token]) -> list[Token] | None:
    """The tokens if they are a name alone (a final period aside): capitalised words,
    particles between them, no digits, at least one proper noun or named entity."""
    while tokens and tokens[-1].text == ".":
        tokens = tokens[:-1]
    words = [t for t in tokens if not t.is_punct]
    if not 1 <= len(words) <= _MAX_NAME_WORDS or len(words) != len(tokens):
        return None
    if any(not (t.text[:1].isupper() or t.lower_ in _PARTICLES) or not t.is_alpha for t in words):
        return None
    if not any(t.pos_ == "PROPN" or t.ent_type_ in ("PERSON", "ORG") for t in words):
        return None
    return words


def _quotation(text: str, start: int, end: int) -> Span | None:
    """The span between `start` and `end` if it is one quotation of a few words, quote marks included."""
    part = text[start:end]
    left = len(part) - len(part.lstrip())
    quoted = part.strip()
    if len(quoted) < 2 or quoted[0] not in _OPENING_QUOTES or quoted[-1] not in _CLOSING_QUOTES:
        return None
    if len(quoted[1:-1].split()) < _MIN_QUOTE_WORDS:
        return None
    return (start + left, start + left + len(quoted))


def _span(tokens: list[Token]) -> Span:
    return (tokens[0].idx, tokens[-1].idx + len(tokens[-1].text))
