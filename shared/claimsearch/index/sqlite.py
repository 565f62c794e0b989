"""The embedded SearchIndex: SQLite with FTS5, the zero-setup default.

One database file under the data directory. Claims live in a plain table (filters,
facets, the stored claim JSON) mirrored by an FTS5 table (ranked full text with
Porter stemming and diacritics removed, close to OpenSearch's english analyzer).
User text never reaches FTS5 as syntax: it is split into words, and each word is
passed as a quoted FTS5 string.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from claimsearch.errors import IndexUnavailable
from claimsearch.index.fields import claim_fields
from claimsearch.index.normalize import normalize_keyword
from claimsearch.index.port import (
    FACET_SIZE,
    HIGHLIGHT_POST,
    HIGHLIGHT_PRE,
    FacetValue,
    Hit,
    IndexReport,
    SearchQuery,
    SearchResult,
    SortKey,
)
from claimsearch.model import Article, Claim

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    publisher TEXT,
    published_at TEXT,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS claims (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    article_id TEXT NOT NULL,
    claimant TEXT NOT NULL,
    claimant_norm TEXT NOT NULL,
    cue_class TEXT NOT NULL,
    quote_type TEXT NOT NULL,
    publisher TEXT,
    publisher_norm TEXT,
    published_date TEXT,
    text_start INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS claims_article ON claims(article_id, text_start);
CREATE INDEX IF NOT EXISTS claims_claimant ON claims(claimant_norm);
CREATE INDEX IF NOT EXISTS claims_publisher ON claims(publisher_norm);
CREATE TABLE IF NOT EXISTS claim_keywords (
    claim_rowid INTEGER NOT NULL REFERENCES claims(rowid) ON DELETE CASCADE,
    field TEXT NOT NULL,           -- 'organization' | 'entity'
    value TEXT NOT NULL,
    norm TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS claim_keywords_lookup ON claim_keywords(field, norm, claim_rowid);
CREATE INDEX IF NOT EXISTS claim_keywords_claim ON claim_keywords(claim_rowid);
CREATE VIRTUAL TABLE IF NOT EXISTS claims_fts USING fts5(
    content, sentence, claimant, claimant_mention,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
"""

# Column weights for bm25(): content matters most, then who claimed it.
_BM25 = "bm25(claims_fts, 3.0, 1.0, 2.0, 1.0)"
_WORD = re.compile(r"\w+", re.UNICODE)
# Lucene's English stop words, which OpenSearch's english analyzer drops: dropping
# them here too keeps "the forced labour" meaning the same in both engines.
ENGLISH_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "if",
        "in",
        "into",
        "is",
        "it",
        "no",
        "not",
        "of",
        "on",
        "or",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "will",
        "with",
    ]
)
_KEYWORD_FIELDS = {"organization": "organizations", "entity": "entities"}


def _date(value: str | None) -> str | None:
    return value[:10] if value else None


