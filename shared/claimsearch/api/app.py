"""The HTTP API: routes, request validation, error shape, OpenAPI.

Built on Powertools' REST API resolver with request validation on, so query
parameters are typed and documented in the generated OpenAPI document. This module
must not import the NLP stack: it runs in the search function, whose cold start
stays small.
"""

# No `from __future__ import annotations` in this module: Powertools reads a route's
# parameter annotations at the route's first request (typing.get_type_hints), and
# annotations kept as strings are compiled then, about a quarter of the search
# function's first request (issue 11's cold start); evaluated when the module runs,
# they come compiled in its bytecode.

import base64
import hashlib
import json
import os
import re
import traceback
from dataclasses import replace
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Route
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import ValidationError

from claimsearch import wiring
from claimsearch.api import export as export_routes
from claimsearch.api import openapi as doc
from claimsearch.api.conditional import ETAG, IF_NONE_MATCH, body_bytes, conditional, with_header
from claimsearch.api.cursor import CURSOR_PATTERN, decode_cursor, encode_cursor
from claimsearch.api.schemas import (
    ArticleIn,
    ArticleOut,
    ArticleWithClaims,
    ClaimantProfile,
    ClaimantSuggestions,
    ClaimantSummary,
    ClaimOut,
    ClusterOut,
    CountOut,
    DeleteAccepted,
    FacetValueOut,
    Health,
    HitOut,
    IngestAccepted,
    IsoDate,
    SearchResponse,
    claim_out,
)
from claimsearch.api.urls import relative_url
from claimsearch.clusters.records import ClusterSummary
from claimsearch.config import settings
from claimsearch.errors import (
    ClaimantMerged,
    ClaimReplaced,
    ClaimsearchError,
    DocumentError,
    DocumentTooLarge,
    InvalidQuery,
    InvalidQueryDate,
    Moved,
    NestingTooDeep,
    NotDeletable,
    NotFound,
    UnsupportedFormat,
)
from claimsearch.index.port import (
    DEFAULT_LIMIT,
    FACET_FIELDS,
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    MAX_SUGGESTIONS,
    CollapseMode,
    SearchIndex,
    SearchQuery,
    SortOrder,
)
from claimsearch.index.text_query import MATCH_DESCRIPTION, MatchMode
from claimsearch.model import Claim, ClaimantIdentity, CueClass, QuoteType, article_id_for_source

logger = Logger(service="claimsearch-api")


def _cors(origins: tuple[str, ...]) -> CORSConfig | None:
    """CORS for the configured origins (`Settings.cors_origins`): their pages may call the API
    from a browser, sending the API key, a JSON body and the tag of an answer they hold, and
    read the headers that page on or tag an answer."""
    if not origins:
        return None
    return CORSConfig(
        allow_origin=origins[0],
        extra_origins=list(origins[1:]),
        allow_headers=[IF_NONE_MATCH],
        expose_headers=["Location", "Allow", "X-Total-Count", "X-Next-Cursor", ETAG],
        max_age=600,
    )


app = APIGatewayRestResolver(enable_validation=True, cors=_cors(settings().cors_origins))


