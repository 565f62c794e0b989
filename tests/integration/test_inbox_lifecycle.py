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


def _budget(minister: str) -> str:
    return f"Budget vote\n\n{minister}, the finance minister, said the deficit would fall below 3 percent.\n"


def _articles(*keys: str) -> set[str]:
    return {article_id_for_source(BUCKET, key) for key in keys}


def test_files_removed_or_renamed_while_nothing_watched_are_taken_down_at_the_next_start(
    inbox: Path, data_dir: Path
) -> None:
    from claimsearch import wiring

    def watcher(reports: list[str]) -> InboxWatcher:
        return InboxWatcher(
            inbox,
            BUCKET,
            load_handler("ingest"),
            report=reports.append,
            rejected_dir=data_dir / "rejected",
            indexed=lambda: (s.key for s in wiring.make_archive().live_sources(BUCKET)),
        )

    for key, minister in (("a.txt", "Ana Ruiz"), ("b.txt", "Ben Ortiz"), ("kept.txt", "Eva Lind")):
        (inbox / key).write_text(_budget(minister))
    assert sorted(_settle(watcher([]))) == ["a.txt", "b.txt", "kept.txt"]
    # The server stops; meanwhile one file is removed and one renamed.
    (inbox / "a.txt").unlink()
    (inbox / "b.txt").rename(inbox / "c.txt")
    reports: list[str] = []
    _settle(watcher(reports))
    keys = ("a.txt", "b.txt", "c.txt", "kept.txt")
    held = {a for a in _articles(*keys) if wiring.index().claims_for_article(a)}
    assert held == _articles("c.txt", "kept.txt")  # not a.txt's, and b.txt's claims not twice
    assert {s.key for s in wiring.make_archive().live_sources(BUCKET)} == {"c.txt", "kept.txt"}
    assert sorted(reports) == [
        "inbox: a.txt removed: its article is deleted",
        "inbox: b.txt removed: its article is deleted",
        "inbox: c.txt ingested",
        "inbox: kept.txt ingested",  # handed on again, answered "unchanged"
    ]


def test_files_in_hidden_folders_are_not_articles(inbox: Path, data_dir: Path) -> None:
    (inbox / ".git").mkdir()
    (inbox / ".git" / "notes.txt").write_text(_budget("Ana Ruiz"))
    (inbox / "drafts").mkdir()
    (inbox / "drafts" / ".hidden.txt").write_text(_budget("Ben Ortiz"))
    watcher = InboxWatcher(inbox, BUCKET, load_handler("ingest"), rejected_dir=data_dir / "rejected")
    assert _settle(watcher) == []


def test_a_link_out_of_the_inbox_is_refused_and_the_version_indexed_stays(
    inbox: Path, data_dir: Path, tmp_path: Path
) -> None:
    from claimsearch import wiring

    reports: list[str] = []
    watcher = InboxWatcher(
        inbox, BUCKET, load_handler("ingest"), report=reports.append, rejected_dir=data_dir / "rejected"
    )
    path = inbox / "budget.txt"
    path.write_text(_budget("Ana Ruiz"))
    assert _settle(watcher) == ["budget.txt"]
    before = wiring.index().claims_for_article(article_id_for_source(BUCKET, "budget.txt"))
    assert before
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(_budget("Ben Ortiz"))
    path.unlink()
    path.symlink_to(outside)
    assert _settle(watcher) == ["budget.txt"]
    assert reports[-1].startswith("inbox: budget.txt rejected: ") and "leads outside" in reports[-1]
    (record,) = wiring.make_archive().rejections()
    assert record["code"] == "unreadable_source" and record["source_key"] == "budget.txt"
    # Not read as the file's removal: its article is still there, as it was.
    assert wiring.index().claims_for_article(article_id_for_source(BUCKET, "budget.txt")) == before


def test_a_delivery_that_fails_for_now_is_tried_again_until_it_goes_through(
    inbox: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimsearch import wiring
    from claimsearch.local import inbox as inbox_module

    monkeypatch.setattr(inbox_module, "RETRY_FIRST_S", 0.0)  # due at the next pass
    reports: list[str] = []
    watcher = InboxWatcher(
        inbox, BUCKET, load_handler("ingest"), report=reports.append, rejected_dir=data_dir / "rejected"
    )
    article_id = article_id_for_source(BUCKET, "nk.txt")
    (inbox / "nk.txt").write_text(EXAMPLE_ARTICLE.read_text())
    # Another writer holds the article (a `claimsearch delete`, say) as the watcher hands it on.
    with wiring.make_archive().hold(article_id):
        assert _settle(watcher) == ["nk.txt"]
        assert watcher.poll() == ["nk.txt"]  # tried again, busy again
    assert reports == ["inbox: nk.txt failed; see the log above (trying again in 0 s)"] * 2
    assert wiring.index().claims_for_article(article_id) == []
    # Once the other is done, the next pass brings it in, and no later pass tries again.
    assert watcher.poll() == ["nk.txt"]
    assert reports[-1] == "inbox: nk.txt ingested"
    assert wiring.index().claims_for_article(article_id)
    assert watcher.poll() == []
