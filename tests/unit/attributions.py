"""Helpers for tests of attribution finders: a finder that returns the attributions it is
given (what the trained model would have found, for the repairs around it to read), and the
text of each attribution's first cue, source and content."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from claimsearch.extract.spans import AttributionSpans


@dataclass
class FixedFinder:
    """A finder that returns these spans."""

    found: list[AttributionSpans]
    name: str = "given"

    def find(self, doc: Doc) -> list[AttributionSpans]:
        return self.found


def first_parts(text: str, found: list[AttributionSpans]) -> list[tuple[str, str, str]]:
    """(cue, source, content) of each attribution, the first span of each, as text."""
    return [(text[slice(*a.cue[0])], text[slice(*a.source[0])], text[slice(*a.content[0])]) for a in found]
