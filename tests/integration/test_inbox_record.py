"""A data folder knows its inbox: `serve` with another folder is refused, not a mass takedown,
and `claimsearch delete` of an inbox article removes its file, so the next `serve` does not
bring the article back."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimsearch import wiring
from claimsearch.cli import main
from claimsearch.index.port import SearchQuery
from claimsearch.ingest import IngestService
from claimsearch.local.inbox_record import RECORD, InboxMoved, claim_inbox, recorded_inbox
from claimsearch.s3_events import ObjectChanged
from claimsearch.storage.local import LocalBlobStore

GOOD = "Bridge to reopen\n\nTom Hargrove said the bridge over the Avon would reopen in May.\n"


@pytest.fixture(autouse=True)
def _environment_kept() -> Iterator[None]:
    """`serve` sets the process's environment for the stack it runs (the inbox as the
    bucket): run in this process, it must not leave that to the tests after it."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def _ingest_through(inbox: Path, name: str) -> str:
    """A file of the inbox ingested as `serve`'s watcher hands it on; its article id."""
    (inbox / name).write_text(GOOD)
    service = IngestService(
        wiring.index(), wiring.make_archive(), wiring.make_extractor(), wiring.document_limits()
    )
    change = ObjectChanged(wiring.LOCAL_INBOX_BUCKET, name, "created", "01")
    result = service.apply(LocalBlobStore(inbox), change)
    assert result.action == "indexed"
    return result.article_id


@pytest.fixture
def served(data_dir: Path, tmp_path: Path) -> tuple[Path, str]:
    """An inbox a serve recorded, and the article of its one file."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    article_id = _ingest_through(inbox, "bridge.txt")
    claim_inbox(data_dir, inbox)
    return inbox, article_id


def test_the_first_inbox_is_recorded_and_another_is_refused_naming_both(
    data_dir: Path, tmp_path: Path
) -> None:
    first, other = tmp_path / "inbox", tmp_path / "elsewhere" / "inbox"
    first.mkdir()
    claim_inbox(data_dir, first)
    assert recorded_inbox(data_dir) == first.resolve()
    claim_inbox(data_dir, first)  # the same folder again: nothing to say
    with pytest.raises(InboxMoved) as refused:
        claim_inbox(data_dir, other)
    assert str(first.resolve()) in str(refused.value) and str(other.resolve()) in str(refused.value)
    assert "--adopt-inbox" in str(refused.value)
    assert recorded_inbox(data_dir) == first.resolve()
    claim_inbox(data_dir, other, adopt=True)
    assert recorded_inbox(data_dir) == other.resolve()


def test_a_recorded_inbox_that_is_gone_is_refused(data_dir: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    claim_inbox(data_dir, inbox)
    inbox.rmdir()
    with pytest.raises(InboxMoved, match="is gone"):
        claim_inbox(data_dir, inbox)
    claim_inbox(data_dir, inbox, adopt=True)


def test_serve_with_another_inbox_takes_nothing_down(
    data_dir: Path, tmp_path: Path, served: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    (inbox, article_id), other = served, tmp_path / "other"
    capsys.readouterr()
    # Refused before anything is loaded or watched: the article and its file stay.
    assert main(["serve", "--inbox", str(other), "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert f"{other.resolve()} is not this data folder's inbox ({inbox.resolve()}" in err
    assert wiring.index().search(SearchQuery(article_id=article_id)).total > 0
    assert (data_dir / RECORD).read_text().strip() == str(inbox.resolve())


def test_serve_on_a_busy_port_says_so_and_watches_nothing(
    served: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    inbox, article_id = served
    (inbox / "bridge.txt").unlink()  # removed while nothing served: the next watcher takes it down
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        capsys.readouterr()
        assert main(["serve", "--inbox", str(inbox), "--port", str(port)]) == 1
    assert f"cannot serve on 127.0.0.1:{port}" in capsys.readouterr().err
    # No watcher ran: the takedown waits for a serve that starts.
    assert wiring.index().search(SearchQuery(article_id=article_id)).total > 0


def test_deleting_an_inbox_article_removes_its_file(
    served: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    inbox, article_id = served
    capsys.readouterr()
    assert main(["delete", article_id]) == 0
    out = capsys.readouterr().out
    assert f"removed {(inbox / 'bridge.txt').resolve()} from the inbox" in out
    assert not (inbox / "bridge.txt").exists()
    assert wiring.index().search(SearchQuery(article_id=article_id)).total == 0


def test_deleting_a_file_ingested_from_the_command_line_leaves_the_file(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `claimsearch ingest FILE` reads a user's own file: delete takes the article down only.
    (tmp_path / "bridge.txt").write_text(GOOD)
    assert main(["ingest", str(tmp_path / "bridge.txt")]) == 0
    article_id = capsys.readouterr().out.split("article ")[1].split(",")[0]
    assert main(["delete", article_id]) == 0
    assert "inbox" not in capsys.readouterr().out
    assert (tmp_path / "bridge.txt").exists()