def resolve(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The search function's entry: the routes; a GET's answer tagged and answered 304 to a
    client that holds it already (`conditional`); and HEAD as GET without the body (RFC 9110:
    the headers GET would send, so a client can check a URL, an export's size, or whether an
    answer changed). A free-text filter given empty is one not given (`_without_empty_values`)."""
    event = _without_empty_values(event)
    method = event.get("httpMethod")
    if method not in ("GET", "HEAD"):
        return app.resolve(event, context)
    answer = conditional(app.resolve({**event, "httpMethod": "GET"}, context), event)
    if method == "GET" or answer["statusCode"] == 304:  # a 304 has no body to leave out
        return answer
    size = str(len(body_bytes(answer)))
    return with_header({**answer, "body": "", "isBase64Encoded": False}, "Content-Length", size)


def _only_known_parameters(resolver: APIGatewayRestResolver, next_one: NextMiddleware) -> Response[Any]:
    """A query parameter the route does not take is refused, not ignored: `claimnt=Trump`
    answered every claim as if unfiltered, with nothing to tell the client why."""
    route = resolver.context.get("_route")
    given = resolver.current_event.query_string_parameters or {}
    # A request no route takes (404, 405) runs a route Powertools makes up on the spot:
    # it answers for the path or the method, whatever the parameters.
    if route is not None and given and any(route is r for r in _registered_routes()):
        known = sorted(field.alias for field in route.dependant.query_params)
        unknown = sorted(set(given) - set(known))
        if unknown:
            event = resolver.current_event
            takes = f"it takes {', '.join(known)}" if known else "it takes none"
            raise InvalidQuery(unknown[0], f"is not a parameter of {event.http_method} {event.path}; {takes}")
    return next_one(resolver)


app.use(middlewares=[_only_known_parameters])

API_TITLE = "claimsearch"
API_VERSION = "1.0.0"


# Ids are opaque, but made of these characters only: a value that needs percent-encoding
# in a path is no id (API Gateway hands the path to the function still encoded).
ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in word)


_FACET_NAME = "(?:" + "|".join(_any_case(name) for name in FACET_FIELDS) + ")"
# What SearchQuery.parse_facets reads, as a pattern the document carries and validation
# holds requests to: "none", or facet names (any case) separated by commas.
FACETS_PATTERN = rf"^ *(?:{_any_case('none')}|{_FACET_NAME}(?: *, *{_FACET_NAME})*)? *$"


def _error(
    status: int,
    code: str,
    message: str,
    parameter: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=doc.error_body(code, message, parameter),
        headers=headers,
    )


# Free-text filters, for which an empty value is one not given: a form's blank field
# (`?q=&organization=`). Before, each read "" its own way: `q` as none, a name filter as a
# name no claim has, `publisher` as "no publisher". An empty value of a typed parameter (a
# date, a number, a choice, a cursor) is refused by validation as any bad value is, naming
# it; `facets=` is the empty list of facets (documented).
_TEXT_FILTERS = frozenset(
    {"q", "claimant", "claimant_id", "organization", "entity", "publisher", "article_id"}
)


def _without_empty_values(event: dict[str, Any]) -> dict[str, Any]:
    """The event less the empty values of its free-text filters (`_TEXT_FILTERS`)."""
    single = event.get("queryStringParameters") or {}
    multi = event.get("multiValueQueryStringParameters") or {}
    given = multi or {name: [value] for name, value in single.items()}
    if not any("" in values for name, values in given.items() if name in _TEXT_FILTERS):
        return event
    kept = {
        name: [v for v in values if v != ""] if name in _TEXT_FILTERS else values
        for name, values in given.items()
    }
    kept = {name: values for name, values in kept.items() if values}
    return {
        **event,
        "queryStringParameters": {name: values[-1] for name, values in kept.items()} or None,
        "multiValueQueryStringParameters": kept or None,
    }


@app.exception_handler(RequestValidationError)
def _invalid_request(error: RequestValidationError) -> Response[Any]:
    first = error.errors()[0] if error.errors() else {}
    loc = tuple(first.get("loc", ()))
    if loc[:1] == ("body",):
        media_type = _media_type()
        if media_type in FORM_MEDIA_TYPES:
            # Powertools reads a form as fields, so a JSON object sent with curl's default
            # type would be refused as an unknown field named after the whole body.
            return _unsupported_body(error)
        if first.get("type") == "json_invalid":  # its loc holds the character, not a name
            at = loc[1] if len(loc) > 1 else 0
            return _error(400, "invalid_document", f"request body: not valid JSON (at character {at})")
    location = [str(part) for part in loc if part not in ("query", "path", "body")]
    parameter = ".".join(location) or None
    message = first.get("msg") or "invalid value"
    if first.get("type") == "string_pattern_mismatch":
        # pydantic would quote the regular expression; the document describes the form.
        message = "not in the form GET /openapi.json describes for it"
        if parameter == "facets" and isinstance(first.get("input"), str):
            try:  # the name it does not know, and the names it does
                SearchQuery.parse_facets(first["input"])
            except InvalidQuery as unknown:
                message = unknown.reason
    if loc[:1] == ("query",) and parameter and len(_query_values(parameter)) > 1:
        message = "given more than once; give it once"
    return _error(400, "invalid_parameter", f"{parameter or 'request'}: {message}", parameter)


FORM_MEDIA_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _media_type() -> str:
    return (app.current_event.headers.get("content-type") or "").split(";")[0].strip().lower()


def _query_values(name: str) -> list[str]:
    multi = app.current_event.multi_value_query_string_parameters or {}
    return list(multi.get(name) or [])


@app.exception_handler(InvalidQuery)
def _invalid_query(error: InvalidQuery) -> Response[Any]:
    return _error(400, error.code, str(error), error.parameter)


@app.exception_handler(Moved)
def _moved(error: Moved) -> Response[Any]:
    # Clients that follow redirects land on the new record.
    location = relative_url(app.current_event.path, error.location)
    return _error(error.status, error.code, str(error), headers={"Location": location})


@app.exception_handler(ClaimsearchError)
def _domain_error(error: ClaimsearchError) -> Response[Any]:
    return _error(error.status, error.code, str(error))


@app.exception_handler(RequestUnsupportedContentType)
def _unsupported_body(_: Exception) -> Response[Any]:
    # A route with a JSON body (POST /exports) sent another media type.
    media_type = app.current_event.headers.get("content-type") or "a body without a Content-Type"
    return _error(
        415, UnsupportedFormat.code, f"request body: {media_type} is not read; send application/json"
    )


@app.exception_handler(Exception)
def _internal_error(error: Exception) -> Response[Any]:
    if isinstance(error, RecursionError) and _raised_reading_the_body(error):
        # JSON nested deeper than the parser's stack (POST /exports' body): the client's.
        return _error(400, NestingTooDeep.code, "request body: JSON nested too deeply to read")
    if isinstance(error, ValueError) and _raised_reading_the_body(error):
        # Powertools reads a route's JSON (or form, or multipart) body before the route
        # runs, and lets a body it cannot read escape as a bare ValueError: bytes that are
        # not UTF-8, multipart without a boundary. The client's body, not our fault.
        code = "undecodable_document" if isinstance(error, UnicodeDecodeError) else "invalid_document"
        return _error(400, code, f"request body: {error}")
    # Anything else is a fault of ours: logged in full, answered in the error shape (not
    # as a crash the local server would drop, or API Gateway's bare 502), and without
    # internals in the message.
    logger.exception("unhandled error")
    context = app.lambda_context
    request = getattr(context, "aws_request_id", None) if context is not None else None
    return _error(500, "internal_error", f"internal error; request id {request or 'unknown'}")


@app.not_found
def _no_route(_: Exception) -> Response[Any]:
    method, path = app.current_event.http_method.upper(), app.current_event.path
    allowed = _methods_for(path)
    if allowed:
        # The path is a route, the method is not one of its own: 405 and the methods it
        # takes (RFC 9110), whatever the method (TRACE, OPTIONS, QUERY, ...).
        return _error(
            405,
            "method_not_allowed",
            f"{method} is not a method of {path}; it takes {', '.join(allowed)}",
            headers={"Allow": ", ".join(allowed)},
        )
    return _error(404, "no_route", f"no route for {method} {path}")


def _raised_reading_the_body(error: BaseException) -> bool:
    """Whether `error` came out of Powertools' request validation (its body parsing)."""
    return any(
        os.path.basename(frame.f_code.co_filename) == "openapi_validation.py"
        for frame, _ in traceback.walk_tb(error.__traceback__)
    )


def _methods_for(path: str) -> list[str]:
    """The methods some route takes at `path` (the export router's included; HEAD where GET
    is, `resolve`), sorted."""
    methods = {route.method.upper() for route in _registered_routes() if route.rule.match(path)}
    return sorted(methods | ({"HEAD"} if "GET" in methods else set()))


def _registered_routes() -> list[Route]:
    # Powertools keeps its routes in these two lists (the resolver offers no lookup by
    # path); tests/infra/test_template.py reads them too.
    return [*app._static_routes, *app._dynamic_routes]


# -- routes ------------------------------------------------------------------------------


@app.get("/health", summary="Liveness", responses=doc.answers(Health, doc.HEALTH_EXAMPLE, errors=()))
def health() -> Health:
    """Liveness and the index this deployment serves from."""
    index = wiring.index()
    ok = index.ping()
    return Health(
        status="ok" if ok else "degraded",
        index=settings().index_backend,
        claims=index.count_claims() if ok else None,
    )


@app.get(
    "/claims",
    summary="Search claims",
    responses=doc.answers(
        SearchResponse,
        doc.SEARCH_EXAMPLE,
        errors=[400],
        description="The page of hits, the total, the facets asked for and the next page's cursor",
    ),
)
def search_claims(
    q: Annotated[
        str | None,
        Query(
            max_length=MAX_QUERY_CHARS,
            description="Full-text query (plain words), ranked by relevance: with match=best (the default)"
            " a claim must hold all of 1-2 words, 2 of 3, 75 % of 4 or more, and when no claim does and"
            " no claimant is asked for, the answer holds the claims with any of them, best first, and"
            " says relaxed: true; with match=all every word, with match=any one. Stop words and"
            " one-letter words are not searched: a q of nothing else (the, U.S.) is a 400",
            openapi_examples={"words": {"value": "forced labour"}},
        ),
    ] = None,
    match: Annotated[MatchMode, Query(description=MATCH_DESCRIPTION)] = "best",
    claimant: Annotated[
        str | None,
        Query(
            max_length=200,
            description="A claimant's name as people write it: any alias of an identity, word for word,"
            ' case and accents ignored ("Trump", "Mr. Trump", "donald trump" give the same claims);'
            ' a name copied from an article finds its person too ("Lindsey Graham (R-S.C.)", "New Jersey'
            ' Gov. Chris Christie", "Hillary Rodham Clinton").'
            ' 400 when it holds no name ("the", "Mr.")',
            openapi_examples={"surname": {"value": "Ahn"}, "full name": {"value": "Ahn Myeong-chul"}},
        ),
    ] = None,
    claimant_id: Annotated[
        str | None,
        Query(
            max_length=64,
            description="A claimant identity's id",
            openapi_examples={"id": {"value": doc.CLAIMANT_ID}},
        ),
    ] = None,
    attributed: Annotated[
        bool | None, Query(description="false: only claims with no source in the text; true: only with one")
    ] = None,
    organization: Annotated[str | None, Query(max_length=200)] = None,
    entity: Annotated[str | None, Query(max_length=200, description="Canonical entity name")] = None,
    publisher: Annotated[str | None, Query(max_length=200)] = None,
    cue_class: Annotated[CueClass | None, Query()] = None,
    quote_type: Annotated[QuoteType | None, Query()] = None,
    published_from: Annotated[
        IsoDate | None,
        Query(
            description="Inclusive, YYYY-MM-DD; 400 when after published_to",
            openapi_examples={"date": {"value": "2016-01-01"}},
        ),
    ] = None,
    published_to: Annotated[
        IsoDate | None,
        Query(description="Inclusive, YYYY-MM-DD", openapi_examples={"date": {"value": "2016-12-31"}}),
    ] = None,
    article_id: Annotated[
        str | None, Query(max_length=64, openapi_examples={"id": {"value": doc.ARTICLE_ID}})
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, openapi_examples={"ten": {"value": 10}})] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(
            max_length=512,
            pattern=CURSOR_PATTERN,
            description="Opaque: the next_cursor of the previous page, with the same q and filters"
            " (400 otherwise)",
        ),
    ] = None,
    facets: Annotated[
        str | None,
        Query(
            max_length=100,
            pattern=FACETS_PATTERN,
            description="Facets to count over every match, comma separated: claimant, organization,"
            " entity, publisher; empty or none for none. Default: all of them on the first page,"
            " none on the pages a cursor asks for (the counts do not change from page to page)",
            openapi_examples={"two": {"value": "claimant,entity"}, "none": {"value": "none"}},
        ),
    ] = None,
    collapse: Annotated[
        CollapseMode | None,
        Query(
            description="cluster: one claim per claim cluster (its best-ranked match), so a claim reported"
            " by five outlets is one hit whose cluster.size says 5; total then counts clusters (facet"
            " counts still count claims)."
            " Pages never repeat a cluster"
        ),
    ] = None,
    sort: Annotated[
        SortOrder,
        Query(
            description="relevance (with q; else by id), size (the claim's cluster, most reported"
            " first) or first_seen (the cluster's first publication date, earliest first, undated"
            " last); ties by claim id. With size or first_seen, q only selects and highlights"
        ),
    ] = "relevance",
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
        collapse=collapse,
        sort=sort,
        limit=limit,
        facets=asked,
    )
    if cursor:
        query = replace(query, after=decode_cursor(query, cursor))
    return search_response(wiring.index(), query)


