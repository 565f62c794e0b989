"""Character-span helpers over a parsed document."""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

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


class SpanIndex:
    """Many spans, looked up by position instead of scanned.

    Matching each claim against every entity, quantity or furniture line of the article
    made extraction grow with the text's length squared. Sorted by start, the spans that
    can meet a given one are found by bisection: those starting no earlier than the
    longest span's length before it.
    """

    def __init__(self, spans: Sequence[Span]) -> None:
        self._order = sorted(range(len(spans)), key=lambda i: spans[i][0])
        self._starts = [spans[i][0] for i in self._order]
        self._spans = spans
        self._longest = max((end - start for start, end in spans), default=0)

    def around(self, span: Span) -> list[int]:
        """Indices (ascending, into the spans given) of those overlapping or touching `span`.

        A superset of those that `overlaps` or `inside` accept: callers apply their own test.
        """
        start, end = span
        low = bisect_left(self._starts, start - self._longest)
        high = bisect_right(self._starts, end)
        return sorted(i for i in self._order[low:high] if self._spans[i][1] >= start)


def quote_type(text: str, spans: list[Span]) -> str:
    """direct: the content is exactly a quotation; mixed: part quoted; indirect: none."""
    if not spans:
        return "indirect"
    start, end = spans[0][0], spans[-1][1]
    body = "".join(text[s:e] for s, e in spans)
    quotes_inside = sum(body.count(q) for q in QUOTES if q not in "'’")
    opened, closed = _quote_before(text, start), _quote_after(text, end)
    if opened and closed and quotes_inside == 0:
        return "direct"
    if quotes_inside or opened or closed:
        return "mixed"
    return "indirect"


def _quote_before(text: str, start: int) -> bool:
    """A quotation mark opens right before `start`. A straight one opens only after a space,
    the start or an opening mark: one after a word or a stop closes the sentence before
    ('... was done." Rents would fall')."""
    stripped = text[:start].rstrip()
    if not stripped or stripped[-1] not in OPENING_QUOTES or stripped[-1] in "'’":
        return False
    before = stripped[-2:-1]
    return stripped[-1] != '"' or not before or before.isspace() or before in _OPENS_A_QUOTE


def _quote_after(text: str, end: int) -> bool:
    """A quotation mark closes right after `end`, past the sentence's punctuation. A straight
    one closes only before a space, a mark or the end: one before a word opens the next
    quotation ('... rents would fall. "We are ready," she said')."""
    after = text[end:].lstrip(" \t,.;:!?—–-")
    if not after or after[0] not in CLOSING_QUOTES or after[0] in "'’":
        return False
    return after[0] != '"' or not after[1:2].isalnum()


_OPENS_A_QUOTE = "([{:—–-"
