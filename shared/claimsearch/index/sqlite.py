"""The embedded SearchIndex: SQLite with FTS5, the zero-setup default.

One database file under the data directory. Claims live in a plain table (filters,
facets, the stored claim JSON) mirrored by an FTS5 table (ranked full text with
Porter stemming and diacritics removed, close to OpenSearch's english analyzer).
The claimant registry is a table of identities, with an FTS5 table of their alias
keys (one row per key, so a name matches word for word within one way of writing
it). User text never reaches FTS5 as syntax: it is split into words, and each word is
passed as a quoted FTS5 string.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from claimsearch.claimants.names import has_generational_suffix
from claimsearch.errors import IndexUnavailable, InvalidQuery
from claimsearch.index.fields import claim_fields
from claimsearch.index.normalize import normalize_keyword
from claimsearch.index.port import (
    FACET_FIELDS,
    FACET_SIZE,
    HIGHLIGHT_POST,
    HIGHLIGHT_PRE,
    MAX_CLAIMANT_MATCHES,
    MAX_SUGGESTIONS,
    ClaimantActivity,
    FacetValue,
    Hit,
    IndexReport,
    SearchQuery,
    SearchResult,
    SortKey,
)
from claimsearch.index.text_query import (
    ClaimantTerms,
    TextQuery,
    claimant_terms,
    plan_text,
    suggestion_terms,
)
from claimsearch.model import Article, Claim, ClaimantIdentity

# Bumped when the tables change: an index built by an older version is rebuilt from
# the archive (`claimsearch reindex`) rather than migrated, since the archive is the
# source of truth and the index only a view of it.
SCHEMA_VERSION = 2

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
    claimant_id TEXT,
    claimant_suffixed INTEGER NOT NULL,
    attributed INTEGER NOT NULL,
    cue_class TEXT NOT NULL,
    quote_type TEXT NOT NULL,
    publisher TEXT,
    publisher_norm TEXT,
    published_date TEXT,
    text_start INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS claims_article ON claims(article_id, text_start);
CREATE INDEX IF NOT EXISTS claims_claimant ON claims(claimant_id);
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
-- The words of each claim's source mention (rowid = the claim's), matched as a phrase.
CREATE VIRTUAL TABLE IF NOT EXISTS claim_sources USING fts5(
    words,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS claimants (
    id TEXT PRIMARY KEY,
    surname TEXT,
    suffixed INTEGER NOT NULL,     -- the key ends in "jr", "sr", "ii", ...
    name TEXT NOT NULL,
    claims INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL             -- the identity's JSON; its claim count is the column
);
CREATE INDEX IF NOT EXISTS claimants_surname ON claimants(surname);
CREATE INDEX IF NOT EXISTS claimants_by_claims ON claimants(claims DESC, name, id);
CREATE VIRTUAL TABLE IF NOT EXISTS claimant_keys USING fts5(
    key, identity UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);
"""

