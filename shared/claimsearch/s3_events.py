"""S3 event notifications, as they arrive in SQS message bodies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import quote_plus, unquote_plus

Change = Literal["created", "removed"]


@dataclass(frozen=True)
class ObjectChanged:
    """An object was created (or overwritten) or removed under `key`.

    `sequencer` orders the events of one key (S3 sets it on PUT and DELETE; the local
    inbox sets it from the file's modification time); None when the sender gave none.
    """

    bucket: str
    key: str
    change: Change
    sequencer: str | None = None
    size: int | None = None


class NotificationError(ValueError):
    """A message that is not an S3 notification at all."""


def objects_changed(message_body: str) -> list[ObjectChanged]:
    """Objects created or removed according to one SQS message body.

    S3 sends an `s3:TestEvent` when notifications are configured: it names no object
    and yields an empty list. Keys arrive URL-encoded ("my+file.txt"). Other event
    kinds (restores, tagging) change no article and are skipped, and so are keys ending
    in "/": the empty objects the S3 console creates as folders ("inbox/2016/"), no file.
    """
    try:
        body = json.loads(message_body)
    except json.JSONDecodeError as exc:
        raise NotificationError(f"message body is not JSON: {exc.msg}") from exc
    if not isinstance(body, dict):
        raise NotificationError("message body is not a JSON object")
    if body.get("Event") == "s3:TestEvent":
        return []
    records = body.get("Records")
    if not isinstance(records, list):
        raise NotificationError("message body has no S3 'Records'")
    found = []
    for record in records:
        name = str(record.get("eventName", "")) if isinstance(record, dict) else ""
        change: Change
        if name.startswith("ObjectCreated"):
            change = "created"
        elif name.startswith("ObjectRemoved"):
            change = "removed"
        else:
            continue
        try:
            s3 = record["s3"]
            changed = ObjectChanged(
                bucket=str(s3["bucket"]["name"]),
                key=unquote_plus(str(s3["object"]["key"])),
                change=change,
                sequencer=s3["object"].get("sequencer") or None,
                size=s3["object"].get("size"),
            )
        except (KeyError, TypeError) as exc:
            raise NotificationError(f"S3 record without bucket or key: {exc}") from exc
        if not changed.key.endswith("/"):
            found.append(changed)
    return found


def is_older(sequencer: str | None, than: str | None) -> bool:
    """True when `sequencer` is known to come before `than` (events of the same key).

    S3's rule: right-pad the shorter hex string with zeros, then compare as strings.
    Without both values nothing is known, and the event is applied.
    """
    if not sequencer or not than:
        return False
    width = max(len(sequencer), len(than))
    return sequencer.upper().ljust(width, "0") < than.upper().ljust(width, "0")


def notification_body(
    bucket: str,
    key: str,
    size: int | None,
    *,
    change: Change = "created",
    sequencer: str | None = None,
    region: str = "us-east-1",
) -> str:
    """An S3 ObjectCreated:Put or ObjectRemoved:Delete body, as S3 would send it (local inbox)."""
    obj: dict[str, Any] = {"key": quote_plus(key, safe="/")}
    if size is not None:
        obj["size"] = size
    if sequencer is not None:
        obj["sequencer"] = sequencer
    record = {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": region,
        "eventTime": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "eventName": "ObjectCreated:Put" if change == "created" else "ObjectRemoved:Delete",
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "local-inbox",
            "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
            "object": obj,
        },
    }
    return json.dumps({"Records": [record]})


def queue_notification(queue_arn: str, prefix: str) -> dict[str, Any]:
    """A bucket `NotificationConfiguration` sending objects created or removed under `prefix` to a queue.

    The wiring template.yaml gives the inbox, for local stacks and tests that build it in moto.
    """
    return {
        "QueueConfigurations": [
            {
                "QueueArn": queue_arn,
                "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
                "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": prefix}]}},
            }
        ]
    }
