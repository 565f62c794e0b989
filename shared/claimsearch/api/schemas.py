"""Response shapes of the HTTP API, as pydantic models so the OpenAPI document
describes exactly what partner apps receive. They mirror the records' `to_dict`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from claimsearch.clusters.records import ClusterSummary
from claimsearch.model import Claim, ClaimantType, EntityType, IdentityType, QuoteType

SpanOut = tuple[int, int]


def _calendar_date(value: Any) -> Any:
    # pydantic's lax mode reads "0" or "1700000000" as a Unix time; the document says
    # `format: date`, so a date is written YYYY-MM-DD and nothing else passes for one.
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("expected a date YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_calendar_date)]
"""A date parameter or field: YYYY-MM-DD only (documented as `format: date`)."""

# Pydantic builds a model's validator and serializer when its class is created, unless
# told to wait for the model's first use. The models of GET /claims (ClaimOut and its
# parts, SearchResponse, ErrorResponse) are built at import: the search function's first
# request needs them all. Those of every other route wait, so a cold start pays for the
# routes it serves and not for the rest (issue 11).
BUILT_ON_FIRST_USE = ConfigDict(defer_build=True)


class CueOut(BaseModel):
    text: str
    span: SpanOut
    lemma: str
    class_: str = Field(
        alias="class", description="say, claim, find, believe, allege, call_for, deny or other"
    )

    model_config = {"populate_by_name": True, "serialize_by_alias": True}


class ClaimantOut(BaseModel):
    id: str | None = Field(
        description="The claimant identity across articles (GET /claimants/{id}); null when no one is"
        " named: no source, a pronoun never resolved, or a claimant described rather than named"
        " ('a spokesman', 'a new poll')"
    )
    mention: str | None = Field(description="The words in the text; null when unattributed")
    span: SpanOut | None
    name: str | None = Field(
        description="Resolved name (a pronoun's antecedent, a role's holder); null when unattributed"
        " or when the source is a pronoun with no antecedent"
    )
    name_span: SpanOut | None = Field(
        description="Where the proper name the claimant was resolved from is written: the"
        " antecedent's name for a pronoun, the mention's own for a name. It may be a shorter form"
        " than `name`, which is the fullest the article gives ('Clinton' here, 'Hillary Clinton'"
        " in `name`), or spelt there as the article spelt it; null with `name`"
    )
    type: ClaimantType
    role: str | None
    organization: str | None


class ContentOut(BaseModel):
    text: str
    spans: list[SpanOut]
    quote_type: QuoteType
    introducer: SpanOut | None = Field(
        description='The "that" introducing reported speech, kept out of the content text'
    )


class MediumOut(BaseModel):
    text: str
    span: SpanOut


class EntityOut(BaseModel):
    text: str
    span: SpanOut
    canonical: str
    type: EntityType


class QuantityOut(BaseModel):
    text: str
    span: SpanOut
    value: float | None
    unit: str | None


class DateOut(BaseModel):
    text: str
    span: SpanOut
    value: str | None


class ClusterRef(BaseModel):
    """The claim's cluster: the claims of the same claimant that say the same thing."""

    id: str = Field(description="Stable: GET /clusters/{id}")
    size: int = Field(description="Claims in the index in this cluster, this one included")
    first_seen: str | None = Field(
        description="YYYY-MM-DD: the earliest publication date of its claims; null when none is dated"
    )
    first_article_id: str = Field(description="The article of its first appearance")


class ClaimOut(BaseModel):
    id: str
    article_id: str
    content: ContentOut
    cue: CueOut
    claimant: ClaimantOut
    medium: MediumOut | None
    sentence: str
    sentence_span: SpanOut
    entities: list[EntityOut]
    quantities: list[QuantityOut]
    dates: list[DateOut]
    publisher: str | None
    published_at: str | None
    extractor_version: str
    cluster: ClusterRef | None = Field(
        default=None, description="null only for a claim indexed before clusters (until a reindex)"
    )
    replaces: list[str] = Field(
        default_factory=list,
        description="Ids of claims of this article that an edit or a re-extraction removed and this"
        " one took the place of (their spans changed, so their ids did): `GET /claims/{id}` of one"
        " answers 301 here",
    )


def claim_out(claim: Claim, clusters: Mapping[str, ClusterSummary]) -> ClaimOut:
    """The claim as the API serves it, with its cluster summed up (`clusters`: by id).

    Raises pydantic's ValidationError for a stored claim that no longer fits the contract.
    """
    out = ClaimOut.model_validate(claim.to_dict())
    summary = clusters.get(claim.cluster_id) if claim.cluster_id else None
    if summary is not None:
        out.cluster = ClusterRef(
            id=summary.id,
            size=summary.size,
            first_seen=summary.first_seen,
            first_article_id=summary.first_article_id,
        )
    return out


class ArticleOut(BaseModel):
    model_config = BUILT_ON_FIRST_USE

    id: str
    title: str
    text: str = Field(description="The text every span points into")
    url: str | None
    publisher: str | None
    published_at: str | None
    byline: str | None
    source_key: str
    furniture: list[SpanOut]


class ArticleWithClaims(BaseModel):
    model_config = BUILT_ON_FIRST_USE

    article: ArticleOut
    claims: list[ClaimOut]


