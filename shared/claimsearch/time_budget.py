"""Time left in an invocation: start a file only when it can finish before the timeout.

A Lambda timeout fails the whole batch with no partial report, so every message in
it is retried, the finished ones too. Raising before a file starts instead hands
only that message back (a batch item failure) and keeps the others' results.
"""

from __future__ import annotations

from claimsearch.errors import ClaimsearchError

# Measured on the ingest path (bench/bench_ingest_limits.py, one core): extraction runs at
# about 6 kB of news text per second on a CPU with VNNI, 3 kB/s on the densest text the
# limits accept; on an AVX2-only CPU (2026-12-07) 4.2 kB/s on news and 1.7 kB/s on the
# densest (149 kB of short lines in 86 s), so the rate assumed is below the slowest seen:
# a file started on an estimate that is too low times the whole batch out. Downloads,
# archive and index writes add a few seconds. A file yields at most 200,000 characters
# (documents/limits.py), so no file costs more than its first TEXT_CEILING bytes,
# whatever markup surrounds them.
BASE_MS = 10_000
BYTES_PER_SECOND = 1_500
TEXT_CEILING = 250_000


class OutOfTime(ClaimsearchError):
    """Not enough time left in this invocation: the message goes back to the queue."""

    code = "out_of_time"
    status = 503


def needed_ms(size: int | None) -> int:
    """A generous estimate of the time one file of `size` bytes takes to ingest."""
    return BASE_MS + min(TEXT_CEILING if size is None else size, TEXT_CEILING) * 1000 // BYTES_PER_SECOND


def ensure_time_for(size: int | None, remaining_ms: int) -> None:
    need = needed_ms(size)
    if remaining_ms < need:
        raise OutOfTime(f"{remaining_ms} ms left, a file of {size} bytes needs about {need} ms")
