"""Response shapes of the HTTP API, as pydantic models so the OpenAPI document
describes exactly what partner apps receive. They mirror the records' `to_dict`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

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
    mention: str | None = Field(description="The words in the text; null when unattributed")
    span: SpanOut | None
    name: str = Field(description="Resolved name (a pronoun's antecedent, a role's holder)")
    name_span: SpanOut | None
    type: Literal["person", "organisation", "group", "document", "unattributed"]
    role: str | None
    organization: str | None


class ContentOut(BaseModel):
    text: str
    spans: list[SpanOut]
    quote_type: Literal["direct", "indirect", "mixed"]
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
    type: Literal["person", "organisation", "place", "other"]


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


class SearchResponse(BaseModel):
    hits: list[HitOut]
    total: int
    facets: dict[str, list[FacetValueOut]]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


class IngestAccepted(BaseModel):
    article_id: str
    status: Literal["queued"]
    source_key: str
    article_url: str


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
