"""Conditional GETs: every successful GET answer carries an `ETag`, and a client that sends
it back in `If-None-Match` gets 304 with no body while the answer has not changed.

A partner app polling a search for new claims, or a browser holding a claimant profile,
then downloads an answer only when the index has changed it. The tag is a digest of the
body, so any change to the answer (a claim added, a count moved) changes it, and equal
answers on two function instances share it. It is weak (`W/`): API Gateway may compress
the body, so the bytes on the wire are not always the ones tagged (RFC 9110, 8.8.1).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

ETAG = "ETag"
IF_NONE_MATCH = "If-None-Match"
# What a 304 keeps of the 200 it stands for (RFC 9110, 15.4.5): the validators and the
# caching and CORS headers, not the description of a body it does not carry.
_BODY_HEADERS = frozenset({"content-type", "content-length", "content-encoding"})


def body_bytes(answer: dict[str, Any]) -> bytes:
    """The body of a proxy integration answer, as the client receives it."""
    body = answer.get("body") or ""
    return base64.b64decode(body) if answer.get("isBase64Encoded") else body.encode("utf-8")


def entity_tag(body: bytes) -> str:
    """The answer's weak entity tag: a digest of its body."""
    return f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'


def request_header(event: dict[str, Any], name: str) -> str | None:
    """A request header's value, whatever case the client wrote its name in."""
    wanted = name.lower()
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == wanted:
            return str(value)
    return None


def _matches(tag: str, if_none_match: str) -> bool:
    """Whether `If-None-Match` names `tag`, compared weakly (RFC 9110, 13.1.2): "*", or any
    listed tag with or without its `W/`."""
    if if_none_match.strip() == "*":
        return True
    opaque = tag.removeprefix("W/")
    return any(item.strip().removeprefix("W/") == opaque for item in if_none_match.split(","))


def with_header(answer: dict[str, Any], name: str, value: str) -> dict[str, Any]:
    """`answer` with one header set, where the answer keeps its headers."""
    if "multiValueHeaders" in answer:
        return {**answer, "multiValueHeaders": {**answer["multiValueHeaders"], name: [value]}}
    return {**answer, "headers": {**(answer.get("headers") or {}), name: value}}


def _answer_header(answer: dict[str, Any], name: str) -> str:
    """An answer's header, whichever of its two maps holds it ("" where neither does)."""
    wanted = name.lower()
    found = [str(v) for k, v in (answer.get("headers") or {}).items() if k.lower() == wanted]
    for key, values in (answer.get("multiValueHeaders") or {}).items():
        if key.lower() == wanted:
            found += [str(v) for v in values]
    return ", ".join(found)


def conditional(answer: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    """A GET's answer tagged; 304 Not Modified, without a body, where the request's
    `If-None-Match` names the tag. Anything but a 200 is answered as it is, and so is an
    answer no one may store (`no-store`: an export's part, which the local server streams
    on with the parts after it, so a tag of the first would stand for the whole)."""
    if int(answer.get("statusCode", 0)) != 200 or "no-store" in _answer_header(answer, "Cache-Control"):
        return answer
    tag = entity_tag(body_bytes(answer))
    tagged = with_header(answer, ETAG, tag)
    if_none_match = request_header(event, IF_NONE_MATCH)
    if if_none_match is None or not _matches(tag, if_none_match):
        return tagged
    return {
        **tagged,
        "statusCode": 304,
        "headers": _without_body_headers(tagged.get("headers")),
        "multiValueHeaders": _without_body_headers(tagged.get("multiValueHeaders")),
        "body": "",
        "isBase64Encoded": False,
    }


def _without_body_headers(headers: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (headers or {}).items() if k.lower() not in _BODY_HEADERS}
