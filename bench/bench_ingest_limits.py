#!/usr/bin/env python3
"""Seconds and peak memory of one file through parse + extraction, at and past the limits.

    python bench/bench_ingest_limits.py [--corpus ../shared/data/polnear] [--repeat 3]
                                        [--unlimited 1048576 ...] [--only NAME ...]

Each case runs in a fresh process pinned to one core with one thread per pool (a
Lambda of 2 GB has about one vCPU), which loads the configured extractor, then times
`parse_document` (the production limits) and, if the file is accepted, extraction.
Reported: wall and CPU seconds of that work, the process's peak RSS (model included,
as in the Lambda) and the outcome. Cheap cases (rejections) take the median of
--repeat runs; extraction runs once.

Cases: 1, 2 and 5 MiB of real news (PolNeAR texts concatenated; skipped with a message
when the corpus is absent), which the limits must refuse quickly; news at the character
limit; and the largest degenerate inputs the limits still accept. --unlimited SIZE
times extraction of SIZE bytes of news with the text limits lifted, to see how the
work grows past them (slow: minutes per MiB). Prints figures; asserts nothing.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "CLAIMSEARCH_MODEL_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import replace  # noqa: E402
from functools import partial  # noqa: E402
from itertools import cycle  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "shared"))
sys.path.insert(0, str(REPO))

MiB = 1024 * 1024
DEFAULT_CORPUS = REPO.parent / "shared" / "data" / "polnear"


def news(corpus: Path, size: int) -> bytes:
    """`size` bytes of PolNeAR texts (dev, then train; round again if that is not enough),
    joined by blank lines, cut at a character boundary."""
    files = sorted((corpus / "dev" / "text").glob("*.txt"))
    files += sorted((corpus / "train" / "text").glob("*.txt"))
    if not files:
        raise SystemExit(f"no PolNeAR texts under {corpus}")
    parts: list[bytes] = []
    total = 0
    for path in cycle(files):
        parts.append(path.read_bytes())
        total += len(parts[-1]) + 2
        if total >= size:
            break
    return b"\n\n".join(parts)[:size].decode("utf-8", "ignore").encode("utf-8")


def _json_nested(text: str, depth: int) -> bytes:
    extra = '{"a": ' * (depth - 1) + "1" + "}" * (depth - 1)
    return ('{"text": ' + json.dumps(text) + ', "extra": ' + extra + "}").encode()


def _html_nested(text: str, depth: int) -> bytes:
    paragraphs = "".join(f"<p>{line}</p>\n" for line in text.splitlines() if line.strip())
    wrappers = depth - 3  # html > body > ... > p
    return (
        "<!DOCTYPE html><html><head><title>Deep</title></head><body>"
        + "<div>" * wrappers
        + paragraphs
        + "</div>" * wrappers
        + "</body></html>"
    ).encode()


def cases(corpus: Path) -> dict[str, tuple[str, Callable[[], bytes]]]:
    """Name -> (file name, bytes maker). Every maker is deterministic."""
    from claimsearch.documents.limits import DocumentLimits

    limits = DocumentLimits()
    chars = limits.max_chars
    made: dict[str, tuple[str, Callable[[], bytes]]] = {}
    have_corpus = (corpus / "dev" / "text").is_dir()
    if have_corpus:
        for mib in (1, 2, 5):
            made[f"news-{mib}MiB"] = ("news.txt", partial(news, corpus, mib * MiB))

        def at_limit() -> str:
            return news(corpus, chars * 2).decode()[: chars - 10]

        made["news-at-char-limit"] = ("news.txt", lambda: at_limit().encode())
        made["invisible-at-share-limit"] = (
            "news.txt",
            lambda: "".join(
                c + ("\u200b" if i % 10 == 9 else "") for i, c in enumerate(at_limit()[: int(chars * 0.9)])
            ).encode(),
        )
        made["json-at-depth-limit"] = ("news.json", lambda: _json_nested(at_limit(), limits.max_depth))
        made["html-at-depth-limit"] = ("news.html", lambda: _html_nested(at_limit(), limits.max_depth))
        made["one-line-at-char-limit"] = ("news.txt", lambda: " ".join(at_limit().split()).encode())
    else:
        print(f"PolNeAR not found at {corpus}: news cases skipped (--corpus)", file=sys.stderr)
    lines = limits.max_lines
    made["short-lines-at-line-limit"] = (
        "lines.txt",
        lambda: "".join(f"Ann said {i}.\n" for i in range(lines)).encode(),
    )
    made["tokens-at-token-limit"] = (
        "tokens.txt",
        lambda: " ".join(
            ["Spokesman".ljust(limits.max_token_chars, "x")] * (chars // (limits.max_token_chars + 1))
        ).encode(),
    )
    made["letters-at-share-limit"] = (
        "letters.txt",
        lambda: ("The bank said 2016 -- 4.5% up. " * (chars // 31))[:chars].encode(),
    )
    made["lines-200k-rejected"] = ("lines.txt", lambda: b"x\n" * 200_000)
    made["lines-20k-rejected"] = ("lines.txt", lambda: b"x\n" * 20_000)
    made["giant-word-1MiB-rejected"] = ("word.txt", lambda: b"a" * MiB)
    made["deep-json-rejected"] = ("deep.json", lambda: b"[" * 100_000 + b"]" * 100_000)
    return made


def run_case(name: str, corpus: Path, unlimited: bool) -> dict[str, object]:
    """In this process: load the extractor, then time one file through parse + extraction."""
    from claimsearch.documents import parse_document
    from claimsearch.documents.limits import DocumentLimits
    from claimsearch.errors import DocumentError
    from claimsearch.wiring import make_extractor

    if unlimited:
        filename, make = "news.txt", (lambda: news(corpus, int(name)))
        limits = replace(DocumentLimits(), max_chars=10**9, max_lines=10**9)
    else:
        filename, make = cases(corpus)[name]
        limits = DocumentLimits()
    data = make()
    extract = make_extractor()
    started_load = time.perf_counter()
    extract(parse_document(b"Warm-up\n\nThe minister said taxes would rise.", "warm.txt"))
    load_seconds = time.perf_counter() - started_load

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    wall, cpu0 = time.perf_counter(), cpu()
    try:
        article = parse_document(data, filename, limits=limits)
        outcome = f"{len(extract(article))} claims from {len(article.text)} chars"
    except DocumentError as error:
        outcome = f"rejected: {error.code}"
    return {
        "seconds": time.perf_counter() - wall,
        "cpu": cpu() - cpu0,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load_seconds": load_seconds,
        "bytes": len(data),
        "outcome": outcome,
    }


def in_subprocess(name: str, corpus: Path, unlimited: bool) -> dict[str, object]:
    command = [sys.executable, __file__, "--corpus", str(corpus), "--case", name]
    if unlimited:
        command.append("--unlimited-case")
    if hasattr(os, "sched_getaffinity"):
        command = ["taskset", "-c", str(min(os.sched_getaffinity(0))), *command]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"outcome": f"process failed ({done.returncode}): {done.stderr.strip()[-300:]}"}
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def report(name: str, runs: list[dict[str, object]]) -> None:
    if "seconds" not in runs[0]:
        print(f"{name:28} {runs[0]['outcome']}")
        return

    def median(key: str) -> float:
        return statistics.median(float(str(r[key])) for r in runs)

    print(
        f"{name:28} {int(str(runs[0]['bytes'])):>9} B  {median('seconds'):7.2f} s wall"
        f"  {median('cpu'):7.2f} s cpu  {median('peak_rss_mib'):6.0f} MiB peak  (n={len(runs)})"
        f"  {runs[0]['outcome']}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each cheap (rejected) case")
    parser.add_argument("--unlimited", type=int, nargs="*", default=[], help="bytes of news, limits lifted")
    parser.add_argument("--only", nargs="*", default=None, help="case names to run")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--unlimited-case", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.corpus, args.unlimited_case)))
        return 0
    print(f"one core, one thread per pool; median of {args.repeat} for rejections, one run for extraction")
    for name in cases(args.corpus):
        if args.only is not None and name not in args.only:
            continue
        runs = [in_subprocess(name, args.corpus, False)]
        if str(runs[0].get("outcome", "")).startswith("rejected"):
            runs += [in_subprocess(name, args.corpus, False) for _ in range(args.repeat - 1)]
        report(name, runs)
    for size in args.unlimited:
        report(f"unlimited-news-{size}B", [in_subprocess(str(size), args.corpus, True)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
