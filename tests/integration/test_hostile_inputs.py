"""Every file of the hostile corpus through the real ingest path, with the real extractor.

A bad file must leave exactly one rejection record with its stable reason code; a
valid one must become one article whose claims a claimant search finds. Each file
is ingested in a forked child of a process that has already loaded the extractor,
so the child's wall time and peak resident memory (the kernel's figure, from wait4)
are what that one file cost a warm ingest worker, the model included. A child that
runs away is killed at a hard limit instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import select
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from claimsearch.archive import Archive
from claimsearch.documents import parse_document
from claimsearch.errors import DocumentError
from claimsearch.index.port import SearchQuery
from claimsearch.index.sqlite import SqliteIndex
from claimsearch.ingest import IngestService
from claimsearch.invisible import strip_invisible
from claimsearch.model import Article, Claim
from claimsearch.s3_events import ObjectChanged
from claimsearch.storage.local import LocalBlobStore
from claimsearch.wiring import document_limits, make_extractor
from tests.conftest import EXAMPLE_ARTICLE, reset_process_caches
from tests.hostile.generate import CASES, INGESTED, HostileCase

Extractor = Callable[[Article], list[Claim]]
MAX_SECONDS = 10.0
MAX_RSS_BYTES = 1024**3
KILL_AFTER_SECONDS = 60.0  # far past the limit: the child is stuck, not slow


@dataclass(frozen=True)
class ChildRun:
    outcome: dict[str, Any]
    seconds: float
    peak_rss_bytes: int


@pytest.fixture(scope="module")
def extractor() -> Iterator[Extractor]:
    """The extractor ingest wires from configuration, loaded and warmed once for the module."""
    reset_process_caches()
    extract = make_extractor()
    extract(parse_document(EXAMPLE_ARTICLE.read_bytes(), EXAMPLE_ARTICLE.name))
    yield extract
    reset_process_caches()


def _run_in_child(work: Callable[[], dict[str, Any]]) -> ChildRun:
    """`work()` in a forked child; its JSON outcome, wall time and peak RSS."""
    read_end, write_end = os.pipe()
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: report, then leave without running the parent's cleanup
        os.close(read_end)
        try:
            outcome = work()
        except BaseException as exc:
            outcome = {"crashed": f"{type(exc).__name__}: {exc}"[:2000]}
        os.write(write_end, json.dumps(outcome).encode())
        os._exit(0)
    os.close(write_end)
    chunks = []
    deadline = started + KILL_AFTER_SECONDS
    while True:
        ready, _, _ = select.select([read_end], [], [], max(0.0, deadline - time.perf_counter()))
        if not ready:
            os.kill(pid, signal.SIGKILL)
            chunks = [json.dumps({"crashed": f"killed after {KILL_AFTER_SECONDS} s"}).encode()]
            break
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    _, _, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    return ChildRun(
        json.loads(b"".join(chunks) or b'{"crashed": "no report"}'), seconds, usage.ru_maxrss * 1024
    )


def _ingest(root: Path, extract: Extractor, key: str) -> dict[str, Any]:
    service = IngestService(
        SqliteIndex(root / "index.sqlite3"),
        Archive(LocalBlobStore(root / "store")),
        extract,
        document_limits(),
    )
    try:
        service.apply(LocalBlobStore(root / "inbox"), ObjectChanged("", key, "created"))
    except DocumentError as error:
        return {"rejected": error.code}
    return {"ingested": True}


@pytest.mark.parametrize("case", CASES, ids=[c.key.encode("unicode_escape").decode()[:60] for c in CASES])
def test_hostile_file(case: HostileCase, extractor: Extractor, tmp_path: Path) -> None:
    LocalBlobStore(tmp_path / "inbox").put(case.key, case.make())

    run = _run_in_child(lambda: _ingest(tmp_path, extractor, case.key))

    peak_mib = run.peak_rss_bytes / 2**20
    print(f"{case.key!r}: {run.outcome} in {run.seconds:.2f} s, peak RSS {peak_mib:.0f} MiB")
    expected = {"ingested": True} if case.expect == INGESTED else {"rejected": case.expect}
    assert run.outcome == expected, case.why
    assert run.seconds < MAX_SECONDS, f"{case.key!r} took {run.seconds:.1f} s"
    assert run.peak_rss_bytes < MAX_RSS_BYTES, f"{case.key!r} peaked at {peak_mib:.0f} MiB"
    archive = Archive(LocalBlobStore(tmp_path / "store"))
    rejections = list(archive.rejections())
    if case.expect != INGESTED:
        assert [(r["source_key"], r["code"]) for r in rejections] == [(case.key, case.expect)]
        assert list(archive) == []
        return
    assert rejections == []
    (stored,) = list(archive)
    article = stored.article
    assert article.source_key == case.key
    assert strip_invisible(article.text) == article.text
    if case.published_at:
        assert article.published_at == case.published_at
    for claim in stored.claims:  # provenance: every offset points into the stored text
        assert claim.content.text == " ".join(article.text[s:e] for s, e in claim.content.spans)
    hits = SqliteIndex(tmp_path / "index.sqlite3").search(SearchQuery(claimant=case.claimant)).hits
    assert hits, f"no claim of {case.claimant!r} found"
    assert {hit.claim.article_id for hit in hits} == {article.id}


def test_corpus_covers_the_issue() -> None:
    """At least 30 files, bad and good, every rejection code the limits can give."""
    codes = {c.expect for c in CASES}
    assert len(CASES) >= 30
    assert {
        INGESTED,
        "empty_document",
        "undecodable_document",
        "unsupported_format",
        "document_too_large",
        "text_too_long",
        "too_many_lines",
        "token_too_long",
        "too_few_letters",
        "invisible_characters",
        "nesting_too_deep",
        "entity_declarations",
        "invalid_date",
    } <= codes