# Column weights for bm25(): a claim's content matters most, then its sentence, then
# who claimed it (as OpenSearch's field boosts in `index/opensearch/queries.py`).
_BM25 = "bm25(claims_fts, 3.0, 1.5, 1.0, 1.0)"
# Claims whose content or sentence holds every word within a few positions rank higher.
PHRASE_BONUS = 2.0
PHRASE_SLOP = 8
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
                version = int(db.execute("PRAGMA user_version").fetchone()[0])
                tables = db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'claims'").fetchone()[0]
                if tables and version < SCHEMA_VERSION:
                    raise IndexUnavailable(
                        f"the SQLite index {self.path} was built by an older claimsearch;"
                        " rebuild it from the archive with `claimsearch reindex`"
                    )
                db.execute("PRAGMA journal_mode = WAL")  # readers never block the writer
                db.executescript(_SCHEMA)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
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

    def index_article(
        self, article: Article, claims: list[Claim], claimants: Iterable[ClaimantIdentity] = ()
    ) -> IndexReport:
        self.ensure_ready()
        with self._lock, self._connect() as db:
            touched = self._claimant_ids_of_article(db, article.id)
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
            for identity in claimants:
                self._put_claimant(db, identity)
            touched |= {c.claimant.id for c in claims if c.claimant.id}
            self._count_claims_of(db, touched)
        return IndexReport(article.id, indexed=len(claims))

    def _claimant_ids_of_article(self, db: sqlite3.Connection, article_id: str) -> set[str]:
        rows = db.execute(
            "SELECT DISTINCT claimant_id FROM claims WHERE article_id = ? AND claimant_id IS NOT NULL",
            (article_id,),
        )
        return {r[0] for r in rows}

    def _put_claimant(self, db: sqlite3.Connection, identity: ClaimantIdentity) -> None:
        data = identity.to_dict()
        del data["claims"]  # the column holds the count; it changes without the rest
        db.execute(
            "INSERT INTO claimants (id, surname, suffixed, name, data) VALUES (?,?,?,?,?)"
            " ON CONFLICT(id) DO UPDATE SET surname = excluded.surname, suffixed = excluded.suffixed,"
            " name = excluded.name, data = excluded.data",
            (
                identity.id,
                identity.surname,
                int(has_generational_suffix(identity.key.split())),
                identity.name,
                json.dumps(data, ensure_ascii=False),
            ),
        )
        db.execute("DELETE FROM claimant_keys WHERE identity = ?", (identity.id,))
        db.executemany(
            "INSERT INTO claimant_keys (key, identity) VALUES (?,?)",
            [(key, identity.id) for key in identity.keys],
        )

    def _count_claims_of(self, db: sqlite3.Connection, ids: Iterable[str]) -> None:
        db.executemany(
            "UPDATE claimants SET claims = (SELECT count(*) FROM claims WHERE claimant_id = ?) WHERE id = ?",
            [(i, i) for i in ids],
        )

    def _insert_claim(self, db: sqlite3.Connection, claim: Claim) -> None:
        fields = claim_fields(claim)
        cursor = db.execute(
            "INSERT INTO claims (id, article_id, claimant_id, claimant_suffixed, attributed, cue_class,"
            " quote_type, publisher, publisher_norm, published_date, text_start, data)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                claim.id,
                claim.article_id,
                fields["claimant_id"],
                int(fields["claimant_suffixed"]),
                int(fields["attributed"]),
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
        db.execute("INSERT INTO claim_sources (rowid, words) VALUES (?,?)", (rowid, fields["claimant_words"]))
        for field, key in _KEYWORD_FIELDS.items():
            db.executemany(
                "INSERT INTO claim_keywords (claim_rowid, field, value, norm) VALUES (?,?,?,?)",
                [(rowid, field, v, normalize_keyword(v)) for v in fields[key]],
            )

    def _delete_claims(self, db: sqlite3.Connection, article_id: str) -> int:
        rows = [r[0] for r in db.execute("SELECT rowid FROM claims WHERE article_id = ?", (article_id,))]
        db.executemany("DELETE FROM claims_fts WHERE rowid = ?", [(r,) for r in rows])
        db.executemany("DELETE FROM claim_sources WHERE rowid = ?", [(r,) for r in rows])
        db.executemany("DELETE FROM claim_keywords WHERE claim_rowid = ?", [(r,) for r in rows])
        db.execute("DELETE FROM claims WHERE article_id = ?", (article_id,))
        return len(rows)

    def rebuild(
        self,
        pairs: Iterable[tuple[Article, list[Claim]]],
        claimants: Callable[[], Iterable[ClaimantIdentity]] = list,
    ) -> str:
        """Build a fresh database beside this one, then swap it in with one rename.

        `claimants` is called once every pair is loaded (filing the archive decides
        them as it goes). Readers open a connection per call, so they see either the
        old file or the new one, never a half-built index; a failure leaves the old
        file serving.
        """
        fresh = SqliteIndex(self.path.with_name(self.path.name + ".rebuild"))
        fresh.path.unlink(missing_ok=True)
        try:
            fresh.ensure_ready()
            for article, claims in pairs:
                fresh.index_article(article, claims)
            with fresh._connect() as db:
                identities = list(claimants())
                for identity in identities:
                    fresh._put_claimant(db, identity)
                fresh._count_claims_of(db, [i.id for i in identities])
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
            touched = self._claimant_ids_of_article(db, article_id)
            removed = self._delete_claims(db, article_id)
            db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            self._count_claims_of(db, touched)
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
        plan = plan_text(query.text, query.match)
        with self._connect() as db:
            compiled = self._compile(db, query, plan)
            if compiled is None:
                return SearchResult(hits=[], total=0, facets=_empty_facets(query), next_after=None)
            matches_sql, params = compiled
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
            highlights = self._highlights(db, plan, [r["rowid"] for r in rows])
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

    def _compile(
        self, db: sqlite3.Connection, query: SearchQuery, plan: TextQuery | None
    ) -> tuple[str, list[Any]] | None:
        """SQL selecting (rowid, score) of every matching claim; None when nothing can match."""
        where: list[str] = []
        params: list[Any] = []
        if query.text is not None and query.text.strip() and plan is None:
            return None  # text with no word to look up ("*:*") matches nothing
        if plan is not None:
            select, select_params = _ranked_select(plan)
            params += select_params
            where.append("claims_fts MATCH ?")
            operator = " AND " if plan.minimum == len(plan.terms) else " OR "
            params.append(operator.join(_fts_string(t) for t in plan.terms))
            if 1 < plan.minimum < len(plan.terms):
                # FTS5 has no minimum-should-match: count the terms each candidate holds,
                # one term's matches at a time (each IN list is built once per query).
                held = " + ".join(
                    "(claims_fts.rowid IN (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?))"
                    for _ in plan.terms
                )
                where.append(f"({held}) >= ?")
                params += [_fts_string(t) for t in plan.terms] + [plan.minimum]
        else:
            select = "SELECT c.rowid AS rowid, 0.0 AS score FROM claims c"
        if query.claimant is not None:
            terms = claimant_terms(query.claimant)
            ids = self._claimant_ids(db, terms, query.claimant)
            named = "c.claimant_id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(ids))
            if terms.source_phrase:
                named += (
                    " OR (c.rowid IN (SELECT rowid FROM claim_sources WHERE claim_sources MATCH ?)"
                    " AND c.claimant_suffixed <= ?)"
                )
                params += [_fts_string(terms.source_phrase), int(terms.suffixed)]
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

    def _claimant_ids(self, db: sqlite3.Connection, terms: ClaimantTerms, name: str) -> list[str]:
        """Identities with an alias holding the words asked, in order, as whole words."""
        sql = "SELECT DISTINCT k.identity FROM claimant_keys k WHERE claimant_keys MATCH ?"
        if not terms.suffixed:
            sql += " AND k.identity NOT IN (SELECT id FROM claimants WHERE suffixed = 1)"
        rows = db.execute(f"{sql} LIMIT ?", (_fts_string(terms.phrase), MAX_CLAIMANT_MATCHES + 1)).fetchall()
        if len(rows) > MAX_CLAIMANT_MATCHES:
            raise InvalidQuery("claimant", f"{name!r} matches too many claimants; give more of the name")
        return sorted(r[0] for r in rows)

    def _highlights(
        self, db: sqlite3.Connection, plan: TextQuery | None, rowids: list[int]
    ) -> dict[int, dict[str, list[str]]]:
        if not rowids or plan is None:
            return {}
        match = " OR ".join(_fts_string(t) for t in plan.terms)
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
        # Claimants are counted by identity (ties by id, as OpenSearch's terms
        # aggregation orders them), then named from the registry.
        rows = db.execute(
            f"SELECT c.claimant_id AS id, count(*) AS n FROM ({matches_sql}) m"
            " JOIN claims c ON c.rowid = m.rowid WHERE c.claimant_id IS NOT NULL"
            " GROUP BY c.claimant_id ORDER BY n DESC, id ASC LIMIT ?",
            [*params, FACET_SIZE],
        ).fetchall()
        names = self._names(db, [r["id"] for r in rows])
        facets["claimant"] = [FacetValue(names.get(r["id"], r["id"]), int(r["n"]), r["id"]) for r in rows]
        rows = db.execute(
            f"SELECT c.publisher AS value, count(*) AS n FROM ({matches_sql}) m"
            " JOIN claims c ON c.rowid = m.rowid WHERE c.publisher IS NOT NULL AND c.publisher != ''"
            " GROUP BY value ORDER BY n DESC, value ASC LIMIT ?",
            [*params, FACET_SIZE],
        ).fetchall()
        facets["publisher"] = [FacetValue(r["value"], int(r["n"])) for r in rows]
        for name in _KEYWORD_FIELDS:
            rows = db.execute(
                f"SELECT k.value AS value, count(DISTINCT k.claim_rowid) AS n FROM ({matches_sql}) m"
                " JOIN claim_keywords k ON k.claim_rowid = m.rowid WHERE k.field = ?"
                " GROUP BY value ORDER BY n DESC, value ASC LIMIT ?",
                [*params, name, FACET_SIZE],
            ).fetchall()
            facets[name] = [FacetValue(r["value"], int(r["n"])) for r in rows]
        return {name: facets[name] for name in FACET_FIELDS}

    def _names(self, db: sqlite3.Connection, ids: list[str]) -> dict[str, str]:
        rows = db.execute(
            "SELECT id, name FROM claimants WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
        )
        return {r["id"]: r["name"] for r in rows}

    # -- the claimant registry --------------------------------------------------------------

    def _identities(self, sql: str, params: Iterable[Any]) -> list[ClaimantIdentity]:
        self.ensure_ready()
        with self._connect() as db:
            rows = db.execute(sql, list(params)).fetchall()
        return [
            replace(ClaimantIdentity.from_dict(json.loads(r["data"])), claims=int(r["claims"])) for r in rows
        ]

    def get_claimants(self, ids: Iterable[str]) -> dict[str, ClaimantIdentity]:
        found = self._identities(
            "SELECT data, claims FROM claimants WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(list(ids))],
        )
        return {i.id: i for i in found}

    def claimants_with_surname(self, surname: str) -> list[ClaimantIdentity]:
        return self._identities("SELECT data, claims FROM claimants WHERE surname = ? ORDER BY id", [surname])

    def suggest_claimants(self, text: str, limit: int = MAX_SUGGESTIONS) -> list[ClaimantIdentity]:
        words = suggestion_terms(text)
        if not words:
            return []
        # Every word a whole word of some alias of the identity, the last one a prefix.
        matches = [_fts_string(w) for w in words[:-1]] + [_fts_string(words[-1]) + "*"]
        held = " INTERSECT ".join(
            "SELECT identity FROM claimant_keys WHERE claimant_keys MATCH ?" for _ in matches
        )
        return self._identities(
            f"SELECT data, claims FROM claimants WHERE id IN ({held}) AND claims > 0"
            " ORDER BY claims DESC, name ASC, id ASC LIMIT ?",
            [*matches, limit],
        )

    def claimant_activity(self, claimant_id: str, entities: int = 10) -> ClaimantActivity:
        self.ensure_ready()
        with self._connect() as db:
            claims = int(
                db.execute("SELECT count(*) FROM claims WHERE claimant_id = ?", (claimant_id,)).fetchone()[0]
            )
            months = db.execute(
                "SELECT substr(published_date, 1, 7) AS month, count(*) AS n FROM claims"
                " WHERE claimant_id = ? AND published_date IS NOT NULL GROUP BY month ORDER BY month",
                (claimant_id,),
            ).fetchall()
            named = db.execute(
                "SELECT k.value AS value, count(DISTINCT k.claim_rowid) AS n FROM claims c"
                " JOIN claim_keywords k ON k.claim_rowid = c.rowid"
                " WHERE c.claimant_id = ? AND k.field = 'entity'"
                " GROUP BY value ORDER BY n DESC, value ASC LIMIT ?",
                (claimant_id, entities),
            ).fetchall()
        return ClaimantActivity(
            claims=claims,
            months=[FacetValue(r["month"], int(r["n"])) for r in months],
            entities=[FacetValue(r["value"], int(r["n"])) for r in named],
        )


def _ranked_select(plan: TextQuery) -> tuple[str, list[Any]]:
    """SELECT of (rowid, score): BM25 over the fields, plus a bonus where the words stand together."""
    score = f"-{_BM25}"
    params: list[Any] = []
    if len(plan.terms) > 1:
        near = (
            "{content sentence} : NEAR(" + " ".join(_fts_string(t) for t in plan.terms) + f", {PHRASE_SLOP})"
        )
        score += (
            " + (CASE WHEN claims_fts.rowid IN (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?)"
            f" THEN {PHRASE_BONUS} ELSE 0.0 END)"
        )
        params.append(near)
    select = (
        f"SELECT c.rowid AS rowid, {score} AS score"
        " FROM claims_fts JOIN claims c ON c.rowid = claims_fts.rowid"
    )
    return select, params


def _fts_string(text: str) -> str:
    """`text` as one FTS5 string: a word, or a phrase of words; never an operator."""
    return '"' + text.replace('"', '""') + '"'


def _empty_facets(query: SearchQuery) -> dict[str, list[FacetValue]]:
    if not query.facets:
        return {}
    return {name: [] for name in FACET_FIELDS}
