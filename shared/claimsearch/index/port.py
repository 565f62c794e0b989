"""The SearchIndex port: what the domain asks of a search engine.

One query model (`SearchQuery`) crosses the port; each adapter compiles it into its
own engine's language (SQL for SQLite FTS5, query DSL for OpenSearch). User text is
always a value inside the query model, never query syntax.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal, Protocol, get_args

from claimsearch.clusters.records import CandidateQuery, ClusterMember, ClusterSummary
from claimsearch.errors import InvalidQuery
from claimsearch.index.text_query import MATCH_MODES, plan_text
from claimsearch.model import CUE_CLASSES, QUOTE_TYPES, Article, Claim, ClaimantIdentity

FACET_FIELDS: tuple[str, ...] = ("claimant", "organization", "entity", "publisher")
CollapseMode = Literal["cluster"]
COLLAPSE_MODES: tuple[str, ...] = get_args(CollapseMode)
# relevance: score (text) or id (no text); size: the claim's cluster, largest first;
# first_seen: the cluster's first publication date, earliest first, undated last. Ties by id.
SortOrder = Literal["relevance", "size", "first_seen"]
SORT_ORDERS: tuple[str, ...] = get_args(SortOrder)
# The sort value of a cluster with no dated member: below every day's (see `first_seen_key`).
UNDATED_KEY = -1e9
# GET /clusters/{id} lists at most this many members (in order of appearance); the
# summary's size counts them all.
MAX_CLUSTER_MEMBERS = 1000
# Candidates one assignment reads at most: the claims of one claimant sharing a band key.
MAX_CLUSTER_CANDIDATES = 1000
MAX_SUGGESTIONS = 10
# Identities offered when a `claimant=` name finds no claimant at all (`_suggesting_claimants`).
MAX_CLAIMANT_SUGGESTIONS = 5
# Pointers followed from a merged claimant id: a surname to its person, a short given name to
# the full one (`_following_merges`).
MAX_MERGE_STEPS = 3
# Claims one `unfiled_claims` read returns at most: the descriptions ingest files again when
# an article gives a person a new role (`refiling`); beyond them, `reindex` files the rest.
MAX_UNFILED = 1000
# A claimant name that matches more identities than this is too vague to filter on
# (the engines' term lists have limits): the caller is asked to be more specific.
MAX_CLAIMANT_MATCHES = 5000
MAX_LIMIT = 100
DEFAULT_LIMIT = 10
MAX_QUERY_CHARS = 500
FACET_SIZE = 10
_FACET_CHOICES = f"choose from {', '.join(FACET_FIELDS)}, or none"
HIGHLIGHT_PRE = "<mark>"
HIGHLIGHT_POST = "</mark>"
# A highlight is HTML: its marks are the only markup, and the text around them is escaped
# as OpenSearch's `html` encoder escapes it, so that both engines give the same fragment
# and a partner can put one into a page as it is. Article text is anyone's: "<img
# onerror=...>" in it must reach a page as text.
_HTML_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", "/": "&#x2F;"}
)


def escape_html(text: str) -> str:
    """`text` escaped for a highlight fragment (`_HTML_ESCAPES`)."""
    return text.translate(_HTML_ESCAPES)


@dataclass(frozen=True)
class SearchQuery:
    """A search over claims.

    `text` is ranked best-match (`match="best"`: words OR-ed, a minimum number must
    match; see `index.text_query`) or strict (`match="all"`: every word). `claimant`
    matches any alias of a claimant identity, word for word; the other filters are
    exact (case- and accent-insensitive) matches.
    """

    text: str | None = None
    match: str = "best"  # one of MATCH_MODES
    claimant: str | None = None
    claimant_id: str | None = None
    attributed: bool | None = None  # False: claims with no source in the text
    organization: str | None = None
    entity: str | None = None
    publisher: str | None = None
    cue_class: str | None = None
    quote_type: str | None = None
    published_from: str | None = None  # ISO date, inclusive
    published_to: str | None = None  # ISO date, inclusive
    article_id: str | None = None
    # "cluster": one claim per claim cluster, its first in the result order; pages never
    # repeat a cluster, and `total` counts clusters. None: every claim.
    collapse: str | None = None  # one of COLLAPSE_MODES
    sort: str = "relevance"  # one of SORT_ORDERS
    limit: int = DEFAULT_LIMIT
    after: SortKey | None = None  # decoded cursor: return hits strictly after this
    # The facets to count over the whole match set: True for all of FACET_FIELDS, False
    # for none, or some of their names. Each one costs a pass over every match, so
    # callers ask only for what they show (the API: the first page's, by default).
    facets: bool | tuple[str, ...] = True

    def __post_init__(self) -> None:
        # The API's models check these too; a query built elsewhere (the CLI, an export
        # job read back) must not match nothing in silence for a misspelt value.
        for parameter, value, choices in (
            ("match", self.match, MATCH_MODES),
            ("cue_class", self.cue_class, CUE_CLASSES),
            ("quote_type", self.quote_type, QUOTE_TYPES),
        ):
            if value is not None and value not in choices:
                raise InvalidQuery(parameter, f"unknown {parameter} {value!r}; choose {', '.join(choices)}")
        if self.collapse is not None and self.collapse not in COLLAPSE_MODES:
            raise InvalidQuery(
                "collapse", f"unknown collapse {self.collapse!r}; choose cluster, or leave it out"
            )
        if self.sort not in SORT_ORDERS:
            raise InvalidQuery("sort", f"unknown sort {self.sort!r}; choose {', '.join(SORT_ORDERS)}")
        if self.text is not None and self.text.strip() and plan_text(self.text, self.match) is None:
            # It would match nothing, with nothing to tell the user why ("U.S." is two
            # one-letter words; "the" a stop word).
            raise InvalidQuery(
                "q",
                f"{self.text[:80]!r} holds no word to search for: stop words and one-letter words"
                " are not searched (for U.S., write US)",
            )
        if not isinstance(self.facets, bool):
            unknown = [name for name in self.facets if name not in FACET_FIELDS]
            if unknown:
                raise InvalidQuery("facets", f"unknown facet {unknown[0]!r}; {_FACET_CHOICES}")

    @property
    def facet_names(self) -> tuple[str, ...]:
        """The facets asked for, in FACET_FIELDS order."""
        if isinstance(self.facets, bool):
            return FACET_FIELDS if self.facets else ()
        return tuple(name for name in FACET_FIELDS if name in self.facets)

    @staticmethod
    def parse_facets(text: str) -> tuple[str, ...]:
        """A request's comma list of facet names ("claimant,entity"); "" or "none" asks for none."""
        names = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
        if names == ("none",):
            return ()
        for name in names:
            if name not in FACET_FIELDS:
                raise InvalidQuery("facets", f"unknown facet {name!r}; {_FACET_CHOICES}")
        return names


