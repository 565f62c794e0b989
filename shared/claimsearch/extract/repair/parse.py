"""Helpers over the dependency parse that the repairs of more than one part share."""

from __future__ import annotations

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimsearch.extract.spans import AttributionSpans
from claimsearch.model import Span


def extent(spans: list[Span]) -> Span:
    """From the first start to the last end of some spans."""
    return (min(s for s, _ in spans), max(e for _, e in spans))


def overlap(a: list[Span], b: list[Span]) -> bool:
    return any(s < oe and os_ < e for s, e in a for os_, oe in b)


# A content that stops inside a phrase ("the Great | Recession.", "in | October 2014.")
# is cut short: PolNeAR contents end at phrase ends. Completed when the rest is short.
MAX_COMPLETION_TOKENS = 3


def joins_a_word(token: Token) -> bool:
    """A hyphen inside a word ("non-attendance", "fear-mongering")."""
    glued = token.i > 0 and not token.doc[token.i - 1].whitespace_
    return token.text == "-" and not token.whitespace_ and glued


def token_indices(doc: Doc, spans: list[Span]) -> set[int]:
    return {t.i for s, e in spans for t in doc.char_span(s, e, alignment_mode="expand") or []}


def words_of(doc: Doc, spans: list[Span]) -> list[Token]:
    """The words of some spans (no punctuation or space), in order."""
    return [
        t
        for s, e in spans
        for t in doc.char_span(s, e, alignment_mode="expand") or []
        if not (t.is_punct or t.is_space)
    ]


def one_part_cue(doc: Doc, found: AttributionSpans) -> SpacySpan | None:
    """The cue as tokens when it is one part that aligns with some; None otherwise."""
    if len(found.cue) != 1:
        return None
    cue = doc.char_span(found.cue[0][0], found.cue[0][1], alignment_mode="expand")
    return cue if cue is not None and len(cue) else None
