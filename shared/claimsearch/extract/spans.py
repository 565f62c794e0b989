"""The span-level result of attribution finding, before claims are built.

An `AttributionFinder` looks at a parsed article and returns, for each attribution
it sees, the character spans of its cue, content and source. Everything else a
`Claim` carries (resolved claimant, role, medium, entities, ...) is built on top
of these spans by `claimsearch.extract.claims`. Finders are interchangeable: the
rule-based finder of the first version and a trained one share this interface.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from spacy.tokens import Doc

from claimsearch.model import Span


@dataclass(frozen=True)
class AttributionSpans:
    cue: list[Span]
    content: list[Span]
    source: list[Span] = field(default_factory=list)  # empty: no source in the text
    score: float = 1.0


class AttributionFinder(Protocol):
    """Finds attributions in a parsed article (`doc.text` is `Article.text`)."""

    @property
    def name(self) -> str:
        """Recorded in each claim's extractor_version."""

    def find(self, doc: Doc) -> list[AttributionSpans]: ...