def search_response(index: SearchIndex, query: SearchQuery) -> SearchResponse:
    """GET /claims's answer to `query` (`claimsearch search --json` prints it too)."""
    result = index.search(query)
    clusters = _clusters(index, [h.claim for h in result.hits])
    return SearchResponse(
        hits=[
            HitOut(claim=_claim_out(h.claim, clusters), score=h.score, highlights=h.highlights)
            for h in result.hits
        ],
        total=result.total,
        facets={
            name: [FacetValueOut(value=v.value, count=v.count, id=v.id) for v in values]
            for name, values in result.facets.items()
        },
        next_cursor=encode_cursor(query, result.next_after) if result.next_after else None,
        relaxed=result.relaxed,
        claimant_suggestions=[claimant_summary(i) for i in result.claimant_suggestions],
    )


@app.get(
    "/claims/<claim_id>",
    summary="A claim",
    responses=doc.answers(ClaimOut, doc.CLAIM_EXAMPLE, errors=[301, 400, 404]),
)
def get_claim(
    claim_id: Annotated[
        str, Path(pattern=ID_PATTERN, max_length=64, openapi_examples={"id": {"value": doc.CLAIM_ID}})
    ],
) -> ClaimOut:
    """One claim by id.

    An id that an edit or a re-extraction of its article replaced (the claim's spans
    changed, so its id did) answers 301 with the URL of the claim that took its place,
    whose `replaces` lists the old id."""
    index = wiring.index()
    claim = index.get_claim(claim_id)
    if claim is None:
        successor = index.claim_replacing(claim_id)
        if successor is not None:
            raise ClaimReplaced(claim_id, successor.id)
        raise NotFound("claim", claim_id)
    return _claim_out(claim, _clusters(index, [claim]))


