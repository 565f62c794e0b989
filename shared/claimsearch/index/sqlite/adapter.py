"""`SqliteIndex`: the SearchIndex port over one SQLite file, its connection and its calls.

What the calls run is in the package's other modules: the tables (`schema`), writes
(`writes`), filters (`filters`), full-text scoring (`text`), match sets and their pages
(`matches`) and facet counts (`facets`).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from itertools import combinations, islice
from pathlib import Path
from typing import Any

from claimsearch.claimants.names import one_edit_apart
from claimsearch.clusters.records import CandidateQuery, ClusterMember, ClusterSummary
from claimsearch.errors import IndexUnavailable
from claimsearch.index.normalize import most_used_spelling
from claimsearch.index.port import (
    MAX_CLUSTER_CANDIDATES,
    MAX_CLUSTER_MEMBERS,
    MAX_SUGGESTIONS,
    MAX_UNFILED,
    ClaimantActivity,
    FacetValue,
    Hit,
    IndexReport,
    SearchQuery,
    SearchResult,
    search_claims,
)
from claimsearch.index.sqlite.facets import FacetColumns
from claimsearch.index.sqlite.matches import Matches, match_set
from claimsearch.index.sqlite.schema import create_tables, file_identity, open_database, remove_database
from claimsearch.index.sqlite.text import fts_string, highlights
from claimsearch.index.sqlite.writes import (
    count_claims_of,
    delete_article,
    move_claimant,
    put_claimant,
    write_article,
)
from claimsearch.index.text_query import may_be_near, plan_text, suggestions_in_turn
from claimsearch.model import Article, Claim, ClaimantIdentity

# A cluster's members in order of appearance: dated ones by date (undated last), then by
# article and position (as OpenSearch sorts them in `queries.APPEARANCE`).
APPEARANCE = "c.published_date IS NULL, c.published_date, c.article_id, c.text_start, c.id"
REBUILD_BATCH = 200  # articles per transaction when loading a fresh index


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
        self._columns: FacetColumns | None = None  # read on the first faceted search
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
        if self._db is not None and self._opened == file_identity(self.path):
            return self._db
        self._close()
        db = open_database(self.path)
        self._db, self._opened = db, file_identity(self.path)
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
            create_tables(db, self.path)
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
            write_article(db, article, claims, claimants, self._columns)
        return IndexReport(article.id, indexed=len(claims))

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
        remove_database(fresh.path)
        try:
            fresh.ensure_ready()
            # Many articles per transaction: a page that every article changes (the
            # full-text index's, the filters' indexes) is written once per batch.
            for batch in _batches(pairs, REBUILD_BATCH):
                with fresh._connect() as db:
                    for article, claims in batch:
                        write_article(db, article, claims, (), fresh._columns)
            with fresh._connect() as db:
                identities = list(claimants())
                for identity in identities:
                    put_claimant(db, identity)
                count_claims_of(db, [i.id for i in identities])
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
            remove_database(fresh.path)
        self._ready = False
        return str(self.path)

    def delete_article(self, article_id: str) -> int:
        self.ensure_ready()
        with self._connect() as db:
            removed = delete_article(db, article_id, self._columns)
        return removed

    def move_claimant(self, from_id: str, to: ClaimantIdentity) -> int:
        self.ensure_ready()
        with self._connect() as db:
            moved = move_claimant(db, from_id, to)
            # The claimant facet's column holds the old id for those claims: read it again.
            self._columns = None
        return moved

    # -- reads ---------------------------------------------------------------------------

    def get_article(self, article_id: str) -> Article | None:
        self.ensure_ready()
        with self._connect() as db:
            row = db.execute("SELECT data FROM articles WHERE id = ?", (article_id,)).fetchone()
        return Article.from_dict(json.loads(row["data"])) if row else None

    def get_claim(self, claim_id: str) -> Claim | None:
        return self._one_claim(
            "SELECT d.data FROM claims c JOIN claim_data d ON d.rowid = c.rowid WHERE c.id = ?", claim_id
        )

    def claim_replacing(self, claim_id: str) -> Claim | None:
        return self._one_claim(
            "SELECT d.data FROM claim_replaces r JOIN claim_data d ON d.rowid = r.claim_rowid"
            " WHERE r.old_id = ? ORDER BY r.claim_rowid LIMIT 1",
            claim_id,
        )

    def _one_claim(self, sql: str, claim_id: str) -> Claim | None:
        """The stored claim of the first row `sql` (one `claim_id` parameter) reads, if any."""
        self.ensure_ready()
        with self._connect() as db:
            row = db.execute(sql, (claim_id,)).fetchone()
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

    def unfiled_claims(self, word_sets: Iterable[Collection[str]], limit: int = MAX_UNFILED) -> list[Claim]:
        # Two words of one set: each pair of a set's words, all pairs OR-ed.
        pairs = sorted({pair for words in word_sets for pair in combinations(sorted(set(words)), 2)})
        if not pairs or limit <= 0:
            return []
        match = " OR ".join(f"({fts_string(a)} AND {fts_string(b)})" for a, b in pairs)
        self.ensure_ready()
        with self._connect() as db:
            rows = db.execute(
                "SELECT d.data FROM claims c JOIN claim_data d ON d.rowid = c.rowid"
                " WHERE c.claimant_id IS NULL AND c.attributed = 1"
                " AND c.rowid IN (SELECT rowid FROM claim_sources WHERE claim_sources MATCH ?)"
                " ORDER BY c.id LIMIT ?",
                (match, limit),
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
            # The content as written (FTS5's copy has its stop words blanked).
            "SELECT c.id, c.cluster_id, json_extract(d.data, '$.content.text') FROM claims c"
            " JOIN claim_data d ON d.rowid = c.rowid"
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
                f" row_number() OVER (PARTITION BY c.cluster_id ORDER BY {APPEARANCE}) AS n"
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
                f" WHERE c.cluster_id = ? ORDER BY {APPEARANCE} LIMIT ?",
                (cluster_id, limit),
            ).fetchall()
        return [Claim.from_dict(json.loads(r[0])) for r in rows]

    def count_claims(self) -> int:
        self.ensure_ready()
        with self._connect() as db:
            return int(db.execute("SELECT count(*) FROM claims").fetchone()[0])

    def search(self, query: SearchQuery) -> SearchResult:
        return search_claims(self._search_claims, self.get_claimants, self.suggest_claimants, query)

    def _search_claims(self, query: SearchQuery) -> SearchResult:
        self.ensure_ready()
        plan = plan_text(query.text, query.match)
        with self._connect() as db:
            db.execute("BEGIN")  # one snapshot for the count, the page and the facets
            matches = match_set(db, query, plan)
            if matches is None:
                return SearchResult(
                    hits=[], total=0, facets={n: [] for n in query.facet_names}, next_after=None
                )
            rows = matches.page(db, query.after, query.limit + 1)
            more = len(rows) > query.limit
            rows = rows[: query.limit]
            rowids = [r[0] for r in rows]
            claims = self._claims_by_rowid(db, rowids)
            marked = highlights(db, plan, {r: (claims[r].content.text, claims[r].sentence) for r in rowids})
            facets = self._facets(db, matches, query.facet_names) if query.facet_names else {}
        by_value = query.sort != "relevance"
        hits = [
            Hit(
                claim=claims[rowid],
                score=float(score),
                highlights=marked.get(rowid, {}),
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

    def _facets(
        self, db: sqlite3.Connection, matches: Matches, names: tuple[str, ...]
    ) -> dict[str, list[FacetValue]]:
        """The FACET_SIZE most frequent values of each facet in `names` over the match set."""
        version = int(db.execute("PRAGMA data_version").fetchone()[0])
        if self._columns is None or self._columns.data_version != version:
            self._columns = FacetColumns.read(db, version)  # another connection wrote
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
        return suggestions_in_turn(text, lambda w: self._spelt(w, limit), lambda w: self._near(w, limit))

    def _spelt(self, words: list[str], limit: int) -> list[ClaimantIdentity]:
        # Every word a whole word of some alias of the identity, the last one a prefix.
        return self._suggested([fts_string(w) for w in words[:-1]] + [fts_string(words[-1]) + "*"], limit)

    def _near(self, words: list[str], limit: int) -> list[ClaimantIdentity]:
        # Every word whole, a long one also as the alias words one edit away.
        with self._connect() as db:
            db.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.claimant_words"
                " USING fts5vocab(main, claimant_keys, row)"
            )
            near = [self._near_words(db, w) if may_be_near(w) else [w] for w in words]
        if not all(near):
            return []
        return self._suggested([" OR ".join(fts_string(w) for w in options) for options in near], limit)

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
            # Counted by folded value and shown in the spelling most claims use, as the
            # entity facet (`FacetColumns.top`).
            named = db.execute(
                "SELECT k.norm AS norm, count(DISTINCT k.claim_rowid) AS n FROM claims c"
                " JOIN claim_keywords k ON k.claim_rowid = c.rowid"
                " WHERE c.claimant_id = ? AND k.field = 'entity' AND k.norm != ''"
                " GROUP BY norm ORDER BY n DESC, norm ASC LIMIT ?",
                (claimant_id, entities),
            ).fetchall()
            spellings: dict[str, list[tuple[str, int]]] = {}
            for r in db.execute(
                "SELECT k.norm AS norm, k.value AS value, count(*) AS n FROM claims c"
                " JOIN claim_keywords k ON k.claim_rowid = c.rowid"
                " WHERE c.claimant_id = ? AND k.field = 'entity'"
                " AND k.norm IN (SELECT value FROM json_each(?)) GROUP BY norm, value",
                (claimant_id, json.dumps([r["norm"] for r in named])),
            ):
                spellings.setdefault(r["norm"], []).append((r["value"], int(r["n"])))
        return ClaimantActivity(
            claims=claims,
            months=[FacetValue(r["month"], int(r["n"])) for r in months],
            entities=[
                FacetValue(most_used_spelling(r["norm"], spellings.get(r["norm"], ())), int(r["n"]))
                for r in named
            ],
        )


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
