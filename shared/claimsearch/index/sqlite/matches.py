"""A search's match set: counted once, then paged (by score, or by a cluster value) and
faceted from the same set, within one read transaction."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from claimsearch.index.port import SearchQuery, SortKey
from claimsearch.index.sqlite.filters import conditions
from claimsearch.index.sqlite.text import score, text_condition
from claimsearch.index.text_query import TextQuery

MATCHES = "search_matches"  # the temporary table of a text search's scored matches
# What collapsing groups by: the claim's cluster (a claim not assigned one is its own).
CLUSTER = "coalesce(c.cluster_id, c.id)"
# The value each sort but relevance orders by (descending, then the id).
SORT_VALUES = {"size": "c.cluster_size", "first_seen": "c.cluster_first_key"}


def match_set(db: sqlite3.Connection, query: SearchQuery, plan: TextQuery | None) -> Matches | None:
    """The match set of `query`, counted; None when nothing can match."""
    if query.text is not None and query.text.strip() and plan is None:
        return None  # text with no word to look up ("*:*") matches nothing
    where, params = conditions(db, query)
    collapse = query.collapse is not None
    order = SORT_VALUES.get(query.sort)
    counted = f"count(DISTINCT {CLUSTER})" if collapse else "count(*)"
    if plan is None:
        # Every hit scores 0 and the order is the claim id: a count and a page each
        # read one filter index (or the id index), so the set is not copied anywhere.
        total = int(db.execute(f"SELECT {counted} {claims_where(where)}", params).fetchone()[0])
        return FilteredMatches(total, collapse, order, where, params)
    # Ranked text: scoring (BM25, the phrase bonus, the minimum of words) is the
    # costly part, so it runs once, into a table of (rowid, score) that the count,
    # the page and the facets read. The claims table joins in only to filter.
    scored, score_params = score(plan)
    text_where, text_params = text_condition(plan)
    # CROSS JOIN keeps the full-text match as the outer loop: driven from a
    # filter's index instead, SQLite would run the full-text query once per claim.
    joined = " CROSS JOIN claims c ON c.rowid = claims_fts.rowid" if where else ""
    db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {MATCHES} (rowid INTEGER PRIMARY KEY, score REAL)")
    db.execute(f"DELETE FROM temp.{MATCHES}")
    total = db.execute(
        f"INSERT INTO temp.{MATCHES} (rowid, score) SELECT claims_fts.rowid, {scored} FROM claims_fts"
        f"{joined} WHERE {' AND '.join([*text_where, *where])}",
        [*score_params, *text_params, *params],
    ).rowcount
    if collapse:
        total = int(
            db.execute(
                f"SELECT {counted} FROM temp.{MATCHES} m JOIN claims c ON c.rowid = m.rowid"
            ).fetchone()[0]
        )
    return RankedMatches(total, collapse, order)


@dataclass(frozen=True)
class Matches:
    """A query's match set, counted (clusters, when `collapse`)."""

    total: int
    collapse: bool
    order: str | None  # the sort value's column (`SORT_VALUES`); None: relevance

    def page(self, db: sqlite3.Connection, after: SortKey | None, limit: int) -> list[Row]:
        """(rowid, score, id, sort value) of the first `limit` hits after `after`.

        The order: the sort value descending (the score, for relevance), then the id.
        """
        raise NotImplementedError

    def rowids(self, db: sqlite3.Connection) -> list[int] | None:
        """The rowids of every match; None when every claim matches."""
        raise NotImplementedError


