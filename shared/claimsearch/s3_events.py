"""S3 event notifications, as they arrive in SQS message bodies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus


@dataclass(frozen=True)
class ObjectCreated:
    bucket: str
    key: str
    size: int | None


class NotificationError(ValueError):
    """A message that is not an S3 notification at all."""


def objects_created(message_body: str) -> list[ObjectCreated]:
    """Objects created according to one SQS message body.

    S3 sends an `s3:TestEvent` when notifications are configured: it names no object
    and yields an empty list. Keys arrive URL-encoded ("my+file.txt").
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
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = record["s3"]
        found.append(
            ObjectCreated(
                bucket=s3["bucket"]["name"],
                key=unquote_plus(s3["object"]["key"]),
                size=s3["object"].get("size"),
            )
        )
    return found


def notification_body(bucket: str, key: str, size: int, region: str = "us-east-1") -> str:
    """An S3 ObjectCreated:Put notification body, as S3 would send it (local inbox)."""
    from datetime import UTC, datetime
    from urllib.parse import quote_plus

    record = {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": region,
        "eventTime": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "eventName": "ObjectCreated:Put",
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "local-inbox",
            "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
            "object": {"key": quote_plus(key, safe="/"), "size": size},
        },
    }
    return json.dumps({"Records": [record]})


def queue_notification(queue_arn: str, prefix: str) -> dict[str, Any]:
    """A bucket `NotificationConfiguration` sending objects created under `prefix` to a queue.

    The wiring template.yaml gives the inbox, for local stacks and tests that build it in moto.
    """
    return {
        "QueueConfigurations": [
            {
                "QueueArn": queue_arn,
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": prefix}]}},
            }
        ]
    }
