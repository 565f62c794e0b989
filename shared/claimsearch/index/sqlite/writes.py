"""Writes of the SQLite index: an article's claims, the identities they name, and the
counts kept beside them (claims per identity, each cluster's size and first day).

Each function runs inside the caller's transaction (`db`); `columns`, when given, is
the connection's in-memory facet columns, kept current with what is written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from claimsearch.claimants.names import has_generational_suffix
from claimsearch.claimants.registry import Said, as_held_now, rederived, said_only_before, tallies
from claimsearch.index.fields import claim_fields
from claimsearch.index.normalize import normalize_keyword
from claimsearch.index.port import first_seen_key
from claimsearch.index.sqlite.facets import KEYWORD_FIELDS, FacetColumns
from claimsearch.index.sqlite.fts_text import fts_copy
from claimsearch.model import Article, Claim, Claimant, ClaimantIdentity


def write_article(
    db: sqlite3.Connection,
    article: Article,
    claims: list[Claim],
    claimants: Iterable[ClaimantIdentity],
    columns: FacetColumns | None,
) -> None:
    """The article and its claims in place of what the index held for it, with the
    identities given (as the registry holds them now: `registry.as_held_now`), and every
    count the change touches. An identity that the claims replaced said something of that
    the new ones do not is derived again from the claims then held (`rederive_claimants`)."""
    before = claimants_of_article(db, article.id)
    touched = {c.id for c in before if c.id}
    clusters = cluster_ids_of_article(db, article.id) | {c.cluster_id for c in claims if c.cluster_id}
    db.execute(
        "INSERT OR REPLACE INTO articles (id, publisher, published_at, data) VALUES (?,?,?,?)",
        (article.id, article.publisher, article.published_at, json.dumps(article.to_dict())),
    )
    delete_claims(db, article.id, columns)
    count_said(db, before, -1)
    for claim in claims:
        insert_claim(db, claim, columns)
    count_said(db, (c.claimant for c in claims), +1)
    own = tallies(c.claimant for c in claims)
    for identity in claimants:
        put_claimant(db, as_held_now(identity, held_identity(db, identity.id), own.get(identity.id, {})))
    rederive_claimants(db, said_only_before(before, (c.claimant for c in claims)))
    touched |= {c.claimant.id for c in claims if c.claimant.id}
    count_claims_of(db, touched)
    recount_clusters(db, clusters)


def delete_article(db: sqlite3.Connection, article_id: str, columns: FacetColumns | None) -> int:
    """The article and its claims gone, the counts they touched recounted and the identities
    they named derived again from the claims left; how many claims went."""
    before = claimants_of_article(db, article_id)
    clusters = cluster_ids_of_article(db, article_id)
    removed = delete_claims(db, article_id, columns)
    count_said(db, before, -1)
    db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
    rederive_claimants(db, said_only_before(before, ()))
    count_claims_of(db, {c.id for c in before if c.id})
    recount_clusters(db, clusters)
    return removed


def move_claimant(db: sqlite3.Connection, from_id: str, to: ClaimantIdentity) -> int:
    """Every claim of `from_id` filed under `to`: its record, its filter column and its
    cluster lookups; `from_id` points to `to`, `to` is put, both are counted. The number of
    claims moved."""
    moved = db.execute(
        "UPDATE claim_data SET data = json_set(data, '$.claimant.id', ?)"
        " WHERE rowid IN (SELECT rowid FROM claims WHERE claimant_id = ?)",
        (to.id, from_id),
    ).rowcount
    if from_id != to.id:  # what the claims say goes with them
        db.execute(
            "INSERT INTO claimant_said (identity, said, claims)"
            " SELECT ?, said, claims FROM claimant_said WHERE identity = ?"
            " ON CONFLICT (identity, said) DO UPDATE SET claims = claims + excluded.claims",
            (to.id, from_id),
        )
        db.execute("DELETE FROM claimant_said WHERE identity = ?", (from_id,))
    db.execute("UPDATE cluster_keys SET claimant_id = ? WHERE claimant_id = ?", (to.id, from_id))
    db.execute("UPDATE claims SET claimant_id = ? WHERE claimant_id = ?", (to.id, from_id))
    db.execute(
        "UPDATE claimants SET data = json_set(data, '$.merged_into', ?) WHERE id = ?", (to.id, from_id)
    )
    put_claimant(db, to)
    count_claims_of(db, [from_id, to.id])
    return moved


def claimants_of_article(db: sqlite3.Connection, article_id: str) -> list[Claimant]:
    """The claimant of each of the article's claims filed under an identity."""
    rows = db.execute(
        "SELECT json_extract(d.data, '$.claimant') FROM claims c JOIN claim_data d ON d.rowid = c.rowid"
        " WHERE c.article_id = ? AND c.claimant_id IS NOT NULL",
        (article_id,),
    )
    return [Claimant.from_dict(json.loads(r[0])) for r in rows]


