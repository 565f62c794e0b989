"""Exports to the bucket, on moto's S3 and SQS: POST /exports -> the export worker -> GET /exports/{id}.

The search handler and the export function's handler run as Lambda runs them; the index
is a real SQLite file holding the example article and 240 synthetic claims, so an export
spans several pages. moto serves the presigned URL without checking its signature: what
is proven here is the URL's target and the file behind it, not AWS's signature check.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from moto import mock_aws

from claimsearch.api.export_jobs import ExportJob
from claimsearch.local.apigw import response_parts, rest_event
from claimsearch.local.handlers import Handler, LocalContext, load_handler
from claimsearch.local.inbox import sqs_event
from tests.conftest import published_metrics, reset_process_caches
from tests.integration.test_export import PUBLISHER, load, synthetic_corpus

REGION = "eu-west-1"
BUCKET = "claimsearch-test-inbox-123456789012-eu-west-1"
SYNTHETIC = 240


@dataclass
class Aws:
    s3: Any
    sqs: Any
    queue_url: str
    search: Handler
    export: Handler

    def call(
        self, method: str, url: str, body: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, str], Any]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if body is not None else None
        status, answer_headers, answer = response_parts(
            self.search(rest_event(method, url, headers, data), LocalContext("search"))
        )
        is_json = answer_headers.get("Content-Type", "").startswith("application/json")
        return status, answer_headers, json.loads(answer) if is_json else answer

    def jobs(self) -> list[str]:
        """The bodies waiting on the export queue, taken off it."""
        bodies = []
        while messages := self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get(
            "Messages", []
        ):
            for message in messages:
                bodies.append(message["Body"])
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return bodies

    def objects(self, prefix: str = "exports/") -> set[str]:
        listing = self.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
        return {item["Key"] for item in listing.get("Contents", [])}


@pytest.fixture(scope="module")
def handlers() -> tuple[Handler, Handler]:
    return load_handler("search"), load_handler("export")


@pytest.fixture
def aws(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    handlers: tuple[Handler, Handler],
    example_extraction,  # type: ignore[no-untyped-def]
) -> Iterator[Aws]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        sqs = boto3.client("sqs", region_name=REGION)
        queue_url = sqs.create_queue(QueueName="claimsearch-test-export")["QueueUrl"]
        monkeypatch.setenv("CLAIMSEARCH_EXPORT_BUCKET", BUCKET)
        monkeypatch.setenv("CLAIMSEARCH_EXPORT_PREFIX", "exports/")
        monkeypatch.setenv("CLAIMSEARCH_EXPORT_QUEUE_URL", queue_url)
        reset_process_caches()
        from claimsearch import wiring

        load(wiring.index(), [example_extraction, *synthetic_corpus()])
        yield Aws(s3, sqs, queue_url, *handlers)
    reset_process_caches()


class ShortOnTime(LocalContext):
    def get_remaining_time_in_millis(self) -> int:
        return 30_000  # under run_export's one-minute margin


def test_an_export_is_queued_written_gzipped_and_served_by_a_presigned_url(aws: Aws) -> None:
    filters = {"q": "forced labour", "publisher": PUBLISHER}
    status, headers, accepted = aws.call("POST", "/exports", filters)
    assert status == 202, accepted
    export_id = accepted["id"]
    assert headers["Location"] == f"exports/{export_id}" and accepted["status_url"] == f"/exports/{export_id}"
    assert accepted["state"] == "queued" and accepted["total"] == SYNTHETIC
    assert accepted["relaxed"] is False
    assert aws.objects() == {f"exports/{export_id}/request.json"}

    status, _, queued = aws.call("GET", f"/exports/{export_id}")
    assert status == 200 and queued["state"] == "queued" and queued["url"] is None
    assert queued["filters"]["q"] == "forced labour" and queued["claims"] == 0

    (body,) = aws.jobs()
    assert ExportJob.model_validate_json(body).id == export_id
    result = aws.export(sqs_event([body]), LocalContext("export"))
    assert result == {"batchItemFailures": []}

    status, _, done = aws.call("GET", f"/exports/{export_id}")
    assert status == 200, done
    assert done["state"] == "done" and done["claims"] == done["total"] == SYNTHETIC
    assert done["error"] is None and done["started_at"] and done["finished_at"]
    assert done["url_expires_in"] == 3600
    assert f"/exports/{export_id}/claims.ndjson.gz" in done["url"] and "X-Amz-Signature=" in done["url"]
    assert aws.objects() == {
        f"exports/{export_id}/{name}" for name in ("request.json", "state.json", "claims.ndjson.gz")
    }

    download = requests.get(done["url"], timeout=30)
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/gzip"
    assert f'filename="claims-{export_id}.ndjson.gz"' in download.headers["Content-Disposition"]
    # The same lines as GET /claims/export with the same filters, byte for byte.
    _, _, streamed = aws.call("GET", "/claims/export?q=forced+labour&publisher=Synthetic+Times")
    assert gzip.decompress(download.content) == streamed
    lines = [json.loads(line) for line in gzip.decompress(download.content).decode().splitlines()]
    assert len({line["claim"]["id"] for line in lines}) == SYNTHETIC


def test_an_export_with_no_time_left_fails_with_the_reason_and_writes_no_file(aws: Aws) -> None:
    _, _, accepted = aws.call("POST", "/exports", {})
    (body,) = aws.jobs()
    assert aws.export(sqs_event([body]), ShortOnTime("export")) == {"batchItemFailures": []}
    _, _, failed = aws.call("GET", f"/exports/{accepted['id']}")
    assert failed["state"] == "failed" and failed["url"] is None
    assert failed["total"] == accepted["total"] > SYNTHETIC  # everything: the example article too
    assert failed["error"].startswith(f"ran out of time after 100 of {accepted['total']} claims")
    assert f"exports/{accepted['id']}/claims.ndjson.gz" not in aws.objects()


def test_a_job_whose_state_cannot_be_written_goes_back_to_the_queue(
    aws: Aws,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    handler_logs: Callable[[], list[dict[str, Any]]],
) -> None:
    status, _, _ = aws.call("POST", "/exports", {"publisher": PUBLISHER})
    assert status == 202
    (body,) = aws.jobs()
    monkeypatch.setenv("CLAIMSEARCH_EXPORT_BUCKET", "claimsearch-no-such-bucket")
    reset_process_caches()
    event = sqs_event([body])
    capsys.readouterr()
    result = aws.export(event, LocalContext("export"))
    assert result == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
    # Counted, so that an export the bucket keeps refusing shows before it is dead-lettered,
    # and logged with the job and the error, so that the dead-letter alarm has a reason.
    assert published_metrics(capsys) == {"ExportsRetried": 1}
    (failed,) = [r for r in handler_logs() if r["level"] == "ERROR"]
    assert failed["export_id"] == json.loads(body)["id"]
    assert failed["message_id"] == event["Records"][0]["messageId"]
    assert "NoSuchBucket" in failed["exception"]


def test_a_message_that_is_no_job_is_acknowledged_and_writes_nothing(aws: Aws) -> None:
    assert aws.export(sqs_event(['{"not": "a job"}', "garbage"]), LocalContext("export")) == {
        "batchItemFailures": []
    }
    assert aws.objects() == set()


def test_a_relaxed_export_says_so_when_queued(aws: Aws) -> None:
    status, _, accepted = aws.call("POST", "/exports", {"q": "forced labour zqxjv vjxqz"})
    assert status == 202, accepted
    assert accepted["relaxed"] is True and accepted["total"] >= SYNTHETIC  # and others holding a word


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"publsher": "x"}, "publsher"),  # a misspelt filter is refused, not ignored
        ({"published_from": "2016-05-01", "published_to": "2016-04-01"}, "published_from"),
        ({"cue_class": "shout"}, "cue_class"),
        ({"claimant": "Mr."}, "claimant"),  # the query is run once at POST: the index's 400
        ({"q": "x" * 501}, "q"),
    ],
)
def test_bad_filters_are_a_400_and_queue_nothing(aws: Aws, body: dict[str, Any], parameter: str) -> None:
    status, _, answer = aws.call("POST", "/exports", body)
    assert status == 400, answer
    assert answer["error"]["code"] == "invalid_parameter" and answer["error"]["parameter"] == parameter
    assert aws.jobs() == [] and aws.objects() == set()


def test_an_unknown_export_is_a_404_and_a_malformed_id_a_400(aws: Aws) -> None:
    status, _, answer = aws.call("GET", "/exports/0123456789abcdef0123456789abcdef")
    assert status == 404 and answer["error"]["code"] == "not_found"
    status, _, answer = aws.call("GET", "/exports/..%2Fsecrets")
    assert status == 400 and answer["error"]["parameter"] == "export_id"


def test_without_a_bucket_for_exports_the_routes_answer_503(
    data_dir: Path, handlers: tuple[Handler, Handler]
) -> None:
    search, _ = handlers
    for method, url, body in (
        ("POST", "/exports", b"{}"),
        ("GET", "/exports/0123456789abcdef0123456789abcdef", None),
    ):
        status, _, answer = response_parts(
            search(
                rest_event(method, url, {"Content-Type": "application/json"}, body), LocalContext("search")
            )
        )
        assert status == 503
        error = json.loads(answer)["error"]
        assert error["code"] == "exports_unavailable" and "GET /claims/export" in error["message"]


def test_without_a_bucket_filters_the_index_refuses_are_still_400(
    data_dir: Path, handlers: tuple[Handler, Handler]
) -> None:
    search, _ = handlers
    for body, parameter in (
        (b'{"published_from": "2016-10-01", "published_to": "2016-09-01"}', "published_from"),
        (b'{"claimant": "Mr."}', "claimant"),
    ):
        status, _, answer = response_parts(
            search(
                rest_event("POST", "/exports", {"Content-Type": "application/json"}, body),
                LocalContext("search"),
            )
        )
        error = json.loads(answer)["error"]
        assert (status, error["code"]) == (400, "invalid_parameter"), (body, error)
        assert error.get("parameter") in (parameter, "published_to"), error
