"""A search's filters as conditions on the claims table (`c`): all but its text."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from claimsearch.errors import InvalidQuery
from claimsearch.index.normalize import normalize_keyword
from claimsearch.index.port import MAX_CLAIMANT_MATCHES, SearchQuery
from claimsearch.index.sqlite.text import fts_string
from claimsearch.index.text_query import ClaimantTerms, match_claimant


def conditions(db: sqlite3.Connection, query: SearchQuery) -> tuple[list[str], list[Any]]:
    """Conditions on the claims (`c`) for every filter of `query` but its text, and their parameters."""
    where: list[str] = []
    params: list[Any] = []
    if (name := query.claimant) is not None:
        terms, ids = match_claimant(
            name, lambda terms: claimant_ids(db, terms, name), lambda ids: held(db, ids)
        )
        named = "c.claimant_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(ids))
        if terms.source_phrase:
            named += (
                " OR (c.rowid IN (SELECT rowid FROM claim_sources WHERE claim_sources MATCH ?)"
                " AND c.claimant_suffixed <= ?)"
            )
            params += [fts_string(terms.source_phrase), int(terms.suffixed)]
        where.append(f"({named})")
    if query.publisher is not None:
        where.append("c.publisher_norm = ?")
        params.append(normalize_keyword(query.publisher))
    for column, value in (
        ("claimant_id", query.claimant_id),
        ("cue_class", query.cue_class),
        ("quote_type", query.quote_type),
        ("article_id", query.article_id),
    ):
        if value is not None:
            where.append(f"c.{column} = ?")
            params.append(value)
    if query.attributed is not None:
        where.append("c.attributed = ?")
        params.append(int(query.attributed))
    for field, value in (("organization", query.organization), ("entity", query.entity)):
        if value is not None:
            where.append(
                "c.rowid IN (SELECT k.claim_rowid FROM claim_keywords k WHERE k.field = ? AND k.norm = ?)"
            )
            params += [field, normalize_keyword(value)]
    if query.published_from is not None:
        where.append("c.published_date >= ?")
        params.append(query.published_from)
    if query.published_to is not None:
        where.append("c.published_date <= ?")
        params.append(query.published_to)
    return where, params


def claimant_ids(db: sqlite3.Connection, terms: ClaimantTerms, name: str) -> list[tuple[str, bool]]:
    """Identities with an alias holding the words asked, in order, as whole words, each with
    whether its key ends in a generational suffix."""
    rows = db.execute(
        "SELECT DISTINCT k.identity, c.suffixed FROM claimant_keys k JOIN claimants c ON c.id = k.identity"
        " WHERE claimant_keys MATCH ? LIMIT ?",
        (fts_string(terms.phrase), MAX_CLAIMANT_MATCHES + 1),
    ).fetchall()
    if len(rows) > MAX_CLAIMANT_MATCHES:
        raise InvalidQuery("claimant", f"{name!r} matches too many claimants; give more of the name")
    return sorted((r[0], bool(r[1])) for r in rows)


def held(db: sqlite3.Connection, ids: list[str]) -> dict[str, tuple[str, str]]:
    """The type and key of each of these identities."""
    rows = db.execute(
        "SELECT id, json_extract(data, '$.type'), json_extract(data, '$.key') FROM claimants"
        " WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(ids),),
    ).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}