@dataclass(frozen=True)
class FilteredMatches(Matches):
    """No text: conditions on the claims table (`c`); every hit scores 0."""

    where: list[str]
    params: list[Any]

    def page(self, db: sqlite3.Connection, after: SortKey | None, limit: int) -> list[Row]:
        conditions: list[str] = []
        params = list(self.params)
        value = self.order or "0.0"
        if self.order is not None:
            if after is not None:
                conditions.append(f"({value} < ? OR ({value} = ? AND c.id > ?))")
                params += [after.score, after.score, after.id]
        elif after is not None:
            if after.score < 0:
                return []  # every hit scores 0, above the last one served
            if after.score == 0:
                conditions.append("c.id > ?")
                params.append(after.id)
        where = self.where
        if self.collapse:
            # A cluster's first claim in this order is its smallest id among the matches.
            where = [f"c.id IN (SELECT min(c.id) {claims_where(self.where)} GROUP BY {CLUSTER})"]
        rows = db.execute(
            f"SELECT c.rowid, 0.0, c.id, {value} {claims_where([*where, *conditions])}"
            f" ORDER BY {'' if self.order is None else f'{value} DESC, '}c.id LIMIT ?",
            [*params, limit],
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def rowids(self, db: sqlite3.Connection) -> list[int] | None:
        if not self.where:
            return None
        return rowid_list(db, f"SELECT group_concat(c.rowid) {claims_where(self.where)}", self.params)


@dataclass(frozen=True)
class RankedMatches(Matches):
    """Text: the scored matches, in the temporary table."""

    def page(self, db: sqlite3.Connection, after: SortKey | None, limit: int) -> list[Row]:
        if self.order is not None:
            return self._sorted_page(db, self.order, after, limit)

        # The order needs the claim id only where scores tie, so ids are looked up for
        # the hits scoring at least the page's lowest score, not for every match.
        def after_cursor(claim_id: str) -> str:
            return "1" if after is None else f"(m.score < ? OR (m.score = ? AND {claim_id} > ?))"

        cursor = [] if after is None else [after.score, after.score, after.id]
        if self.collapse:
            # Each cluster's first match in the order (score, then id), then the page of those.
            firsts = (
                f"SELECT m.rowid, m.score, c.id, row_number() OVER (PARTITION BY {CLUSTER}"
                " ORDER BY m.score DESC, c.id) AS n"
                f" FROM temp.{MATCHES} m JOIN claims c ON c.rowid = m.rowid"
            )
            condition = "1" if after is None else "(f.score < ? OR (f.score = ? AND f.id > ?))"
            rows = db.execute(
                f"SELECT f.rowid, f.score, f.id FROM ({firsts}) f WHERE f.n = 1 AND {condition}"
                " ORDER BY f.score DESC, f.id LIMIT ?",
                [*cursor, limit],
            )
            return [(r[0], r[1], r[2], r[1]) for r in rows]
        lowest = (
            f"SELECT m.score FROM temp.{MATCHES} m"
            f" WHERE {after_cursor('(SELECT id FROM claims WHERE rowid = m.rowid)')}"
            " ORDER BY m.score DESC LIMIT 1 OFFSET ?"
        )
        rows = db.execute(
            f"SELECT m.rowid, m.score, c.id FROM temp.{MATCHES} m JOIN claims c ON c.rowid = m.rowid"
            f" WHERE m.score >= coalesce(({lowest}), m.score) AND {after_cursor('c.id')}"
            " ORDER BY m.score DESC, c.id LIMIT ?",
            [*cursor, limit - 1, *cursor, limit],
        )
        return [(r[0], r[1], r[2], r[1]) for r in rows]

    def _sorted_page(
        self, db: sqlite3.Connection, value: str, after: SortKey | None, limit: int
    ) -> list[Row]:
        """A page in the order of a cluster value (the score kept for each hit)."""
        numbered = (
            f", row_number() OVER (PARTITION BY {CLUSTER} ORDER BY {value} DESC, c.id) AS n"
            if self.collapse
            else ", 1 AS n"
        )
        matches = (
            f"SELECT m.rowid, m.score, c.id, {value} AS k{numbered}"
            f" FROM temp.{MATCHES} m JOIN claims c ON c.rowid = m.rowid"
        )
        condition = "1" if after is None else "(f.k < ? OR (f.k = ? AND f.id > ?))"
        cursor = [] if after is None else [after.score, after.score, after.id]
        rows = db.execute(
            f"SELECT f.rowid, f.score, f.id, f.k FROM ({matches}) f WHERE f.n = 1 AND {condition}"
            " ORDER BY f.k DESC, f.id LIMIT ?",
            [*cursor, limit],
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def rowids(self, db: sqlite3.Connection) -> list[int] | None:
        return rowid_list(db, f"SELECT group_concat(rowid) FROM temp.{MATCHES}", [])


Row = tuple[int, float, str, float]  # rowid, score, claim id, sort value


def claims_where(where: list[str]) -> str:
    return "FROM claims c" + (" WHERE " + " AND ".join(where) if where else "")


def rowid_list(db: sqlite3.Connection, sql: str, params: list[Any]) -> list[int]:
    """Rowids from one `group_concat(rowid)`: one row to read, however many matches."""
    joined = db.execute(sql, params).fetchone()[0]
    return [int(r) for r in joined.split(",")] if joined else []