@app.get(
    "/clusters/<cluster_id>",
    summary="A claim cluster",
    responses=doc.answers(ClusterOut, doc.CLUSTER_EXAMPLE, errors=[400, 404]),
)
def get_cluster(
    cluster_id: Annotated[
        str, Path(pattern=ID_PATTERN, max_length=64, openapi_examples={"id": {"value": doc.CLUSTER_ID}})
    ],
) -> ClusterOut:
    """One claim across articles: who claimed it, a representative wording, every report, a timeline."""
    from claimsearch.clusters.view import cluster_view

    index = wiring.index()
    summary = index.cluster_summaries([cluster_id]).get(cluster_id)
    members = index.cluster_members(cluster_id) if summary else []
    if summary is None or not members:
        raise NotFound("cluster", cluster_id)
    view = cluster_view(summary, members)
    identity = index.get_claimants([view.claimant_id]).get(view.claimant_id) if view.claimant_id else None
    clusters = {summary.id: summary}
    return ClusterOut(
        id=summary.id,
        claimant=claimant_summary(identity) if identity else None,
        representative=view.representative.content.text,
        size=summary.size,
        first_seen=summary.first_seen,
        first_article_id=summary.first_article_id,
        first_claim_id=summary.first_claim_id,
        members=[_claim_out(m, clusters) for m in view.members],
        timeline=[CountOut(value=day, count=n) for day, n in view.timeline],
    )


