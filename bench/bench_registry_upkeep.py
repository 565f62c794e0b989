"""What keeping the registry to the claims held costs edits and deletes, and what it buys:
PolNeAR dev then train in one index, then a sample of its articles edited and deleted.

    .venv/bin/python bench/bench_registry_upkeep.py [--polnear ../shared/data/polnear] \
        [--engine sqlite|opensearch|both] [--opensearch-url http://127.0.0.1:9200] [--runs 3] \
        [--sample 100]

Each run loads every article into a fresh index as `reindex` does, then, for every
`len/--sample`-th article: an edit (its claims written again with each claimant's role
changed, filed as ingest files them), the edit undone (the claims as they were), and, once
all are done, a delete of each. Times are of the index write alone (`index_article`,
`delete_article`), where the upkeep runs: an identity that the replaced claims said something
of that the new ones do not is derived again from the claims the index then holds, and one
with none left is removed. "without" skips that step (`rederive_claimants` on SQLite,
`_rederive` on OpenSearch), which is how the index wrote before it. Runs alternate between
the two so that both see the same machine load; each figure is the median of --runs runs'
medians.

What it buys: after the deletes, the live registry against the one `reindex` files from the
articles left (`registry.file_all`): the identities it holds that a rebuild does not (names
and roles of people only deleted articles named) and those whose names, roles, organisations
or type differ from the rebuilt ones. Extraction is cached as JSONL as bench_index caches it.
Prints figures; asserts nothing. Skips (exit 0) when the corpus is absent.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from unittest import mock

from bench_cluster_ingest import Loads, add_load_arguments, alternating, dev_then_train, engines
from bench_index import Pairs, file_corpus

from claimsearch.claimants.registry import file_all, file_claims, updated_identities
from claimsearch.index.port import SearchIndex
from claimsearch.model import Claim, ClaimantIdentity


@contextmanager
def upkeep(on: bool) -> Iterator[None]:
    """The upkeep as shipped, or off: each adapter's step skipped, as the index wrote before it."""
    if on:
        yield
        return
    from claimsearch.index.opensearch import OpenSearchIndex

    with (
        mock.patch("claimsearch.index.sqlite.writes.rederive_claimants", lambda *_: None),
        mock.patch.object(OpenSearchIndex, "_rederive", lambda *_: {}),
    ):
        yield


@dataclass
class Run:
    edits: list[float]  # ms per write: the edit, then the edit undone
    deletes: list[float]
    extra: int  # identities the live registry holds that a rebuild does not
    differ: int  # identities both hold, said otherwise


def retitled(claims: list[Claim]) -> list[Claim]:
    """The claims with every claimant's role changed, as a corrected article would give them."""
    return [replace(c, claimant=replace(c.claimant, role="corrected role")) for c in claims]


def write(index: SearchIndex, pairs: Pairs, article_id: str, claims: list[Claim]) -> float:
    """Ms of the index write of `claims` as the article's, filed as ingest files them."""
    article = next(a for a, _ in pairs if a.id == article_id)
    filed = file_claims(claims, index)
    identities = updated_identities(filed, index)
    start = time.perf_counter()
    report = index.index_article(article, filed.claims, identities)
    elapsed = (time.perf_counter() - start) * 1000
    if not report.ok:
        raise SystemExit(f"indexing failed: {report.failed}")
    return elapsed


def said(identity: ClaimantIdentity) -> tuple[object, ...]:
    return (
        identity.name,
        identity.type,
        sorted(identity.aliases),
        sorted(identity.roles),
        sorted(identity.organizations),
    )


def run_once(index: SearchIndex, pairs: Pairs, sample: list[str], on: bool) -> Run:
    filed, identities = file_corpus(pairs)
    index.rebuild(filed, lambda: identities)
    claims = {article.id: claims for article, claims in filed}
    edits: list[float] = []
    deletes: list[float] = []
    with upkeep(on):
        for article_id in sample:
            edits.append(write(index, filed, article_id, retitled(claims[article_id])))
            edits.append(write(index, filed, article_id, claims[article_id]))
        for article_id in sample:
            start = time.perf_counter()
            index.delete_article(article_id)
            deletes.append((time.perf_counter() - start) * 1000)
    left = [(a, c) for a, c in pairs if a.id not in set(sample)]
    pairs_left, rebuilt = file_all(lambda: left)
    for _ in pairs_left:  # the registry fills as the pairs are read
        pass
    named = {c.claimant.id for article_id in sample for c in claims[article_id] if c.claimant.id}
    live = index.get_claimants(sorted(named | set(rebuilt.identities)))
    extra = sum(
        1 for i, identity in live.items() if i not in rebuilt.identities and identity.merged_into is None
    )
    differ = sum(
        1
        for i, identity in live.items()
        if i in rebuilt.identities
        and identity.merged_into is None
        and said(identity) != said(rebuilt.identities[i])
    )
    return Run(edits, deletes, extra, differ)


def spread(values: Iterable[float]) -> str:
    ordered = sorted(values)
    return f"median {statistics.median(ordered):.2f} ms, p95 {statistics.quantiles(ordered, n=20)[-1]:.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_load_arguments(parser)
    parser.add_argument("--sample", type=int, default=100, help="articles edited and deleted per run")
    args = parser.parse_args(argv)
    loaded = dev_then_train(args.polnear, args.cache_dir)
    if loaded is None:
        return 0
    _, pairs = loaded
    step = max(1, len(pairs) // max(1, args.sample))
    sample = [article.id for article, _ in pairs[::step]][: args.sample]
    claims = sum(len(c) for a, c in pairs if a.id in set(sample))
    print(f"sample: {len(sample)} articles ({claims} claims), edited, edited back, then deleted")

    names = ["sqlite", "opensearch"] if args.engine == "both" else [args.engine]
    with tempfile.TemporaryDirectory() as workdir:
        fresh = engines(names, args.opensearch_url, Path(workdir))
        for name, make in fresh.items():
            edits, deletes = Loads(), Loads()
            found: dict[bool, Run] = {}
            for run, on, index, remove in alternating(args.runs, make):
                try:
                    result = run_once(index, pairs, sample, on)
                finally:
                    remove()
                edits.add(on, result.edits)
                deletes.add(on, result.deletes)
                found.setdefault(on, result)
                print(
                    f"  {name} run {run + 1} {'with' if on else 'without'} upkeep: "
                    f"edits {spread(result.edits)}; deletes {spread(result.deletes)}; after the deletes, "
                    f"against a rebuild: "
                    f"{result.extra} identities a rebuild lacks, {result.differ} said otherwise",
                    flush=True,
                )
            for label, loads in (("edit", edits), ("delete", deletes)):
                without, with_ = loads.median(False), loads.median(True)
                print(
                    f"{name}: {label} write (median of {args.runs} runs' medians) without upkeep "
                    f"{without:.2f} ms, with {with_:.2f} ms (x{with_ / without:.2f}); "
                    f"all {label}s {loads.total(False):.2f} s "
                    f"vs {loads.total(True):.2f} s"
                )
            print(
                f"{name}: after deleting {len(sample)} articles, identities the live registry holds that a "
                f"rebuild does not: without upkeep {found[False].extra}, with {found[True].extra}; said "
                f"otherwise: {found[False].differ}, {found[True].differ}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
