"""What an article's lease (`claimsearch.leases`) adds to each write: taking it and giving it back,
timed on the folder store (the local stack's archive), against one write of a source record
(`Archive.record_source`, one of the writes every event makes) measured in the same run.

    .venv/bin/python bench/bench_leases.py [--runs 5] [--holds 500]

On S3 a hold is four requests (a conditional PUT; on release a HEAD, a GET and a DELETE),
so its cost there is about four request latencies: small beside extraction's seconds. Prints
medians over --runs runs of --holds holds each, and the ratio; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from claimsearch.archive import Archive, SourceState
from claimsearch.storage.local import LocalBlobStore


def timed_ms(action: Callable[[], object], times: int) -> float:
    """Milliseconds per call of `action`, over `times` calls."""
    started = time.perf_counter()
    for _ in range(times):
        action()
    return (time.perf_counter() - started) * 1000 / times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--holds", type=int, default=500)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        archive = Archive(LocalBlobStore(Path(folder)))
        state = SourceState("a1", "bucket", "inbox/a.txt", True, "0A", "etag")

        def hold() -> None:
            with archive.hold("a1"):
                pass

        holds, records = [], []
        for _ in range(args.runs):
            holds.append(timed_ms(hold, args.holds))
            records.append(timed_ms(lambda: archive.record_source(state), args.holds))
    hold_ms, record_ms = statistics.median(holds), statistics.median(records)
    print(f"folder store, median of {args.runs} runs of {args.holds}:")
    print(f"  a lease taken and given back: {hold_ms:.3f} ms")
    print(f"  a source record written (baseline): {record_ms:.3f} ms")
    print(f"  ratio lease/record: {hold_ms / record_ms:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