def rederive_claimants(db: sqlite3.Connection, ids: Iterable[str]) -> None:
    """Each identity of `ids` as the claims filed under it say it (`registry.rederived`, from
    their tally: `said_under`); one under which no claim is filed any more is removed, with
    the pointers that lead to it (a surname alone whose claims had joined it: they went with
    its own)."""
    for identity_id in sorted(ids):
        identity = held_identity(db, identity_id)
        if identity is None:
            continue
        now = rederived(identity, said_under(db, identity_id))
        if now is not None:
            put_claimant(db, now)
            continue
        gone, frontier = set(), {identity_id}
        while frontier:  # pointers to pointers too ("Kaine" -> "Tim Kaine" -> "Timothy Kaine")
            gone |= frontier
            rows = db.execute(
                "SELECT id FROM claimants WHERE json_extract(data, '$.merged_into')"
                " IN (SELECT value FROM json_each(?))",
                (json.dumps(sorted(frontier)),),
            )
            frontier = {r[0] for r in rows} - gone
        remove_keys(db, gone)
        db.executemany("DELETE FROM claimants WHERE id = ?", [(i,) for i in sorted(gone)])


def held_identity(db: sqlite3.Connection, identity_id: str) -> ClaimantIdentity | None:
    """The identity the registry holds under `identity_id` (its stored form; counts apart)."""
    row = db.execute("SELECT data FROM claimants WHERE id = ?", (identity_id,)).fetchone()
    return ClaimantIdentity.from_dict(json.loads(row[0])) if row else None


def said_under(db: sqlite3.Connection, identity_id: str) -> dict[Said, int]:
    """How many claims filed under the identity say each thing of it (`registry.tallies`), as
    `count_said` keeps it in `claimant_said`."""
    rows = db.execute("SELECT said, claims FROM claimant_said WHERE identity = ?", (identity_id,))
    return {Said.from_key(r[0]): int(r[1]) for r in rows}


def count_said(db: sqlite3.Connection, claimants: Iterable[Claimant], sign: int) -> None:
    """Add (`sign` +1) or take away (-1) what the claimants filed under an identity say of
    it to `claimant_said`, the tally `said_under` reads; a thing no claim says any more goes."""
    counts = {(i, said.key()): n for i, said_n in tallies(claimants).items() for said, n in said_n.items()}
    db.executemany(
        "INSERT INTO claimant_said (identity, said, claims) VALUES (?,?,?)"
        " ON CONFLICT (identity, said) DO UPDATE SET claims = claims + excluded.claims",
        [(identity, key, sign * n) for (identity, key), n in sorted(counts.items())],
    )
    if sign < 0:
        db.executemany(
            "DELETE FROM claimant_said WHERE identity = ? AND said = ? AND claims <= 0", sorted(counts)
        )


def claimants_held(db: sqlite3.Connection) -> Iterator[Claimant]:
    """The claimant of every claim the index holds filed under an identity."""
    rows = db.execute(
        "SELECT json_extract(d.data, '$.claimant') FROM claims c JOIN claim_data d ON d.rowid = c.rowid"
        " WHERE c.claimant_id IS NOT NULL"
    )
    for row in rows:
        yield Claimant.from_dict(json.loads(row[0]))


def cluster_ids_of_article(db: sqlite3.Connection, article_id: str) -> set[str]:
    rows = db.execute(
        "SELECT DISTINCT cluster_id FROM claims WHERE article_id = ? AND cluster_id IS NOT NULL",
        (article_id,),
    )
    return {r[0] for r in rows}


def recount_clusters(db: sqlite3.Connection, ids: Iterable[str]) -> None:
    """Every member of the clusters `ids` gets its cluster's size and first-day key. A
    claim alone in its cluster holds its own from the start (`fields.claim_fields`)."""
    rows = db.execute(
        "SELECT cluster_id, count(*), min(published_date) FROM claims"
        " WHERE cluster_id IN (SELECT value FROM json_each(?)) GROUP BY cluster_id",
        (json.dumps(sorted(ids)),),
    ).fetchall()
    db.executemany(
        "UPDATE claims SET cluster_size = ?, cluster_first_key = ? WHERE cluster_id = ?",
        [(int(r[1]), first_seen_key(r[2]), r[0]) for r in rows],
    )