@app.get(
    "/claimants",
    summary="Suggest claimants",
    responses=doc.answers(ClaimantSuggestions, doc.SUGGESTIONS_EXAMPLE, errors=[400]),
)
def suggest_claimants(
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="What the user has typed: every word must be a word of an alias, the last may be"
            " unfinished. When nothing matches so, a given name in its other forms (`michael pen` finds"
            " Mike Pence), then a word of four letters or more one letter wrong (left out, added,"
            " replaced, or two swapped; not the first): `Bornsten` finds Bornstein",
            openapi_examples={"typed": {"value": "ah"}},
        ),
    ],
    limit: Annotated[
        int, Query(ge=1, le=MAX_SUGGESTIONS, openapi_examples={"five": {"value": 5}})
    ] = MAX_SUGGESTIONS,
) -> ClaimantSuggestions:
    """Claimant identities as a user types: most claims first, with their aliases."""
    found = wiring.index().suggest_claimants(q, limit)
    return ClaimantSuggestions(claimants=[claimant_summary(i) for i in found])


@app.get(
    "/claimants/<claimant_id>",
    summary="A claimant",
    responses=doc.answers(ClaimantProfile, doc.CLAIMANT_PROFILE_EXAMPLE, errors=[301, 400, 404]),
)
def get_claimant(
    claimant_id: Annotated[
        str, Path(pattern=ID_PATTERN, max_length=64, openapi_examples={"id": {"value": doc.CLAIMANT_ID}})
    ],
) -> ClaimantProfile:
    """A claimant identity: aliases, roles and organisations seen, claims per month, entities mentioned.

    An id whose claims are now filed under another identity (a surname alone that joined
    the person named in full, a short given name that joined the full one) answers 301 with
    that identity's URL. One whose every claim was taken down (its articles deleted, or
    corrected so that no claim names it) answers 404: the registry keeps no one the index
    holds no claim of."""
    # Imported here, by the one route that uses them, not by every cold start.
    from claimsearch.claimants.profile import MENTIONED, entities_mentioned

    index = wiring.index()
    identity = index.get_claimants([claimant_id]).get(claimant_id)
    if identity is None:
        raise NotFound("claimant", claimant_id)
    if identity.merged_into:
        raise ClaimantMerged(claimant_id, identity.merged_into)
    activity = index.claimant_activity(claimant_id, entities=MENTIONED + 5)  # room for its own name
    return ClaimantProfile(
        **claimant_summary(identity).model_dump(),
        roles=identity.roles,
        organizations=identity.organizations,
        months=[CountOut(value=m.value, count=m.count) for m in activity.months],
        entities=[CountOut(value=e.value, count=e.count) for e in entities_mentioned(identity, activity)],
    )