class HitOut(BaseModel):
    claim: ClaimOut
    score: float
    highlights: dict[str, list[str]] = Field(
        description="Field name -> HTML fragments: the matched terms in <mark> tags, the rest of the"
        " text escaped (&amp; &lt; &gt; &quot; &#x27; &#x2F;), so that a page can show one as it is"
    )


class FacetValueOut(BaseModel):
    value: str = Field(
        description="The value, as its filter takes it. Organization, entity and publisher values"
        " are counted with case and accents folded, as their filters match, and shown in the"
        " spelling most of the counted claims use"
    )
    count: int = Field(
        description="Claims of the match set holding it: the total of the same search filtered by it"
    )
    id: str | None = Field(default=None, description="The claimant facet counts identities: their id")


# Built at import with the search route's models: a search answer may suggest claimants.
class ClaimantSummary(BaseModel):
    id: str = Field(description="Stable: the same name always has the same id")
    name: str = Field(description="Canonical name: the fullest form seen")
    type: IdentityType
    aliases: list[str] = Field(description="Every way the claimant was written in the articles")
    claims: int


class SearchResponse(BaseModel):
    hits: list[HitOut]
    total: int
    facets: dict[str, list[FacetValueOut]] = Field(
        description="Facet name -> its most frequent values over the whole match set (not only this page)"
    )
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")
    relaxed: bool = Field(
        default=False,
        description="True when match=best found no claim holding enough of q's words and the hits are"
        " the claims holding any of them, best first (never under a claimant filter)",
    )
    claimant_suggestions: list[ClaimantSummary] = Field(
        default_factory=list,
        description="When no claim at all is filed under the claimant name asked: the claimants"
        " nearest to it, as GET /claimants?q= suggests them (a name one letter off finds its"
        ' person: "Bornstien" -> Harold Bornstein); empty otherwise',
    )


class ClaimantSuggestions(BaseModel):
    model_config = BUILT_ON_FIRST_USE

    claimants: list[ClaimantSummary]


class CountOut(BaseModel):
    model_config = BUILT_ON_FIRST_USE

    value: str
    count: int


class ClaimantProfile(ClaimantSummary):
    model_config = BUILT_ON_FIRST_USE

    roles: list[str]
    organizations: list[str]
    months: list[CountOut] = Field(description="Claims per month of publication (YYYY-MM), oldest first")
    entities: list[CountOut] = Field(description="The entities its claims mention most")


class ClusterOut(BaseModel):
    """A claim cluster: the same claim, by one claimant, across articles and over time."""

    model_config = BUILT_ON_FIRST_USE

    id: str
    claimant: ClaimantSummary | None = Field(
        description="null for claims with no claimant identity (compared under their description)"
    )
    representative: str = Field(description="The wording closest to all the others")
    size: int
    first_seen: str | None = Field(description="YYYY-MM-DD, the earliest publication date; null if none")
    first_article_id: str
    first_claim_id: str
    members: list[ClaimOut] = Field(
        description="In order of appearance (date, then article and position); the first 1,000 at most"
    )
    timeline: list[CountOut] = Field(description="Members published per day (YYYY-MM-DD), oldest first")


class IngestAccepted(BaseModel):
    model_config = BUILT_ON_FIRST_USE

    article_id: str
    status: Literal["queued"]
    source_key: str
    article_url: str = Field(
        description="The article's path below the API's base URL (the stage's, on AWS): /articles/{id}"
    )


class DeleteAccepted(BaseModel):
    """The article's source was removed from the inbox; the ingest path deletes its claims."""

    model_config = BUILT_ON_FIRST_USE

    article_id: str
    status: Literal["deleting"]
    source_key: str


class Health(BaseModel):
    model_config = BUILT_ON_FIRST_USE

    status: Literal["ok", "degraded"]
    index: str
    claims: int | None


class ErrorDetail(BaseModel):
    code: str = Field(
        description="Stable, machine-readable: invalid_parameter, not_found, method_not_allowed,"
        " not_deletable, unsupported_format, document_too_large, empty_document, too_few_letters,"
        " index_unavailable, internal_error, ... (one per typed error of the domain)"
    )
    message: str = Field(description="For people: what was wrong and, where it helps, what to do")
    parameter: str | None = Field(
        default=None, description="The query or path parameter at fault (invalid_parameter only)"
    )


class ErrorResponse(BaseModel):
    """Every error the API answers, whatever its status: one shape, a stable `code`."""

    error: ErrorDetail


class ArticleIn(BaseModel):
    """POST /articles as application/json: the article's text and what is known about it.

    Documentation of the body only: the ingest path's parser (documents/parse.py) checks
    it, so an article POSTed here and one dropped into the bucket are held to one rule.
    Fields other than these are ignored.
    """

    text: str = Field(
        min_length=1,
        description="The article's text, prose: claim offsets point into it once invisible characters"
        " are removed",
    )
    title: str | None = Field(default=None, description="Default: the text's first non-empty line")
    url: str | None = None
    publisher: str | None = Field(default=None, description="Default: the site named in the text, if any")
    published_at: str | None = Field(
        default=None,
        max_length=64,
        description="ISO 8601: a date (2016-09-12) or a date and time (2016-09-12T10:00:00Z)",
    )
    byline: str | None = None
