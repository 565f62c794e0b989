"""Character-span helpers over a parsed document."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from spacy.tokens import Doc, Token

from claimsearch.model import Span

QUOTES = "\"'“”‘’«»„‟‹›"
OPENING_QUOTES = "\"'“‘«„‟‹"
CLOSING_QUOTES = "\"'”’»›"


def _is_trim_char(char: str) -> bool:
    return char.isspace() or unicodedata.category(char).startswith("P")


def trim(text: str, span: Span) -> Span:
    """Shrink a span past surrounding whitespace and punctuation (quotes included)."""
    start, end = span
    while start < end and _is_trim_char(text[start]):
        start += 1
    while end > start and _is_trim_char(text[end - 1]):
        end -= 1
    # Keep a closing bracket or quote that closes one opened inside the span.
    if end < span[1] and text[end] in ")]" and text.count("(", start, end) > text.count(")", start, end):
        end += 1
    return (start, end)


def token_span(tokens: Iterable[Token]) -> Span | None:
    """The character span from the first to the last token (tokens in any order)."""
    items = list(tokens)
    if not items:
        return None
    first = min(items, key=lambda t: t.i)
    last = max(items, key=lambda t: t.i)
    return (first.idx, last.idx + len(last.text))


def subtree_span(token: Token, *, stop_before: int | None = None) -> Span:
    """Span of a token's subtree, optionally cut before the token index `stop_before`."""
    left = token.left_edge.i
    right = token.right_edge.i
    if stop_before is not None and left < stop_before <= right:
        right = stop_before - 1
    doc = token.doc
    return (doc[left].idx, doc[right].idx + len(doc[right].text))


def tokens_in(doc: Doc, span: Span) -> list[Token]:
    """Non-space tokens lying wholly inside `span` (a lookup, not a scan of the doc)."""
    start, end = span
    covering = doc.char_span(start, end, alignment_mode="expand")
    if covering is None:
        return []
    return [t for t in covering if t.idx >= start and t.idx + len(t.text) <= end and not t.is_space]


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def inside(inner: Span, outer: Span) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def quote_type(text: str, spans: list[Span]) -> str:
    """direct: the content is exactly a quotation; mixed: part quoted; indirect: none."""
    if not spans:
        return "indirect"
    start, end = spans[0][0], spans[-1][1]
    body = "".join(text[s:e] for s, e in spans)
    quotes_inside = sum(body.count(q) for q in QUOTES if q not in "'’")
    before = text[:start].rstrip()
    after = text[end:].lstrip(" \t,.;:!?—–-")
    opened = bool(before) and before[-1] in OPENING_QUOTES and before[-1] not in "'’"
    closed = bool(after) and after[0] in CLOSING_QUOTES and after[0] not in "'’"
    if opened and closed and quotes_inside == 0:
        return "direct"
    if quotes_inside or opened or closed:
        return "mixed"
    return "indirect"
