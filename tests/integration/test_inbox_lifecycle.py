"""The local inbox mirrors the bucket: an edited file updates its article, a removed one deletes it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimsearch.local.handlers import load_handler
from claimsearch.local.inbox import InboxWatcher
from claimsearch.model import article_id_for_source
from tests.conftest import EXAMPLE_ARTICLE, reset_process_caches

BUCKET = "claimsearch-local-inbox"


@pytest.fixture
def inbox(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "inbox"
    folder.mkdir()
    monkeypatch.setenv("CLAIMSEARCH_LOCAL_BUCKETS", f"{BUCKET}={folder}")
    reset_process_caches()
    yield folder


def _settle(watcher: InboxWatcher) -> list[str]:
    """Two passes: a file is handed over once it held still between them."""
    return watcher.poll() + watcher.poll()


def _touch_later(path: Path) -> None:
    # Same-second edits keep mtime on coarse file systems; the watcher compares both.
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_edit_updates_and_removal_deletes(inbox: Path, data_dir: Path) -> None:
    from claimsearch import wiring

    reports: list[str] = []
    watcher = InboxWatcher(
        inbox, BUCKET, load_handler("ingest"), report=reports.append, rejected_dir=data_dir / "rejected"
    )
    article_id = article_id_for_source(BUCKET, "nk.txt")
    path = inbox / "nk.txt"
    text = EXAMPLE_ARTICLE.read_text()
    path.write_text(text)
    assert _settle(watcher) == ["nk.txt"]
    first = {c.cue.text for c in wiring.index().claims_for_article(article_id)}
    assert "believes" in first

    path.write_text(text.replace("believes the money", "insists the money"))
    _touch_later(path)
    assert _settle(watcher) == ["nk.txt"]
    second = {c.cue.text for c in wiring.index().claims_for_article(article_id)}
    assert "insists" in second and "believes" not in second
    assert wiring.index().count_claims() == len(wiring.index().claims_for_article(article_id))

    path.unlink()
    assert watcher.poll() == ["nk.txt"]
    assert wiring.index().claims_for_article(article_id) == []
    assert wiring.index().count_claims() == 0
    assert list(wiring.make_archive()) == []
    assert reports == [
        "inbox: nk.txt ingested",
        "inbox: nk.txt ingested",
        "inbox: nk.txt removed: its article is deleted",
    ]
