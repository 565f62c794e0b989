"""The SQLite index's tables, and how its one connection is opened."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from claimsearch.errors import IndexUnavailable
from claimsearch.index.sqlite.writes import FTS_INSERT, claimants_held, count_said

# Bumped when the tables change: an index built by an older version is rebuilt from
# the archive (`claimsearch reindex`) rather than migrated, since the archive is the
# source of truth and the index only a view of it. A table that a file can be given from
# what it already holds is added at its next open instead (`_add_tables_since`).
# 3: claim JSON in `claim_data`; 4: claim clusters; 5: cluster sort columns; 6: the full-text
# index without stop words and letters folded as OpenSearch folds them (`fts_text`,
# `normalize_keyword`), filled again in place from a file of 5.
SCHEMA_VERSION = 6

SCHEMA = """
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
-- `claimant_id` is the claim's `assign.cluster_claimant`: its identity's id, or the key of
-- the description that stands for one ("a White House official").
CREATE TABLE IF NOT EXISTS cluster_keys (
    claim_rowid INTEGER NOT NULL REFERENCES claims(rowid) ON DELETE CASCADE,
    claimant_id TEXT NOT NULL,
    key TEXT NOT NULL
);
-- The ids each claim replaces (`Claim.replaces`): what `GET /claims/{old id}` looks up.
CREATE TABLE IF NOT EXISTS claim_replaces (
    old_id TEXT NOT NULL,
    claim_rowid INTEGER NOT NULL REFERENCES claims(rowid) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS claim_replaces_lookup ON claim_replaces(old_id, claim_rowid);
CREATE INDEX IF NOT EXISTS claim_replaces_claim ON claim_replaces(claim_rowid);
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
-- A pointer's target: how the pointers of an identity removed with its last claim are found.
CREATE INDEX IF NOT EXISTS claimants_merged_into ON claimants(json_extract(data, '$.merged_into'));
CREATE INDEX IF NOT EXISTS claimants_by_claims ON claimants(claims DESC, name, id);
CREATE VIRTUAL TABLE IF NOT EXISTS claimant_keys USING fts5(
    key, identity UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);
"""

# How many claims filed under each identity say each thing of it (`registry.Said.key`),
# kept by the writes that add, remove or refile claims (`writes.count_said`,
# `writes.move_claimant`): deriving an identity again after an edit or a takedown reads
# these few rows, not every claim of a person quoted thousands of times. Not in SCHEMA: a
# file of this version written before it gains it filled from its claims (`create_tables`).
SAID_TABLE = """
CREATE TABLE claimant_said (
    identity TEXT NOT NULL,
    said TEXT NOT NULL,
    claims INTEGER NOT NULL,
    PRIMARY KEY (identity, said)
) WITHOUT ROWID
"""

# Which rows of `claimant_keys` are each identity's: FTS5 finds rows by rowid, and by an
# UNINDEXED column only by reading every row, which put each identity at the cost of the
# whole registry's keys (`writes.put_claimant`). Not in SCHEMA either: a file of this
# version written before it gains it filled from the keys it holds.
KEY_ROWS_TABLE = """
CREATE TABLE claimant_key_rows (
    rowid INTEGER PRIMARY KEY,  -- the key's row in claimant_keys
    identity TEXT NOT NULL
)
"""
KEY_ROWS_INDEX = "CREATE INDEX claimant_key_rows_identity ON claimant_key_rows(identity)"

# Per process (one connection): room for the hot indexes of a few hundred thousand claims.
CACHE_KIB = 64 * 1024
MMAP_BYTES = 256 * 1024 * 1024
WAL_LIMIT_BYTES = 64 * 1024 * 1024


def open_database(path: Path) -> sqlite3.Connection:
    """A connection to the file at `path`, set up as every call of the index expects."""
    try:
        db = sqlite3.connect(path, timeout=30, check_same_thread=False)
    except sqlite3.Error as exc:
        raise IndexUnavailable(f"cannot open SQLite index {path}: {exc}") from exc
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
    return db


def create_tables(db: sqlite3.Connection, path: Path) -> None:
    """The tables of SCHEMA_VERSION in the database at `path` (open as `db`); an index
    built by an older version is refused, to be rebuilt from the archive."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    tables = db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'claims'").fetchone()[0]
    if tables and version == 5:
        _refill_full_text(db)
    elif tables and version < SCHEMA_VERSION:
        raise IndexUnavailable(
            f"the SQLite index {path} was built by an older claimsearch;"
            " rebuild it from the archive with `claimsearch reindex`"
        )
    db.execute("PRAGMA journal_mode = WAL")  # readers never block the writer
    # IF NOT EXISTS throughout: a file of this version that lacks an index added
    # since (same tables) gets it here, once.
    db.executescript(SCHEMA)
    _add_tables_since(db)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _refill_full_text(db: sqlite3.Connection) -> None:
    """A file of version 5 indexed every word, and left the letters NFKD keeps whole ("ø",
    "æ", "ß") as they are: its full-text rows are written again from the claims it holds
    (`fts_text`), and its folded keywords folded again (`normalize_keyword`), in one
    transaction (the version is set inside it)."""
    from claimsearch.index.normalize import normalize_keyword
    from claimsearch.index.sqlite.fts_text import fts_copy

    db.execute("BEGIN IMMEDIATE")
    try:
        if int(db.execute("PRAGMA user_version").fetchone()[0]) == 5:  # not done meanwhile
            rows = db.execute(
                "SELECT rowid, json_extract(data, '$.content.text'), json_extract(data, '$.sentence'),"
                " json_extract(data, '$.claimant.name'), json_extract(data, '$.claimant.mention')"
                " FROM claim_data"
            ).fetchall()
            db.execute("DELETE FROM claims_fts")
            db.executemany(FTS_INSERT, [(r[0], *(fts_copy(t or "") for t in tuple(r)[1:])) for r in rows])
            db.create_function("claimsearch_fold", 1, normalize_keyword, deterministic=True)
            db.execute("UPDATE claim_keywords SET norm = claimsearch_fold(value)")
            db.execute("UPDATE claims SET publisher_norm = claimsearch_fold(coalesce(publisher, ''))")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.commit()
    except BaseException:
        db.rollback()
        raise


def _add_tables_since(db: sqlite3.Connection) -> None:
    """The tables added since files of this version were first written, each created and
    filled from what the file holds in one transaction (a new file fills them with nothing)."""
    _add_table(db, "claimant_said", [SAID_TABLE], lambda: count_said(db, claimants_held(db), +1))
    _add_table(
        db,
        "claimant_key_rows",
        [KEY_ROWS_TABLE, KEY_ROWS_INDEX],
        lambda: db.execute(
            "INSERT INTO claimant_key_rows (rowid, identity) SELECT rowid, identity FROM claimant_keys"
        ),
    )


def _add_table(db: sqlite3.Connection, name: str, statements: list[str], fill: Callable[[], object]) -> None:
    if _has_table(db, name):
        return
    db.execute("BEGIN IMMEDIATE")  # one process adds it; another opening the file meanwhile waits
    try:
        if not _has_table(db, name):
            for statement in statements:
                db.execute(statement)
            fill()
        db.commit()
    except BaseException:
        db.rollback()
        raise


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    return bool(db.execute("SELECT count(*) FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0])


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`; None when there is none."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


def remove_database(path: Path) -> None:
    """The database file and its write-ahead log files, if any."""
    for name in (str(path), f"{path}-wal", f"{path}-shm"):
        Path(name).unlink(missing_ok=True)
