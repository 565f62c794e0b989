"""What the claimsearch API answers, as frozen dataclasses.

They mirror the server's response models (`api/schemas.py`, published as
`GET /openapi.json`) field for field. Parsing is forward compatible: fields the
server adds later are ignored here (and kept in `raw` on the top-level records, so a
partner can read them before this package learns their names), and values of the
enumerated fields (cue class, quote type, claimant type...) are plain strings, so a
value added on the server never breaks an older client. A field the contract
requires that is missing, or has the wrong type, raises `ResponseShapeError`: that
is a server (or proxy) answering something other than claimsearch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from claimsearch_client.errors import ResponseShapeError

# The values the API documents today, for type-checked filter arguments and
# comparisons; responses carry them as `str` (see the module docstring).
CueClass = Literal["say", "claim", "find", "believe", "allege", "call_for", "deny", "other"]
QuoteType = Literal["direct", "indirect", "mixed"]
ClaimantType = Literal["person", "organisation", "group", "document", "unattributed"]
IdentityType = Literal["person", "organisation", "group", "document"]
EntityType = Literal["person", "organisation", "place", "other"]
MatchMode = Literal["best", "all", "any"]
CollapseMode = Literal["cluster"]
SortOrder = Literal["relevance", "size", "first_seen"]
Facet = Literal["claimant", "organization", "entity", "publisher"]

Span = tuple[int, int]
"""Character offsets [start, end) into the article's `text`."""

_T = TypeVar("_T")


# -- parsing helpers: strict about the contract's required fields, lenient about extras --


def _obj(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ResponseShapeError(f"{where}: expected an object, got {type(value).__name__}")
    return value


def _req(data: Mapping[str, Any], key: str, kind: type[_T], where: str) -> _T:
    if key not in data:
        raise ResponseShapeError(f"{where}.{key}: missing")
    return _check(data[key], kind, f"{where}.{key}")


def _opt(data: Mapping[str, Any], key: str, kind: type[_T], where: str) -> _T | None:
    # Nullable fields are tolerated when absent too: an older server may not send them.
    value = data.get(key)
    return None if value is None else _check(value, kind, f"{where}.{key}")


def _check(value: Any, kind: type[_T], where: str) -> _T:
    # bool is an int in Python; a count or an offset that arrives as true/false is wrong.
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)  # type: ignore[return-value]  # JSON has one number type
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ResponseShapeError(f"{where}: expected {kind.__name__}, got {type(value).__name__}")
    return value


def _span(value: Any, where: str) -> Span:
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise ResponseShapeError(f"{where}: expected a [start, end] pair of integers, got {value!r}")
    return (value[0], value[1])


def _req_span(data: Mapping[str, Any], key: str, where: str) -> Span:
    if key not in data:
        raise ResponseShapeError(f"{where}.{key}: missing")
    return _span(data[key], f"{where}.{key}")


def _opt_span(data: Mapping[str, Any], key: str, where: str) -> Span | None:
    value = data.get(key)
    return None if value is None else _span(value, f"{where}.{key}")


