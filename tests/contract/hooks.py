"""Schemathesis hooks for the contract run (tests/contract/test_schemathesis.py).

One hook, narrow on purpose: it lets through the positive_data_acceptance failures
(ST202, "schema-valid request rejected") whose answer is one of the API's documented
rejections of values a schema cannot describe. OpenAPI describes each value alone; these
rules are about what a value means or how it relates to another, so a schema-valid
request can break them, and 400/413/422 is the right answer:

- `cursor`: opaque, valid only as a next_cursor this API issued for the same query
  (the stateful phase follows real ones through the SearchResponse link);
- `published_from` after `published_to`: two dates, each valid alone;
- `claimant` holding no name ("the", "Mr.") or matching too many claimants;
- `q` holding no word to search for (stop words and one-letter words alone: "the", "U.S.");
- `published_at` that names no day (2016-02-30), for POST /articles;
- an article the parser refuses for its content (empty once cleaned, not prose, a
  token longer than any word, mostly invisible characters, too long, binary: NUL bytes
  in a text/plain body with no UTF-16 byte order mark): the same rules
  an upload to the bucket meets, which a JSON Schema can bound only by length.

Two more, each for one reason stated where it is decided (`filter_failure`):

- ensure_resource_availability (ST302) after POST /articles, and use_after_free (ST301)
  after DELETE /articles/{id}: both answer 202 Accepted (RFC 9110 15.3.3: accepted for
  processing, not completed). The ingest function applies them, seconds later: until
  it has, GET /articles/{id} answers 404 after the POST and 200 after the DELETE, as
  the document says. The checks take any successful POST for a creation and any
  successful DELETE for a removal. (Doing either at once would mean the search function
  writing to the index, which its role does not allow, by design.)
- not_a_server_error (ST101) on a 503 `exports_unavailable`: exports to a bucket need
  the AWS stack (an export worker and a bucket); the local stack answers every request
  for them with that documented 503, which is the truth about it, not a fault.

Every other failure, and every check other than these, stands; and each answer let
through here must still carry the error shape and a declared status
(status_code_conformance and response_schema_conformance run on the same response).
"""

from __future__ import annotations

import json
import os
from typing import Any

import schemathesis

SEMANTIC_PARAMETERS = {"cursor", "published_from", "claimant", "q"}
CONTENT_CODES = {
    "empty_document",
    "undecodable_document",
    "too_few_letters",
    "token_too_long",
    "invisible_characters",
    "text_too_long",
    "too_many_lines",
    "invalid_date",
}
# Operations that answer 202: accepted, applied by the ingest function seconds later.
CREATED_LATER = {"POST /articles"}
DELETED_LATER = {"DELETE /articles/{article_id}"}
# Where the test module collects what was dropped, one JSON line each, to report it.
DROPPED_LOG = "CLAIMSEARCH_CONTRACT_DROPPED"


def _error(response: Any) -> dict[str, Any]:
    try:
        body = json.loads(response.content)
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def documented_rejection(status: int, error: dict[str, Any]) -> str | None:
    """The rule a rejection of a schema-valid request stands on, or None if it is none of them."""
    code, parameter = error.get("code"), error.get("parameter")
    if status == 400 and code == "invalid_parameter" and parameter in SEMANTIC_PARAMETERS:
        return f"invalid_parameter:{parameter}"
    if status in (400, 413, 422) and code in CONTENT_CODES:
        return str(code)
    return None


def drop_reason(failure: Any, response: Any) -> str | None:
    """Why a failure is not the API's fault (the module docstring), or None to keep it."""
    code = getattr(failure, "code", None)
    if code == "ST202":
        rule = documented_rejection(response.status_code, _error(response))
        return f"ST202 {rule}" if rule else None
    if code == "ST302" and getattr(failure, "created_with", None) in CREATED_LATER:
        return "ST302 accepted, created later" if response.status_code == 404 else None
    if code == "ST301" and getattr(failure, "operation", None) in DELETED_LATER:
        return "ST301 accepted, deleted later"
    if code == "ST101" and response.status_code == 503:
        return "ST101 exports_unavailable" if _error(response).get("code") == "exports_unavailable" else None
    return None


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    """Keep every failure but the kinds the module docstring gives the reasons for."""
    reason = drop_reason(failure, response)
    if reason is None:
        return True
    log = os.environ.get(DROPPED_LOG)
    if log:
        with open(log, "a", encoding="utf-8") as out:
            out.write(json.dumps({"reason": reason, "operation": getattr(failure, "operation", None)}) + "\n")
    return False
