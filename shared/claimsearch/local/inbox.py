"""The local inbox: a folder watched like an S3 bucket that notifies a queue.

A file that appears or changes in the folder becomes an S3 ObjectCreated
notification, and a file that disappears an ObjectRemoved one, inside an SQS event
handed to the ingest function's handler: the same path an upload to (or a delete
from) the real bucket takes. Each carries a sequencer that grows with every event,
as S3's do for the events of one key.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from claimsearch.archive import rejection_name
from claimsearch.local.handlers import Handler, LocalContext
from claimsearch.s3_events import Change, notification_body

Report = Callable[[str], None]
# A delivery that failed for now is tried again after RETRY_FIRST_S, then twice as long
# each time, up to RETRY_MAX_S: the index back up, or the article's other writer done.
RETRY_FIRST_S = 2.0
RETRY_MAX_S = 60.0
# The state recorded for a file known from the archive only: no file in the folder has it.
NOT_STATED = (-1.0, -1)


def sqs_event(bodies: list[str], queue: str = "claimsearch-ingest-local") -> dict[str, Any]:
    """An SQS event as Lambda's event source mapping delivers it."""
    now = str(int(time.time() * 1000))
    return {
        "Records": [
            {
                "messageId": str(uuid.uuid4()),
                "receiptHandle": "local",
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": now,
                    "SenderId": "local",
                    "ApproximateFirstReceiveTimestamp": now,
                },
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:local:000000000000:{queue}",
                "awsRegion": "local",
            }
            for body in bodies
        ]
    }


class InboxWatcher:
    def __init__(
        self,
        folder: Path,
        bucket: str,
        handler: Handler,
        report: Report = print,
        interval: float = 1.0,
        rejected_dir: Path | None = None,
        indexed: Callable[[], Iterable[str]] = list,
    ) -> None:
        """`indexed()`: the keys of the inbox's files that the archive holds as live articles,
        read at the first pass. A file among them that is gone from the folder was removed
        (or renamed) while nothing watched it, and its removal is handed on then."""
        self.folder = folder
        self.bucket = bucket
        self.handler = handler
        self.report = report
        self.interval = interval
        self.rejected_dir = rejected_dir
        self._seen: dict[str, tuple[float, int]] = {}
        self._pending: dict[str, tuple[float, int]] = {}
        self._indexed: Callable[[], Iterable[str]] | None = indexed
        # Deliveries that failed for now (the index down, the article busy): key -> (when to
        # try again, the wait after that), as SQS redelivers a failed message.
        self._retries: dict[str, tuple[float, float]] = {}
        self._stop = threading.Event()

    def poll(self) -> list[str]:
        """One pass: hand files whose size and mtime held steady since the last pass,
        and the removal of files seen before and gone now."""
        if self._indexed is not None:
            # Seen before this watcher started: present ones are handed on again (an edit
            # made meanwhile is caught; an unchanged file answers "unchanged").
            self._seen = {key: NOT_STATED for key in self._indexed()}
            self._indexed = None
        ready = []
        current: dict[str, tuple[float, int]] = {}
        for path in sorted(self.folder.rglob("*")):
            relative = path.relative_to(self.folder)
            # Hidden files and folders (.git/, an editor's .swp) are no articles, as for the CLI.
            if any(part.startswith(".") for part in relative.parts) or not path.is_file():
                continue
            key = relative.as_posix()
            stat = path.stat()
            current[key] = (stat.st_mtime, stat.st_size)
        for key, state in current.items():
            if self._seen.get(key) == state:
                continue
            # Half-written files change between passes; wait until one stays put.
            if self._pending.get(key) == state:
                ready.append(key)
            else:
                self._pending[key] = state
        removed = [key for key in self._seen if key not in current]
        now = time.monotonic()
        due = [
            key
            for key, (at, _) in self._retries.items()
            if at <= now and key not in ready and key not in removed
        ]
        for key in ready:
            self._seen[key] = self._pending.pop(key)
            self._deliver(key, "created", self._seen[key][1])
        for key in removed:
            del self._seen[key]
            self._pending.pop(key, None)
            self._deliver(key, "removed", None)
        for key in due:
            # The file as it is now: an edit or a removal since was delivered above.
            if key in current:
                self._deliver(key, "created", current[key][1])
            else:
                self._deliver(key, "removed", None)
        return ready + removed + due

    def _deliver(self, key: str, change: Change, size: int | None) -> None:
        # Nanoseconds since the epoch, as hex: later events get greater sequencers.
        sequencer = f"{time.time_ns():016X}"
        body = notification_body(self.bucket, key, size, change=change, sequencer=sequencer)
        started = time.time()
        result = self.handler(sqs_event([body]), LocalContext("claimsearch-ingest-local"))
        rejection = self._rejection(key, since=started) if change == "created" else None
        if rejection is not None:
            self.report(f"inbox: {key} rejected: {rejection}")
        elif result.get("batchItemFailures"):
            wait = self._retries[key][1] if key in self._retries else RETRY_FIRST_S
            self._retries[key] = (time.monotonic() + wait, min(wait * 2, RETRY_MAX_S))
            self.report(f"inbox: {key} failed; see the log above (trying again in {wait:g} s)")
            return
        elif change == "removed":
            self.report(f"inbox: {key} removed: its article is deleted")
        else:
            self.report(f"inbox: {key} ingested")
        self._retries.pop(key, None)  # done, or refused for good

    def _rejection(self, key: str, since: float) -> str | None:
        """The reason recorded for `key` by this delivery (the handler acknowledges rejections)."""
        if self.rejected_dir is None:
            return None
        record = self.rejected_dir / rejection_name(key)
        if not record.is_file() or record.stat().st_mtime < since - 1:
            return None
        data = json.loads(record.read_text())
        return f"{data.get('reason')} (record: {record})"

    def run(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        while not self._stop.is_set():
            try:
                self.poll()
            except Exception as exc:  # keep watching: one broken pass must not stop the inbox
                self.report(f"inbox: error: {exc}")
            self._stop.wait(self.interval)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="inbox-watcher", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()