def claimant_summary(identity: ClaimantIdentity) -> ClaimantSummary:
    """An identity as GET /claimants lists it (`claimsearch claimants --json` too)."""
    return ClaimantSummary(
        id=identity.id,
        name=identity.name,
        type=identity.type,  # type: ignore[arg-type]  # one of IDENTITY_TYPES by construction
        aliases=identity.aliases,
        claims=identity.claims,
    )


@app.get(
    "/articles/<article_id>",
    summary="An article and its claims",
    responses=doc.answers(ArticleWithClaims, doc.ARTICLE_EXAMPLE, errors=[400, 404]),
)
def get_article(
    article_id: Annotated[
        str, Path(pattern=ID_PATTERN, max_length=64, openapi_examples={"id": {"value": doc.ARTICLE_ID}})
    ],
) -> ArticleWithClaims:
    """An article, its full text (which every span points into) and its claims."""
    index = wiring.index()
    article = index.get_article(article_id)
    if article is None:
        raise NotFound("article", article_id)
    claims = index.claims_for_article(article_id)
    clusters = _clusters(index, claims)
    return ArticleWithClaims(
        article=ArticleOut.model_validate(article.to_dict()),
        claims=[_claim_out(c, clusters) for c in claims],
    )


# The two bodies POST /articles reads. Powertools documents one media type per body
# parameter, and parsing is the ingest path's (documents/parse.py), not the resolver's:
# the request body is declared whole, through the operation's extensions hook.
ARTICLE_BODY: dict[str, Any] = {
    "required": True,
    "description": "The article: text/plain (any encoding; the first non-empty line is the title"
    " unless `title` is given), or a JSON object. At most CLAIMSEARCH_MAX_REQUEST_BYTES (5 MiB on AWS).",
    "content": {
        "text/plain": {
            "schema": {"type": "string", "minLength": 1},
            "examples": {"article": {"value": doc.ARTICLE_TEXT_EXAMPLE}},
        },
        "application/json": {
            "schema": ArticleIn.model_json_schema(),
            "examples": {"article": {"value": doc.ARTICLE_JSON_EXAMPLE}},
        },
    },
}
ARTICLE_MEDIA_TYPES = tuple(ARTICLE_BODY["content"])
_METADATA_FIELDS = ("title", "url", "publisher", "published_at")


