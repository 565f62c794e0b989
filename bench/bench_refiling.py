"""What filing earlier descriptions again costs ingest, and what it buys: PolNeAR dev, then
train, article by article, both engines.

    .venv/bin/python bench/bench_refiling.py [--polnear ../shared/data/polnear] \
        [--engine sqlite|opensearch|both] [--opensearch-url http://127.0.0.1:9200] [--runs 3]

Each article goes through what `IngestService._store` does after extraction: claimants
filed and clusters assigned against the index, then (with) `refiling.file_descriptions_elsewhere`
(the articles indexed before whose descriptions this article's new roles fit, filed again),
the article indexed, and the identities it joins moved. "without" leaves the refiling out,
which is ingest as it was before it. Runs alternate between the two so that both see the
same machine load; per-article times are medians over every article, each figure the
median of --runs runs. The archive is left out of both sides (the refiling's check that
the archive still holds an article's claims is one read per article it writes).

What it buys: after the load, every claim's identity in the index against the one
`reindex` files from the same articles (`registry.file_all`): the claims the live index
files otherwise. Extraction is cached as JSONL as bench_index caches it.
Prints figures; asserts nothing. Skips (exit 0) when the corpus is absent.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench_cluster_ingest import Loads, add_load_arguments, alternating, dev_then_train, engines
from bench_index import Pairs

from claimsearch.claimants.registry import file_all, file_claims, identities_joined, updated_identities
from claimsearch.clusters.assign import clustered
from claimsearch.index.port import SearchIndex
from claimsearch.refiling import file_descriptions_elsewhere


def ingest_all(index: SearchIndex, pairs: Pairs, refiling: bool) -> tuple[list[float], int, int]:
    """Ms per article, the claims the refiling filed and the articles it wrote."""
    index.ensure_ready()
    times: list[float] = []
    filed_again = writes = 0
    for article, claims in pairs:
        start = time.perf_counter()
        filed = file_claims(claims, index)
        filed = replace(filed, claims=clustered(filed.claims, index))
        if refiling:
            count = file_descriptions_elsewhere(index, article.id, filed)
            filed_again += count
            writes += count > 0
        report = index.index_article(article, filed.claims, updated_identities(filed, index))
        for alone, person in identities_joined(filed, index):
            index.move_claimant(alone, person)
        times.append((time.perf_counter() - start) * 1000)
        if not report.ok:
            raise SystemExit(f"indexing failed: {report.failed}")
    return times, filed_again, writes


def filed_otherwise(index: SearchIndex, pairs: Pairs) -> int:
    """Claims the index files under another identity than `reindex` would."""
    rebuilt, _ = file_all(lambda: pairs)
    expected = {c.id: c.claimant.id for _, claims in rebuilt for c in claims}
    held = {c.id: c.claimant.id for article, _ in pairs for c in index.claims_for_article(article.id)}
    return sum(held.get(i) != identity for i, identity in expected.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_load_arguments(parser)
    args = parser.parse_args(argv)
    loaded = dev_then_train(args.polnear, args.cache_dir)
    if loaded is None:
        return 0
    _, pairs = loaded

    names = ["sqlite", "opensearch"] if args.engine == "both" else [args.engine]
    with tempfile.TemporaryDirectory() as workdir:
        fresh = engines(names, args.opensearch_url, Path(workdir))
        for name, make in fresh.items():
            loads = Loads()
            otherwise: dict[bool, int] = {}
            for run, on, index, remove in alternating(args.runs, make):
                try:
                    times, filed_again, writes = ingest_all(index, pairs, on)
                    if run == 0:
                        otherwise[on] = filed_otherwise(index, pairs)
                finally:
                    remove()
                loads.add(on, times)
                print(
                    f"  {name} run {run + 1} {'with' if on else 'without'} refiling: median "
                    f"{statistics.median(times):.2f} ms per article, p95 "
                    f"{statistics.quantiles(times, n=20)[-1]:.1f} ms, {sum(times) / 1000:.1f} s in all"
                    + (f"; {filed_again} claims filed again, {writes} articles written" if on else ""),
                    flush=True,
                )
            without, with_ = loads.median(False), loads.median(True)
            print(
                f"{name}: index path per article (median of {args.runs} runs' medians) without refiling "
                f"{without:.2f} ms, with {with_:.2f} ms (x{with_ / without:.3f}); whole load "
                f"{loads.total(False):.1f} s vs {loads.total(True):.1f} s"
            )
            print(
                f"{name}: claims the live index files otherwise than reindex: without refiling "
                f"{otherwise[False]}, with {otherwise[True]}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
