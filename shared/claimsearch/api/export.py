"""Bulk export routes: GET /claims/export (NDJSON) and POST /exports, GET /exports/{id}.

GET /claims/export answers every match of the GET /claims filters as NDJSON, one
`{"cursor", "claim"}` per line, in GET /claims' order; `cursor=` (any line's cursor)
resumes right after that line's claim, and `X-Total-Count` is the number of matches when
the export started. Lambda returns at most 6 MB, so a response stops when its next line
would pass CLAIMSEARCH_EXPORT_RESPONSE_BYTES (or the API Gateway deadline nears) and then
carries `X-Next-Cursor`, the cursor to resume from; without that header the export is
whole. The local server follows that header itself and streams the whole export as one
response (local/resumable.py).

Exports too large to page through go to the bucket: POST /exports queues one for the
export worker (functions/export), GET /exports/{id} reports its state and, once done, a
presigned URL of the gzipped NDJSON.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel, Field

from claimsearch import wiring
from claimsearch.api import openapi as doc
from claimsearch.api.cursor import CURSOR_PATTERN
from claimsearch.api.export_jobs import (
    EXPORT_ID_PATTERN,
    NDJSON,
    NEXT_CURSOR_HEADER,
    RELAXED_HEADER,
    TOTAL_HEADER,
    ExportFilters,
    ExportKeys,
    ExportState,
    ExportStateName,
    export_status,
    open_export,
    submit_export,
)
from claimsearch.api.schemas import BUILT_ON_FIRST_USE, ClaimOut, IsoDate
from claimsearch.api.urls import relative_url
from claimsearch.config import settings
from claimsearch.index.port import MAX_QUERY_CHARS, CollapseMode, SearchQuery, SortOrder
from claimsearch.index.text_query import MATCH_DESCRIPTION, MatchMode
from claimsearch.model import CueClass, QuoteType

router = Router()

# A response stops when less than this is left of the invocation: API Gateway gives up
# after 29 s whatever the size, and the response must still be returned.
DEADLINE_MARGIN_MS = 4_000


class ExportLineOut(BaseModel):
    """One line of GET /claims/export."""

    model_config = BUILT_ON_FIRST_USE

    cursor: str = Field(description="Pass as `cursor` to resume the export right after this claim")
    claim: ClaimOut


class ExportAccepted(BaseModel):
    model_config = BUILT_ON_FIRST_USE

    id: str
    state: ExportStateName
    total: int = Field(description="Matches when the export was asked for")
    status_url: str = Field(
        description="The export's path below the API's base URL (the stage's, on AWS): /exports/{id}"
    )
    relaxed: bool = Field(
        default=False,
        description="True when match=best found no claim holding enough of q's words and the export"
        " holds the claims with any of them (as GET /claims says relaxed)",
    )


class ExportStatusOut(ExportState):
    url: str | None = Field(default=None, description="When done: the gzipped NDJSON (presigned)")
    url_expires_in: int | None = Field(default=None, description="Seconds the url works from now")


EXPORT_ID = "3f2b9c1d7e6a4b5c8d9e0f1a2b3c4d5e"
CURSOR_EXAMPLE = "eyJzIjowLjAsImkiOiJjNDE1ZDk3ZGMxMjg5ZjJmN2JjNDVhY2UiLCJxIjoiOWMyMDNiODNkNDBmMjc3MSJ9"
LINE_EXAMPLE: dict[str, Any] = {"cursor": CURSOR_EXAMPLE, "claim": doc.CLAIM_EXAMPLE}
ACCEPTED_EXAMPLE: dict[str, Any] = {
    "id": EXPORT_ID,
    "state": "queued",
    "total": 11,
    "status_url": f"/exports/{EXPORT_ID}",
}
STATUS_EXAMPLE: dict[str, Any] = {
    "id": EXPORT_ID,
    "state": "done",
    "filters": {"publisher": "The Independent"},
    "claims": 11,
    "total": 11,
    "created_at": "2026-12-02T09:00:00Z",
    "started_at": "2026-12-02T09:00:01Z",
    "finished_at": "2026-12-02T09:00:02Z",
    "error": None,
    "url": f"https://claimsearch-dev-inbox-123456789012-eu-west-1.s3.eu-west-1.amazonaws.com/exports/{EXPORT_ID}"
    "/claims.ndjson.gz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600&X-Amz-Signature=...",
    "url_expires_in": 3600,
}


def _export_answers() -> dict[int, OpenAPIResponse]:
    """GET /claims/export: the shared error answers (api/openapi.py), and an NDJSON success."""
    declared = doc.answers(ExportLineOut, LINE_EXAMPLE, errors=[400])
    declared[200] = {
        "description": "One JSON object per line: the claim as GET /claims serves it, and its cursor",
        "headers": {
            TOTAL_HEADER: {"description": "Matches when the export started", "schema": {"type": "integer"}},
            NEXT_CURSOR_HEADER: {
                "description": "Present when this response stopped before the last match (Lambda's"
                " response size limit): pass it as `cursor` for the rest. Absent: the export is whole",
                "schema": {"type": "string"},
            },
            RELAXED_HEADER: {
                "description": "true when match=best found no claim holding enough of q's words and the"
                " lines are the claims holding any of them (as GET /claims says relaxed)",
                "schema": {"type": "string", "enum": ["true"]},
            },
        },
        "content": {NDJSON: {"model": ExportLineOut, "examples": {"line": {"value": LINE_EXAMPLE}}}},
    }
    return declared


# -- GET /claims/export --------------------------------------------------------------------


@router.get(
    "/claims/export",
    summary="Every claim a search matches, as NDJSON",
    responses=_export_answers(),
)
def export_claims(
    q: Annotated[
        str | None, Query(max_length=MAX_QUERY_CHARS, description="Full-text query, as in GET /claims")
    ] = None,
    match: Annotated[MatchMode, Query(description=MATCH_DESCRIPTION)] = "best",
    claimant: Annotated[str | None, Query(max_length=200, description="A claimant's name, any alias")] = None,
    claimant_id: Annotated[str | None, Query(max_length=64, description="A claimant identity's id")] = None,
    attributed: Annotated[bool | None, Query(description="false: only claims with no source")] = None,
    organization: Annotated[str | None, Query(max_length=200)] = None,
    entity: Annotated[str | None, Query(max_length=200, description="Canonical entity name")] = None,
    publisher: Annotated[str | None, Query(max_length=200)] = None,
    cue_class: Annotated[CueClass | None, Query()] = None,
    quote_type: Annotated[QuoteType | None, Query()] = None,
    published_from: Annotated[
        IsoDate | None, Query(description="Inclusive, YYYY-MM-DD; 400 when after published_to")
    ] = None,
    published_to: Annotated[IsoDate | None, Query(description="Inclusive, YYYY-MM-DD")] = None,
    article_id: Annotated[str | None, Query(max_length=64)] = None,
    collapse: Annotated[
        CollapseMode | None, Query(description="cluster: one claim per claim cluster, as in GET /claims")
    ] = None,
    sort: Annotated[
        SortOrder, Query(description="relevance, size or first_seen, as in GET /claims")
    ] = "relevance",
    cursor: Annotated[
        str | None,
        Query(
            max_length=512,
            pattern=CURSOR_PATTERN,
            description="The cursor of the last line received (or X-Next-Cursor): resume right after it",
        ),
    ] = None,
) -> Response[str]:
    """Every claim the filters match, in GET /claims' order, one NDJSON line each; resumable by cursor."""
    filters = ExportFilters(
        q=q,
        match=match,
        claimant=claimant,
        claimant_id=claimant_id,
        attributed=attributed,
        organization=organization,
        entity=entity,
        publisher=publisher,
        cue_class=cue_class,
        quote_type=quote_type,
        published_from=published_from,
        published_to=published_to,
        article_id=article_id,
        collapse=collapse,
        sort=sort,
    )
    return export_response(filters.to_query(), cursor)


