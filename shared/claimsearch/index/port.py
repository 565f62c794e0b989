"""The SearchIndex port: what the domain asks of a search engine.

One query model (`SearchQuery`) crosses the port; each adapter compiles it into its
own engine's language (SQL for SQLite FTS5, query DSL for OpenSearch). User text is
always a value inside the query model, never query syntax.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from claimsearch.model import Article, Claim

FACET_FIELDS: tuple[str, ...] = ("claimant", "organization", "entity", "publisher")
MAX_LIMIT = 100
DEFAULT_LIMIT = 10
MAX_QUERY_CHARS = 500
FACET_SIZE = 10
HIGHLIGHT_PRE = "<mark>"
HIGHLIGHT_POST = "</mark>"


@dataclass(frozen=True)
class SearchQuery:
    """A search over claims. Filters are exact (case- and accent-insensitive) matches."""

    text: str | None = None
    claimant: str | None = None
    organization: str | None = None
    entity: str | None = None
    publisher: str | None = None
    cue_class: str | None = None
    quote_type: str | None = None
    published_from: str | None = None  # ISO date, inclusive
    published_to: str | None = None  # ISO date, inclusive
    article_id: str | None = None
    limit: int = DEFAULT_LIMIT
    after: SortKey | None = None  # decoded cursor: return hits strictly after this
    facets: bool = True


@dataclass(frozen=True)
class SortKey:
    """Position of a hit in the result order: score descending, then id ascending.

    The id tie-breaker makes the order total, so cursor paging never skips or
    repeats a hit even when scores tie.
    """

    score: float
    id: str


@dataclass(frozen=True)
class Hit:
    claim: Claim
    score: float
    # field name ("content", "sentence", "claimant") -> fragments with <mark> tags
    highlights: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    next_after: SortKey | None  # None when this page is the last


@dataclass(frozen=True)
class IndexReport:
    """What an indexing call did. Failed claims were not indexed."""

    article_id: str
    indexed: int
    failed: dict[str, str] = field(default_factory=dict)  # claim id -> reason

    @property
    def ok(self) -> bool:
        return not self.failed


class SearchIndex(Protocol):
    """An engine that stores articles and their claims and searches the claims."""

    def ensure_ready(self) -> None:
        """Create schema / index templates if missing. Idempotent."""

    def index_article(self, article: Article, claims: list[Claim]) -> IndexReport:
        """Store the article and replace all of its claims with `claims`."""

    def delete_article(self, article_id: str) -> int:
        """Remove an article and its claims; returns the number of claims removed."""

    def get_article(self, article_id: str) -> Article | None: ...

    def get_claim(self, claim_id: str) -> Claim | None: ...

    def claims_for_article(self, article_id: str) -> list[Claim]:
        """All claims of an article, in text order."""

    def search(self, query: SearchQuery) -> SearchResult: ...

    def count_claims(self) -> int: ...

    def ping(self) -> bool:
        """True when the engine answers."""