@app.post(
    "/articles",
    summary="Add an article",
    responses=doc.answers(
        IngestAccepted,
        doc.INGEST_EXAMPLE,
        status=202,
        errors=[400, 413, 415, 422],
        description="Checked and queued; GET article_url serves it once its claims are extracted",
        headers={
            "Location": {
                "description": "The article's URL, relative to the request's (articles/{id})",
                "schema": {"type": "string"},
            }
        },
    ),
    openapi_extensions={"requestBody": ARTICLE_BODY},
)
def post_article(
    title: Annotated[
        str | None,
        Query(
            max_length=500, description="The article's title", openapi_examples={"t": {"value": "Tax plan"}}
        ),
    ] = None,
    url: Annotated[str | None, Query(max_length=2048, description="Where the article was published")] = None,
    publisher: Annotated[
        str | None, Query(max_length=200, openapi_examples={"p": {"value": "Example Times"}})
    ] = None,
    published_at: Annotated[
        str | None,
        Query(
            max_length=64,
            description="ISO 8601 date or date and time (400 otherwise)",
            openapi_examples={"date": {"value": "2026-11-20"}},
        ),
    ] = None,
) -> Response[Any]:
    """Queue an article for ingestion: a text/plain body, or JSON {title, text, url, publisher, published_at}.

    The query parameters give a text/plain body what JSON carries in the object; with a
    JSON body they fill in the fields the object leaves out. The file is checked here
    (size, media type, encoding, shape) and dropped into the inbox, from which the ingest
    function picks it up exactly as it does an upload. Answers 202 with the article id;
    GET /articles/{id} serves it once extracted.
    """
    # Imported here, by the one route that parses, not by every cold start.
    from claimsearch.documents.dates import iso_date
    from claimsearch.documents.parse import parse_document

    event = app.current_event
    # The bytes as sent: Powertools' decoded_body would decode them as UTF-8, and a
    # text/plain article may come in any encoding (documents/decoding.py detects it).
    body = event.body or ""
    data = base64.b64decode(body) if event.is_base64_encoded else body.encode("utf-8")
    limit = settings().max_request_bytes
    if len(data) > limit:
        raise DocumentTooLarge("request body", f"{len(data)} bytes is over the limit of {limit} bytes")
    media_type = _media_type()
    if media_type not in ARTICLE_MEDIA_TYPES:
        raise UnsupportedFormat(
            "request body",
            f"{media_type or 'a body without a Content-Type'} is not read; send"
            f" {' or '.join(ARTICLE_MEDIA_TYPES)}",
        )
    if published_at is not None and iso_date(published_at) is None:
        # A query parameter's fault, named as one (the body's own date is the body's).
        raise InvalidQueryDate("published_at", f"{published_at[:64]!r} is not an ISO 8601 date (YYYY-MM-DD)")
    metadata = {
        name: value
        for name, value in zip(_METADATA_FIELDS, (title, url, publisher, published_at), strict=True)
        if value is not None
    }
    suffix = ".json" if media_type == "application/json" else ".txt"
    if metadata:
        data, suffix = _with_metadata(data, suffix, metadata), ".json"
    name = f"api-{hashlib.sha256(data).hexdigest()[:20]}{suffix}"
    # Refuse now what ingest would refuse, naming what the client sent, not the file name
    # the inbox will give it.
    try:
        parse_document(data, name, max_bytes=limit, limits=wiring.document_limits())
    except DocumentError as error:
        raise type(error)("request body", error.reason) from None
    inbox = wiring.inbox()
    key = f"{inbox.prefix}{name}"
    inbox.store.put(key, data, "application/json" if suffix == ".json" else "text/plain; charset=utf-8")
    article_id = article_id_for_source(inbox.bucket, key)
    accepted = IngestAccepted(
        article_id=article_id,
        status="queued",
        source_key=key,
        article_url=f"/articles/{article_id}",
    )
    return Response(
        status_code=202,
        content_type=content_types.APPLICATION_JSON,
        body=accepted.model_dump(),
        headers={"Location": relative_url(app.current_event.path, f"/articles/{article_id}")},
    )


