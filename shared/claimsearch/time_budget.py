"""Time left in an invocation: start a file only when it can finish before the timeout.

A Lambda timeout fails the whole batch with no partial report, so every message in
it is retried, the finished ones too. Raising before a file starts instead hands
only that message back and keeps the others' results.

Handed back as a batch item failure, the message would wait out the queue's visibility
timeout (30 minutes) and spend one of its receives before the dead-letter queue, though
nothing failed. So the ingest function sends it to its queue again and acknowledges it,
counting the deferrals in a message attribute: a deferral follows another file's work in
the same invocation (the first file of a batch always has the time: the largest takes
`needed_ms(TEXT_CEILING)`, under the function's timeout, a test holds), so each is
progress; the cap only stops a loop nothing here foresees, such as a timeout lowered
below what a file needs, after which the message takes the receives' way to the
dead-letter queue.
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
DEFERRALS_ATTRIBUTE = "claimsearch-deferrals"
MAX_DEFERRALS = 10


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


def next_deferral(attribute: str | None) -> int | None:
    """The deferral count to send a message again with, from its attribute (absent, as on a
    message S3 sent, or unreadable: none so far); None once it has been deferred
    MAX_DEFERRALS times, when it goes back as a failure instead."""
    try:
        so_far = max(0, int(attribute)) if attribute is not None else 0
    except ValueError:
        so_far = 0
    return so_far + 1 if so_far < MAX_DEFERRALS else None
