"""Response shapes of the HTTP API, as pydantic models so the OpenAPI document
describes exactly what partner apps receive. They mirror the records' `to_dict`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from claimsearch.model import ClaimantType, EntityType, IdentityType, QuoteType

SpanOut = tuple[int, int]


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
        description="The claimant identity across articles (GET /claimants/{id}); null when no one is named"
    )
    mention: str | None = Field(description="The words in the text; null when unattributed")
    span: SpanOut | None
    name: str | None = Field(
        description="Resolved name (a pronoun's antecedent, a role's holder); null when unattributed"
        " or when the source is a pronoun with no antecedent"
    )
    name_span: SpanOut | None
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


class ArticleOut(BaseModel):
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
    article: ArticleOut
    claims: list[ClaimOut]


class HitOut(BaseModel):
    claim: ClaimOut
    score: float
    highlights: dict[str, list[str]] = Field(
        description="Field name -> fragments with matched terms in <mark> tags"
    )


class FacetValueOut(BaseModel):
    value: str
    count: int
    id: str | None = Field(default=None, description="The claimant facet counts identities: their id")


class SearchResponse(BaseModel):
    hits: list[HitOut]
    total: int
    facets: dict[str, list[FacetValueOut]]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


class ClaimantSummary(BaseModel):
    id: str = Field(description="Stable: the same name always has the same id")
    name: str = Field(description="Canonical name: the fullest form seen")
    type: IdentityType
    aliases: list[str] = Field(description="Every way the claimant was written in the articles")
    claims: int


class ClaimantSuggestions(BaseModel):
    claimants: list[ClaimantSummary]


class CountOut(BaseModel):
    value: str
    count: int


class ClaimantProfile(ClaimantSummary):
    roles: list[str]
    organizations: list[str]
    months: list[CountOut] = Field(description="Claims per month of publication (YYYY-MM), oldest first")
    entities: list[CountOut] = Field(description="The entities its claims mention most")


class IngestAccepted(BaseModel):
    article_id: str
    status: Literal["queued"]
    source_key: str
    article_url: str


class DeleteAccepted(BaseModel):
    """The article's source was removed from the inbox; the ingest path deletes its claims."""

    article_id: str
    status: Literal["deleting"]
    source_key: str


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    index: str
    claims: int | None


class ErrorDetail(BaseModel):
    code: str
    message: str
    parameter: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail
