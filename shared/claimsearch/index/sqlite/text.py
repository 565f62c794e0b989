"""Full-text search in FTS5: how a query's words are scored and matched, and highlighted.

User text never reaches FTS5 as syntax: it is split into words (`text_query.plan_text`),
and each word is passed as a quoted FTS5 string.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from claimsearch.index.port import HIGHLIGHT_POST, HIGHLIGHT_PRE
from claimsearch.index.sqlite.fts_text import highlighted
from claimsearch.index.text_query import TextQuery

# Column weights for bm25(): a claim's content matters most, then its sentence, then
# who claimed it (as OpenSearch's field boosts in `index/opensearch/queries.py`).
BM25 = "bm25(claims_fts, 3.0, 1.5, 1.0, 1.0)"
# Claims whose content or sentence holds every word within a few positions rank higher.
PHRASE_BONUS = 2.0
PHRASE_SLOP = 8


def fts_string(text: str) -> str:
    """`text` as one FTS5 string: a word, or a phrase of words; never an operator."""
    return '"' + text.replace('"', '""') + '"'


def score(plan: TextQuery) -> tuple[str, list[Any]]:
    """A full-text match's score: BM25 over the fields, plus a bonus where the words stand together."""
    expression = f"-{BM25}"
    params: list[Any] = []
    if len(plan.terms) > 1:
        near = (
            "{content sentence} : NEAR(" + " ".join(fts_string(t) for t in plan.terms) + f", {PHRASE_SLOP})"
        )
        expression += (
            " + (CASE WHEN claims_fts.rowid IN (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?)"
            f" THEN {PHRASE_BONUS} ELSE 0.0 END)"
        )
        params.append(near)
    return expression, params


def text_condition(plan: TextQuery) -> tuple[list[str], list[Any]]:
    """Conditions on `claims_fts`: the words, and how many of them a claim must hold."""
    operator = " AND " if plan.minimum == len(plan.terms) else " OR "
    where = ["claims_fts MATCH ?"]
    params: list[Any] = [operator.join(fts_string(t) for t in plan.terms)]
    if 1 < plan.minimum < len(plan.terms):
        # FTS5 has no minimum-should-match: count the terms each candidate holds,
        # one term's matches at a time (each IN list is built once per query).
        held = " + ".join(
            "(claims_fts.rowid IN (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?))"
            for _ in plan.terms
        )
        where.append(f"({held}) >= ?")
        params += [fts_string(t) for t in plan.terms] + [plan.minimum]
    return where, params


def highlights(
    db: sqlite3.Connection, plan: TextQuery | None, originals: dict[int, tuple[str, str]]
) -> dict[int, dict[str, list[str]]]:
    """The content and sentence of each claim (rowid -> its content and sentence as written)
    with the query's words marked, for the fields that hold one. FTS5 marks its copy, whose
    stop words are blanked (`fts_text`); the marks go on the text as written."""
    rowids = list(originals)
    if not rowids or plan is None:
        return {}
    match = " OR ".join(fts_string(t) for t in plan.terms)
    marks = ", ".join(f"highlight(claims_fts, {i}, '{HIGHLIGHT_PRE}', '{HIGHLIGHT_POST}')" for i in range(2))
    placeholders = ",".join("?" * len(rowids))
    rows = db.execute(
        f"SELECT rowid, {marks} FROM claims_fts WHERE claims_fts MATCH ? AND rowid IN ({placeholders})",
        [match, *rowids],
    ).fetchall()
    out: dict[int, dict[str, list[str]]] = {}
    for row in rows:
        written = originals[row[0]]
        fields = {
            name: highlighted(row[i + 1], written[i], HIGHLIGHT_PRE, HIGHLIGHT_POST) if row[i + 1] else ""
            for i, name in enumerate(("content", "sentence"))
        }
        out[row[0]] = {k: [v] for k, v in fields.items() if v and HIGHLIGHT_PRE in v}
    return out
