"""What putting an identity costs the SQLite index as the registry grows: its alias keys
found by their rows (`claimant_key_rows`), against a delete by the keys' UNINDEXED identity
column, which FTS5 answers by reading every key of the registry (how the index did it before).

    .venv/bin/python bench/bench_registry_size.py [--sizes 5000 50000 200000] [--runs 5]

For each size N, a fresh index holds N people with one claim each (ten to an article, filed
as `reindex` files them); then, --runs times, an article of ten claims by ten of them is
indexed (ten identities put, each with its keys) and deleted, in turn with the shipped
`writes.remove_keys` and with the delete by identity; the index write alone is timed, each
figure the median of the runs. Synthetic claims: no corpus needed. Prints figures; asserts
nothing.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from bench_index import Pairs, file_corpus
from synthetic_claims import article, claim

from claimsearch.claimants.registry import file_claims, updated_identities
from claimsearch.index.sqlite import SqliteIndex
from claimsearch.model import Article, Claim, Claimant

PER_ARTICLE = 10
GIVEN = ["Anna", "Boris", "Chen", "Dana", "Emil", "Farah", "Goran", "Hana", "Ivan", "Jun"]


def person(n: int) -> str:
    """A distinct two-word name per n: a given name and a made-up surname."""
    letters = "bcdfghjklmnprstvz"
    surname, k = "", n
    while True:
        surname += letters[k % len(letters)] + "aeiou"[k // len(letters) % 5]
        k //= len(letters) * 5
        if k == 0:
            break
    return f"{GIVEN[n % len(GIVEN)]} {surname.capitalize()}"


def claims_of(a: Article, people: Iterable[int]) -> list[Claim]:
    made = []
    for n, who in enumerate(people):
        name = person(who)
        claimant = Claimant(name, (n * 100 - 20, n * 100 - 5), name, "person")
        made.append(claim(a, n, claimant, f"claim {who} about taxes"))
    return made


def corpus(size: int) -> Pairs:
    pairs: Pairs = []
    for n in range(size // PER_ARTICLE):
        a = article(f"people-{n}")
        pairs.append((a, claims_of(a, range(n * PER_ARTICLE, (n + 1) * PER_ARTICLE))))
    return pairs


def remove_keys_by_identity(db: sqlite3.Connection, ids: Iterable[str]) -> None:
    """The delete before the key rows: by the UNINDEXED column (the rows table left as is)."""
    db.executemany("DELETE FROM claimant_keys WHERE identity = ?", [(i,) for i in sorted(ids)])


@contextmanager
def by_identity(on: bool) -> Iterator[None]:
    if not on:
        yield
        return
    with mock.patch("claimsearch.index.sqlite.writes.remove_keys", remove_keys_by_identity):
        yield


def measure(index: SqliteIndex, size: int, runs: int) -> dict[str, dict[str, list[float]]]:
    times: dict[str, dict[str, list[float]]] = {m: {"index": [], "delete": []} for m in ("rows", "identity")}
    for run in range(runs):
        for mode in ("rows", "identity") if run % 2 == 0 else ("identity", "rows"):
            a = article(f"again-{run}-{mode}")
            people = range(run * 7919 % size, size, max(1, size // PER_ARTICLE))
            filed = file_claims(claims_of(a, list(people)[:PER_ARTICLE]), index)
            identities = updated_identities(filed, index)
            with by_identity(mode == "identity"):
                start = time.perf_counter()
                if not index.index_article(a, filed.claims, identities).ok:
                    raise SystemExit("indexing failed")
                times[mode]["index"].append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                index.delete_article(a.id)
                times[mode]["delete"].append((time.perf_counter() - start) * 1000)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000, 200000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        for size in args.sizes:
            filed, identities = file_corpus(corpus(size))
            index = SqliteIndex(Path(workdir) / f"registry-{size}.sqlite3")
            start = time.perf_counter()
            index.rebuild(filed, identities.copy)
            load = time.perf_counter() - start
            with sqlite3.connect(index.path) as db:
                keys = db.execute("SELECT count(*) FROM claimant_keys").fetchone()[0]
            times = measure(index, size, args.runs)
            index.close()
            f = {m: {op: statistics.median(v) for op, v in ops.items()} for m, ops in times.items()}
            print(
                f"sqlite {len(identities):>7} identities, {keys} keys (loaded in {load:.1f} s): "
                f"an article of {PER_ARTICLE} of them indexed {f['identity']['index']:.1f} -> "
                f"{f['rows']['index']:.1f} ms (x{f['identity']['index'] / f['rows']['index']:.1f}), "
                f"deleted {f['identity']['delete']:.1f} -> {f['rows']['delete']:.1f} ms "
                f"(x{f['identity']['delete'] / f['rows']['delete']:.1f}) "
                f"[keys deleted by identity -> by their rows; median of {args.runs}]",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