def _with_metadata(data: bytes, suffix: str, metadata: dict[str, str]) -> bytes:
    """The body as the JSON document the parser reads, with the query's fields in it.

    A text body becomes {"text": ...}, decoded as the parser decodes a .txt file; a JSON
    object keeps its own values and gains the ones it leaves out. A body the parser will
    refuse anyway (not UTF-8 JSON, not an object) is returned as it came, so the answer
    names what is wrong with it.
    """
    from claimsearch.documents.decoding import decode_text

    if suffix == ".txt":
        document: dict[str, Any] = {"text": decode_text(data, "request body")}
    else:
        try:
            parsed = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return data
        if not isinstance(parsed, dict):
            return data
        document = parsed
    for field, value in metadata.items():
        if document.get(field) is None:
            document[field] = value
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


@app.delete(
    "/articles/<article_id>",
    summary="Take an article down",
    responses=doc.answers(
        DeleteAccepted,
        doc.DELETE_EXAMPLE,
        status=202,
        errors=[400, 404, 409],
        description="The file left the inbox; its claims leave the index within seconds",
    ),
)
def delete_article(
    article_id: Annotated[
        str, Path(pattern=ID_PATTERN, max_length=64, openapi_examples={"id": {"value": doc.ARTICLE_ID}})
    ],
) -> Response[Any]:
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


# GET /claims/export, POST /exports, GET /exports/{id}: bulk export (api/export.py).
app.include_router(export_routes.router)


@app.get("/openapi.json", include_in_schema=False)
def openapi_document() -> Response[Any]:
    """The OpenAPI document generated from these routes."""
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=json.loads(openapi_json()),
    )


API_DESCRIPTION = """Attributed claims extracted from news articles: who claimed what, where in the text.

Every error, whatever its status, has one shape: `{"error": {"code", "message", "parameter"?}}`
(`ErrorResponse`), with a stable `code`. A method a path does not take answers 405
`method_not_allowed` with an `Allow` header listing the ones it does; a path that is no
route answers 404 `no_route`. Every JSON answer of a GET carries an `ETag`: sent back in
`If-None-Match`, it is answered 304 with no body while the answer is unchanged."""


def openapi_json() -> str:
    """The OpenAPI document: Powertools' generation, less the 422s no route answers, with the
    conditional GETs `resolve` answers."""
    generated = app.get_openapi_json_schema(title=API_TITLE, version=API_VERSION, description=API_DESCRIPTION)
    document = doc.with_conditional_gets(doc.without_default_validation_errors(json.loads(generated)))
    return json.dumps(document, ensure_ascii=False)


def _clusters(index: SearchIndex, claims: list[Claim]) -> dict[str, ClusterSummary]:
    """The clusters of `claims`, summed up now: one request, whatever the number of claims."""
    return index.cluster_summaries(c.cluster_id for c in claims if c.cluster_id)


def _claim_out(claim: Claim, clusters: dict[str, ClusterSummary]) -> ClaimOut:
    try:
        return claim_out(claim, clusters)
    except ValidationError as exc:  # a stored claim that no longer fits the contract
        logger.exception("claim does not fit the response schema", extra={"claim_id": claim.id})
        raise ClaimsearchError(f"claim {claim.id} cannot be served") from exc