def _list(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    return _req(data, key, list, where)


def _strings(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    return _each(data, key, where, lambda v, at: _check(v, str, at))


def _each(data: Mapping[str, Any], key: str, where: str, parse: Callable[[Any, str], _T]) -> tuple[_T, ...]:
    return tuple(parse(v, f"{where}.{key}[{i}]") for i, v in enumerate(_list(data, key, where)))


# -- a claim and its parts ----------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    """The reporting verb or phrase ("said", "believes", "according to")."""

    text: str
    span: Span
    lemma: str
    cue_class: str
    """say, claim, find, believe, allege, call_for, deny or other (`class` in the JSON)."""

    @classmethod
    def from_dict(cls, data: Any, where: str = "cue") -> Cue:
        d = _obj(data, where)
        return cls(
            text=_req(d, "text", str, where),
            span=_req_span(d, "span", where),
            lemma=_req(d, "lemma", str, where),
            cue_class=_req(d, "class", str, where),
        )


@dataclass(frozen=True)
class Claimant:
    """Who made the claim, as the text names them and as resolved."""

    id: str | None
    """The identity across articles (`Client.claimant(id)`); None when no one is named (no
    source, a pronoun never resolved, or a claimant described rather than named: "a spokesman")."""
    mention: str | None
    """The words in the text; None when unattributed."""
    span: Span | None
    name: str | None
    """Resolved name (a pronoun's antecedent, a role's holder)."""
    name_span: Span | None
    type: str
    """person, organisation, group, document or unattributed."""
    role: str | None
    organization: str | None

    @classmethod
    def from_dict(cls, data: Any, where: str = "claimant") -> Claimant:
        d = _obj(data, where)
        return cls(
            id=_opt(d, "id", str, where),
            mention=_opt(d, "mention", str, where),
            span=_opt_span(d, "span", where),
            name=_opt(d, "name", str, where),
            name_span=_opt_span(d, "name_span", where),
            type=_req(d, "type", str, where),
            role=_opt(d, "role", str, where),
            organization=_opt(d, "organization", str, where),
        )


@dataclass(frozen=True)
class Content:
    """What was claimed: its text and the spans it covers (several for a mixed quote)."""

    text: str
    spans: tuple[Span, ...]
    quote_type: str
    """direct, indirect or mixed."""
    introducer: Span | None
    """The "that" introducing reported speech, kept out of `text`."""

    @classmethod
    def from_dict(cls, data: Any, where: str = "content") -> Content:
        d = _obj(data, where)
        return cls(
            text=_req(d, "text", str, where),
            spans=_each(d, "spans", where, _span),
            quote_type=_req(d, "quote_type", str, where),
            introducer=_opt_span(d, "introducer", where),
        )


@dataclass(frozen=True)
class Medium:
    """Where the claim was made ("told the New York Times")."""

    text: str
    span: Span

    @classmethod
    def from_dict(cls, data: Any, where: str = "medium") -> Medium:
        d = _obj(data, where)
        return cls(text=_req(d, "text", str, where), span=_req_span(d, "span", where))


@dataclass(frozen=True)
class Entity:
    text: str
    span: Span
    canonical: str
    type: str
    """person, organisation, place or other."""

    @classmethod
    def from_dict(cls, data: Any, where: str = "entity") -> Entity:
        d = _obj(data, where)
        return cls(
            text=_req(d, "text", str, where),
            span=_req_span(d, "span", where),
            canonical=_req(d, "canonical", str, where),
            type=_req(d, "type", str, where),
        )


@dataclass(frozen=True)
class Quantity:
    text: str
    span: Span
    value: float | None
    unit: str | None

    @classmethod
    def from_dict(cls, data: Any, where: str = "quantity") -> Quantity:
        d = _obj(data, where)
        return cls(
            text=_req(d, "text", str, where),
            span=_req_span(d, "span", where),
            value=_opt(d, "value", float, where),
            unit=_opt(d, "unit", str, where),
        )


@dataclass(frozen=True)
class DateMention:
    text: str
    span: Span
    value: str | None
    """ISO 8601 when the text pins the date down."""

    @classmethod
    def from_dict(cls, data: Any, where: str = "date") -> DateMention:
        d = _obj(data, where)
        return cls(
            text=_req(d, "text", str, where),
            span=_req_span(d, "span", where),
            value=_opt(d, "value", str, where),
        )


@dataclass(frozen=True)
class ClusterRef:
    """The claim's cluster: the claims of the same claimant that say the same thing."""

    id: str
    """Stable: `Client.cluster(id)`."""
    size: int
    """Claims in the index in this cluster, this one included."""
    first_seen: str | None
    """YYYY-MM-DD: the earliest publication date of its claims; None when none is dated."""
    first_article_id: str
    """The article of its first appearance."""

    @classmethod
    def from_dict(cls, data: Any, where: str = "cluster") -> ClusterRef:
        d = _obj(data, where)
        return cls(
            id=_req(d, "id", str, where),
            size=_req(d, "size", int, where),
            first_seen=_opt(d, "first_seen", str, where),
            first_article_id=_req(d, "first_article_id", str, where),
        )


@dataclass(frozen=True)
class Claim:
    """One attributed claim; every span points into its article's `text`."""

    id: str
    article_id: str
    content: Content
    cue: Cue
    claimant: Claimant
    medium: Medium | None
    sentence: str
    sentence_span: Span
    entities: tuple[Entity, ...]
    quantities: tuple[Quantity, ...]
    dates: tuple[DateMention, ...]
    publisher: str | None
    published_at: str | None
    extractor_version: str
    cluster: ClusterRef | None = None
    """None for a claim indexed before clusters (until a reindex), or from an older server."""
    replaces: tuple[str, ...] = ()
    """Ids of claims this one took the place of when its article was edited or extracted again:
    `get_claim` of one of them returns this claim (the API's 301 is followed)."""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """The claim as the API sent it, fields this version does not know included."""

    @classmethod
    def from_dict(cls, data: Any, where: str = "claim") -> Claim:
        d = _obj(data, where)
        medium = d.get("medium")
        cluster = d.get("cluster")
        return cls(
            id=_req(d, "id", str, where),
            article_id=_req(d, "article_id", str, where),
            content=Content.from_dict(d.get("content"), f"{where}.content"),
            cue=Cue.from_dict(d.get("cue"), f"{where}.cue"),
            claimant=Claimant.from_dict(d.get("claimant"), f"{where}.claimant"),
            medium=None if medium is None else Medium.from_dict(medium, f"{where}.medium"),
            sentence=_req(d, "sentence", str, where),
            sentence_span=_req_span(d, "sentence_span", where),
            entities=_each(d, "entities", where, Entity.from_dict),
            quantities=_each(d, "quantities", where, Quantity.from_dict),
            dates=_each(d, "dates", where, DateMention.from_dict),
            publisher=_opt(d, "publisher", str, where),
            published_at=_opt(d, "published_at", str, where),
            extractor_version=_req(d, "extractor_version", str, where),
            cluster=None if cluster is None else ClusterRef.from_dict(cluster, f"{where}.cluster"),
            replaces=_strings(d, "replaces", where) if "replaces" in d else (),  # older servers: none
            raw=d,
        )


# -- search ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    claim: Claim
    score: float
    highlights: Mapping[str, tuple[str, ...]]
    """Field name -> fragments with the matched terms in <mark> tags."""

    @classmethod
    def from_dict(cls, data: Any, where: str = "hit") -> Hit:
        d = _obj(data, where)
        highlights = _obj(d.get("highlights", {}), f"{where}.highlights")
        return cls(
            claim=Claim.from_dict(d.get("claim"), f"{where}.claim"),
            score=_req(d, "score", float, where),
            highlights={
                _check(name, str, f"{where}.highlights"): _strings(highlights, name, f"{where}.highlights")
                for name in highlights
            },
        )


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    id: str | None = None
    """The claimant facet counts identities: their id."""

    @classmethod
    def from_dict(cls, data: Any, where: str = "facet") -> FacetValue:
        d = _obj(data, where)
        return cls(
            value=_req(d, "value", str, where),
            count=_req(d, "count", int, where),
            id=_opt(d, "id", str, where),
        )


@dataclass(frozen=True)
class SearchPage:
    """One page of `GET /claims`."""

    hits: tuple[Hit, ...]
    total: int
    """Claims matching the query, over every page (clusters, when the search collapsed them)."""
    facets: Mapping[str, tuple[FacetValue, ...]]
    """Facet name -> values with counts over every match (first page only, unless asked)."""
    next_cursor: str | None
    """Pass as `cursor` for the next page; None on the last."""
    relaxed: bool = False
    """True when `match="best"` found no claim holding enough of the words and these are the
    claims holding any of them, best first (never under a claimant filter)."""
    claimant_suggestions: tuple[ClaimantSummary, ...] = ()
    """When no claim at all is filed under the `claimant` name asked: the claimants nearest
    to it ("Bornstien" -> Harold Bornstein), as `Client.claimants` gives them."""

    @property
    def claims(self) -> list[Claim]:
        return [hit.claim for hit in self.hits]

    @classmethod
    def from_dict(cls, data: Any, where: str = "page") -> SearchPage:
        d = _obj(data, where)
        facets = _obj(d.get("facets", {}), f"{where}.facets")
        return cls(
            hits=_each(d, "hits", where, Hit.from_dict),
            total=_req(d, "total", int, where),
            facets={name: _each(facets, name, f"{where}.facets", FacetValue.from_dict) for name in facets},
            next_cursor=_opt(d, "next_cursor", str, where),
            relaxed=_opt(d, "relaxed", bool, where) or False,  # absent from an older server
            claimant_suggestions=(
                _each(d, "claimant_suggestions", where, ClaimantSummary.from_dict)
                if "claimant_suggestions" in d  # absent from an older server
                else ()
            ),
        )


# -- claimants ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    value: str
    count: int

    @classmethod
    def from_dict(cls, data: Any, where: str = "count") -> Count:
        d = _obj(data, where)
        return cls(value=_req(d, "value", str, where), count=_req(d, "count", int, where))


@dataclass(frozen=True)
class ClaimantSummary:
    """A claimant identity, as `GET /claimants?q=` suggests it."""

    id: str
    """Stable: the same name always has the same id, so it can be stored."""
    name: str
    """Canonical name: the fullest form seen."""
    type: str
    """person, organisation, group or document."""
    aliases: tuple[str, ...]
    claims: int
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Any, where: str = "claimant") -> ClaimantSummary:
        d = _obj(data, where)
        return cls(
            id=_req(d, "id", str, where),
            name=_req(d, "name", str, where),
            type=_req(d, "type", str, where),
            aliases=_strings(d, "aliases", where),
            claims=_req(d, "claims", int, where),
            raw=d,
        )


@dataclass(frozen=True)
class ClaimantProfile:
    """`GET /claimants/{id}`: an identity with what its claims show about it."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    claims: int
    roles: tuple[str, ...]
    organizations: tuple[str, ...]
    months: tuple[Count, ...]
    """Claims per month of publication (YYYY-MM), oldest first."""
    entities: tuple[Count, ...]
    """The entities its claims mention most."""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Any, where: str = "claimant") -> ClaimantProfile:
        d = _obj(data, where)
        summary = ClaimantSummary.from_dict(d, where)
        return cls(
            id=summary.id,
            name=summary.name,
            type=summary.type,
            aliases=summary.aliases,
            claims=summary.claims,
            roles=_strings(d, "roles", where),
            organizations=_strings(d, "organizations", where),
            months=_each(d, "months", where, Count.from_dict),
            entities=_each(d, "entities", where, Count.from_dict),
            raw=d,
        )


# -- clusters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cluster:
    """`GET /clusters/{id}`: one claim, by one claimant, across articles and over time."""

    id: str
    claimant: ClaimantSummary | None
    """None for claims with no claimant identity."""
    representative: str
    """The wording closest to all the others."""
    size: int
    first_seen: str | None
    """YYYY-MM-DD, the earliest publication date; None when none is dated."""
    first_article_id: str
    first_claim_id: str
    members: tuple[Claim, ...]
    """In order of appearance (date, then article and position); the first 1,000 at most."""
    timeline: tuple[Count, ...]
    """Members published per day (YYYY-MM-DD), oldest first."""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Any, where: str = "cluster") -> Cluster:
        d = _obj(data, where)
        claimant = d.get("claimant")
        return cls(
            id=_req(d, "id", str, where),
            claimant=None if claimant is None else ClaimantSummary.from_dict(claimant, f"{where}.claimant"),
            representative=_req(d, "representative", str, where),
            size=_req(d, "size", int, where),
            first_seen=_opt(d, "first_seen", str, where),
            first_article_id=_req(d, "first_article_id", str, where),
            first_claim_id=_req(d, "first_claim_id", str, where),
            members=_each(d, "members", where, Claim.from_dict),
            timeline=_each(d, "timeline", where, Count.from_dict),
            raw=d,
        )


# -- articles -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    text: str
    """The text every span points into: `text[start:end]` is what a span covers."""
    url: str | None
    publisher: str | None
    published_at: str | None
    byline: str | None
    source_key: str
    furniture: tuple[Span, ...]
    """Spans of page furniture (site name, share buttons) kept in `text` but never claims."""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def excerpt(self, span: Span) -> str:
        """The text a span covers."""
        return self.text[span[0] : span[1]]

    @classmethod
    def from_dict(cls, data: Any, where: str = "article") -> Article:
        d = _obj(data, where)
        return cls(
            id=_req(d, "id", str, where),
            title=_req(d, "title", str, where),
            text=_req(d, "text", str, where),
            url=_opt(d, "url", str, where),
            publisher=_opt(d, "publisher", str, where),
            published_at=_opt(d, "published_at", str, where),
            byline=_opt(d, "byline", str, where),
            source_key=_req(d, "source_key", str, where),
            furniture=_each(d, "furniture", where, _span),
            raw=d,
        )


@dataclass(frozen=True)
class ArticleWithClaims:
    """`GET /articles/{id}`: the article and every claim extracted from it."""

    article: Article
    claims: tuple[Claim, ...]

    @classmethod
    def from_dict(cls, data: Any, where: str = "response") -> ArticleWithClaims:
        d = _obj(data, where)
        return cls(
            article=Article.from_dict(d.get("article"), f"{where}.article"),
            claims=_each(d, "claims", where, Claim.from_dict),
        )


@dataclass(frozen=True)
class IngestAccepted:
    """The 202 answer of `POST /articles`: the article is queued, not yet searchable."""

    article_id: str
    status: str
    source_key: str
    article_url: str

    @classmethod
    def from_dict(cls, data: Any, where: str = "response") -> IngestAccepted:
        d = _obj(data, where)
        return cls(
            article_id=_req(d, "article_id", str, where),
            status=_req(d, "status", str, where),
            source_key=_req(d, "source_key", str, where),
            article_url=_req(d, "article_url", str, where),
        )


@dataclass(frozen=True)
class DeleteAccepted:
    """The 202 answer of `DELETE /articles/{id}`: the claims leave within seconds."""

    article_id: str
    status: str
    source_key: str

    @classmethod
    def from_dict(cls, data: Any, where: str = "response") -> DeleteAccepted:
        d = _obj(data, where)
        return cls(
            article_id=_req(d, "article_id", str, where),
            status=_req(d, "status", str, where),
            source_key=_req(d, "source_key", str, where),
        )


@dataclass(frozen=True)
class ExportJob:
    """The 202 answer of `POST /exports`: an export to the bucket is queued (AWS only)."""

    id: str
    state: str
    total: int
    """Matches when the export was asked for."""
    status_url: str
    relaxed: bool = False
    """True when best match found no claim holding enough of the words: the export holds the
    claims with any of them."""

    @classmethod
    def from_dict(cls, data: Any, where: str = "response") -> ExportJob:
        d = _obj(data, where)
        return cls(
            id=_req(d, "id", str, where),
            state=_req(d, "state", str, where),
            total=_req(d, "total", int, where),
            status_url=_req(d, "status_url", str, where),
            relaxed=_opt(d, "relaxed", bool, where) or False,  # absent from an older server
        )


@dataclass(frozen=True)
class ExportStatus:
    """`GET /exports/{id}`: an export's state; when `done`, `url` fetches the gzipped NDJSON."""

    id: str
    state: str
    """queued, running, done or failed."""
    claims: int
    """Claims written so far."""
    total: int | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    error: str | None
    url: str | None
    url_expires_in: int | None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    @classmethod
    def from_dict(cls, data: Any, where: str = "export") -> ExportStatus:
        d = _obj(data, where)
        return cls(
            id=_req(d, "id", str, where),
            state=_req(d, "state", str, where),
            claims=_req(d, "claims", int, where),
            total=_opt(d, "total", int, where),
            created_at=_req(d, "created_at", str, where),
            started_at=_opt(d, "started_at", str, where),
            finished_at=_opt(d, "finished_at", str, where),
            error=_opt(d, "error", str, where),
            url=_opt(d, "url", str, where),
            url_expires_in=_opt(d, "url_expires_in", int, where),
            raw=d,
        )


@dataclass(frozen=True)
class Health:
    status: str
    """ok, or degraded when the index does not answer."""
    index: str
    claims: int | None

    @classmethod
    def from_dict(cls, data: Any, where: str = "health") -> Health:
        d = _obj(data, where)
        return cls(
            status=_req(d, "status", str, where),
            index=_req(d, "index", str, where),
            claims=_opt(d, "claims", int, where),
        )