@dataclass(frozen=True)
class SortKey:
    """Position of a hit in the result order: `score` descending, then id ascending.

    `score` is the value the order sorts on: the relevance score (`sort="relevance"`),
    the claim's cluster size ("size"), or `first_seen_key` of its cluster's first day
    ("first_seen"). The id tie-breaker makes the order total, so cursor paging never
    skips or repeats a hit even when values tie.
    """

    score: float
    id: str


def search_claims(
    search: Callable[[SearchQuery], SearchResult],
    get_claimants: Callable[[Iterable[str]], dict[str, ClaimantIdentity]],
    suggest: Callable[[str, int], list[ClaimantIdentity]],
    query: SearchQuery,
) -> SearchResult:
    """An adapter's `search`: its own `search(query)`, and what an empty answer earns, the
    same on both engines and for every caller (the API, the export and the CLI alike): a
    `claimant_id` merged into another identity is followed (`_following_merges`),
    best-match text no claim holds enough of is relaxed (`_relaxed_when_empty`), and a
    `claimant` name no claimant goes by comes with the identities nearest to it
    (`_suggesting_claimants`; `suggest`: the adapter's `suggest_claimants`)."""
    result = _following_merges(lambda q: _relaxed_when_empty(search, q), get_claimants, query)
    return _suggesting_claimants(search, suggest, query, result)


def _suggesting_claimants(
    search: Callable[[SearchQuery], SearchResult],
    suggest: Callable[[str, int], list[ClaimantIdentity]],
    query: SearchQuery,
    result: SearchResult,
) -> SearchResult:
    """`result`, and where it is empty because no claim at all is filed under the `claimant`
    name asked ("Bornstien", "Elizabth Warren"), the identities `GET /claimants?q=` would
    suggest for it, spelt near, so that a user sees who was likely meant rather than only
    that nothing was found. Not where the claimant has claims and the words or the other
    filters found none of them: there nothing was misspelt. Only an empty answer costs the
    second search (one claim, no facets) and the suggestions' lookup."""
    if result.total or query.claimant is None or not query.claimant.strip():
        return result
    if search(SearchQuery(claimant=query.claimant, limit=1, facets=False)).total:
        return result
    return replace(result, claimant_suggestions=tuple(suggest(query.claimant, MAX_CLAIMANT_SUGGESTIONS)))


