"""Numbers and dates mentioned in a piece of text."""

from __future__ import annotations

import re
from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Doc

from claimsearch.extract.text_spans import SpanIndex, inside
from claimsearch.model import DateMention, Quantity, Span

_QUANTITY_LABELS = {"CARDINAL", "MONEY", "PERCENT", "QUANTITY"}
_WORD_NUMBERS = {
    w: float(i)
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_MULTIPLIERS = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_LEADING_NOISE = re.compile(r"^(?:that|only|some|about|around|nearly|almost|over|more than)\s+", re.I)
_VAGUE: list[list[dict[str, Any]]] = [
    # "tens of thousands", "hundreds of millions", "many thousands", "dozens"
    [
        {"LOWER": {"IN": ["tens", "hundreds", "thousands", "millions", "billions", "dozens"]}},
        {"LOWER": "of"},
        {"LOWER": {"IN": ["thousands", "millions", "billions"]}, "OP": "?"},
    ],
    [
        {"LOWER": {"IN": ["many", "several", "some"]}},
        {"LOWER": {"IN": ["hundreds", "thousands", "millions", "billions", "dozens"]}},
    ],
]


def _matcher(doc: Doc) -> Matcher:
    matcher = Matcher(doc.vocab)
    matcher.add("VAGUE_QUANTITY", _VAGUE, greedy="LONGEST")
    return matcher


def number_value(text: str) -> float | None:
    """'2,500' -> 2500.0, 'two' -> 2.0, '3 million' -> 3e6; None when vague."""
    words = text.lower().replace(",", "").replace("$", "").replace("%", "").split()
    if not words:
        return None
    value: float | None = None
    for word in words:
        if re.fullmatch(r"\d+(?:\.\d+)?", word):
            value = float(word)
        elif word in _WORD_NUMBERS and value is None:
            value = _WORD_NUMBERS[word]
        elif word in _MULTIPLIERS and value is not None:
            value *= _MULTIPLIERS[word]
    return value


def quantity_candidates(doc: Doc) -> list[Quantity]:
    """Every quantity in the document: named numbers and vague amounts, once per doc."""
    found: dict[Span, Quantity] = {}
    for ent in doc.ents:
        if ent.label_ in _QUANTITY_LABELS:
            _add(found, doc.text, (ent.start_char, ent.end_char), ent.label_)
    for _, start, end in _matcher(doc)(doc):
        span = doc[start:end]
        _add(found, doc.text, (span.start_char, span.end_char), None)
    # A vague amount and a named number over the same words are one quantity. (Looked up
    # by position: comparing every pair made long texts quadratic.)
    values = list(found.values())
    index = SpanIndex([q.span for q in values])
    kept = [
        q
        for q in values
        if not any(values[i] is not q and inside(q.span, values[i].span) for i in index.around(q.span))
    ]
    return sorted(kept, key=lambda q: q.span)


def quantities_in(candidates: list[Quantity], spans: list[Span]) -> list[Quantity]:
    """The candidates lying inside any of `spans`."""
    return [q for q in candidates if any(inside(q.span, w) for w in spans)]


def _add(found: dict[Span, Quantity], text: str, span: Span, label: str | None) -> None:
    raw = text[span[0] : span[1]]
    noise = _LEADING_NOISE.match(raw)
    span = (span[0] + (noise.end() if noise else 0), span[1])
    if span[0] >= span[1]:
        return
    words = text[span[0] : span[1]]
    unit = {"MONEY": "money", "PERCENT": "percent"}.get(label or "")
    found[span] = Quantity(words, span, number_value(words), unit)


def date_candidates(doc: Doc) -> list[DateMention]:
    """DATE entities of the document, with a plain value where there is one."""
    out = []
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        year = re.fullmatch(r"(?:in\s+)?(\d{4}s?)", ent.text.strip().removeprefix("the ").strip())
        out.append(DateMention(ent.text, (ent.start_char, ent.end_char), year.group(1) if year else None))
    return out


def dates_in(candidates: list[DateMention], spans: list[Span]) -> list[DateMention]:
    return [d for d in candidates if any(inside(d.span, w) for w in spans)]
