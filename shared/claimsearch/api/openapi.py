"""What each route answers, declared for the OpenAPI document: every status, its shape, examples.

Routes pass `answers(...)` as Powertools' `responses=`, so the document lists each status
a route can answer, the error ones with the single error shape (`ErrorResponse`). The
examples are checked against their models by tests/contract/test_openapi_document.py, so they
cannot drift from what the API serves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse, OpenAPIResponseHeader
from pydantic import BaseModel

from claimsearch.api.schemas import ErrorResponse

JSON = "application/json"

# Statuses and codes answered by the function, with an example body each.
ERRORS: dict[int, tuple[str, list[tuple[str, str, str | None]]]] = {
    301: (
        "What the id named is found under another id now; `Location` is its URL, relative to this"
        " one. A claimant: its claims are filed under another identity (`claimant_merged`: a surname"
        " alone that joined the person named in full), and `claimant_id=` with the old id finds the"
        " same claims. A claim: an edit or a re-extraction of its article changed its spans, so its"
        " id (`claim_replaced`); the claim at `Location` lists the old id in `replaces`",
        [
            (
                "claimant_merged",
                "claimant p2f4d1a0c3b5e6f708192 joined p99967eff333c4a7456e; its claims are filed there",
                None,
            ),
            (
                "claim_replaced",
                "claim c5e0d7a41f3b9c2e8d6a1b47 is c3e1a8f0b2d94c6e7a51f028 now: its article was edited"
                " or extracted again",
                None,
            ),
        ],
    ),
    400: (
        "A parameter or the body is malformed, or a parameter is given twice or is not one the"
        " operation takes (`invalid_parameter` names the parameter), or the"
        " article cannot be read (`empty_document`, `undecodable_document`, `invalid_document`,"
        " `invalid_date`)",
        [
            ("invalid_parameter", "limit: Input should be less than or equal to 100", "limit"),
            ("invalid_parameter", "cursor: not a cursor returned by this API", "cursor"),
        ],
    ),
    404: (
        "No such resource (`not_found`)",
        [("not_found", "no claim with id 'c0000000000000000000000'", None)],
    ),
    409: (
        "The article did not come through the inbox, so the API cannot take it down (`not_deletable`)",
        [
            (
                "not_deletable",
                "article a9345bbfa111badee18fc811 came from a local file:nk.txt, not the inbox; remove it"
                " there, or run `claimsearch delete` where the archive is",
                None,
            )
        ],
    ),
    413: (
        "The body or its text is over a limit (`document_too_large`, `text_too_long`, `too_many_lines`)",
        [("document_too_large", "request body: 6000000 bytes is over the limit of 5242880 bytes", None)],
    ),
    415: (
        "The body is neither text/plain nor application/json (`unsupported_format`)",
        [
            (
                "unsupported_format",
                "request body: application/xml is not read; send text/plain or application/json",
                None,
            )
        ],
    ),
    422: (
        "Well formed, but not an article the extractor can take (`too_few_letters`, `token_too_long`,"
        " `invisible_characters`, `nesting_too_deep`)",
        [
            (
                "too_few_letters",
                "api-9f86d081884c7d659a2f.txt: only 12% of the visible characters are letters (at least"
                " 50% needed): this is not prose",
                None,
            )
        ],
    ),
    500: (
        "A fault of the API itself (`internal_error`); the message carries the request id to report",
        [("internal_error", "internal error; request id 5f0c3c8e-2a4b-4c1e-9d6e-1b2f3a4b5c6d", None)],
    ),
    503: (
        "The index or the store did not answer (`index_unavailable`, `dependency_failed`); retry"
        " later. `exports_unavailable` (POST /exports, GET /exports/{id}): this deployment has no"
        " bucket for exports (the local stack); no retry mends it",
        [("index_unavailable", "the search index did not answer", None)],
    ),
}

ERROR_HEADERS: dict[int, dict[str, OpenAPIResponseHeader]] = {
    301: {
        "Location": {
            "description": "The new id: a URL relative to this one",
            "schema": {"type": "string"},
        }
    }
}

# Answered by API Gateway in front of the function in a deployment (template.yaml shapes
# their bodies as ErrorResponse too); the local stack has no API keys and no throttling.
GATEWAY_ERRORS: dict[int, tuple[str, list[tuple[str, str, str | None]]]] = {
    403: (
        "Deployed API only: the x-api-key header is missing or names no valid key (`invalid_api_key`,"
        " or `gateway_rejected`)",
        [("invalid_api_key", "Forbidden", None)],
    ),
    429: (
        "Deployed API only: the key's rate or daily quota is spent (`throttled`, `quota_exceeded`); retry"
        " later",
        [("throttled", "Too Many Requests", None)],
    ),
    504: (
        "Deployed API only: the function did not answer within API Gateway's 29 s (`gateway_error`)",
        [("gateway_error", "Endpoint request timed out", None)],
    ),
}


def error_body(code: str, message: str, parameter: str | None = None) -> dict[str, Any]:
    """The error shape every status but the successful ones carries."""
    detail: dict[str, Any] = {"code": code, "message": message}
    if parameter:
        detail["parameter"] = parameter
    return {"error": detail}


def _error_response(description: str, examples: list[tuple[str, str, str | None]]) -> OpenAPIResponse:
    return {
        "description": description,
        "content": {
            JSON: {
                "model": ErrorResponse,
                "examples": {
                    f"{code}{index or ''}": {"value": error_body(code, message, parameter)}
                    for index, (code, message, parameter) in enumerate(examples)
                },
            }
        },
    }


def answers(
    model: type[BaseModel],
    example: dict[str, Any],
    *,
    errors: Iterable[int],
    status: int = 200,
    description: str = "Success",
    headers: dict[str, OpenAPIResponseHeader] | None = None,
) -> dict[int, OpenAPIResponse]:
    """`responses=` for a route: its success, each of `errors`, and what API Gateway answers.

    400, 500 and 503 are added to every route: each refuses a parameter it does not take,
    and each reads the index or the store, a fault there reaching the client as one of
    them, in the error shape.
    """
    success: OpenAPIResponse = {
        "description": description,
        "content": {JSON: {"model": model, "examples": {"example": {"value": example}}}},
    }
    if headers:
        success["headers"] = headers
    declared: dict[int, OpenAPIResponse] = {status: success}
    for code in sorted({*errors, 400, 500, 503}):
        declared[code] = _error_response(*ERRORS[code])
        if code in ERROR_HEADERS:
            declared[code]["headers"] = ERROR_HEADERS[code]
    for code, (text, examples) in GATEWAY_ERRORS.items():
        declared[code] = _error_response(text, examples)
    return declared


def without_default_validation_errors(document: dict[str, Any]) -> dict[str, Any]:
    """Drop the 422 `HTTPValidationError` Powertools declares on every route.

    With validation on, Powertools documents a 422 in FastAPI's shape for each route; this
    API answers request validation errors with 400 in its own shape instead (the exception
    handler in app.py), so that 422 would be a status and a body no route ever answers.
    A route's own 422 (POST /articles: a document the parser rejects) is kept.
    """
    default = {"$ref": "#/components/schemas/HTTPValidationError"}
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            answer = responses.get("422", {})
            if answer.get("content", {}).get(JSON, {}).get("schema") == default:
                del responses["422"]
    schemas = document.get("components", {}).get("schemas", {})
    if "HTTPValidationError" not in _refs(document.get("paths", {})):
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
    return document


ETAG_HEADER: dict[str, Any] = {
    "description": "The answer's weak entity tag; send it back in `If-None-Match` to be answered 304"
    " while the answer is unchanged",
    "schema": {"type": "string"},
}
IF_NONE_MATCH_PARAMETER: dict[str, Any] = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The `ETag` of an answer held: 304 Not Modified, without a body, while it is still the"
    " answer (`*` or a list of tags; compared weakly)",
    "schema": {"type": "string"},
}


def with_conditional_gets(document: dict[str, Any]) -> dict[str, Any]:
    """Declare on every GET answering JSON what `api/conditional.py` does: an `ETag` on its 200,
    `If-None-Match`, and 304. (An export's NDJSON parts are `no-store`, and carry no tag.)"""
    for operations in document.get("paths", {}).values():
        operation = operations.get("get")
        success = (operation or {}).get("responses", {}).get("200")
        if operation is None or success is None or JSON not in success.get("content", {}):
            continue
        success.setdefault("headers", {})["ETag"] = ETAG_HEADER
        operation["responses"]["304"] = {
            "description": "Not Modified: `If-None-Match` names this answer's `ETag`; no body",
            "headers": {"ETag": ETAG_HEADER},
        }
        operation.setdefault("parameters", []).append(IF_NONE_MATCH_PARAMETER)
    return document


def _refs(value: Any) -> set[str]:
    if isinstance(value, dict):
        found = {value["$ref"].rsplit("/", 1)[-1]} if isinstance(value.get("$ref"), str) else set()
        for item in value.values():
            found |= _refs(item)
        return found
    if isinstance(value, list):
        return set().union(*(_refs(item) for item in value)) if value else set()
    return set()


# -- examples (from the example article, events/north-korea-forced-labour.txt) -------------

ARTICLE_ID = "a9345bbfa111badee18fc811"
CLAIM_ID = "c415d97dc1289f2f7bc45ace"
CLAIMANT_ID = "p99967eff333c4a7456e"
CLUSTER_ID = "k76890622c168b9c3fc60538"

CLAIM_EXAMPLE: dict[str, Any] = {
    "id": CLAIM_ID,
    "article_id": ARTICLE_ID,
    "content": {
        "text": "the money is being used to buy luxury goods for Jong-un’s followers and to finance the"
        " recent building boom in Pyongyang",
        "spans": [[809, 929]],
        "quote_type": "indirect",
        "introducer": None,
    },
    "cue": {"text": "believes", "span": [800, 808], "lemma": "believe", "class": "believe"},
    "claimant": {
        "id": CLAIMANT_ID,
        "mention": "Ahn Myeong-chul, the head of NK Watch, a Seoul-based rights group",
        "span": [734, 799],
        "name": "Ahn Myeong-chul",
        "name_span": [734, 749],
        "type": "person",
        "role": "head",
        "organization": "NK Watch",
    },
    "medium": None,
    "sentence": "Ahn Myeong-chul, the head of NK Watch, a Seoul-based rights group believes the money is"
    " being used to buy luxury goods for Jong-un’s followers and to finance the recent building boom"
    " in Pyongyang.",
    "sentence_span": [734, 930],
    "entities": [
        {"text": "NK Watch", "span": [763, 771], "canonical": "NK Watch", "type": "organisation"},
        {"text": "Jong-un", "span": [857, 864], "canonical": "Kim Jong-un", "type": "person"},
    ],
    "quantities": [],
    "dates": [],
    "publisher": "The Independent",
    "published_at": None,
    "extractor_version": "learned-4+repair-29+claims-47",
    "cluster": {"id": CLUSTER_ID, "size": 1, "first_seen": None, "first_article_id": ARTICLE_ID},
    "replaces": [],
}

SEARCH_EXAMPLE: dict[str, Any] = {
    "hits": [
        {
            "claim": CLAIM_EXAMPLE,
            "score": 3.2248,
            "highlights": {
                "content": [
                    "the <mark>money</mark> is being used to buy luxury goods for Jong-un’s followers and"
                    " to finance the recent building boom in Pyongyang"
                ]
            },
        }
    ],
    "total": 1,
    "facets": {
        "claimant": [{"value": "Ahn Myeong-chul", "count": 1, "id": CLAIMANT_ID}],
        "organization": [{"value": "NK Watch", "count": 1, "id": None}],
        "entity": [{"value": "Kim Jong-un", "count": 1, "id": None}],
        "publisher": [{"value": "The Independent", "count": 1, "id": None}],
    },
    "next_cursor": None,
}

CLAIMANT_SUMMARY_EXAMPLE: dict[str, Any] = {
    "id": CLAIMANT_ID,
    "name": "Ahn Myeong-chul",
    "type": "person",
    "aliases": ["Ahn Myeong-chul"],
    "claims": 2,
}

SUGGESTIONS_EXAMPLE: dict[str, Any] = {"claimants": [CLAIMANT_SUMMARY_EXAMPLE]}

CLAIMANT_PROFILE_EXAMPLE: dict[str, Any] = {
    **CLAIMANT_SUMMARY_EXAMPLE,
    "roles": ["head"],
    "organizations": ["NK Watch"],
    "months": [{"value": "2016-09", "count": 2}],
    "entities": [{"value": "Kim Jong-un", "count": 2}, {"value": "NK Watch", "count": 1}],
}

CLUSTER_EXAMPLE: dict[str, Any] = {
    "id": CLUSTER_ID,
    "claimant": CLAIMANT_SUMMARY_EXAMPLE,
    "representative": CLAIM_EXAMPLE["content"]["text"],
    "size": 1,
    "first_seen": None,
    "first_article_id": ARTICLE_ID,
    "first_claim_id": CLAIM_ID,
    "members": [CLAIM_EXAMPLE],
    "timeline": [],
}

ARTICLE_EXAMPLE: dict[str, Any] = {
    "article": {
        "id": ARTICLE_ID,
        "title": "Kim Jong-un sends North Korean slaves abroad to fund his lavish lifestyle",
        "text": "Kim Jong-un sends North Korean slaves abroad to fund his lavish lifestyle\n\n…",
        "url": None,
        "publisher": "The Independent",
        "published_at": None,
        "byline": None,
        "source_key": "nk.txt",
        "furniture": [],
    },
    "claims": [CLAIM_EXAMPLE],
}

INGEST_EXAMPLE: dict[str, Any] = {
    "article_id": "a1f3a79b43ab4c9d930bdc84",
    "status": "queued",
    "source_key": "api-148caae5ff05d0f0e999.json",
    "article_url": "/articles/a1f3a79b43ab4c9d930bdc84",
}

DELETE_EXAMPLE: dict[str, Any] = {
    "article_id": "a1f3a79b43ab4c9d930bdc84",
    "status": "deleting",
    "source_key": "api-148caae5ff05d0f0e999.json",
}

HEALTH_EXAMPLE: dict[str, Any] = {"status": "ok", "index": "sqlite", "claims": 11}

ARTICLE_JSON_EXAMPLE: dict[str, Any] = {
    "title": "Tax plan",
    "text": "Tax plan\n\nThe minister said taxes would not rise next year.",
    "publisher": "Example Times",
    "published_at": "2026-11-20",
}
ARTICLE_TEXT_EXAMPLE = (
    "Tax plan\n\nThe minister said taxes would not rise next year, and the opposition claimed the"
    " figures did not add up."
)