def put_claimant(db: sqlite3.Connection, identity: ClaimantIdentity) -> None:
    """The identity and its alias keys, in place of what the registry held for its id."""
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
    remove_keys(db, [identity.id])
    for key in identity.keys:
        row = db.execute("INSERT INTO claimant_key_rows (identity) VALUES (?)", (identity.id,)).lastrowid
        db.execute("INSERT INTO claimant_keys (rowid, key, identity) VALUES (?,?,?)", (row, key, identity.id))


def remove_keys(db: sqlite3.Connection, ids: Iterable[str]) -> None:
    """The alias keys of the identities `ids`, found by their rows (`schema.KEY_ROWS_TABLE`)."""
    rows = db.execute(
        "SELECT rowid FROM claimant_key_rows WHERE identity IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(ids)),),
    ).fetchall()
    db.executemany("DELETE FROM claimant_keys WHERE rowid = ?", [(r[0],) for r in rows])
    db.executemany("DELETE FROM claimant_key_rows WHERE rowid = ?", [(r[0],) for r in rows])


def count_claims_of(db: sqlite3.Connection, ids: Iterable[str]) -> None:
    db.executemany(
        "UPDATE claimants SET claims = (SELECT count(*) FROM claims WHERE claimant_id = ?) WHERE id = ?",
        [(i, i) for i in ids],
    )


FTS_COLUMNS = ("content", "sentence", "claimant", "claimant_mention")
FTS_INSERT = f"INSERT INTO claims_fts (rowid, {', '.join(FTS_COLUMNS)}) VALUES (?,?,?,?,?)"


def fts_texts(fields: dict[str, Any]) -> tuple[str, ...]:
    """A claim's texts as FTS5 indexes them: stop words blanked (`fts_text`)."""
    return tuple(fts_copy(fields[name] or "") for name in FTS_COLUMNS)


def insert_claim(db: sqlite3.Connection, claim: Claim, columns: FacetColumns | None) -> None:
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
    if columns is not None:
        columns.put(rowid, fields)
    db.execute(FTS_INSERT, (rowid, *fts_texts(fields)))
    db.execute("INSERT INTO claim_sources (rowid, words) VALUES (?,?)", (rowid, fields["claimant_words"]))
    for field, key in KEYWORD_FIELDS.items():
        db.executemany(
            "INSERT INTO claim_keywords (claim_rowid, field, value, norm) VALUES (?,?,?,?)",
            [(rowid, field, v, normalize_keyword(v)) for v in dict.fromkeys(fields[key])],
        )
    db.executemany(
        "INSERT INTO cluster_keys (claim_rowid, claimant_id, key) VALUES (?,?,?)",
        [(rowid, fields["cluster_claimant"], key) for key in fields["cluster_keys"]],
    )
    db.executemany(
        "INSERT INTO claim_replaces (old_id, claim_rowid) VALUES (?,?)",
        [(old, rowid) for old in claim.replaces],
    )


def delete_claims(db: sqlite3.Connection, article_id: str, columns: FacetColumns | None) -> int:
    rows = [r[0] for r in db.execute("SELECT rowid FROM claims WHERE article_id = ?", (article_id,))]
    db.executemany("DELETE FROM claims_fts WHERE rowid = ?", [(r,) for r in rows])
    db.executemany("DELETE FROM claim_sources WHERE rowid = ?", [(r,) for r in rows])
    db.executemany("DELETE FROM claim_data WHERE rowid = ?", [(r,) for r in rows])
    db.executemany("DELETE FROM claim_keywords WHERE claim_rowid = ?", [(r,) for r in rows])
    db.executemany("DELETE FROM cluster_keys WHERE claim_rowid = ?", [(r,) for r in rows])
    db.executemany("DELETE FROM claim_replaces WHERE claim_rowid = ?", [(r,) for r in rows])
    db.execute("DELETE FROM claims WHERE article_id = ?", (article_id,))
    if columns is not None:
        columns.forget(rows)
    return len(rows)


def _date(value: str | None) -> str | None:
    return value[:10] if value else None
