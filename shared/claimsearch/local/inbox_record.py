"""Which folder is a data folder's inbox, recorded in the data folder itself.

The local stack keys an inbox file by its name inside the folder, and at each start
`serve` takes down the articles whose files are gone from it (removed or renamed while
nothing was watching). Given another folder (the relative default `inbox` from another
working directory, a second checkout), every file would look removed and every article
that came through the inbox would be taken down, tombstones and all. So the first
`serve` records its folder, and a later one with another folder is refused, naming both,
unless it is told to adopt the new one.
"""

from __future__ import annotations

from pathlib import Path

from claimsearch.errors import ClaimsearchError

RECORD = "inbox-folder.txt"


class InboxMoved(ClaimsearchError):
    """`serve` given a folder that is not the one its data folder's inbox articles came from."""

    code = "inbox_moved"
    status = 409


def recorded_inbox(data_dir: Path) -> Path | None:
    """The inbox folder recorded for `data_dir`; None before any `serve` recorded one."""
    try:
        text = (data_dir / RECORD).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return Path(text) if text else None


def claim_inbox(data_dir: Path, folder: Path, adopt: bool = False) -> None:
    """Record `folder` (resolved) as `data_dir`'s inbox, or raise InboxMoved when another is
    recorded, or when the recorded one is gone: serving it would take every inbox article
    down. `adopt`: record `folder` anyway (the articles whose files it lacks go down)."""
    folder = folder.resolve()
    recorded = recorded_inbox(data_dir)
    if recorded is not None and not adopt:
        if recorded != folder:
            raise InboxMoved(
                f"{folder} is not this data folder's inbox ({recorded}, recorded in {data_dir / RECORD}):"
                f" serve that one with --inbox {recorded}, or pass --adopt-inbox to make {folder} the"
                " inbox (the articles whose files are not in it are then taken down)"
            )
        if not folder.is_dir():
            raise InboxMoved(
                f"the inbox {folder} is gone: put it back, or pass --adopt-inbox to start from an"
                " empty one (the articles that came through it are then taken down)"
            )
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / RECORD).write_text(f"{folder}\n", encoding="utf-8")
