"""What an edit or a takedown naming a much-quoted person costs as that person's claims grow:
the identity derived again from the index's tally of what its claims say, against reading
every one of its claims (how the index did it before the tally).

    .venv/bin/python bench/bench_hot_identity.py [--engine sqlite|opensearch|both] \
        [--opensearch-url http://127.0.0.1:9200] [--sizes 1000 10000 100000] [--runs 5]

For each size N, a fresh index holds N claims by one person ("Donald Trump", filed as
`reindex` files them: ten to an article, with a dozen roles, three organisations and four
ways of writing the name among them), then, --runs times: an article of ten more claims
by him with a role no other claim gives is indexed, edited (that role corrected: the
registry derives him again) and deleted (derived again once more). Edits and deletes are
timed (the index write alone), in turn with the shipped read of what his claims say
(`writes.said_under` on SQLite, `OpenSearchIndex._said_under` on OpenSearch: the tally) and
with every claim read and tallied here, as before; both on the same index, alternating.
Each figure is the median of the runs. Synthetic claims: no corpus needed. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from bench_cluster_ingest import Fresh, engines
from bench_index import Pairs, file_corpus
from synthetic_claims import article, claim

from claimsearch.claimants.registry import Said, file_claims, identity_id, tallies, updated_identities
from claimsearch.index.port import SearchIndex
from claimsearch.model import Article, Claim, Claimant

ROLES = [f"role {n}" for n in range(12)]
ORGANIZATIONS = [None, "Trump Organization", "Republican Party"]
MENTIONS = ["Donald Trump", "Trump", "Mr. Trump", "Donald J. Trump"]
PER_ARTICLE = 10


def claims_of(a: Article, seed: int, role: str | None = None) -> list[Claim]:
    """Ten claims by the person, said in the ways `seed` picks (or all with `role`)."""
    made = []
    for n in range(PER_ARTICLE):
        k = seed + n
        mention = MENTIONS[k % len(MENTIONS)]
        claimant = Claimant(
            mention,
            (n * 100 - 20, n * 100 - 5),
            "Donald Trump",
            "person",
            role=role or ROLES[k % len(ROLES)],
            organization=ORGANIZATIONS[k % len(ORGANIZATIONS)],
        )
        made.append(claim(a, n, claimant, f"claim {k} about taxes and trade"))
    return made


def corpus(size: int) -> Pairs:
    pairs: Pairs = []
    for n in range(size // PER_ARTICLE):
        a = article(f"hot-{n}")
        pairs.append((a, claims_of(a, n)))
    return pairs


def sqlite_every_claim(db: sqlite3.Connection, identity: str) -> dict[Said, int]:
    """The read before the tally: every claim filed under the identity, tallied here."""
    rows = db.execute(
        "SELECT json_extract(d.data, '$.claimant') FROM claims c JOIN claim_data d ON d.rowid = c.rowid"
        " WHERE c.claimant_id = ?",
        (identity,),
    )
    said = (json.loads(r[0]) for r in rows)
    claimants = (
        Claimant(d["mention"], None, d["name"], d["type"], None, d["role"], d["organization"], identity)
        for d in said
    )
    return tallies(claimants).get(identity, {})


def opensearch_every_claim(index: Any, ids: list[str]) -> dict[str, Counter[Said]]:
    """The read before the tally: every claim filed under `ids`, paged, tallied here."""
    found: list[Claimant] = []
    body: dict[str, Any] = {
        "query": {"bool": {"filter": [{"terms": {"claimant_id": ids}}]}},
        "sort": [{"id": "asc"}],
        "_source": ["claim.claimant"],
        "size": 1000,
    }
    while True:
        hits = index._search(index.claims_alias, body, "read the claims of claimants")["hits"]["hits"]
        for hit in hits:
            found.append(Claimant.from_dict(hit["_source"]["claim"]["claimant"]))
        if len(hits) < 1000:
            return tallies(found)
        body = {**body, "search_after": hits[-1]["sort"]}


@contextmanager
def every_claim(on: bool) -> Iterator[None]:
    if not on:
        yield
        return
    from claimsearch.index.opensearch import OpenSearchIndex

    with (
        mock.patch("claimsearch.index.sqlite.writes.said_under", sqlite_every_claim),
        mock.patch.object(OpenSearchIndex, "_said_under", opensearch_every_claim),
    ):
        yield


def timed(index: SearchIndex, a: Article, claims: list[Claim]) -> float:
    filed = file_claims(claims, index)
    identities = updated_identities(filed, index)
    start = time.perf_counter()
    if not index.index_article(a, filed.claims, identities).ok:
        raise SystemExit("indexing failed")
    return (time.perf_counter() - start) * 1000


def measure(index: SearchIndex, runs: int) -> dict[str, dict[str, list[float]]]:
    """Ms per edit and per delete, with the tally and with every claim read, alternating."""
    times: dict[str, dict[str, list[float]]] = {
        mode: {"edit": [], "delete": []} for mode in ("tally", "every claim")
    }
    hot = identity_id("donald trump")
    for run in range(runs):
        for mode in ("tally", "every claim") if run % 2 == 0 else ("every claim", "tally"):
            a = article(f"edited-{run}-{mode.replace(' ', '-')}")
            timed(index, a, claims_of(a, run, role="interim role"))
            with every_claim(mode == "every claim"):
                times[mode]["edit"].append(timed(index, a, claims_of(a, run)))
                start = time.perf_counter()
                index.delete_article(a.id)
                times[mode]["delete"].append((time.perf_counter() - start) * 1000)
            if "interim role" in index.get_claimants([hot])[hot].roles:
                raise SystemExit("the role an edit took back is still held: the bench measures nothing")
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engine", choices=("sqlite", "opensearch", "both"), default="both")
    parser.add_argument("--opensearch-url", default="http://127.0.0.1:9200")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    names = ["sqlite", "opensearch"] if args.engine == "both" else [args.engine]
    with tempfile.TemporaryDirectory() as workdir:
        made: dict[str, Fresh] = engines(names, args.opensearch_url, Path(workdir))
        for name, fresh in made.items():
            for size in args.sizes:
                filed, identities = file_corpus(corpus(size))
                index, remove = fresh()
                try:
                    start = time.perf_counter()
                    index.rebuild(filed, identities.copy)
                    load = time.perf_counter() - start
                    times = measure(index, args.runs)
                finally:
                    remove()
                figures = {
                    mode: {op: statistics.median(v) for op, v in ops.items()} for mode, ops in times.items()
                }
                tallied, every = figures["tally"], figures["every claim"]
                print(
                    f"{name} {size:>7} claims by one person (loaded in {load:.1f} s): "
                    f"edit {every['edit']:.1f} -> {tallied['edit']:.1f} ms "
                    f"(x{every['edit'] / tallied['edit']:.1f}), "
                    f"delete {every['delete']:.1f} -> {tallied['delete']:.1f} ms "
                    f"(x{every['delete'] / tallied['delete']:.1f}) "
                    f"[every claim read -> tally; median of {args.runs}]",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