def export_response(query: SearchQuery, cursor: str | None) -> Response[str]:
    """As many lines as one response may carry; X-Next-Cursor when the export goes on."""
    export = open_export(wiring.index(), query, cursor)
    budget = settings().export_response_bytes
    context = router.lambda_context
    lines: list[str] = []
    used = 0
    next_cursor: str | None = None
    last: str | None = None
    for line in export.lines:
        # What the line costs in Lambda's response: the body travels as a JSON string,
        # so quotes are escaped and non-ASCII characters written as \uXXXX.
        cost = len(json.dumps(line.text)) + 1
        out_of_time = context is not None and context.get_remaining_time_in_millis() < DEADLINE_MARGIN_MS
        if lines and (used + cost > budget or out_of_time):
            next_cursor = last
            break
        lines.append(line.text)
        used += cost
        last = line.cursor
    headers = {TOTAL_HEADER: str(export.total), "Cache-Control": "no-store"}
    if next_cursor is not None:
        headers[NEXT_CURSOR_HEADER] = next_cursor
    if export.relaxed:
        headers[RELAXED_HEADER] = "true"
    body = "".join(f"{text}\n" for text in lines)
    return Response(status_code=200, content_type=NDJSON, body=body, headers=headers)


# -- exports to the bucket -----------------------------------------------------------------


