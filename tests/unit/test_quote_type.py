"""A claim's quote type: direct, mixed or indirect, read from the quotation marks around and
inside its content. Straight quotes (") open and close alike, so which one a mark is comes
from whether it touches the content."""

from __future__ import annotations

import pytest

from claimsearch.extract.text_spans import quote_type


def _of(text: str, content: str) -> str:
    start = text.index(content)
    return quote_type(text, [(start, start + len(content))])


@pytest.mark.parametrize(
    ("text", "content", "expected"),
    [
        # The next sentence's quotation is not this content's closing mark ...
        (
            'Sarah Smith argued that rents would fall. "We are ready," she said.',
            "rents would fall",
            "indirect",
        ),
        # ... nor is the previous sentence's closing mark its opening one.
        ('"It is done." Rents would fall, Sarah Smith said.', "Rents would fall", "indirect"),
        ('Sarah Smith said: "We are ready." Then she left.', "We are ready", "direct"),
        ('"We are ready," Sarah Smith said.', "We are ready", "direct"),
        ("Sarah Smith said “we are ready” and left.", "we are ready", "direct"),
        (
            'Sarah Smith said the plan was "dead on arrival" and would fail.',
            'the plan was "dead on arrival" and would fail',
            "mixed",
        ),
        ('Sarah Smith said "the plan" would fail.', 'the plan" would fail', "mixed"),
        ("Sarah Smith said the plan would fail.", "the plan would fail", "indirect"),
        # Interrupted speech, and a stray space before the closing mark: still closed.
        ('She pauses.\n\n"Well, thank you so much -."\n\nPause.', "Well, thank you so much", "direct"),
        ('"I think it is a disgrace, " Trump said.', "I think it is a disgrace", "direct"),
    ],
)
def test_quote_type(text: str, content: str, expected: str) -> None:
    assert _of(text, content) == expected
