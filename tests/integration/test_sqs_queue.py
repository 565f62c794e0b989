"""The SQS adapter (moto): every message sent, ten a request; re-extraction requests read back."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from claimsearch.errors import DependencyFailed
from claimsearch.reextract import reextract_message, reextract_requested
from claimsearch.storage.sqs import SqsQueue
from tests.conftest import EXAMPLE_ARTICLE


def test_send_all_sends_every_body_once() -> None:
    with mock_aws():
        sqs = boto3.client("sqs", region_name="eu-west-1")
        url = sqs.create_queue(QueueName="q")["QueueUrl"]
        bodies = [reextract_message(f"article-{i:02d}") for i in range(23)]
        assert SqsQueue(url, sqs).send_all(iter(bodies)) == 23
        received: list[str] = []
        while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
            received += [m["Body"] for m in messages]
            sqs.delete_message_batch(
                QueueUrl=url,
                Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in messages],
            )
        assert sorted(received) == bodies
        assert SqsQueue(url, sqs).send_all([]) == 0


def test_only_a_reextraction_request_reads_as_one() -> None:
    assert reextract_requested(reextract_message("abc")) == "abc"
    notification = (EXAMPLE_ARTICLE.parent / "sqs-s3-put.json").read_text()
    for body in [
        *(r["body"] for r in json.loads(notification)["Records"]),
        "not json",
        "[]",
        '{"reextract": 3}',
    ]:
        assert reextract_requested(body) is None


def test_the_queue_is_reached_in_the_region_its_url_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    with mock_aws():
        url = boto3.client("sqs", region_name="us-east-2").create_queue(QueueName="ingest")["QueueUrl"]
        assert ".us-east-2." in url or "us-east-2" in url
        queue = SqsQueue(url)  # no region configured: the URL's
        assert queue.client.meta.region_name == "us-east-2"
        assert queue.send_all([reextract_message("a")]) == 1


def test_a_queue_that_cannot_be_reached_is_a_clear_error_naming_it() -> None:
    with mock_aws():
        sqs = boto3.client("sqs", region_name="eu-west-1")
        missing = "https://sqs.eu-west-1.amazonaws.com/123456789012/no-such-queue"
        with pytest.raises(DependencyFailed, match="no-such-queue"):
            SqsQueue(missing, sqs).send_all([reextract_message("a")])
