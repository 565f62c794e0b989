"""The embedded SearchIndex: SQLite with FTS5, the zero-setup default.

One database file under the data directory. Claims live in a narrow table (what
filters, facets and the sort read, each filter indexed), their JSON beside it, and an
FTS5 table (ranked full text with Porter stemming and diacritics removed, close to
OpenSearch's english analyzer).
The claimant registry is a table of identities, with an FTS5 table of their alias
keys (one row per key, so a name matches word for word within one way of writing
it). User text never reaches FTS5 as syntax: it is split into words, and each word is
passed as a quoted FTS5 string.
"""

from __future__ import annotations

import heapq
import json
import os
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import chain, islice
from pathlib import Path
from typing import Any

from claimsearch.claimants.names import has_generational_suffix
from claimsearch.clusters.records import CandidateQuery, ClusterMember, ClusterSummary
from claimsearch.errors import IndexUnavailable, InvalidQuery
from claimsearch.index.fields import claim_fields
from claimsearch.index.normalize import normalize_keyword
from claimsearch.index.port import (
    FACET_FIELDS,
    FACET_SIZE,
    HIGHLIGHT_POST,
    HIGHLIGHT_PRE,
    MAX_CLAIMANT_MATCHES,
    MAX_CLUSTER_CANDIDATES,
    MAX_CLUSTER_MEMBERS,
    MAX_SUGGESTIONS,
    ClaimantActivity,
    FacetValue,
    Hit,
    IndexReport,
    SearchQuery,
    SearchResult,
    SortKey,
    first_seen_key,
)
from claimsearch.index.text_query import (
    ClaimantTerms,
    TextQuery,
    claimant_terms,
    may_be_near,
    one_edit_apart,
    plan_text,
    suggestion_terms,
)
from claimsearch.model import Article, Claim, ClaimantIdentity

