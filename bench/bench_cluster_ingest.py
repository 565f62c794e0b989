"""What claim clusters add to ingest: PolNeAR dev, then train, article by article, both engines.

    .venv/bin/python bench/bench_cluster_ingest.py [--polnear ../shared/data/polnear] \
        [--engine sqlite|opensearch|both] [--opensearch-url http://127.0.0.1:9200] [--runs 3]

Each article goes through what `IngestService` does after extraction — claimants filed
against the index, clusters assigned against the index (`clusters.assign.clustered`:
band keys, candidate lookup, matching), the claims and identities indexed — into a fresh
index, dev's articles first, then train's, as the issue asks. "without" skips the
clustering step (claims with no cluster: no band keys computed or stored), which is
ingest as it was before clusters. Runs alternate between the two so that both see the
same machine load; per-article times are medians over every article, and each figure is
the median of --runs runs.

Extraction (the real pipeline, cached as JSONL like bench_index's) is timed on a sample
of dev articles in the same run, because it is most of an article's ingest and the
issue's limit (at most 10 % more time per article) is about the whole. Parsing and the
archive write are left out of both sides (they do not change).
Prints figures; asserts nothing. Skips (exit 0) when the corpus is absent.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from bench_clusters import extraction_ms
from bench_index import Pairs, extract_corpus

from claimsearch.claimants.registry import file_claims, updated_identities
from claimsearch.clusters.assign import clustered
from claimsearch.index.port import SearchIndex
from claimsearch.index.sqlite import SqliteIndex

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POLNEAR = ROOT.parent / "shared" / "data" / "polnear"


def ingest_all(index: SearchIndex, pairs: Pairs, clusters: bool) -> list[float]:
    """Ms per article for filing, (clustering,) and indexing each article in turn."""
    index.ensure_ready()
    times = []
    for article, claims in pairs:
        start = time.perf_counter()
        filed = file_claims(claims, index)
        if clusters:
            filed = replace(filed, claims=clustered(filed.claims, index))
        report = index.index_article(article, filed.claims, updated_identities(filed, index))
        times.append((time.perf_counter() - start) * 1000)
        if not report.ok:
            raise SystemExit(f"indexing failed: {report.failed}")
    return times


def add_load_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of a bench that loads PolNeAR dev then train into each engine."""
    parser.add_argument("--polnear", type=Path, default=DEFAULT_POLNEAR, help="holds dev/ and train/")
    parser.add_argument("--engine", choices=("sqlite", "opensearch", "both"), default="both")
    parser.add_argument("--opensearch-url", default="http://127.0.0.1:9200")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()))


def dev_then_train(polnear: Path, cache_dir: Path) -> tuple[Pairs, Pairs] | None:
    """Dev's claims, and dev's then train's with each text once (extracted once, cached
    under `cache_dir`); None, with a message, where the corpus is absent."""
    if not (polnear / "dev" / "text").is_dir() or not (polnear / "train" / "text").is_dir():
        print(f"skipped: no PolNeAR corpus at {polnear} (dev/text, train/text)")
        return None
    dev = extract_corpus(polnear / "dev", cache_dir / "claimsearch-bench-dev-claims.jsonl")
    train = extract_corpus(polnear / "train", cache_dir / "claimsearch-bench-claims.jsonl")
    seen: set[str] = set()
    pairs: Pairs = []
    for article, claims in [*dev, *train]:  # train holds one text under two names
        if article.id not in seen:
            seen.add(article.id)
            pairs.append((article, claims))
    print(
        f"PolNeAR dev then train: {len(pairs)} articles, {sum(len(c) for _, c in pairs)} claims", flush=True
    )
    return dev, pairs


Fresh = Callable[[], tuple[SearchIndex, Callable[[], None]]]


@dataclass
class Loads:
    """Per-article ms of each load without (False) and with (True) the step measured."""

    runs: dict[bool, list[list[float]]] = field(default_factory=lambda: {False: [], True: []})

    def add(self, on: bool, times: list[float]) -> None:
        self.runs[on].append(times)

    def median(self, on: bool) -> float:
        """The median of the loads' per-article medians."""
        return statistics.median(statistics.median(t) for t in self.runs[on])

    def total(self, on: bool) -> float:
        """The median of the loads' whole times, in seconds."""
        return statistics.median(sum(t) / 1000 for t in self.runs[on])


def alternating(runs: int, make: Fresh) -> Iterator[tuple[int, bool, SearchIndex, Callable[[], None]]]:
    """`runs` rounds of a load without and with the step measured, a fresh index each, the
    first of each round in turn, so that both see the same machine load: (round, with the
    step, the index, what removes it)."""
    for run in range(runs):
        for on in (False, True) if run % 2 == 0 else (True, False):
            index, remove = make()
            yield run, on, index, remove


def engines(names: list[str], url: str, workdir: Path) -> dict[str, Fresh]:
    """A fresh, empty index of each engine per call, and what removes it."""
    made: dict[str, Fresh] = {}
    if "sqlite" in names:

        def sqlite() -> tuple[SearchIndex, Callable[[], None]]:
            path = workdir / f"{uuid.uuid4().hex}.sqlite3"
            return SqliteIndex(path), lambda: [
                p.unlink(missing_ok=True) for p in workdir.glob(f"{path.name}*")
            ]

        made["sqlite"] = sqlite
    if "opensearch" in names:
        from claimsearch.index.opensearch import Endpoint, OpenSearchIndex

        endpoint = Endpoint(url)

        def opensearch() -> tuple[SearchIndex, Callable[[], None]]:
            index = OpenSearchIndex(endpoint, prefix=f"bench-clusters-{uuid.uuid4().hex[:8]}")
            return index, index.drop

        made["opensearch"] = opensearch
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_load_arguments(parser)
    parser.add_argument("--extract-sample", type=int, default=20)
    args = parser.parse_args(argv)
    loaded = dev_then_train(args.polnear, args.cache_dir)
    if loaded is None:
        return 0
    dev, pairs = loaded

    extract_ms = extraction_ms(dev, max(1, args.extract_sample)) or 0.0
    print(f"extraction: median {extract_ms:.0f} ms per article ({args.extract_sample} dev articles)")

    names = ["sqlite", "opensearch"] if args.engine == "both" else [args.engine]
    with tempfile.TemporaryDirectory() as workdir:
        fresh = engines(names, args.opensearch_url, Path(workdir))
        for name, make in fresh.items():
            loads = Loads()
            for run, on, index, remove in alternating(args.runs, make):
                try:
                    times = ingest_all(index, pairs, on)
                finally:
                    remove()
                loads.add(on, times)
                print(
                    f"  {name} run {run + 1} {'with' if on else 'without'} clusters: median "
                    f"{statistics.median(times):.1f} ms per article, {sum(times) / 1000:.1f} s in all",
                    flush=True,
                )
            without, with_ = loads.median(False), loads.median(True)
            added = with_ - without
            load_without, load_with = loads.total(False), loads.total(True)
            print(
                f"{name}: index path per article (median of {args.runs} runs' medians) without clusters "
                f"{without:.1f} ms, with {with_:.1f} ms (+{added:.1f} ms, x{with_ / without:.2f}); "
                f"whole load {load_without:.1f} s vs {load_with:.1f} s"
            )
            print(
                f"{name}: ingest per article (extraction + index path) {extract_ms + without:.0f} ms -> "
                f"{extract_ms + with_:.0f} ms: +{100 * added / (extract_ms + without):.1f} %"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
