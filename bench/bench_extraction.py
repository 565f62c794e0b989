#!/usr/bin/env python3
"""Extraction speed on ONE core: words per second over a PolNeAR-layout split.

    python bench/bench_extraction.py --corpus ../shared/data/polnear/dev [--runs 3] [--pipeline]

Pins the process to one CPU (taskset / sched_setaffinity where available) and every
thread pool to one thread *before* numpy / onnxruntime load, warms up, then reports the
median over --runs full passes, the model load time and the peak resident memory.
Default: the learned finder alone on raw text (what issue 4 measures); --pipeline: the
whole `extract_claims` (spaCy parse + finder + claim building) when that module exists.
Prints figures; asserts nothing (timings belong here, not in tests).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "CLAIMSEARCH_MODEL_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "shared"))

CITRON_WORDS_PER_SECOND = 3360  # BBC Citron on PolNeAR test, as published
TARGET_WORDS_PER_SECOND = 1000  # issue 4, one core, whole extraction
PIPELINE_TARGET_WORDS_PER_SECOND = 1500  # issue 12, one core, whole pipeline (learned finder)


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        allowed = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {allowed[0]})
        return f"pinned to CPU {allowed[0]} (of {len(allowed)})"
    return "not pinned (no sched_setaffinity); threads limited to 1"


def build_extract(mode: str) -> tuple[Callable[[str], int], float, str]:
    """A function text -> number of attributions found, its load time, and its name.

    mode: "finder" (the learned finder alone), "pipeline" (extract_claims with the
    default finder: parse + learned finder + repairs + claims) or "rules" (extract_claims
    with the rule-based finder: the baseline the pipeline is compared with in the same run).
    """
    started = time.perf_counter()
    if mode in ("pipeline", "rules"):
        from claimsearch.documents import parse_document
        from claimsearch.extract.nlp import load_nlp, parse
        from claimsearch.extract.pipeline import extract_claims, finder_named

        finder = finder_named("repaired" if mode == "pipeline" else "rules")
        load_nlp()
        finder.find(parse("The minister said taxes would rise."))  # loads the model

        def run_pipeline(text: str) -> int:
            article = parse_document(text.encode("utf-8"), "bench.txt")
            return len(extract_claims(article, finder))

        return run_pipeline, time.perf_counter() - started, f"pipeline, finder {finder.name}"
    from claimsearch.extract.learned import LearnedAttributionFinder

    learned = LearnedAttributionFinder.from_artifacts()
    learned.load()
    return (lambda text: len(learned.find_in_text(text))), time.perf_counter() - started, "learned finder"


def measure(mode: str, texts: list[str], runs: int) -> tuple[str, float, list[float], int]:
    extract, load_seconds, what = build_extract(mode)
    for text in texts[:5]:  # warm-up: first-call allocations, lazy imports
        extract(text)
    timings = []
    found = 0
    for _ in range(runs):
        started = time.perf_counter()
        found = sum(extract(t) for t in texts)
        timings.append(time.perf_counter() - started)
    return what, load_seconds, timings, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "data" / "polnear" / "dev")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pipeline", action="store_true", help="time the whole extract_claims")
    args = parser.parse_args()
    pinned = pin_to_one_core()
    text_dir = args.corpus / "text" if (args.corpus / "text").is_dir() else args.corpus
    texts = [p.read_text(encoding="utf-8") for p in sorted(text_dir.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"no .txt files in {text_dir}")
    words = sum(len(t.split()) for t in texts)
    what, load_seconds, timings, found = measure("pipeline" if args.pipeline else "finder", texts, args.runs)
    median = statistics.median(timings)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        ("measured", what),
        ("corpus", f"{args.corpus} ({len(texts)} texts, {words:,} words)"),
        ("cpu", pinned),
        ("model load", f"{load_seconds:.2f} s"),
        ("runs", ", ".join(f"{t:.1f} s" for t in timings)),
        ("median words/s", f"{words / median:,.0f}"),
        ("attributions found", f"{found:,}"),
        ("peak RSS", f"{peak_mib:,.0f} MiB"),
    ]
    if args.pipeline:
        base_what, _, base_timings, base_found = measure("rules", texts, args.runs)
        base_median = statistics.median(base_timings)
        rows += [
            ("baseline", f"{base_what} (same run)"),
            ("baseline words/s", f"{words / base_median:,.0f} ({base_found:,} attributions)"),
            ("speed vs baseline", f"{base_median / median:.2f}x"),
        ]
    if args.pipeline:
        rows.append(("target (issue 12)", f">= {PIPELINE_TARGET_WORDS_PER_SECOND:,} words/s, this pipeline"))
    rows += [
        ("target (issue 4)", f">= {TARGET_WORDS_PER_SECOND:,} words/s on one core"),
        ("Citron (PolNeAR test)", f"~{CITRON_WORDS_PER_SECOND:,} words/s"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
