"""The ingest Lambda handler fed by a real S3 -> SQS notification, in moto."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import boto3
import pytest
from moto import mock_aws

from claimsearch.local.handlers import LocalContext, load_handler
from claimsearch.s3_events import queue_notification
from tests.conftest import EXAMPLE_ARTICLE, reset_process_caches

BUCKET = "claimsearch-inbox-test"


@pytest.fixture
def aws(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("CLAIMSEARCH_ARCHIVE_BUCKET", BUCKET)
    reset_process_caches()
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-1")
        sqs = boto3.client("sqs", region_name="eu-west-1")
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        queue_url = sqs.create_queue(QueueName="claimsearch-ingest")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        s3.put_bucket_notification_configuration(
            Bucket=BUCKET,
            NotificationConfiguration=queue_notification(queue_arn, "inbox/"),
        )
        yield {"s3": s3, "sqs": sqs, "queue_url": queue_url, "handler": load_handler("ingest")}


def _receive(aws: dict[str, Any]) -> dict[str, Any]:
    """The SQS event Lambda's event source mapping would build from the queue."""
    messages = (
        aws["sqs"]
        .receive_message(QueueUrl=aws["queue_url"], MaxNumberOfMessages=10, AttributeNames=["All"])
        .get("Messages", [])
    )
    records = [
        {
            "messageId": m["MessageId"],
            "receiptHandle": m["ReceiptHandle"],
            "body": m["Body"],
            "attributes": m.get("Attributes", {}),
            "messageAttributes": {},
            "md5OfBody": m["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:claimsearch-ingest",
            "awsRegion": "eu-west-1",
        }
        for m in messages
    ]
    return {"Records": records}


def _notifications(event: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in event["Records"] if "s3:TestEvent" not in r["body"]]


def test_uploaded_article_is_archived_and_searchable(aws: dict[str, Any]) -> None:
    aws["s3"].put_object(
        Bucket=BUCKET, Key="inbox/north-korea-forced-labour.txt", Body=EXAMPLE_ARTICLE.read_bytes()
    )
    event = _receive(aws)
    assert _notifications(event), "moto S3 sent no notification to the queue"
    result = aws["handler"](event, LocalContext("ingest"))
    assert result == {"batchItemFailures": []}

    keys = [o["Key"] for o in aws["s3"].list_objects_v2(Bucket=BUCKET, Prefix="archive/")["Contents"]]
    assert len(keys) == 1
    archived = json.loads(aws["s3"].get_object(Bucket=BUCKET, Key=keys[0])["Body"].read())
    assert archived["article"]["source_key"] == "inbox/north-korea-forced-labour.txt"
    assert len(archived["claims"]) >= 8

    from claimsearch import wiring
    from claimsearch.index.port import SearchQuery

    hits = wiring.index().search(SearchQuery(claimant="Ahn Myeong-chul")).hits
    assert {h.claim.cue.text for h in hits} == {"believes", "told"}


def test_redelivered_message_creates_no_duplicates(aws: dict[str, Any]) -> None:
    aws["s3"].put_object(Bucket=BUCKET, Key="inbox/nk.txt", Body=EXAMPLE_ARTICLE.read_bytes())
    event = _receive(aws)
    aws["handler"](event, LocalContext("ingest"))
    aws["handler"](event, LocalContext("ingest"))  # SQS delivers at least once
    from claimsearch import wiring

    claims = wiring.index().count_claims()
    archived = aws["s3"].list_objects_v2(Bucket=BUCKET, Prefix="archive/")["KeyCount"]
    assert archived == 1
    assert claims == len(
        json.loads(
            aws["s3"]
            .get_object(
                Bucket=BUCKET,
                Key=aws["s3"].list_objects_v2(Bucket=BUCKET, Prefix="archive/")["Contents"][0]["Key"],
            )["Body"]
            .read()
        )["claims"]
    )


def test_bad_file_is_recorded_once_and_not_retried(aws: dict[str, Any]) -> None:
    aws["s3"].put_object(Bucket=BUCKET, Key="inbox/empty.txt", Body=b"")
    aws["s3"].put_object(Bucket=BUCKET, Key="inbox/good.txt", Body=EXAMPLE_ARTICLE.read_bytes())
    aws["s3"].put_object(Bucket=BUCKET, Key="inbox/binary.txt", Body=b"\xff\xfe\x00\x00garbage\x80")
    event = _receive(aws)
    records = _notifications(event)
    assert len(records) == 3
    by_key = {
        unquote_plus(json.loads(r["body"])["Records"][0]["s3"]["object"]["key"]): r["messageId"]
        for r in records
    }
    assert set(by_key) == {"inbox/empty.txt", "inbox/good.txt", "inbox/binary.txt"}
    result = aws["handler"](event, LocalContext("ingest"))
    # A file that can never succeed is acknowledged: no retry, no dead letter.
    assert result == {"batchItemFailures": []}
    rejected = aws["s3"].list_objects_v2(Bucket=BUCKET, Prefix="rejected/")["Contents"]
    assert len(rejected) == 2
    reasons = {
        o["Key"]: json.loads(aws["s3"].get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read())
        for o in rejected
    }
    assert reasons["rejected/inbox/empty.txt.json"]["code"] == "empty_document"
    assert reasons["rejected/inbox/binary.txt.json"]["code"] == "undecodable_document"
    assert aws["s3"].list_objects_v2(Bucket=BUCKET, Prefix="archive/")["KeyCount"] == 1


def test_s3_test_event_is_ignored(aws: dict[str, Any]) -> None:
    event = json.loads((EXAMPLE_ARTICLE.parent / "sqs-s3-test-event.json").read_text())
    assert aws["handler"](event, LocalContext("ingest")) == {"batchItemFailures": []}
    assert aws["s3"].list_objects_v2(Bucket=BUCKET, Prefix="archive/")["KeyCount"] == 0


def test_archive_writes_do_not_trigger_ingest(aws: dict[str, Any]) -> None:
    aws["s3"].put_object(Bucket=BUCKET, Key="inbox/nk.txt", Body=EXAMPLE_ARTICLE.read_bytes())
    aws["handler"](_receive(aws), LocalContext("ingest"))
    assert _notifications(_receive(aws)) == []  # the archive/ write raised no notification
