"""Writers side by side: PolNeAR dev then train ingested by several writers at once, each with
its own index client (as several ingest functions are), then the registry checked against
the claims the index holds.

    .venv/bin/python bench/bench_concurrent_writers.py [--polnear ../shared/data/polnear] \
        [--engine sqlite|opensearch|both] [--opensearch-url http://127.0.0.1:9200] [--runs 3] \
        [--writers 4]

Each run loads a fresh index twice: with one writer, then with --writers writers taking the
articles in turn, each doing what `IngestService` does after extraction (claims filed against
the index, `index_article` with the identities `updated_identities` gives, the surnames that
joined a person moved to them). Writers share the articles of a person: when two put the
same identity at once, the put that lands last must hold what both added.

After each load, for every identity some claim is filed under (claims read back article by
article): whether the registry holds it; whether its count is the number of claims filed under
it; whether it lacks a name, mention, role or organisation those claims say (what
`registry.rederived` makes of their tally). One writer is the control: its figures are what the
filing rules leave, with no writer between. Times: articles per second of the whole load, and
(OpenSearch) how many conditional puts another writer's put overtook and were made again.
Run it against an older commit with that commit's `shared/` on PYTHONPATH for a baseline.
Extraction is cached as JSONL as bench_index caches it. Prints figures; asserts nothing.
Skips (exit 0) when the corpus is absent.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from bench_cluster_ingest import add_load_arguments, dev_then_train
from bench_index import Pairs

from claimsearch.claimants.registry import (
    file_claims,
    identities_joined,
    rederived,
    tallies,
    updated_identities,
)
from claimsearch.index.port import SearchIndex
from claimsearch.model import Claim


@dataclass
class Checked:
    identities: int  # identities some claim is filed under
    missing: int  # ... that the registry does not hold
    miscounted: int  # ... whose count is not the number of claims filed under them
    lacking: int  # ... that lack a name, mention, role or organisation their claims say
    per_second: float  # articles per second of the whole load
    retried: int  # conditional puts refused and made again (OpenSearch; -1: none made, SQLite or older code)


def ingest(index: SearchIndex, pairs: Pairs) -> None:
    for article, claims in pairs:
        filed = file_claims(claims, index)
        report = index.index_article(article, filed.claims, updated_identities(filed, index))
        if not report.ok:
            raise SystemExit(f"indexing failed: {report.failed}")
        for alone, person in identities_joined(filed, index):
            index.move_claimant(alone, person)


def check(index: SearchIndex, pairs: Pairs) -> tuple[int, int, int, int]:
    held: list[Claim] = [c for article, _ in pairs for c in index.claims_for_article(article.id)]
    counts = Counter(c.claimant.id for c in held if c.claimant.id)
    said = tallies(c.claimant for c in held)
    live = index.get_claimants(sorted(counts))
    missing = sum(1 for i in counts if i not in live)
    miscounted = sum(1 for i, identity in live.items() if identity.claims != counts[i])
    lacking = 0
    for i, identity in live.items():
        wanted = rederived(identity, said.get(i, {}))
        if wanted is not None and (
            set(wanted.aliases) - set(identity.aliases)
            or set(wanted.roles) - set(identity.roles)
            or set(wanted.organizations) - set(identity.organizations)
        ):
            lacking += 1
    return len(counts), missing, miscounted, lacking


def conflicts_counted() -> tuple[Callable[[], int], mock._patch[object] | None]:
    """A counter of conditional puts refused for another writer's (where this code makes them)."""
    from claimsearch.index.opensearch import adapter

    if not hasattr(adapter, "is_conflict"):  # a commit from before conditional puts
        return (lambda: -1), None
    seen = [0]
    lock = threading.Lock()
    original = adapter.is_conflict

    def counting(reason: str) -> bool:
        found = original(reason)
        if found:
            with lock:
                seen[0] += 1
        return found

    return (lambda: seen[0]), mock.patch.object(adapter, "is_conflict", counting)


def load(make: Callable[[], SearchIndex], pairs: Pairs, writers: int, opensearch: bool) -> Checked:
    indices = [make() for _ in range(writers)]  # one client (connection) per writer
    indices[0].ensure_ready()
    shares = [pairs[w::writers] for w in range(writers)]
    retried, patch = conflicts_counted() if opensearch else ((lambda: -1), None)
    if patch is not None:
        patch.start()
    try:
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=writers) as pool:
            for done in [
                pool.submit(ingest, index, share) for index, share in zip(indices, shares, strict=True)
            ]:
                done.result()
        elapsed = time.perf_counter() - start
    finally:
        if patch is not None:
            patch.stop()
    found = check(indices[0], pairs)
    return Checked(*found, per_second=len(pairs) / elapsed, retried=retried())


def makers(
    name: str, url: str, workdir: Path, run: str
) -> tuple[Callable[[], SearchIndex], Callable[[], None]]:
    """Indices over one fresh store (each call a new client or connection), and its removal."""
    if name == "sqlite":
        from claimsearch.index.sqlite import SqliteIndex

        path = workdir / f"{run}.sqlite3"

        def remove() -> None:
            for file in workdir.glob(f"{run}.*"):
                file.unlink()

        return (lambda: SqliteIndex(path)), remove
    from claimsearch.index.opensearch import Endpoint, OpenSearchIndex

    prefix = f"bench-writers-{run}"
    return (lambda: OpenSearchIndex(Endpoint(url), prefix=prefix)), OpenSearchIndex(
        Endpoint(url), prefix
    ).drop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_load_arguments(parser)
    parser.add_argument("--writers", type=int, default=4)
    args = parser.parse_args(argv)
    loaded = dev_then_train(args.polnear, args.cache_dir)
    if loaded is None:
        return 0
    _, pairs = loaded
    names = ["sqlite", "opensearch"] if args.engine == "both" else [args.engine]
    with tempfile.TemporaryDirectory() as workdir:
        for name in names:
            found: dict[int, list[Checked]] = {1: [], args.writers: []}
            for run in range(args.runs):
                for writers in found:
                    make, remove = makers(name, args.opensearch_url, Path(workdir), f"{run}-{writers}")
                    try:
                        checked = load(make, pairs, writers, name == "opensearch")
                    finally:
                        remove()
                    found[writers].append(checked)
                    print(f"  {name} run {run + 1}, {writers} writer(s): {checked}", flush=True)
            for writers, runs in found.items():
                print(
                    f"{name}, {writers} writer(s), median of {len(runs)} runs: "
                    f"{statistics.median(r.per_second for r in runs):.1f} articles/s; of "
                    f"{statistics.median(r.identities for r in runs):.0f} identities with claims, "
                    f"not held {statistics.median(r.missing for r in runs):.0f}, "
                    f"miscounted {statistics.median(r.miscounted for r in runs):.0f}, "
                    f"lacking what their claims say {statistics.median(r.lacking for r in runs):.0f}; "
                    f"puts made again {statistics.median(r.retried for r in runs):.0f}"
                    f" (max over runs: not held {max(r.missing for r in runs)}, miscounted "
                    f"{max(r.miscounted for r in runs)}, lacking {max(r.lacking for r in runs)})"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
