"""The HTTP API: routes, request validation, error shape, OpenAPI.

Built on Powertools' REST API resolver with request validation on, so query
parameters are typed and documented in the generated OpenAPI document. This module
must not import the NLP stack: it runs in the search function, whose cold start
stays small.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import ValidationError

from claimsearch import wiring
from claimsearch.api.cursor import decode_cursor, encode_cursor
from claimsearch.api.schemas import (
    ArticleOut,
    ArticleWithClaims,
    ClaimantProfile,
    ClaimantSuggestions,
    ClaimantSummary,
    ClaimOut,
    CountOut,
    DeleteAccepted,
    FacetValueOut,
    Health,
    HitOut,
    IngestAccepted,
    SearchResponse,
)
from claimsearch.config import settings
from claimsearch.errors import ClaimsearchError, DocumentTooLarge, InvalidQuery, NotDeletable, NotFound
from claimsearch.index.port import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    MAX_SUGGESTIONS,
    MatchMode,
    SearchQuery,
)
from claimsearch.model import Claim, ClaimantIdentity, CueClass, QuoteType, article_id_for_source

logger = Logger(service="claimsearch-api")
app = APIGatewayRestResolver(enable_validation=True)

API_TITLE = "claimsearch"
API_VERSION = "1.0.0"


def _error(status: int, code: str, message: str, parameter: str | None = None) -> Response[Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if parameter:
        body["parameter"] = parameter
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body={"error": body})


@app.exception_handler(RequestValidationError)
def _invalid_request(error: RequestValidationError) -> Response[Any]:
    first = error.errors()[0] if error.errors() else {}
    location = [str(part) for part in first.get("loc", ()) if part not in ("query", "path", "body")]
    parameter = ".".join(location) or None
    message = first.get("msg") or "invalid value"
    return _error(400, "invalid_parameter", f"{parameter or 'request'}: {message}", parameter)


@app.exception_handler(InvalidQuery)
def _invalid_query(error: InvalidQuery) -> Response[Any]:
    return _error(400, error.code, str(error), error.parameter)


@app.exception_handler(ClaimsearchError)
def _domain_error(error: ClaimsearchError) -> Response[Any]:
    return _error(error.status, error.code, str(error))


@app.not_found
def _no_route(_: Exception) -> Response[Any]:
    return _error(404, "no_route", f"no route for {app.current_event.http_method} {app.current_event.path}")


# -- routes ------------------------------------------------------------------------------


@app.get("/health")
def health() -> Health:
    """Liveness and the index this deployment serves from."""
    index = wiring.index()
    ok = index.ping()
    return Health(
        status="ok" if ok else "degraded",
        index=settings().index_backend,
        claims=index.count_claims() if ok else None,
    )


@app.get("/claims")
def search_claims(
    q: Annotated[
        str | None,
        Query(
            max_length=MAX_QUERY_CHARS,
            description="Full-text query (plain words), ranked by relevance: with match=best (the default)"
            " a claim must hold all of 1-2 words, 2 of 3, 75 % of 4 or more; with match=all every word",
        ),
    ] = None,
    match: Annotated[MatchMode, Query(description="best: ranked best match; all: every word")] = "best",
    claimant: Annotated[
        str | None,
        Query(
            max_length=200,
            description="A claimant's name as people write it: any alias of an identity, word for word,"
            ' case and accents ignored ("Trump", "Mr. Trump", "donald trump" give the same claims)',
        ),
    ] = None,
    claimant_id: Annotated[str | None, Query(max_length=64, description="A claimant identity's id")] = None,
    attributed: Annotated[
        bool | None, Query(description="false: only claims with no source in the text; true: only with one")
    ] = None,
    organization: Annotated[str | None, Query(max_length=200)] = None,
    entity: Annotated[str | None, Query(max_length=200, description="Canonical entity name")] = None,
    publisher: Annotated[str | None, Query(max_length=200)] = None,
    cue_class: Annotated[CueClass | None, Query()] = None,
    quote_type: Annotated[QuoteType | None, Query()] = None,
    published_from: Annotated[date | None, Query(description="Inclusive, YYYY-MM-DD")] = None,
    published_to: Annotated[date | None, Query(description="Inclusive, YYYY-MM-DD")] = None,
    article_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(max_length=512, description="next_cursor of the previous page")
    ] = None,
    facets: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Facets to count over every match, comma separated: claimant, organization,"
            " entity, publisher; empty or none for none. Default: all of them on the first page,"
            " none on the pages a cursor asks for (the counts do not change from page to page)",
        ),
    ] = None,
) -> SearchResponse:
    """Search attributed claims: ranked, highlighted, with facets and cursor paging."""
    if published_from and published_to and published_from > published_to:
        raise InvalidQuery("published_from", "must not be after published_to")
    # Counting facets visits every match, so later pages, whose counts the client
    # already has, skip them unless asked.
    asked: bool | tuple[str, ...] = not cursor if facets is None else SearchQuery.parse_facets(facets)
    query = SearchQuery(
        text=q,
        match=match,
        claimant=claimant,
        claimant_id=claimant_id,
        attributed=attributed,
        organization=organization,
        entity=entity,
        publisher=publisher,
        cue_class=cue_class,
        quote_type=quote_type,
        published_from=published_from.isoformat() if published_from else None,
        published_to=published_to.isoformat() if published_to else None,
        article_id=article_id,
        limit=limit,
        facets=asked,
    )
    if cursor:
        query = replace(query, after=decode_cursor(query, cursor))
    result = wiring.index().search(query)
    return SearchResponse(
        hits=[HitOut(claim=_claim_out(h.claim), score=h.score, highlights=h.highlights) for h in result.hits],
        total=result.total,
        facets={
            name: [FacetValueOut(value=v.value, count=v.count, id=v.id) for v in values]
            for name, values in result.facets.items()
        },
        next_cursor=encode_cursor(query, result.next_after) if result.next_after else None,
    )


@app.get("/claims/<claim_id>")
def get_claim(claim_id: Annotated[str, Path(max_length=64)]) -> ClaimOut:
    """One claim by id."""
    claim = wiring.index().get_claim(claim_id)
    if claim is None:
        raise NotFound("claim", claim_id)
    return _claim_out(claim)


@app.get("/claimants")
def suggest_claimants(
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="What the user has typed: every word must start a word of an alias, the last may be"
            " unfinished",
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=MAX_SUGGESTIONS)] = MAX_SUGGESTIONS,
) -> ClaimantSuggestions:
    """Claimant identities as a user types: most claims first, with their aliases."""
    found = wiring.index().suggest_claimants(q, limit)
    return ClaimantSuggestions(claimants=[_summary(i) for i in found])


@app.get("/claimants/<claimant_id>")
def get_claimant(claimant_id: Annotated[str, Path(max_length=64)]) -> ClaimantProfile:
    """A claimant identity: aliases, roles and organisations seen, claims per month, entities mentioned."""
    # Imported here, by the one route that uses them, not by every cold start.
    from claimsearch.claimants.profile import MENTIONED, entities_mentioned

    index = wiring.index()
    identity = index.get_claimants([claimant_id]).get(claimant_id)
    if identity is None:
        raise NotFound("claimant", claimant_id)
    activity = index.claimant_activity(claimant_id, entities=MENTIONED + 5)  # room for its own name
    return ClaimantProfile(
        **_summary(identity).model_dump(),
        roles=identity.roles,
        organizations=identity.organizations,
        months=[CountOut(value=m.value, count=m.count) for m in activity.months],
        entities=[CountOut(value=e.value, count=e.count) for e in entities_mentioned(identity, activity)],
    )


def _summary(identity: ClaimantIdentity) -> ClaimantSummary:
    return ClaimantSummary(
        id=identity.id,
        name=identity.name,
        type=identity.type,  # type: ignore[arg-type]  # one of IDENTITY_TYPES by construction
        aliases=identity.aliases,
        claims=identity.claims,
    )


@app.get("/articles/<article_id>")
def get_article(article_id: Annotated[str, Path(max_length=64)]) -> ArticleWithClaims:
    """An article, its full text (which every span points into) and its claims."""
    index = wiring.index()
    article = index.get_article(article_id)
    if article is None:
        raise NotFound("article", article_id)
    return ArticleWithClaims(
        article=ArticleOut.model_validate(article.to_dict()),
        claims=[_claim_out(c) for c in index.claims_for_article(article_id)],
    )


@app.post("/articles")
def post_article() -> Response[Any]:
    """Queue an article for ingestion: a text/plain body, or JSON {title, text, url, publisher, published_at}.

    The file is checked here (size, encoding, shape) and dropped into the inbox, from
    which the ingest function picks it up exactly as it does an upload. Answers 202
    with the article id; GET /articles/{id} serves it once extracted.
    """
    # Imported here, by the one route that parses, not by every cold start.
    from claimsearch.documents.parse import parse_document

    event = app.current_event
    raw = event.decoded_body or ""
    data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    limit = settings().max_request_bytes
    if len(data) > limit:
        raise DocumentTooLarge("request body", f"{len(data)} bytes is over the limit of {limit} bytes")
    content_type = (
        (event.headers or {}).get("content-type") or (event.headers or {}).get("Content-Type") or ""
    )
    suffix = ".json" if "json" in content_type.lower() else ".txt"
    name = f"api-{hashlib.sha256(data).hexdigest()[:20]}{suffix}"
    parse_document(data, name, max_bytes=limit)  # refuse now what ingest would refuse
    inbox = wiring.inbox()
    key = f"{inbox.prefix}{name}"
    inbox.store.put(key, data, "application/json" if suffix == ".json" else "text/plain; charset=utf-8")
    article_id = article_id_for_source(inbox.bucket, key)
    body = IngestAccepted(
        article_id=article_id,
        status="queued",
        source_key=key,
        article_url=f"/articles/{article_id}",
    )
    return Response(
        status_code=202,
        content_type=content_types.APPLICATION_JSON,
        body=body.model_dump(),
        headers={"Location": f"/articles/{article_id}"},
    )


@app.delete("/articles/<article_id>")
def delete_article(article_id: Annotated[str, Path(max_length=64)]) -> Response[Any]:
    """Take an article down: its file leaves the inbox, and the ingest path deletes its claims.

    Answers 202 once the file is removed; the claims leave the index when the ingest
    function has applied the removal (seconds), and a tombstone keeps `reindex` from
    bringing them back. Only articles that came through the inbox (uploads and
    POST /articles) can be deleted here; others answer 409.
    """
    source = wiring.make_archive().source(article_id)
    if source is None or not source.live:
        raise NotFound("article", article_id)
    inbox = wiring.inbox()
    if source.bucket != inbox.bucket or not source.key.startswith(inbox.prefix):
        raise NotDeletable(
            f"article {article_id} came from {source.bucket or 'a local file'}:{source.key}, not the"
            " inbox; remove it there, or run `claimsearch delete` where the archive is"
        )
    inbox.store.delete(source.key)
    body = DeleteAccepted(article_id=article_id, status="deleting", source_key=source.key)
    return Response(status_code=202, content_type=content_types.APPLICATION_JSON, body=body.model_dump())


@app.get("/openapi.json", include_in_schema=False)
def openapi_document() -> Response[Any]:
    """The OpenAPI document generated from these routes."""
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=json.loads(openapi_json()),
    )


def openapi_json() -> str:
    return app.get_openapi_json_schema(
        title=API_TITLE,
        version=API_VERSION,
        description="Attributed claims extracted from news articles: who claimed what, where in the text.",
    )


def _claim_out(claim: Claim) -> ClaimOut:
    try:
        return ClaimOut.model_validate(claim.to_dict())
    except ValidationError as exc:  # a stored claim that no longer fits the contract
        logger.exception("claim does not fit the response schema", extra={"claim_id": claim.id})
        raise ClaimsearchError(f"claim {claim.id} cannot be served") from exc