@router.post(
    "/exports",
    summary="Export every match to a gzipped NDJSON file in the bucket",
    status_code=202,
    responses=doc.answers(
        ExportAccepted,
        ACCEPTED_EXAMPLE,
        errors=[400, 415],
        status=202,
        description="Queued; GET status_url (also in Location) for its state. 503 `exports_unavailable`"
        " where the deployment has no bucket for exports (the local stack)",
        headers={
            "Location": {
                "description": "The export's status URL, relative to the request's (exports/{id})",
                "schema": {"type": "string"},
            }
        },
    ),
)
def start_export(
    filters: Annotated[ExportFilters, Body(description="The filters of GET /claims")],
) -> Response[Any]:
    """Queue an export of every claim the filters match; GET /exports/{id} follows it."""
    # Checked first, so a query the index refuses is a 400 here (where exports are off too,
    # as GET /claims/export answers it), not a 503 nor a failed export later.
    first = wiring.index().search(replace(filters.to_query(), limit=1))
    config = settings()
    store = wiring.export_store(config)
    send = wiring.export_queue(config)
    job = submit_export(store, send, config.export_prefix, filters)
    location = f"/exports/{job.id}"
    body = ExportAccepted(
        id=job.id, state="queued", total=first.total, status_url=location, relaxed=first.relaxed
    )
    return Response(
        status_code=202,
        content_type=content_types.APPLICATION_JSON,
        body=body.model_dump(),
        headers={"Location": relative_url(router.current_event.path, location)},
    )


@router.get(
    "/exports/<export_id>",
    summary="An export's state; when done, the download URL",
    responses=doc.answers(
        ExportStatusOut,
        STATUS_EXAMPLE,
        errors=[400, 404],
        description="queued, running (claims written so far), done (with the download URL) or failed"
        " (with the reason)",
    ),
)
def get_export(
    export_id: Annotated[str, Path(pattern=EXPORT_ID_PATTERN, description="The id POST /exports answered")],
) -> ExportStatusOut:
    """queued, running (claims written so far), done (with a presigned URL) or failed (with the reason)."""
    config = settings()
    store = wiring.export_store(config)
    state = export_status(store, config.export_prefix, export_id)
    status = ExportStatusOut(**state.model_dump())
    if state.state == "done":
        key = ExportKeys(config.export_prefix, export_id).data
        status.url = store.download_url(key, config.export_url_seconds, f"claims-{export_id}.ndjson.gz")
        status.url_expires_in = config.export_url_seconds
    return status