def _following_merges(
    search: Callable[[SearchQuery], SearchResult],
    get_claimants: Callable[[Iterable[str]], dict[str, ClaimantIdentity]],
    query: SearchQuery,
) -> SearchResult:
    """`search(query)`, and where a `claimant_id` finds nothing, the same search for the
    identity that id's claims are filed under now (`ClaimantIdentity.merged_into`): an id a
    partner stored before its surname or its short given name joined a person keeps finding
    its claims. A pointer holds no claims, so only an empty answer costs the registry read.
    It leads to a person named in full, who may point on once in turn (a surname's person
    named "Don Trump", who joins "Donald Trump" later): at most MAX_MERGE_STEPS are followed."""
    result = search(query)
    seen = {query.claimant_id}
    for _ in range(MAX_MERGE_STEPS):
        if result.total or not query.claimant_id:  # an empty id names no identity to follow
            return result
        identity = get_claimants([query.claimant_id]).get(query.claimant_id)
        if identity is None or identity.merged_into is None or identity.merged_into in seen:
            return result
        query = replace(query, claimant_id=identity.merged_into)
        seen.add(query.claimant_id)
        result = search(query)
    return result


def _relaxed_when_empty(search: Callable[[SearchQuery], SearchResult], query: SearchQuery) -> SearchResult:
    """`search(query)`, and where best-match text finds no claim holding the minimum of its
    words, the claims holding any of them (`match="any"`), best first, marked `relaxed`.

    The minimum keeps a common word from flooding an answer that has better claims; with no
    claim to rank, an empty answer tells a user less than the claims nearest to the words
    ("bethesda clot knee whisked": the claim a reader wants holds two of the four). Not under
    a claimant filter: there an empty answer says that this claimant said nothing holding
    the words, which is itself the answer, and its claims holding one of two or three words
    are mostly on something else (PolNeAR dev, `bench/bench_retrieval.py`: relaxing there
    found no more gold claims and lowered attributed precision@10 from 0.915 to 0.900).
    Whether to relax is read from `total`, which no cursor changes, so every page of one
    query is answered the same way. A relaxed search that finds nothing either is no relaxed
    answer: empty, it says `relaxed` false, as the strict one would.
    """
    result = search(query)
    if result.total or query.match != "best" or query.claimant is not None or query.claimant_id is not None:
        return result
    plan = plan_text(query.text, "best")
    if plan is None or plan.minimum <= 1:
        return result  # no text, or one word: nothing looser to ask for
    relaxed = search(replace(query, match="any"))
    return replace(relaxed, relaxed=True) if relaxed.total else result


@lru_cache(maxsize=16_384)  # a day per article: every claim of an index asks for a few thousand
def first_seen_key(day: str | None) -> float:
    """A cluster's first day (YYYY-MM-DD) as a value that sorts earliest first when descending.

    Minus the days since 1970-01-01; UNDATED_KEY (below all) for a cluster with no date.
    Both engines store it with each claim (`cluster_first_key`) and sort on it.
    """
    from datetime import date

    try:
        return float(-(date.fromisoformat((day or "")[:10]).toordinal() - _EPOCH_ORDINAL))
    except ValueError:  # none, or not a date: the engine rejects such a claim's date itself
        return UNDATED_KEY


_EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class Hit:
    claim: Claim
    score: float
    # field name ("content", "sentence", "claimant") -> fragments with <mark> tags
    highlights: dict[str, list[str]] = field(default_factory=dict)
    # The value the order sorted on, where it is not `score` (sort=size or first_seen).
    sort_value: float | None = None

    @property
    def key(self) -> SortKey:
        """The hit's position: a cursor made of it resumes right after it."""
        return SortKey(self.score if self.sort_value is None else self.sort_value, self.claim.id)


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    id: str | None = None  # the claimant facet counts identities: their id


