"""Opaque paging cursors.

A cursor is the sort key of the last hit served plus a fingerprint of the query it
belongs to, base64url-encoded. Clients treat it as opaque; a cursor replayed with
different filters is rejected rather than silently paging a different result.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
from dataclasses import asdict, replace

from claimsearch.errors import InvalidQuery
from claimsearch.index.port import SearchQuery, SortKey

# The alphabet encode_cursor writes (base64url, unpadded): the one thing a client can know
# about a cursor without having been given it.
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"


def _fingerprint(query: SearchQuery) -> str:
    fields = asdict(replace(query, after=None, limit=0, facets=False))
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]


def encode_cursor(query: SearchQuery, key: SortKey) -> str:
    payload = json.dumps({"s": key.score, "i": key.id, "q": _fingerprint(query)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(query: SearchQuery, cursor: str) -> SortKey:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        score, claim_id, fingerprint = data["s"], data["i"], data["q"]
        # A cursor this API wrote holds a finite number and an id: NaN, null or a list there
        # is an edited cursor, which would page from nowhere and answer an empty page.
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
            raise ValueError("score")
        if not isinstance(claim_id, str):
            raise ValueError("id")
        key = SortKey(float(score), claim_id)
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise InvalidQuery("cursor", "not a cursor returned by this API") from exc
    if fingerprint != _fingerprint(query):
        raise InvalidQuery("cursor", "belongs to a different query; repeat the same q and filters")
    return key