class SqliteIndex:
    """SearchIndex over one SQLite file. Safe to share between threads."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._ready = False

    # -- connection ----------------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            connection = sqlite3.connect(self.path, timeout=30)
        except sqlite3.Error as exc:
            raise IndexUnavailable(f"cannot open SQLite index {self.path}: {exc}") from exc
        try:
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA foreign_keys = ON")
            with connection:
                yield connection
        finally:
            connection.close()

    def ensure_ready(self) -> None:
        if self._ready:
            return
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.execute("PRAGMA journal_mode = WAL")  # readers never block the writer
                db.executescript(_SCHEMA)
            self._ready = True

    def ping(self) -> bool:
        try:
            self.ensure_ready()
            with self._connect() as db:
                db.execute("SELECT 1").fetchone()
            return True
        except (sqlite3.Error, IndexUnavailable):
            return False

    # -- writes --------------------------------------------------------------------------

    def index_article(self, article: Article, claims: list[Claim]) -> IndexReport:
        self.ensure_ready()
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO articles (id, publisher, published_at, data) VALUES (?,?,?,?)",
                (
                    article.id,
                    article.publisher,
                    article.published_at,
                    json.dumps(article.to_dict()),
                ),
            )
            self._delete_claims(db, article.id)
            for claim in claims:
                self._insert_claim(db, claim)
        return IndexReport(article.id, indexed=len(claims))

    def _insert_claim(self, db: sqlite3.Connection, claim: Claim) -> None:
        fields = claim_fields(claim)
        cursor = db.execute(
            "INSERT INTO claims (id, article_id, claimant, claimant_norm, cue_class, quote_type,"
            " publisher, publisher_norm, published_date, text_start, data)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                claim.id,
                claim.article_id,
                fields["claimant"],
                normalize_keyword(fields["claimant"]),
                fields["cue_class"],
                fields["quote_type"],
                fields["publisher"],
                normalize_keyword(fields["publisher"] or ""),
                _date(fields["published_at"]),
                fields["text_start"],
                json.dumps(claim.to_dict()),
            ),
        )
        rowid = cursor.lastrowid
        db.execute(
            "INSERT INTO claims_fts (rowid, content, sentence, claimant, claimant_mention)"
            " VALUES (?,?,?,?,?)",
            (
                rowid,
                fields["content"],
                fields["sentence"],
                fields["claimant"],
                fields["claimant_mention"],
            ),
        )
        for field, key in _KEYWORD_FIELDS.items():
            db.executemany(
                "INSERT INTO claim_keywords (claim_rowid, field, value, norm) VALUES (?,?,?,?)",
                [(rowid, field, v, normalize_keyword(v)) for v in fields[key]],
            )

    def _delete_claims(self, db: sqlite3.Connection, article_id: str) -> int:
        rows = [r[0] for r in db.execute("SELECT rowid FROM claims WHERE article_id = ?", (article_id,))]
        db.executemany("DELETE FROM claims_fts WHERE rowid = ?", [(r,) for r in rows])
        db.executemany("DELETE FROM claim_keywords WHERE claim_rowid = ?", [(r,) for r in rows])
        db.execute("DELETE FROM claims WHERE article_id = ?", (article_id,))
        return len(rows)

    def rebuild(self, pairs: Iterable[tuple[Article, list[Claim]]]) -> str:
        """Build a fresh database beside this one, then swap it in with one rename.

        Readers open a connection per call, so they see either the old file or the
        new one, never a half-built index; a failure leaves the old file serving.
        """
        fresh = SqliteIndex(self.path.with_name(self.path.name + ".rebuild"))
        fresh.path.unlink(missing_ok=True)
        try:
            fresh.ensure_ready()
            for article, claims in pairs:
                fresh.index_article(article, claims)
            with self._lock:
                for suffix in ("-wal", "-shm"):
                    Path(str(self.path) + suffix).unlink(missing_ok=True)
                os.replace(fresh.path, self.path)
        finally:
            fresh.path.unlink(missing_ok=True)
        self._ready = False
        return str(self.path)

    def delete_article(self, article_id: str) -> int:
        self.ensure_ready()
        with self._lock, self._connect() as db:
            removed = self._delete_claims(db, article_id)
            db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        return removed

    # -- reads ---------------------------------------------------------------------------

    def get_article(self, article_id: str) -> Article | None:
        self.ensure_ready()
        with self._connect() as db:
            row = db.execute("SELECT data FROM articles WHERE id = ?", (article_id,)).fetchone()
        return Article.from_dict(json.loads(row["data"])) if row else None

    def get_claim(self, claim_id: str) -> Claim | None:
        self.ensure_ready()
        with self._connect() as db:
            row = db.execute("SELECT data FROM claims WHERE id = ?", (claim_id,)).fetchone()
        return Claim.from_dict(json.loads(row["data"])) if row else None

    def claims_for_article(self, article_id: str) -> list[Claim]:
        self.ensure_ready()
        with self._connect() as db:
            rows = db.execute(
                "SELECT data FROM claims WHERE article_id = ? ORDER BY text_start, id",
                (article_id,),
            ).fetchall()
        return [Claim.from_dict(json.loads(r["data"])) for r in rows]

    def count_claims(self) -> int:
        self.ensure_ready()
        with self._connect() as db:
            return int(db.execute("SELECT count(*) FROM claims").fetchone()[0])

    def search(self, query: SearchQuery) -> SearchResult:
        self.ensure_ready()
        matches_sql, params = self._compile(query)
        if matches_sql is None:
            return SearchResult(hits=[], total=0, facets=_empty_facets(query), next_after=None)
        with self._connect() as db:
            total = int(db.execute(f"SELECT count(*) FROM ({matches_sql})", params).fetchone()[0])
            page_sql = (
                f"SELECT m.rowid, m.score, c.id, c.data FROM ({matches_sql}) m"
                " JOIN claims c ON c.rowid = m.rowid"
            )
            page_params = list(params)
            if query.after is not None:
                page_sql += " WHERE (m.score < ?) OR (m.score = ? AND c.id > ?)"
                page_params += [query.after.score, query.after.score, query.after.id]
            page_sql += " ORDER BY m.score DESC, c.id ASC LIMIT ?"
            page_params.append(query.limit + 1)
            rows = db.execute(page_sql, page_params).fetchall()
            more = len(rows) > query.limit
            rows = rows[: query.limit]
            highlights = self._highlights(db, query, [r["rowid"] for r in rows])
            facets = self._facets(db, matches_sql, params) if query.facets else {}
        hits = [
            Hit(
                claim=Claim.from_dict(json.loads(r["data"])),
                score=float(r["score"]),
                highlights=highlights.get(r["rowid"], {}),
            )
            for r in rows
        ]
        next_after = SortKey(hits[-1].score, hits[-1].claim.id) if more and hits else None
        return SearchResult(hits=hits, total=total, facets=facets, next_after=next_after)

    # -- query compilation ------------------------------------------------------------------

    def _compile(self, query: SearchQuery) -> tuple[str | None, list[Any]]:
        """SQL selecting (rowid, score) of every matching claim; None when nothing can match."""
        where: list[str] = []
        params: list[Any] = []
        if query.text is not None and query.text.strip():
            match = fts_match_expression(query.text)
            if match is None:
                return None, []
            select = (
                f"SELECT c.rowid AS rowid, -{_BM25} AS score"
                " FROM claims_fts JOIN claims c ON c.rowid = claims_fts.rowid"
            )
            where.append("claims_fts MATCH ?")
            params.append(match)
        else:
            select = "SELECT c.rowid AS rowid, 0.0 AS score FROM claims c"
        for column, value in (
            ("claimant_norm", query.claimant),
            ("publisher_norm", query.publisher),
        ):
            if value is not None:
                where.append(f"c.{column} = ?")
                params.append(normalize_keyword(value))
        for column, value in (
            ("cue_class", query.cue_class),
            ("quote_type", query.quote_type),
            ("article_id", query.article_id),
        ):
            if value is not None:
                where.append(f"c.{column} = ?")
                params.append(value)
        for field, value in (("organization", query.organization), ("entity", query.entity)):
            if value is not None:
                where.append(
                    "EXISTS (SELECT 1 FROM claim_keywords k WHERE k.claim_rowid = c.rowid"
                    " AND k.field = ? AND k.norm = ?)"
                )
                params += [field, normalize_keyword(value)]
        if query.published_from is not None:
            where.append("c.published_date >= ?")
            params.append(query.published_from)
        if query.published_to is not None:
            where.append("c.published_date <= ?")
            params.append(query.published_to)
        sql = select + (" WHERE " + " AND ".join(where) if where else "")
        return sql, params

    def _highlights(
        self, db: sqlite3.Connection, query: SearchQuery, rowids: list[int]
    ) -> dict[int, dict[str, list[str]]]:
        if not rowids or not query.text:
            return {}
        match = fts_match_expression(query.text)
        if match is None:
            return {}
        marks = ", ".join(
            f"highlight(claims_fts, {i}, '{HIGHLIGHT_PRE}', '{HIGHLIGHT_POST}')" for i in range(2)
        )
        placeholders = ",".join("?" * len(rowids))
        rows = db.execute(
            f"SELECT rowid, {marks} FROM claims_fts WHERE claims_fts MATCH ? AND rowid IN ({placeholders})",
            [match, *rowids],
        ).fetchall()
        out: dict[int, dict[str, list[str]]] = {}
        for row in rows:
            fields = {name: row[i + 1] for i, name in enumerate(("content", "sentence"))}
            out[row[0]] = {k: [v] for k, v in fields.items() if v and HIGHLIGHT_PRE in v}
        return out

    def _facets(
        self, db: sqlite3.Connection, matches_sql: str, params: list[Any]
    ) -> dict[str, list[FacetValue]]:
        facets: dict[str, list[FacetValue]] = {}
        for name, column in (("claimant", "claimant"), ("publisher", "publisher")):
            rows = db.execute(
                f"SELECT c.{column} AS value, count(*) AS n FROM ({matches_sql}) m"
                f" JOIN claims c ON c.rowid = m.rowid WHERE c.{column} IS NOT NULL AND c.{column} != ''"
                " GROUP BY value ORDER BY n DESC, value ASC LIMIT ?",
                [*params, FACET_SIZE],
            ).fetchall()
            facets[name] = [FacetValue(r["value"], int(r["n"])) for r in rows]
        for name in _KEYWORD_FIELDS:
            rows = db.execute(
                f"SELECT k.value AS value, count(DISTINCT k.claim_rowid) AS n FROM ({matches_sql}) m"
                " JOIN claim_keywords k ON k.claim_rowid = m.rowid WHERE k.field = ?"
                " GROUP BY value ORDER BY n DESC, value ASC LIMIT ?",
                [*params, name, FACET_SIZE],
            ).fetchall()
            facets[name] = [FacetValue(r["value"], int(r["n"])) for r in rows]
        return facets


def _empty_facets(query: SearchQuery) -> dict[str, list[FacetValue]]:
    if not query.facets:
        return {}
    return {name: [] for name in ("claimant", "organization", "entity", "publisher")}


def fts_match_expression(text: str) -> str | None:
    """User text as an FTS5 query: every word must match; no operator survives.

    Each word is emitted as a double-quoted FTS5 string, so AND/OR/NOT/NEAR, column
    filters, `*` and parentheses in user input are plain text. None when the text
    holds no word at all (e.g. `*:*`), which matches nothing.
    """
    words = [w for w in _WORD.findall(text) if w.lower() not in ENGLISH_STOP_WORDS]
    if not words:
        return None
    return " AND ".join('"' + word.replace('"', '""') + '"' for word in words)
