"""Run the Lambda handlers locally on the sample events, against moto S3/SQS and SQLite.

The same shape as the deployed stack, in one process: the inbox bucket (named as in the
events) with its `inbox/` notification to an ingest queue, the archive under `archive/`
in that bucket, and the local SQLite index in a temporary data directory.

    python infra/invoke.py ingest [EVENT ...]   # default: events/sqs-s3-put.json
    python infra/invoke.py search [EVENT ...]   # default: events/api-*.json
    python infra/invoke.py all                  # both

`search` first ingests the sample article (so searches have claims to find) and, after the
API events, hands whatever POST /articles dropped into the inbox to the ingest function,
as the queue would.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
EVENTS = REPO / "events"
SAMPLE_ARTICLE = EVENTS / "north-korea-forced-labour.txt"
SQS_EVENT = EVENTS / "sqs-s3-put.json"
REGION = "eu-west-1"
BODY_PREVIEW = 600


def _local_environment(data_dir: Path, bucket: str) -> None:
    """What template.yaml sets, pointed at moto and SQLite instead of AWS and OpenSearch."""
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_NAMESPACE": "claimsearch-invoke",
            "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
            "CLAIMSEARCH_DATA_DIR": str(data_dir),
            "CLAIMSEARCH_INDEX": "sqlite",
            "CLAIMSEARCH_ARCHIVE_BUCKET": bucket,
            "CLAIMSEARCH_ARCHIVE_PREFIX": "archive/",
            "CLAIMSEARCH_REJECTED_PREFIX": "rejected/",
            "CLAIMSEARCH_INBOX_BUCKET": bucket,
            "CLAIMSEARCH_INBOX_PREFIX": "inbox/",
        }
    )
    os.environ.pop("CLAIMSEARCH_OPENSEARCH_URL", None)


def _objects_in(event: dict[str, Any]) -> list[tuple[str, str]]:
    """(bucket, key) of every object an SQS-wrapped S3 notification event names."""
    from claimsearch.s3_events import objects_changed

    return [(o.bucket, o.key) for record in event.get("Records", []) for o in objects_changed(record["body"])]


@contextmanager
def local_stack(bucket: str) -> Iterator[dict[str, Any]]:
    """moto S3 + SQS wired as in template.yaml, and a fresh SQLite data directory."""
    from moto import mock_aws

    with tempfile.TemporaryDirectory(prefix="claimsearch-invoke-") as data_dir, mock_aws():
        _local_environment(Path(data_dir), bucket)
        import boto3

        from claimsearch.s3_events import queue_notification

        s3 = boto3.client("s3", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        queue_url = sqs.create_queue(QueueName="claimsearch-ingest")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        s3.put_bucket_notification_configuration(
            Bucket=bucket,
            NotificationConfiguration=queue_notification(queue_arn, "inbox/"),
        )
        _drain(sqs, queue_url)  # the s3:TestEvent S3 sends when notifications are configured
        yield {"s3": s3, "sqs": sqs, "queue_url": queue_url, "queue_arn": queue_arn, "bucket": bucket}


def _drain(sqs: Any, queue_url: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, AttributeNames=["All"], WaitTimeSeconds=0
        ).get("Messages", [])
        if not batch:
            return messages
        messages += batch
        for message in batch:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def _sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """The event Lambda's SQS event source mapping builds from received messages."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for m in messages
            if "s3:TestEvent" not in m["Body"]
        ]
    }


def _show(title: str, response: dict[str, Any]) -> None:
    print(f"\n== {title}")
    if "statusCode" in response:
        body = response.get("body") or ""
        with suppress(TypeError, ValueError):  # not JSON: shown as it is
            body = json.dumps(json.loads(body), ensure_ascii=False, indent=1)
        if len(body) > BODY_PREVIEW:
            body = body[:BODY_PREVIEW] + f"\n... ({len(body)} characters)"
        print(f"status {response['statusCode']}")
        print(body)
    else:
        print(json.dumps(response, indent=1))


def _handler(function: str) -> Any:
    from claimsearch.local.handlers import load_handler

    return load_handler(function)


def run_ingest(stack: dict[str, Any], event_files: list[Path]) -> None:
    from claimsearch.local.handlers import LocalContext

    handler = _handler("ingest")
    for path in event_files:
        event = json.loads(path.read_text(encoding="utf-8"))
        for bucket, key in _objects_in(event):
            if bucket != stack["bucket"]:
                raise SystemExit(f"{path.name} names bucket {bucket}; this run serves {stack['bucket']}")
            # Upload the sample article under the event's key, then drop the notification the
            # upload itself raised: the event file is what the function is given.
            stack["s3"].put_object(Bucket=bucket, Key=key, Body=SAMPLE_ARTICLE.read_bytes())
        _drain(stack["sqs"], stack["queue_url"])
        _show(f"ingest <- {path.relative_to(REPO)}", handler(event, LocalContext("ingest")))
    listing = stack["s3"].list_objects_v2(Bucket=stack["bucket"]).get("Contents", [])
    print(f"\nbucket {stack['bucket']}:")
    for item in listing:
        print(f"  {item['Key']}  ({item['Size']} bytes)")


def run_search(stack: dict[str, Any], event_files: list[Path]) -> None:
    from claimsearch.local.handlers import LocalContext

    run_ingest(stack, [SQS_EVENT])
    handler = _handler("search")
    for path in event_files:
        event = json.loads(path.read_text(encoding="utf-8"))
        _show(f"search <- {path.relative_to(REPO)}", handler(event, LocalContext("search")))
    queued = _sqs_event(_drain(stack["sqs"], stack["queue_url"]), stack["queue_arn"])
    if queued["Records"]:
        keys = [key for _, key in _objects_in(queued)]
        _show(f"ingest <- queue ({', '.join(keys)})", _handler("ingest")(queued, LocalContext("ingest")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("function", choices=["ingest", "search", "all"])
    parser.add_argument("events", nargs="*", type=Path, help="event files (default: the samples)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    sample = json.loads(SQS_EVENT.read_text(encoding="utf-8"))
    bucket = _objects_in(sample)[0][0]
    with local_stack(bucket) as stack:
        if args.function in ("ingest", "all"):
            run_ingest(stack, args.events if args.function == "ingest" and args.events else [SQS_EVENT])
        if args.function in ("search", "all"):
            api_events = args.events if args.function == "search" and args.events else None
            run_search(stack, api_events or sorted(EVENTS.glob("api-*.json")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