# Bumped when the tables change: an index built by an older version is rebuilt from
# the archive (`claimsearch reindex`) rather than migrated, since the archive is the
# source of truth and the index only a view of it.
SCHEMA_VERSION = 5  # 3: claim JSON in `claim_data`; 4: claim clusters; 5: cluster sort columns

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
    cluster_id TEXT,
    -- The cluster's size and first day (`port.first_seen_key`), kept on every member for
    -- sort=size and sort=first_seen; recounted by each write that changes the cluster.
    cluster_size INTEGER NOT NULL DEFAULT 1,
    cluster_first_key REAL NOT NULL
);
-- The stored claim JSON (rowid = the claim's), apart from the narrow rows above: a
-- search filters, counts, sorts and facets over those, and reads the JSON of one
-- page of hits only.
CREATE TABLE IF NOT EXISTS claim_data (
    rowid INTEGER PRIMARY KEY,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS claims_article ON claims(article_id, text_start);
CREATE INDEX IF NOT EXISTS claims_claimant ON claims(claimant_id);
-- A cluster's members in order of appearance (`cluster_members`, `cluster_summaries`).
CREATE INDEX IF NOT EXISTS claims_cluster
    ON claims(cluster_id, published_date, article_id, text_start, id);
CREATE INDEX IF NOT EXISTS claims_by_size ON claims(cluster_size DESC, id);
CREATE INDEX IF NOT EXISTS claims_by_first_seen ON claims(cluster_first_key DESC, id);
-- One index per filter, led by its column, then the id (the order of unscored hits,
-- so a page is a walk along the index, with no sort), then the other filters'
-- columns: any combination of these filters is counted and paged from one index,
-- without a visit to the table.
CREATE INDEX IF NOT EXISTS claims_publisher
    ON claims(publisher_norm, id, cue_class, quote_type, attributed, published_date);
CREATE INDEX IF NOT EXISTS claims_cue_class
    ON claims(cue_class, id, quote_type, attributed, published_date, publisher_norm);
CREATE INDEX IF NOT EXISTS claims_quote_type
    ON claims(quote_type, id, cue_class, attributed, published_date, publisher_norm);
CREATE INDEX IF NOT EXISTS claims_attributed
    ON claims(attributed, id, cue_class, quote_type, published_date, publisher_norm);
CREATE INDEX IF NOT EXISTS claims_published
    ON claims(published_date, id, cue_class, quote_type, attributed, publisher_norm);
CREATE TABLE IF NOT EXISTS claim_keywords (
    claim_rowid INTEGER NOT NULL REFERENCES claims(rowid) ON DELETE CASCADE,
    field TEXT NOT NULL,           -- 'organization' | 'entity'; one row per claim and value
    value TEXT NOT NULL,
    norm TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS claim_keywords_lookup ON claim_keywords(field, norm, claim_rowid);
CREATE INDEX IF NOT EXISTS claim_keywords_claim ON claim_keywords(claim_rowid);
-- Each clustered claim's LSH band keys, under its claimant: what assignment looks up.
CREATE TABLE IF NOT EXISTS cluster_keys (
    claim_rowid INTEGER NOT NULL REFERENCES claims(rowid) ON DELETE CASCADE,
    claimant_id TEXT NOT NULL,
    key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cluster_keys_lookup ON cluster_keys(claimant_id, key, claim_rowid);
CREATE INDEX IF NOT EXISTS cluster_keys_claim ON cluster_keys(claim_rowid);
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
# Per process (one connection): room for the hot indexes of a few hundred thousand claims.
CACHE_KIB = 64 * 1024
MMAP_BYTES = 256 * 1024 * 1024
WAL_LIMIT_BYTES = 64 * 1024 * 1024
_MATCHES = "search_matches"  # the temporary table of a text search's scored matches
# What collapsing groups by: the claim's cluster (a claim not assigned one is its own).
_CLUSTER = "coalesce(c.cluster_id, c.id)"
# The value each sort but relevance orders by (descending, then the id).
_SORT_VALUES = {"size": "c.cluster_size", "first_seen": "c.cluster_first_key"}
# A cluster's members in order of appearance: dated ones by date (undated last), then by
# article and position (as OpenSearch sorts them in `queries.APPEARANCE`).
_APPEARANCE = "c.published_date IS NULL, c.published_date, c.article_id, c.text_start, c.id"
REBUILD_BATCH = 200  # articles per transaction when loading a fresh index


def _date(value: str | None) -> str | None:
    return value[:10] if value else None


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _remove_database(path: Path) -> None:
    for name in (str(path), f"{path}-wal", f"{path}-shm"):
        Path(name).unlink(missing_ok=True)


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


class SqliteIndex:
    """SearchIndex over one SQLite file. Safe to share between threads.

    One connection per index object (one per process: `wiring.index()` is cached),
    shared by every thread under one lock. The local server is a ThreadingHTTPServer,
    which starts a thread per request, so a connection per thread would be a connection
    per request again: each one opening the file, reading the schema and starting with
    a cold page cache. Calls are serialized, as Lambda serializes them per container.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._opened: tuple[int, int] | None = None  # (device, inode) of the file `_db` has open
        self._columns: _FacetColumns | None = None  # read on the first faceted search
        self._ready = False

    # -- connection ----------------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """The connection, held for one call: what it writes commits at the end, or rolls back."""
        with self._lock:
            db = self._connection()
            try:
                with db:
                    yield db
            except BaseException:
                # What the call changed in the facet columns may belong to a transaction
                # that just rolled back: read them again when next needed.
                self._columns = None
                raise

    def _connection(self) -> sqlite3.Connection:
        # `rebuild` (maybe in another process) swaps a new file in under the same name:
        # an open connection would go on reading the old one, so it follows the name.
        if self._db is not None and self._opened == _file_identity(self.path):
            return self._db
        self._close()
        try:
            db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        except sqlite3.Error as exc:
            raise IndexUnavailable(f"cannot open SQLite index {self.path}: {exc}") from exc
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys = ON")
        # In WAL mode NORMAL syncs at checkpoints only: a power cut may lose the last
        # writes, never corrupt the file, and the archive can always rebuild the index.
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        db.execute("PRAGMA temp_store = MEMORY")  # the per-request match set and sorts
        # The connection stays open, so its log file does too: cut it back after a
        # checkpoint rather than keep the size of the largest transaction.
        db.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT_BYTES}")
        self._db, self._opened = db, _file_identity(self.path)
        return db

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
        self._db, self._opened, self._columns = None, None, None

    def close(self) -> None:
        """Close the connection (the next call opens it again)."""
        with self._lock:
            self._close()

    def ensure_ready(self) -> None:
        if self._ready:
            return
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
            # IF NOT EXISTS throughout: a file of this version that lacks an index added
            # since (same tables) gets it here, once.
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
        with self._connect() as db:
            self._write_article(db, article, claims, claimants)
        return IndexReport(article.id, indexed=len(claims))

    def _write_article(
        self,
        db: sqlite3.Connection,
        article: Article,
        claims: list[Claim],
        claimants: Iterable[ClaimantIdentity],
    ) -> None:
        touched = self._claimant_ids_of_article(db, article.id)
        clusters = self._cluster_ids_of_article(db, article.id) | {
            c.cluster_id for c in claims if c.cluster_id
        }
        db.execute(
            "INSERT OR REPLACE INTO articles (id, publisher, published_at, data) VALUES (?,?,?,?)",
            (article.id, article.publisher, article.published_at, json.dumps(article.to_dict())),
        )
        self._delete_claims(db, article.id)
        for claim in claims:
            self._insert_claim(db, claim)
        for identity in claimants:
            self._put_claimant(db, identity)
        touched |= {c.claimant.id for c in claims if c.claimant.id}
        self._count_claims_of(db, touched)
        self._recount_clusters(db, clusters)

    def _claimant_ids_of_article(self, db: sqlite3.Connection, article_id: str) -> set[str]:
        rows = db.execute(
            "SELECT DISTINCT claimant_id FROM claims WHERE article_id = ? AND claimant_id IS NOT NULL",
            (article_id,),
        )
        return {r[0] for r in rows}

    def _cluster_ids_of_article(self, db: sqlite3.Connection, article_id: str) -> set[str]:
        rows = db.execute(
            "SELECT DISTINCT cluster_id FROM claims WHERE article_id = ? AND cluster_id IS NOT NULL",
            (article_id,),
        )
        return {r[0] for r in rows}

    def _recount_clusters(self, db: sqlite3.Connection, ids: Iterable[str] | None) -> None:
        """Every member of the clusters `ids` (None: of every cluster of two or more) gets
        its cluster's size and first-day key. A claim alone in its cluster holds its own
        from the start (`fields.claim_fields`)."""
        if ids is None:
            rows = db.execute(
                "SELECT cluster_id, count(*), min(published_date) FROM claims"
                " WHERE cluster_id IS NOT NULL GROUP BY cluster_id HAVING count(*) > 1"
            ).fetchall()
        else:
            rows = db.execute(
                "SELECT cluster_id, count(*), min(published_date) FROM claims"
                " WHERE cluster_id IN (SELECT value FROM json_each(?)) GROUP BY cluster_id",
                (json.dumps(sorted(ids)),),
            ).fetchall()
        db.executemany(
            "UPDATE claims SET cluster_size = ?, cluster_first_key = ? WHERE cluster_id = ?",
            [(int(r[1]), first_seen_key(r[2]), r[0]) for r in rows],
        )

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
            " quote_type, publisher, publisher_norm, published_date, text_start, cluster_id, cluster_size,"
            " cluster_first_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
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
                fields["cluster_id"],
                fields["cluster_size"],
                fields["cluster_first_key"],
            ),
        )
        rowid = cursor.lastrowid
        assert rowid is not None
        db.execute("INSERT INTO claim_data (rowid, data) VALUES (?,?)", (rowid, json.dumps(claim.to_dict())))
        if self._columns is not None:
            self._columns.put(rowid, fields)
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
                [(rowid, field, v, normalize_keyword(v)) for v in dict.fromkeys(fields[key])],
            )
        db.executemany(
            "INSERT INTO cluster_keys (claim_rowid, claimant_id, key) VALUES (?,?,?)",
            [(rowid, fields["claimant_id"], key) for key in fields["cluster_keys"]],
        )

    def _delete_claims(self, db: sqlite3.Connection, article_id: str) -> int:
        rows = [r[0] for r in db.execute("SELECT rowid FROM claims WHERE article_id = ?", (article_id,))]
        db.executemany("DELETE FROM claims_fts WHERE rowid = ?", [(r,) for r in rows])
        db.executemany("DELETE FROM claim_sources WHERE rowid = ?", [(r,) for r in rows])
        db.executemany("DELETE FROM claim_data WHERE rowid = ?", [(r,) for r in rows])
        db.executemany("DELETE FROM claim_keywords WHERE claim_rowid = ?", [(r,) for r in rows])
        db.executemany("DELETE FROM cluster_keys WHERE claim_rowid = ?", [(r,) for r in rows])
        db.execute("DELETE FROM claims WHERE article_id = ?", (article_id,))
        if self._columns is not None:
            self._columns.forget(rows)
        return len(rows)

    def rebuild(
        self,
        pairs: Iterable[tuple[Article, list[Claim]]],
        claimants: Callable[[], Iterable[ClaimantIdentity]] = list,
    ) -> str:
        """Build a fresh database beside this one, then swap it in with one rename.

        `claimants` is called once every pair is loaded (filing the archive decides
        them as it goes). Readers see either the old file or the new one, never a
        half-built index: a connection follows the name to the new file on its next
        call. A failure leaves the old file serving.
        """
        fresh = SqliteIndex(self.path.with_name(self.path.name + ".rebuild"))
        _remove_database(fresh.path)
        try:
            fresh.ensure_ready()
            # Many articles per transaction: a page that every article changes (the
            # full-text index's, the filters' indexes) is written once per batch.
            for batch in _batches(pairs, REBUILD_BATCH):
                with fresh._connect() as db:
                    for article, claims in batch:
                        fresh._write_article(db, article, claims, ())
            with fresh._connect() as db:
                identities = list(claimants())
                for identity in identities:
                    fresh._put_claimant(db, identity)
                fresh._count_claims_of(db, [i.id for i in identities])
            # The last connection to close checkpoints the write-ahead log into the
            # file, so the one file renamed holds everything.
            fresh.close()
            with self._lock:
                self._close()
                for suffix in ("-wal", "-shm"):
                    Path(str(self.path) + suffix).unlink(missing_ok=True)
                os.replace(fresh.path, self.path)
        finally:
            fresh.close()
            _remove_database(fresh.path)
        self._ready = False
        return str(self.path)

    def delete_article(self, article_id: str) -> int:
        self.ensure_ready()
        with self._connect() as db:
            touched = self._claimant_ids_of_article(db, article_id)
            clusters = self._cluster_ids_of_article(db, article_id)
            removed = self._delete_claims(db, article_id)
            db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            self._count_claims_of(db, touched)
            self._recount_clusters(db, clusters)
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
            row = db.execute(
                "SELECT d.data FROM claims c JOIN claim_data d ON d.rowid = c.rowid WHERE c.id = ?",
                (claim_id,),
            ).fetchone()
        return Claim.from_dict(json.loads(row["data"])) if row else None

    def claims_for_article(self, article_id: str) -> list[Claim]:
        self.ensure_ready()
        with self._connect() as db:
            rows = db.execute(
                "SELECT d.data FROM claims c JOIN claim_data d ON d.rowid = c.rowid"
                " WHERE c.article_id = ? ORDER BY c.text_start, c.id",
                (article_id,),
            ).fetchall()
        return [Claim.from_dict(json.loads(r["data"])) for r in rows]

    # -- claim clusters ----------------------------------------------------------------------

    def cluster_candidates(self, claimant_id: str, keys: Sequence[str]) -> list[ClusterMember]:
        return self.cluster_candidates_many([(claimant_id, tuple(keys))])[0]

    def cluster_candidates_many(self, asks: Sequence[CandidateQuery]) -> list[list[ClusterMember]]:
        if not asks:
            return []
        self.ensure_ready()
        with self._connect() as db:
            return [self._candidates(db, claimant_id, keys) for claimant_id, keys in asks]

    def _candidates(
        self, db: sqlite3.Connection, claimant_id: str, keys: Sequence[str]
    ) -> list[ClusterMember]:
        rows = db.execute(
            "SELECT c.id, c.cluster_id, f.content FROM claims c JOIN claims_fts f ON f.rowid = c.rowid"
            " WHERE c.rowid IN (SELECT claim_rowid FROM cluster_keys"
            " WHERE claimant_id = ? AND key IN (SELECT value FROM json_each(?)))"
            " ORDER BY c.id LIMIT ?",
            (claimant_id, json.dumps(list(keys)), MAX_CLUSTER_CANDIDATES),
        ).fetchall()
        return [ClusterMember(r[0], r[1], r[2]) for r in rows]

    def cluster_summaries(self, ids: Iterable[str]) -> dict[str, ClusterSummary]:
        wanted = sorted({i for i in ids if i})
        if not wanted:
            return {}
        self.ensure_ready()
        with self._connect() as db:
            rows = db.execute(
                "SELECT cluster_id, id, article_id, published_date, size FROM ("
                " SELECT c.cluster_id, c.id, c.article_id, c.published_date,"
                " count(*) OVER (PARTITION BY c.cluster_id) AS size,"
                f" row_number() OVER (PARTITION BY c.cluster_id ORDER BY {_APPEARANCE}) AS n"
                " FROM claims c WHERE c.cluster_id IN (SELECT value FROM json_each(?)))"
                " WHERE n = 1",
                (json.dumps(wanted),),
            ).fetchall()
        # The first member is dated whenever any member is (undated ones sort last), so its
        # date is the cluster's earliest.
        return {r[0]: ClusterSummary(r[0], int(r[4]), r[3], r[2], r[1]) for r in rows}

    def cluster_members(self, cluster_id: str, limit: int = MAX_CLUSTER_MEMBERS) -> list[Claim]:
        self.ensure_ready()
        with self._connect() as db:
            rows = db.execute(
                "SELECT d.data FROM claims c JOIN claim_data d ON d.rowid = c.rowid"
                f" WHERE c.cluster_id = ? ORDER BY {_APPEARANCE} LIMIT ?",
                (cluster_id, limit),
            ).fetchall()
        return [Claim.from_dict(json.loads(r[0])) for r in rows]

    def count_claims(self) -> int:
        self.ensure_ready()
        with self._connect() as db:
            return int(db.execute("SELECT count(*) FROM claims").fetchone()[0])

    def search(self, query: SearchQuery) -> SearchResult:
        self.ensure_ready()
        plan = plan_text(query.text, query.match)
        with self._connect() as db:
            db.execute("BEGIN")  # one snapshot for the count, the page and the facets
            matches = self._matches(db, query, plan)
            if matches is None:
                return SearchResult(
                    hits=[], total=0, facets={n: [] for n in query.facet_names}, next_after=None
                )
            rows = matches.page(db, query.after, query.limit + 1)
            more = len(rows) > query.limit
            rows = rows[: query.limit]
            rowids = [r[0] for r in rows]
            claims = self._claims_by_rowid(db, rowids)
            highlights = self._highlights(db, plan, rowids)
            facets = self._facets(db, matches, query.facet_names) if query.facet_names else {}
        by_value = query.sort != "relevance"
        hits = [
            Hit(
                claim=claims[rowid],
                score=float(score),
                highlights=highlights.get(rowid, {}),
                sort_value=float(value) if by_value else None,
            )
            for rowid, score, _, value in rows
        ]
        next_after = hits[-1].key if more and hits else None
        return SearchResult(hits=hits, total=matches.total, facets=facets, next_after=next_after)

    def _claims_by_rowid(self, db: sqlite3.Connection, rowids: list[int]) -> dict[int, Claim]:
        """The stored claims of one page: the only rows whose JSON a search reads."""
        rows = db.execute(
            "SELECT rowid, data FROM claim_data WHERE rowid IN (SELECT value FROM json_each(?))",
            (json.dumps(rowids),),
        )
        return {r[0]: Claim.from_dict(json.loads(r[1])) for r in rows}

    def _matches(self, db: sqlite3.Connection, query: SearchQuery, plan: TextQuery | None) -> _Matches | None:
        """The match set of `query`, counted; None when nothing can match."""
        if query.text is not None and query.text.strip() and plan is None:
            return None  # text with no word to look up ("*:*") matches nothing
        where, params = self._filters(db, query)
        collapse = query.collapse is not None
        order = _SORT_VALUES.get(query.sort)
        counted = f"count(DISTINCT {_CLUSTER})" if collapse else "count(*)"
        if plan is None:
            # Every hit scores 0 and the order is the claim id: a count and a page each
            # read one filter index (or the id index), so the set is not copied anywhere.
            total = int(db.execute(f"SELECT {counted} {_claims_where(where)}", params).fetchone()[0])
            return _FilteredMatches(total, collapse, order, where, params)
        # Ranked text: scoring (BM25, the phrase bonus, the minimum of words) is the
        # costly part, so it runs once, into a table of (rowid, score) that the count,
        # the page and the facets read. The claims table joins in only to filter.
        score, score_params = _score(plan)
        text_where, text_params = _text_condition(plan)
        # CROSS JOIN keeps the full-text match as the outer loop: driven from a
        # filter's index instead, SQLite would run the full-text query once per claim.
        joined = " CROSS JOIN claims c ON c.rowid = claims_fts.rowid" if where else ""
        db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_MATCHES} (rowid INTEGER PRIMARY KEY, score REAL)")
        db.execute(f"DELETE FROM temp.{_MATCHES}")
        total = db.execute(
            f"INSERT INTO temp.{_MATCHES} (rowid, score) SELECT claims_fts.rowid, {score} FROM claims_fts"
            f"{joined} WHERE {' AND '.join([*text_where, *where])}",
            [*score_params, *text_params, *params],
        ).rowcount
        if collapse:
            total = int(
                db.execute(
                    f"SELECT {counted} FROM temp.{_MATCHES} m JOIN claims c ON c.rowid = m.rowid"
                ).fetchone()[0]
            )
        return _RankedMatches(total, collapse, order)

    def _filters(self, db: sqlite3.Connection, query: SearchQuery) -> tuple[list[str], list[Any]]:
        """Conditions on the claims (`c`) for every filter of `query` but its text."""
        where: list[str] = []
        params: list[Any] = []
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
        self, db: sqlite3.Connection, matches: _Matches, names: tuple[str, ...]
    ) -> dict[str, list[FacetValue]]:
        """The FACET_SIZE most frequent values of each facet in `names` over the match set."""
        version = int(db.execute("PRAGMA data_version").fetchone()[0])
        if self._columns is None or self._columns.data_version != version:
            self._columns = _FacetColumns.read(db, version)  # another connection wrote
        rowids = matches.rowids(db)
        facets = {name: self._columns.top(name, rowids) for name in names}
        if "claimant" in facets:
            # Counted by identity, named from the registry.
            named = self._names(db, [v.value for v in facets["claimant"]])
            facets["claimant"] = [
                FacetValue(named.get(v.value, v.value), v.count, v.value) for v in facets["claimant"]
            ]
        return facets

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
        found = self._suggested(matches, limit)
        if found or not any(may_be_near(w) for w in words):
            return found
        # Nothing spelt so: every word whole, a long one also as the alias words one edit away.
        with self._connect() as db:
            db.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.claimant_words"
                " USING fts5vocab(main, claimant_keys, row)"
            )
            near = [self._near_words(db, w) if may_be_near(w) else [w] for w in words]
        if not all(near):
            return []
        return self._suggested([" OR ".join(_fts_string(w) for w in options) for options in near], limit)

    def _suggested(self, matches: list[str], limit: int) -> list[ClaimantIdentity]:
        """Identities with claims whose alias keys match every FTS5 expression of `matches`."""
        held = " INTERSECT ".join(
            "SELECT identity FROM claimant_keys WHERE claimant_keys MATCH ?" for _ in matches
        )
        return self._identities(
            f"SELECT data, claims FROM claimants WHERE id IN ({held}) AND claims > 0"
            " ORDER BY claims DESC, name ASC, id ASC LIMIT ?",
            [*matches, limit],
        )

    @staticmethod
    def _near_words(db: sqlite3.Connection, typed: str) -> list[str]:
        """The alias words one edit or none away from `typed` (they share its first letter)."""
        rows = db.execute(
            "SELECT term FROM temp.claimant_words WHERE term >= ? AND term < ?",
            (typed[0], typed[0] + "\U0010ffff"),  # every word that starts with that letter
        )
        return [r[0] for r in rows if one_edit_apart(typed, r[0])]

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


def _score(plan: TextQuery) -> tuple[str, list[Any]]:
    """A full-text match's score: BM25 over the fields, plus a bonus where the words stand together."""
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
    return score, params


def _text_condition(plan: TextQuery) -> tuple[list[str], list[Any]]:
    """Conditions on `claims_fts`: the words, and how many of them a claim must hold."""
    operator = " AND " if plan.minimum == len(plan.terms) else " OR "
    where = ["claims_fts MATCH ?"]
    params: list[Any] = [operator.join(_fts_string(t) for t in plan.terms)]
    if 1 < plan.minimum < len(plan.terms):
        # FTS5 has no minimum-should-match: count the terms each candidate holds,
        # one term's matches at a time (each IN list is built once per query).
        held = " + ".join(
            "(claims_fts.rowid IN (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?))"
            for _ in plan.terms
        )
        where.append(f"({held}) >= ?")
        params += [_fts_string(t) for t in plan.terms] + [plan.minimum]
    return where, params


@dataclass(frozen=True)
class _Matches:
    """A query's match set, counted (clusters, when `collapse`)."""

    total: int
    collapse: bool
    order: str | None  # the sort value's column (`_SORT_VALUES`); None: relevance

    def page(self, db: sqlite3.Connection, after: SortKey | None, limit: int) -> list[_Row]:
        """(rowid, score, id, sort value) of the first `limit` hits after `after`.

        The order: the sort value descending (the score, for relevance), then the id.
        """
        raise NotImplementedError

    def rowids(self, db: sqlite3.Connection) -> list[int] | None:
        """The rowids of every match; None when every claim matches."""
        raise NotImplementedError


@dataclass(frozen=True)
class _FilteredMatches(_Matches):
    """No text: conditions on the claims table (`c`); every hit scores 0."""

    where: list[str]
    params: list[Any]

    def page(self, db: sqlite3.Connection, after: SortKey | None, limit: int) -> list[_Row]:
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
            where = [f"c.id IN (SELECT min(c.id) {_claims_where(self.where)} GROUP BY {_CLUSTER})"]
        rows = db.execute(
            f"SELECT c.rowid, 0.0, c.id, {value} {_claims_where([*where, *conditions])}"
            f" ORDER BY {'' if self.order is None else f'{value} DESC, '}c.id LIMIT ?",
            [*params, limit],
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def rowids(self, db: sqlite3.Connection) -> list[int] | None:
        if not self.where:
            return None
        return _rowid_list(db, f"SELECT group_concat(c.rowid) {_claims_where(self.where)}", self.params)


@dataclass(frozen=True)
class _RankedMatches(_Matches):
    """Text: the scored matches, in the temporary table."""

    def page(self, db: sqlite3.Connection, after: SortKey | None, limit: int) -> list[_Row]:
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
                f"SELECT m.rowid, m.score, c.id, row_number() OVER (PARTITION BY {_CLUSTER}"
                " ORDER BY m.score DESC, c.id) AS n"
                f" FROM temp.{_MATCHES} m JOIN claims c ON c.rowid = m.rowid"
            )
            condition = "1" if after is None else "(f.score < ? OR (f.score = ? AND f.id > ?))"
            rows = db.execute(
                f"SELECT f.rowid, f.score, f.id FROM ({firsts}) f WHERE f.n = 1 AND {condition}"
                " ORDER BY f.score DESC, f.id LIMIT ?",
                [*cursor, limit],
            )
            return [(r[0], r[1], r[2], r[1]) for r in rows]
        lowest = (
            f"SELECT m.score FROM temp.{_MATCHES} m"
            f" WHERE {after_cursor('(SELECT id FROM claims WHERE rowid = m.rowid)')}"
            " ORDER BY m.score DESC LIMIT 1 OFFSET ?"
        )
        rows = db.execute(
            f"SELECT m.rowid, m.score, c.id FROM temp.{_MATCHES} m JOIN claims c ON c.rowid = m.rowid"
            f" WHERE m.score >= coalesce(({lowest}), m.score) AND {after_cursor('c.id')}"
            " ORDER BY m.score DESC, c.id LIMIT ?",
            [*cursor, limit - 1, *cursor, limit],
        )
        return [(r[0], r[1], r[2], r[1]) for r in rows]

    def _sorted_page(
        self, db: sqlite3.Connection, value: str, after: SortKey | None, limit: int
    ) -> list[_Row]:
        """A page in the order of a cluster value (the score kept for each hit)."""
        numbered = (
            f", row_number() OVER (PARTITION BY {_CLUSTER} ORDER BY {value} DESC, c.id) AS n"
            if self.collapse
            else ", 1 AS n"
        )
        matches = (
            f"SELECT m.rowid, m.score, c.id, {value} AS k{numbered}"
            f" FROM temp.{_MATCHES} m JOIN claims c ON c.rowid = m.rowid"
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
        return _rowid_list(db, f"SELECT group_concat(rowid) FROM temp.{_MATCHES}", [])


_Row = tuple[int, float, str, float]  # rowid, score, claim id, sort value


def _claims_where(where: list[str]) -> str:
    return "FROM claims c" + (" WHERE " + " AND ".join(where) if where else "")


def _rowid_list(db: sqlite3.Connection, sql: str, params: list[Any]) -> list[int]:
    """Rowids from one `group_concat(rowid)`: one row to read, however many matches."""
    joined = db.execute(sql, params).fetchone()[0]
    return [int(r) for r in joined.split(",")] if joined else []


class _FacetColumns:
    """Each claim's facet values by rowid, held in memory (what a search engine calls doc values).

    Counting a facet over a match set is then one pass over its rowids in Python,
    where SQL would look up every matching claim and sort the values: ten times
    slower over 50,000 matches. Read on the first faceted search, kept current by
    this connection's own writes, and read again when another connection has written
    (`PRAGMA data_version` says so).
    """

    def __init__(self, data_version: int) -> None:
        self.data_version = data_version
        self.columns: dict[str, list[tuple[str, ...]]] = {name: [] for name in FACET_FIELDS}
        self._everything: dict[str, list[FacetValue]] = {}  # top values over all claims
        self._one: dict[str, tuple[str, ...]] = {}  # one tuple per value, shared by every claim

    @classmethod
    def read(cls, db: sqlite3.Connection, data_version: int) -> _FacetColumns:
        read = cls(data_version)
        end = int(db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM claims").fetchone()[0])
        columns = read.columns = {name: [()] * end for name in FACET_FIELDS}
        one = read._one
        claimant, publisher = columns["claimant"], columns["publisher"]
        for rowid, claimant_id, name in db.execute("SELECT rowid, claimant_id, publisher FROM claims"):
            if claimant_id:
                claimant[rowid] = one.setdefault(claimant_id, (claimant_id,))
            if name:
                publisher[rowid] = one.setdefault(name, (name,))
        for field in _KEYWORD_FIELDS:
            column = columns[field]
            for rowid, value in db.execute(
                "SELECT claim_rowid, value FROM claim_keywords WHERE field = ?", (field,)
            ):
                held = column[rowid]
                column[rowid] = (*held, value) if held else one.setdefault(value, (value,))
        return read

    def put(self, rowid: int, fields: dict[str, Any]) -> None:
        """A claim just written (`fields`: its `claim_fields`)."""
        self._set(rowid, "claimant", self._values([fields["claimant_id"]]))
        self._set(rowid, "publisher", self._values([fields["publisher"]]))
        for name, key in _KEYWORD_FIELDS.items():
            self._set(rowid, name, self._values(list(dict.fromkeys(fields[key]))))

    def forget(self, rowids: Iterable[int]) -> None:
        for rowid in rowids:
            for name in FACET_FIELDS:
                self._set(rowid, name, ())

    def top(self, name: str, rowids: list[int] | None) -> list[FacetValue]:
        """The FACET_SIZE most frequent values among `rowids` (None: every claim); ties by value."""
        if rowids is None and name in self._everything:
            return self._everything[name]
        column = self.columns[name]
        values = chain.from_iterable(column if rowids is None else map(column.__getitem__, rowids))
        # Ties by value, as OpenSearch's terms aggregation orders its keys; Python
        # orders strings by code point, as SQLite and OpenSearch order UTF-8 bytes.
        best = heapq.nsmallest(FACET_SIZE, Counter(values).items(), key=lambda item: (-item[1], item[0]))
        top = [FacetValue(value, count) for value, count in best]
        if rowids is None:
            self._everything[name] = top
        return top

    def _values(self, values: Sequence[str | None]) -> tuple[str, ...]:
        kept = tuple(v for v in values if v)  # no claimant, no publisher, or ""
        if len(kept) != 1:
            return kept
        return self._one.setdefault(kept[0], kept)

    def _set(self, rowid: int, name: str, values: tuple[str, ...]) -> None:
        column = self.columns[name]
        if rowid >= len(column):
            column.extend([()] * (rowid + 1 - len(column)))
        column[rowid] = values
        self._everything.pop(name, None)


def _fts_string(text: str) -> str:
    """`text` as one FTS5 string: a word, or a phrase of words; never an operator."""
    return '"' + text.replace('"', '""') + '"'
