"""Where an OpenSearch load's time goes: the loader's CPU against the node's, phase by phase.

    .venv/bin/python bench/bench_load.py --claims 200000 [--runs 3] [--senders 3]
        [--opensearch-url http://127.0.0.1:9200]

Loads N claims (PolNeAR train's extracted claims copied under new ids, as
`bench_search.py` builds them, from the same cache) with `OpenSearchIndex.rebuild`, --runs
times into fresh indices, and prints for each load: claims/s, wall time, this process's
CPU time (the loader: building, encoding, sending) and the node's CPU time, and the same
split for the phases `rebuild` goes through (the claims' bulk requests, the refreshes, the
clusters' recount, the flush), plus the garbage collector's passes during the load. The
node's CPU is read from /proc, so it is reported only for a node on this machine (a node
started by `infra/opensearch/node.sh`); elsewhere it is left out. Medians over the runs
close the table. Prints figures; asserts nothing; skips when PolNeAR is absent.

Why it exists: on a 2-core machine that runs both, a load is bound by whichever side runs
out of CPU first; `bench_search.py`'s claims/s alone does not say which.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench_index import extract_corpus, file_corpus, scale
from bench_search import exactly

from claimsearch.index import opensearch
from claimsearch.index.opensearch import writes

REPO = Path(__file__).resolve().parents[1]
PHASES = ("claims bulk", "refresh", "recount", "flush")


def node_pid() -> int | None:
    found = subprocess.run(
        ["pgrep", "-f", "org.opensearch.bootstrap.OpenSearch"], capture_output=True, text=True
    ).stdout.split()
    return int(found[0]) if len(found) == 1 else None


def cpu_of(pid: int | None) -> float:
    """User + system CPU seconds of process `pid` (0 when unknown)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Clock:
    """Wall, own CPU and node CPU seconds, summed per phase."""

    def __init__(self, node: int | None) -> None:
        self.node = node
        self.phases: dict[str, list[float]] = {name: [0.0, 0.0, 0.0] for name in PHASES}

    def now(self) -> tuple[float, float, float]:
        return time.perf_counter(), time.process_time(), cpu_of(self.node)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = self.now()
        try:
            yield
        finally:
            for i, (end, begin) in enumerate(zip(self.now(), start, strict=True)):
                self.phases[name][i] += end - begin

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.phase(name):
                return function(*args, **kwargs)

        return timed


def one_load(url: str, scaled: Any, identities: Any, node: int | None) -> dict[str, Any]:
    clock = Clock(node)
    index = opensearch.OpenSearchIndex(opensearch.Endpoint(url), prefix=f"bench-load-{uuid.uuid4().hex[:8]}")
    index.ensure_ready()
    client = index.client
    # The phases, timed where `rebuild` calls them (module attributes and client methods).
    saved = writes.pipelined_bulk, writes.recount_clusters, client.indices.refresh, client.indices.flush
    writes.pipelined_bulk = clock.wrap("claims bulk", writes.pipelined_bulk)
    writes.recount_clusters = clock.wrap("recount", writes.recount_clusters)
    client.indices.refresh = clock.wrap("refresh", client.indices.refresh)
    client.indices.flush = clock.wrap("flush", client.indices.flush)
    passes = [s["collections"] for s in gc.get_stats()]
    try:
        start = clock.now()
        index.rebuild(iter(scaled), identities.copy)
        wall, own, node_cpu = (end - begin for end, begin in zip(clock.now(), start, strict=True))
    finally:
        writes.pipelined_bulk, writes.recount_clusters, client.indices.refresh, client.indices.flush = saved
        index.drop()
    claims = sum(len(c) for _, c in scaled)
    return {
        "claims_per_s": claims / wall,
        "wall_s": wall,
        "loader_cpu_s": own,
        "node_cpu_s": node_cpu,
        "gc_passes": [s["collections"] - p for s, p in zip(gc.get_stats(), passes, strict=True)],
        "phases": clock.phases,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--claims", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--senders", type=int, default=writes.LOAD_WORKERS, help="bulk sender threads")
    parser.add_argument("--opensearch-url", default="http://127.0.0.1:9200")
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "data" / "polnear" / "train")
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "claimsearch-bench-claims.jsonl"
    )
    args = parser.parse_args(argv)
    if not args.cache.is_file() and not (args.corpus / "text").is_dir():
        print(f"skipped: PolNeAR not found at {args.corpus} (and no extracted claims at {args.cache})")
        return 0
    writes.LOAD_WORKERS = args.senders
    pairs, identities = file_corpus(extract_corpus(args.corpus, args.cache))
    scaled = exactly(scale(pairs, args.claims), args.claims)
    # The corpus in memory is the benchmark's, not the loader's: kept out of the collector's
    # passes, as bench_search.py does, so that what is measured is what a load adds.
    gc.freeze()
    node = node_pid()
    print(
        f"{args.claims} claims, {args.senders} sender(s), {args.runs} load(s);"
        f" node CPU {'from pid ' + str(node) if node else 'not measured (no single local node)'};"
        f" load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    results = []
    for run in range(1, args.runs + 1):
        r = one_load(args.opensearch_url, scaled, identities, node)
        results.append(r)
        print(
            f"load {run}: {r['claims_per_s']:,.0f} claims/s, wall {r['wall_s']:.1f} s,"
            f" loader CPU {r['loader_cpu_s']:.1f} s, node CPU {r['node_cpu_s']:.1f} s,"
            f" collector passes by generation {r['gc_passes']}"
        )
        for name, (wall, own, node_cpu) in r["phases"].items():
            print(f"  {name:12s} wall {wall:6.1f} s  loader CPU {own:6.1f} s  node CPU {node_cpu:6.1f} s")
    med = statistics.median
    print(
        f"median of {len(results)}: {med(r['claims_per_s'] for r in results):,.0f} claims/s,"
        f" loader CPU {med(r['loader_cpu_s'] for r in results) / args.claims * 1e6:.0f} µs/claim,"
        f" node CPU {med(r['node_cpu_s'] for r in results) / args.claims * 1e6:.0f} µs/claim"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
