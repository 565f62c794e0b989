#!/usr/bin/env python3
"""Re-extracting an archive (`claimsearch reextract`) against ingesting the same articles.

    python bench/bench_reextract.py [--corpus ../shared/data/polnear/dev] [--runs 3] [--limit N]

An archive and SQLite index are built once from the corpus's texts with the rule-based
finder (an older extractor, as far as the archive can tell). Each run then times, on
one core with one thread per pool:
  ingest     the texts ingested afresh with the configured extractor (the baseline: what
             the same articles cost when they first arrive)
  reextract  a copy of the rules-made data folder brought to the configured extractor
  current    the same command again, every article already current: the cost of the
             check (one archive read and one index read per article)
Medians over --runs; articles/s and words/s; the ratio of re-extraction to ingest; the
process's peak RSS (the model, both indexes' caches). Then what became of the rules-made
archive's claim ids: kept (the same spans), replaced (`GET /claims/{id}` answers 301 to
the claim in its place: `claimsearch.replacements`) or gone (404), with the median time
of one `claim_replacing` lookup. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "CLAIMSEARCH_MODEL_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "shared"))

from claimsearch.archive import Archive  # noqa: E402
from claimsearch.documents.limits import DocumentLimits  # noqa: E402
from claimsearch.extract.pipeline import DEFAULT_FINDER, ClaimExtractor, finder_named  # noqa: E402
from claimsearch.extract.rules import RuleBasedFinder  # noqa: E402
from claimsearch.index.sqlite import SqliteIndex  # noqa: E402
from claimsearch.ingest import IngestService  # noqa: E402
from claimsearch.model import Article  # noqa: E402
from claimsearch.reextract import reextract_archive  # noqa: E402
from claimsearch.storage.local import LocalBlobStore  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "data" / "polnear" / "dev"


def service(root: Path, extract: ClaimExtractor) -> IngestService:
    archive = Archive(LocalBlobStore(root / "store"))
    return IngestService(SqliteIndex(root / "claims.sqlite3"), archive, extract, DocumentLimits())


def ingest_all(root: Path, extract: ClaimExtractor, files: list[Path]) -> float:
    ingest = service(root, extract)
    start = time.perf_counter()
    for path in files:
        ingest.ingest_bytes(path.read_bytes(), path.name)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=int, help="only the first N texts")
    args = parser.parse_args(argv)
    files = sorted((args.corpus / "text").glob("*.txt"))[: args.limit]
    if not files:
        print(f"no texts under {args.corpus / 'text'}: nothing to measure")
        return 1
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in files)
    new = ClaimExtractor(finder_named(DEFAULT_FINDER))
    new(Article("warm-up", "The mayor said the budget would pass.", "", "warm-up.txt"))  # the model loaded
    times: dict[str, list[float]] = {"ingest": [], "reextract": [], "current": []}
    with tempfile.TemporaryDirectory(prefix="bench-reextract-") as tmp:
        old_root = Path(tmp) / "rules"
        ingest_all(old_root, ClaimExtractor(RuleBasedFinder()), files)
        claims_before = SqliteIndex(old_root / "claims.sqlite3").count_claims()
        old_ids = [c.id for e in service(old_root, new).archive for c in e.claims]
        for run in range(args.runs):
            times["ingest"].append(ingest_all(Path(tmp) / f"fresh-{run}", new, files))
            root = Path(tmp) / f"reextract-{run}"
            shutil.copytree(old_root, root)
            upgrade = service(root, new)
            start = time.perf_counter()
            report = reextract_archive(upgrade, upgrade.archive)
            times["reextract"].append(time.perf_counter() - start)
            start = time.perf_counter()
            again = reextract_archive(upgrade, upgrade.archive)
            times["current"].append(time.perf_counter() - start)
            assert report.reextracted == len(files) and again.current == len(files), (report, again)
            laps = ", ".join(f"{name} {values[-1]:.2f} s" for name, values in times.items())
            print(f"run {run + 1}: {laps}", flush=True)
        fates, lookups = claim_id_fates(upgrade.index, old_ids)
    print(
        f"\n{len(files)} articles, {words:,} words; rules-made archive {claims_before} claims ->"
        f" {report.claims_after} claims ({report.version}); median of {args.runs} runs, one core"
    )
    print(f"{'':<12}{'seconds':>10}{'articles/s':>12}{'words/s':>10}{'x ingest':>10}")
    base = statistics.median(times["ingest"])
    for name, values in times.items():
        median = statistics.median(values)
        rates = f"{len(files) / median:>12.1f}{words / median:>10,.0f}"
        print(f"{name:<12}{median:>10.2f}{rates}{median / base:>10.2f}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    share = ", ".join(f"{fate} {n} ({n / len(old_ids):.1%})" for fate, n in fates.items())
    print(f"the rules-made archive's {len(old_ids)} claim ids after re-extraction: {share}")
    if lookups:
        median_ms = statistics.median(lookups) * 1000
        print(f"claim_replacing: {median_ms:.3f} ms a lookup (median of {len(lookups)})")
    return 0


def claim_id_fates(index: SqliteIndex, ids: list[str]) -> tuple[dict[str, int], list[float]]:
    """How many of `ids` the index still holds, leads to the claim in their place, or lost;
    the time of each lookup of a claim in an id's place."""
    fates = {"kept": 0, "replaced": 0, "gone": 0}
    lookups: list[float] = []
    for claim_id in ids:
        if index.get_claim(claim_id) is not None:
            fates["kept"] += 1
            continue
        start = time.perf_counter()
        successor = index.claim_replacing(claim_id)
        lookups.append(time.perf_counter() - start)
        fates["replaced" if successor is not None else "gone"] += 1
    return fates, lookups


if __name__ == "__main__":
    sys.exit(main())