@dataclass(frozen=True)
class ClaimantActivity:
    """What an identity's claims in the index add up to."""

    claims: int
    months: list[FacetValue]  # "YYYY-MM" -> claims published that month, oldest first
    entities: list[FacetValue]  # the entities its claims mention most


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    next_after: SortKey | None  # None when this page is the last
    # True when no claim held enough of a best-match query's words and the hits are the
    # claims holding any of them (`search_claims`).
    relaxed: bool = False
    # When no claim is filed under the `claimant` name asked: the identities nearest to it.
    claimant_suggestions: tuple[ClaimantIdentity, ...] = ()


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

    def index_article(
        self, article: Article, claims: list[Claim], claimants: Iterable[ClaimantIdentity] = ()
    ) -> IndexReport:
        """Store the article, replace all of its claims with `claims`, and put `claimants`.

        The identities are stored as the registry holds them at the write, with what this
        article's claims say of them (`registry.as_held_now`: another writer may have put
        them since the caller read them; that is `claimants` itself when none did), and
        with `claims` set to the number of claims the index holds for each identity this
        article's old or new claims point to. Writers may run side by side: what one puts
        of an identity is not lost to another's put of it (SQLite: one transaction;
        OpenSearch: conditional puts, made again when another writer's overtook them).
        An identity its old claims said something of that the new ones do not
        (`registry.said_only_before`: a role an edit corrected) is then derived again from
        the claims the index holds (`registry.rederived`), read from a tally of what they
        say that the index keeps per identity (`registry.tallies`), so that the cost does
        not grow with a person's claims; one they no longer name at all is removed, with
        the pointers that lead to it, as a rebuild would leave it.
        """

    def delete_article(self, article_id: str) -> int:
        """Remove an article and its claims; returns the number of claims removed. The
        identities they named are derived again from the claims left, as `index_article`
        does for an edit: one with none left is removed."""

    def move_claimant(self, from_id: str, to: ClaimantIdentity) -> int:
        """File every claim of identity `from_id` under `to` (put as given, as `index_article`
        puts identities), in whichever articles they are: the claim records, what `claimant_id`
        filters and facets, and what cluster assignment looks them up by. Both identities'
        counts are recounted; `from_id` stays in the registry with none, its `merged_into`
        set to `to.id`. Idempotent: a retry after a failure moves what is left. Returns the
        number of claims moved.
        """

    def rebuild(
        self,
        pairs: Iterable[tuple[Article, list[Claim]]],
        claimants: Callable[[], Iterable[ClaimantIdentity]],
    ) -> str:
        """Load `pairs` and then `claimants()` into a fresh index and switch to it; its name.

        The index being replaced serves searches until the switch; a failure leaves it serving.
        """

    # -- the claimant registry --

    def get_claimants(self, ids: Iterable[str]) -> dict[str, ClaimantIdentity]: ...

    def claimants_with_surname(self, surname: str) -> list[ClaimantIdentity]:
        """Persons named by two words or more whose surname is `surname`."""

    def suggest_claimants(self, text: str, limit: int = MAX_SUGGESTIONS) -> list[ClaimantIdentity]:
        """Identities with claims whose aliases hold every word of `text`, the last as a prefix.

        Most claims first, then by name. When none does, a name typed one letter wrong:
        identities whose aliases hold every word whole, a word of four letters or more also
        as any word one edit away with the same first letter (`claimants.names.one_edit_apart`).
        """

    def claimant_activity(self, claimant_id: str, entities: int = 10) -> ClaimantActivity: ...

    def get_article(self, article_id: str) -> Article | None: ...

    def get_claim(self, claim_id: str) -> Claim | None: ...

    def claim_replacing(self, claim_id: str) -> Claim | None:
        """The claim whose `replaces` holds `claim_id` (one an edit or a re-extraction of
        its article removed); None where none does."""

    def claims_for_article(self, article_id: str) -> list[Claim]:
        """All claims of an article, in text order."""

    def unfiled_claims(self, word_sets: Iterable[Collection[str]], limit: int = MAX_UNFILED) -> list[Claim]:
        """Attributed claims filed under no identity whose source holds two or more words of
        one of `word_sets` as whole words (folded as `names.source_words` folds a source:
        "The GOP nominee" holds "gop" and "nominee"), the first `limit` by claim id: the
        descriptions a person's role may fit (`claimants.registry.source_forms`)."""

    # -- claim clusters --

    def cluster_candidates(self, claimant_id: str, keys: Sequence[str]) -> list[ClusterMember]:
        """Claims of `claimant_id` holding at least one of the band `keys` (`clusters.assign`).

        At most MAX_CLUSTER_CANDIDATES, those with the smallest claim ids. Sees every
        claim a completed `index_article` wrote.
        """

    def cluster_candidates_many(self, asks: Sequence[CandidateQuery]) -> list[list[ClusterMember]]:
        """`cluster_candidates` for each (claimant id, keys) of `asks`, in one round trip."""

    def cluster_summaries(self, ids: Iterable[str]) -> dict[str, ClusterSummary]:
        """Size and first appearance of each cluster in `ids` that has claims in the index."""

    def cluster_members(self, cluster_id: str, limit: int = MAX_CLUSTER_MEMBERS) -> list[Claim]:
        """A cluster's claims in order of appearance (see `ClusterSummary`), at most `limit`."""

    def search(self, query: SearchQuery) -> SearchResult: ...

    def count_claims(self) -> int: ...

    def ping(self) -> bool:
        """True when the engine answers."""
