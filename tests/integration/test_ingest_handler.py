"""The ingest Lambda handler fed by a real S3 -> SQS notification, in moto."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import boto3
import pytest
from moto import mock_aws

from claimsearch.local.handlers import LocalContext, load_handler
from claimsearch.s3_events import queue_notification
from claimsearch.time_budget import DEFERRALS_ATTRIBUTE, MAX_DEFERRALS
from tests.conftest import EXAMPLE_ARTICLE, published_metrics, reset_process_caches

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
        .receive_message(
            QueueUrl=aws["queue_url"],
            MaxNumberOfMessages=10,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        .get("Messages", [])
    )
    records = [
        {
            "messageId": m["MessageId"],
            "receiptHandle": m["ReceiptHandle"],
            "body": m["Body"],
            "attributes": m.get("Attributes", {}),
            # As Lambda writes them: lower-case keys.
            "messageAttributes": {
                name: {"stringValue": a["StringValue"], "dataType": a["DataType"]}
                for name, a in m.get("MessageAttributes", {}).items()
            },
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

    listed = aws["s3"].list_objects_v2(Bucket=BUCKET, Prefix="archive/articles/")["Contents"]
    keys = [o["Key"] for o in listed]
    assert len(keys) == 1
    archived = json.loads(aws["s3"].get_object(Bucket=BUCKET, Key=keys[0])["Body"].read())
    assert archived["article"]["source_key"] == "inbox/north-korea-forced-labour.txt"
    assert len(archived["claims"]) >= 8

    from claimsearch import wiring
    from claimsearch.index.port import SearchQuery

    hits = wiring.index().search(SearchQuery(claimant="Ahn Myeong-chul")).hits
    assert {h.claim.cue.text for h in hits} == {"believes", "told"}


def test_redelivered_message_creates_no_duplicates(
    aws: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    aws["s3"].put_object(Bucket=BUCKET, Key="inbox/nk.txt", Body=EXAMPLE_ARTICLE.read_bytes())
    event = _receive(aws)
    aws["handler"](event, LocalContext("ingest"))
    assert published_metrics(capsys)["ClaimsIndexed"] > 0
    aws["handler"](event, LocalContext("ingest"))  # SQS delivers at least once
    assert published_metrics(capsys) == {"FilesUnchanged": 1}  # counted, nothing indexed again
    from claimsearch import wiring

    (archived,) = aws["s3"].list_objects_v2(Bucket=BUCKET, Prefix="archive/articles/")["Contents"]
    body = json.loads(aws["s3"].get_object(Bucket=BUCKET, Key=archived["Key"])["Body"].read())
    assert wiring.index().count_claims() == len(body["claims"])


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
    assert aws["s3"].list_objects_v2(Bucket=BUCKET, Prefix="archive/articles/")["KeyCount"] == 1


def test_s3_test_event_is_ignored(aws: dict[str, Any]) -> None:
    event = json.loads((EXAMPLE_ARTICLE.parent / "sqs-s3-test-event.json").read_text())
    assert aws["handler"](event, LocalContext("ingest")) == {"batchItemFailures": []}
    assert aws["s3"].list_objects_v2(Bucket=BUCKET, Prefix="archive/articles/")["KeyCount"] == 0


def test_archive_writes_do_not_trigger_ingest(aws: dict[str, Any]) -> None:
    aws["s3"].put_object(Bucket=BUCKET, Key="inbox/nk.txt", Body=EXAMPLE_ARTICLE.read_bytes())
    aws["handler"](_receive(aws), LocalContext("ingest"))
    assert _notifications(_receive(aws)) == []  # the archive/ write raised no notification


# -- the article lifecycle: updates, deletes, events twice and out of order ----------------

# A second version of the example: one claim's cue and content changed, the rest kept.
EDIT = ("believes the money", "insists the money")


def _with_sequencers(event: dict[str, Any], sequencers: list[str]) -> list[dict[str, Any]]:
    """Each notification of `event` as a record of its own, with S3's sequencer (moto sets none)."""
    records = []
    for record, sequencer in zip(_notifications(event), sequencers, strict=True):
        body = json.loads(record["body"])
        body["Records"][0]["s3"]["object"]["sequencer"] = sequencer
        records.append({**record, "body": json.dumps(body)})
    return records


def _deliver(aws: dict[str, Any], *records: dict[str, Any]) -> None:
    result = aws["handler"]({"Records": list(records)}, LocalContext("ingest"))
    assert result == {"batchItemFailures": []}


def _live_claims(article_id: str) -> list[str]:
    from claimsearch import wiring

    return [c.content.text for c in wiring.index().claims_for_article(article_id)]


def _article_id(key: str) -> str:
    from claimsearch.model import article_id_for_source

    return article_id_for_source(BUCKET, key)


def test_new_version_under_the_same_key_replaces_the_article(aws: dict[str, Any]) -> None:
    original = EXAMPLE_ARTICLE.read_text()
    assert EDIT[0] in original
    aws["s3"].put_object(Bucket=BUCKET, Key="inbox/nk.txt", Body=original.encode())
    _deliver(aws, *_receive(aws)["Records"])
    before = _live_claims(_article_id("inbox/nk.txt"))
    aws["s3"].put_object(Bucket=BUCKET, Key="inbox/nk.txt", Body=original.replace(*EDIT).encode())
    _deliver(aws, *_receive(aws)["Records"])

    from claimsearch import wiring
    from claimsearch.index.port import SearchQuery

    after = _live_claims(_article_id("inbox/nk.txt"))
    assert len(after) == len(before)
    assert wiring.index().count_claims() == len(after)  # the old version left no claim behind
    cues = {h.claim.cue.text for h in wiring.index().search(SearchQuery(claimant="Ahn Myeong-chul")).hits}
    assert cues == {"insists", "told"}
    assert aws["s3"].list_objects_v2(Bucket=BUCKET, Prefix="archive/articles/")["KeyCount"] == 1


def test_deleted_file_takes_its_claims_down_and_reindex_does_not_resurrect_them(
    aws: dict[str, Any], tmp_path: Path
) -> None:
    aws["s3"].put_object(Bucket=BUCKET, Key="inbox/nk.txt", Body=EXAMPLE_ARTICLE.read_bytes())
    aws["s3"].put_object(Bucket=BUCKET, Key="inbox/other.txt", Body=EXAMPLE_ARTICLE.read_bytes())
    _deliver(aws, *_receive(aws)["Records"])
    aws["s3"].delete_object(Bucket=BUCKET, Key="inbox/nk.txt")
    removal = _notifications(_receive(aws))
    assert [json.loads(r["body"])["Records"][0]["eventName"] for r in removal] == ["ObjectRemoved:Delete"]
    _deliver(aws, *removal)

    from claimsearch import wiring
    from claimsearch.index.sqlite import SqliteIndex
    from claimsearch.reindex import rebuild_index

    assert _live_claims(_article_id("inbox/nk.txt")) == []
    assert wiring.index().get_article(_article_id("inbox/nk.txt")) is None
    kept = _live_claims(_article_id("inbox/other.txt"))
    assert kept
    tombstone = wiring.make_archive().source(_article_id("inbox/nk.txt"))
    assert tombstone is not None and not tombstone.live
    fresh = SqliteIndex(tmp_path / "rebuilt.sqlite3")
    rebuild_index(fresh, wiring.make_archive())
    assert fresh.claims_for_article(_article_id("inbox/nk.txt")) == []
    assert fresh.count_claims() == len(kept)


def test_events_twice_and_out_of_order_leave_the_latest_version(
    aws: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    original = EXAMPLE_ARTICLE.read_text()
    key = "inbox/nk.txt"
    aws["s3"].put_object(Bucket=BUCKET, Key=key, Body=original.encode())
    (first,) = _with_sequencers(_receive(aws), ["0055AED6DCD90281E1"])
    aws["s3"].delete_object(Bucket=BUCKET, Key=key)
    (removal,) = _with_sequencers(_receive(aws), ["0055AED6DCD90281E2"])
    aws["s3"].put_object(Bucket=BUCKET, Key=key, Body=original.replace(*EDIT).encode())
    (latest,) = _with_sequencers(_receive(aws), ["0055AED6DCD90281E3"])

    # Newest first, each twice, the oldest last: only the latest version may remain.
    capsys.readouterr()
    _deliver(aws, latest, latest)
    _deliver(aws, removal, first, removal)
    _deliver(aws, first)
    published = published_metrics(capsys)
    assert (published["FilesUnchanged"], published["EventsStale"], published["ArticlesDeleted"]) == (1, 4, 0)

    from claimsearch import wiring

    contents = _live_claims(_article_id(key))
    assert any(EDIT[1].split()[0] in c or "money" in c for c in contents)
    assert wiring.index().count_claims() == len(contents) > 0
    state = wiring.make_archive().source(_article_id(key))
    assert state is not None and state.live and state.sequencer == "0055AED6DCD90281E3"
    cues = {c.cue.text for c in wiring.index().claims_for_article(_article_id(key))}
    assert "insists" in cues and "believes" not in cues


def test_a_file_rejected_on_update_keeps_the_last_good_version(aws: dict[str, Any]) -> None:
    aws["s3"].put_object(Bucket=BUCKET, Key="inbox/nk.txt", Body=EXAMPLE_ARTICLE.read_bytes())
    _deliver(aws, *_receive(aws)["Records"])
    good = _live_claims(_article_id("inbox/nk.txt"))
    aws["s3"].put_object(Bucket=BUCKET, Key="inbox/nk.txt", Body=b"")
    _deliver(aws, *_receive(aws)["Records"])
    assert _live_claims(_article_id("inbox/nk.txt")) == good
    (record,) = aws["s3"].list_objects_v2(Bucket=BUCKET, Prefix="rejected/")["Contents"]
    assert record["Key"] == "rejected/inbox/nk.txt.json"
    # A corrected upload clears the rejection.
    aws["s3"].put_object(Bucket=BUCKET, Key="inbox/nk.txt", Body=EXAMPLE_ARTICLE.read_bytes())
    _deliver(aws, *_receive(aws)["Records"])
    assert aws["s3"].list_objects_v2(Bucket=BUCKET, Prefix="rejected/")["KeyCount"] == 0


class Ending(LocalContext):
    """An invocation about to time out: no file may start."""

    def get_remaining_time_in_millis(self) -> int:
        return 2_000


def test_without_a_queue_to_send_to_a_message_without_time_left_goes_back_as_a_failure(
    aws: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    aws["s3"].put_object(Bucket=BUCKET, Key="inbox/nk.txt", Body=EXAMPLE_ARTICLE.read_bytes())
    (record,) = _notifications(_receive(aws))
    capsys.readouterr()
    result = aws["handler"]({"Records": [record]}, Ending("ingest"))
    assert result == {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}
    assert aws["s3"].list_objects_v2(Bucket=BUCKET, Prefix="archive/articles/")["KeyCount"] == 0
    assert published_metrics(capsys) == {"MessagesDeferred": 1}


def _upload_received_with_a_queue_to_send_to(
    aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """The example's notification as Lambda gets it, taken off the queue (as the event source
    mapping deletes what the function acknowledges), with the function told its queue."""
    monkeypatch.setenv("CLAIMSEARCH_INGEST_QUEUE_URL", aws["queue_url"])
    reset_process_caches()
    aws["s3"].put_object(Bucket=BUCKET, Key="inbox/nk.txt", Body=EXAMPLE_ARTICLE.read_bytes())
    (record,) = _notifications(_receive(aws))
    aws["sqs"].delete_message(QueueUrl=aws["queue_url"], ReceiptHandle=record["receiptHandle"])
    return record


def test_a_message_without_time_left_is_sent_again_and_indexed_when_it_comes_back(
    aws: dict[str, Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _upload_received_with_a_queue_to_send_to(aws, monkeypatch)
    capsys.readouterr()
    # Acknowledged (no visibility timeout to wait out, no receive spent), and on the queue again.
    assert aws["handler"]({"Records": [record]}, Ending("ingest")) == {"batchItemFailures": []}
    assert published_metrics(capsys) == {"MessagesDeferred": 1, "MessagesRequeued": 1}
    (again,) = _receive(aws)["Records"]
    assert again["body"] == record["body"]
    assert again["messageAttributes"][DEFERRALS_ATTRIBUTE]["stringValue"] == "1"
    assert again["attributes"]["ApproximateReceiveCount"] == "1"
    # Deferred once more, it counts on; with time, it is indexed.
    assert aws["handler"]({"Records": [again]}, Ending("ingest")) == {"batchItemFailures": []}
    (third,) = _receive(aws)["Records"]
    assert third["messageAttributes"][DEFERRALS_ATTRIBUTE]["stringValue"] == "2"
    capsys.readouterr()
    assert aws["handler"]({"Records": [third]}, LocalContext("ingest")) == {"batchItemFailures": []}
    assert published_metrics(capsys)["ClaimsIndexed"] == len(_live_claims(_article_id("inbox/nk.txt"))) > 0
    assert _receive(aws)["Records"] == []


def test_a_message_deferred_too_often_goes_back_as_a_failure_not_sent_again(
    aws: dict[str, Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _upload_received_with_a_queue_to_send_to(aws, monkeypatch)
    record["messageAttributes"] = {
        DEFERRALS_ATTRIBUTE: {"stringValue": str(MAX_DEFERRALS), "dataType": "Number"}
    }
    capsys.readouterr()
    result = aws["handler"]({"Records": [record]}, Ending("ingest"))
    assert result == {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}
    assert published_metrics(capsys) == {"MessagesDeferred": 1}
    assert _receive(aws)["Records"] == []


def test_a_message_that_cannot_be_sent_again_goes_back_as_a_failure(
    aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMSEARCH_INGEST_QUEUE_URL", aws["queue_url"] + "-gone")
    reset_process_caches()
    aws["s3"].put_object(Bucket=BUCKET, Key="inbox/nk.txt", Body=EXAMPLE_ARTICLE.read_bytes())
    (record,) = _notifications(_receive(aws))
    result = aws["handler"]({"Records": [record]}, Ending("ingest"))
    # Nothing lost: SQS brings the message back after its visibility timeout.
    assert result == {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}


def test_a_message_that_is_no_notification_is_acknowledged_not_retried(aws: dict[str, Any]) -> None:
    record = {
        "messageId": "m-1",
        "receiptHandle": "r",
        "body": "not json at all",
        "attributes": {},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:claimsearch-ingest",
        "awsRegion": "eu-west-1",
    }
    assert aws["handler"]({"Records": [record]}, LocalContext("ingest")) == {"batchItemFailures": []}


def test_reextraction_requests_on_the_queue_bring_the_archive_to_the_functions_extractor(
    aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from claimsearch import wiring
    from claimsearch.cli import main
    from claimsearch.index.port import SearchQuery
    from claimsearch.reextract import reextract_message

    # Uploaded while the function ran the rule-based finder.
    monkeypatch.setenv("CLAIMSEARCH_EXTRACTOR", "rules")
    reset_process_caches()
    aws["s3"].put_object(Bucket=BUCKET, Key="inbox/nk.txt", Body=EXAMPLE_ARTICLE.read_bytes())
    assert aws["handler"](_receive(aws), LocalContext("ingest")) == {"batchItemFailures": []}
    (old,) = {c.extractor_version for c in _all_claims(wiring)}
    assert old.startswith("rules-")

    # The function upgraded; the operator sends one request per article another version made.
    monkeypatch.delenv("CLAIMSEARCH_EXTRACTOR")
    reset_process_caches()
    capsys.readouterr()  # the function's log lines
    assert main(["reextract", "--queue", aws["queue_url"]]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["articles"], report["enqueued"], report["current"]) == (1, 1, 0)
    assert _all_claims(wiring) and {c.extractor_version for c in _all_claims(wiring)} == {old}  # nothing yet

    event = _receive(aws)
    (article_id,) = [json.loads(r["body"])["reextract"] for r in event["Records"]]
    # Delivered twice, and a request for an article since deleted: all acknowledged.
    event["Records"] += [dict(event["Records"][0], messageId="again")]
    event["Records"] += [dict(event["Records"][0], messageId="gone", body=reextract_message("a" * 24))]
    assert aws["handler"](event, LocalContext("ingest")) == {"batchItemFailures": []}
    (new,) = {c.extractor_version for c in _all_claims(wiring)}
    assert new == report["version"] and new != old
    hits = wiring.index().search(SearchQuery(claimant="Ahn Myeong-chul")).hits
    assert {h.claim.cue.text for h in hits} == {"believes", "told"}
    archived = wiring.make_archive().load(article_id)
    assert archived.extractor_version == new
    assert sorted(c.id for c in archived.claims) == sorted(c.id for c in _all_claims(wiring))

    capsys.readouterr()
    assert main(["reextract", "--queue", aws["queue_url"]]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["enqueued"], again["current"]) == (0, 1)


def _all_claims(wiring: Any) -> list[Any]:
    from claimsearch.index.port import SearchQuery

    return [h.claim for h in wiring.index().search(SearchQuery(limit=100)).hits]


def _uploaded(aws: dict[str, Any]) -> dict[str, Any]:
    """The example article uploaded as inbox/nk.txt: the SQS record of its notification."""
    aws["s3"].put_object(Bucket=BUCKET, Key="inbox/nk.txt", Body=EXAMPLE_ARTICLE.read_bytes())
    (record,) = _notifications(_receive(aws))
    return record


def test_a_file_that_fails_for_now_goes_back_to_the_queue_and_the_log_says_which_and_why(
    aws: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    handler_logs: Callable[[], list[dict[str, Any]]],
) -> None:
    # A notification naming a bucket the function cannot read (gone, or a role scoped
    # to another): no rejection, since the file was never read; retried, then
    # dead-lettered. The dead-letter alarm's reason must be in the log.
    record = _uploaded(aws)
    body = json.loads(record["body"])
    body["Records"][0]["s3"]["bucket"]["name"] = "claimsearch-no-such-bucket"
    record = {**record, "body": json.dumps(body)}
    capsys.readouterr()
    result = aws["handler"]({"Records": [record]}, LocalContext("ingest"))
    assert result == {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}
    assert published_metrics(capsys) == {"FilesRetried": 1}
    (failed,) = [r for r in handler_logs() if r["level"] == "ERROR"]
    assert (failed["key"], failed["bucket"]) == ("inbox/nk.txt", "claimsearch-no-such-bucket")
    assert failed["message_id"] == record["messageId"]
    assert "NoSuchBucket" in failed["exception"]


def test_a_message_that_is_no_notification_is_logged_with_its_id_and_body(
    aws: dict[str, Any], handler_logs: Callable[[], list[dict[str, Any]]]
) -> None:
    record = {**_uploaded(aws), "body": '{"detail-type": "Object Created"}'}
    assert aws["handler"]({"Records": [record]}, LocalContext("ingest")) == {"batchItemFailures": []}
    (unread,) = [r for r in handler_logs() if r["level"] == "ERROR"]
    assert unread["message_id"] == record["messageId"]
    assert unread["body"] == record["body"]


def test_an_event_of_an_article_another_function_is_writing_goes_back_to_the_queue(
    aws: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    handler_logs: Callable[[], list[dict[str, Any]]],
) -> None:
    from claimsearch import wiring

    record = _uploaded(aws)
    article_id = _article_id("inbox/nk.txt")
    with wiring.make_archive().hold(article_id):  # the other function, mid-write
        capsys.readouterr()
        result = aws["handler"]({"Records": [record]}, LocalContext("ingest"))
    assert result == {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}
    assert published_metrics(capsys) == {"ArticlesBusy": 1}
    (busy,) = [r for r in handler_logs() if r["level"] == "WARNING"]
    assert busy["key"] == "inbox/nk.txt" and f"article {article_id} is being written" in busy["reason"]
    # Back from the queue once the other is done: applied.
    assert aws["handler"]({"Records": [record]}, LocalContext("ingest")) == {"batchItemFailures": []}
    assert _live_claims(article_id)


class _Left(LocalContext):
    def __init__(self, name: str, left_ms: int) -> None:
        super().__init__(name)
        self.left_ms = left_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.left_ms


def test_a_removal_is_not_budgeted_as_the_largest_file(
    aws: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    # S3 gives a removal no size; it reads no file. With two minutes left, it is applied,
    # where the budget of the largest file (about three minutes) deferred it.
    assert aws["handler"]({"Records": [_uploaded(aws)]}, LocalContext("ingest")) == {"batchItemFailures": []}
    aws["s3"].delete_object(Bucket=BUCKET, Key="inbox/nk.txt")
    (removal,) = _notifications(_receive(aws))
    body = json.loads(removal["body"])
    body["Records"][0]["s3"]["object"].pop("size", None)  # as S3 sends a removal
    removal = {**removal, "body": json.dumps(body)}
    capsys.readouterr()
    assert aws["handler"]({"Records": [removal]}, _Left("ingest", 120_000)) == {"batchItemFailures": []}
    assert published_metrics(capsys) == {"ArticlesDeleted": 1}
    assert _live_claims(_article_id("inbox/nk.txt")) == []


def test_an_upload_is_budgeted_by_the_object_read_not_the_size_its_event_gave(
    aws: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    # The event of a small version; the key holds a far larger one by the time it is read.
    record = _uploaded(aws)
    large = EXAMPLE_ARTICLE.read_bytes() + b"\n\n" + b"The talks went on. " * 3_000
    aws["s3"].put_object(Bucket=BUCKET, Key="inbox/nk.txt", Body=large)
    _receive(aws)  # the large version's own event, delivered elsewhere
    capsys.readouterr()
    result = aws["handler"]({"Records": [record]}, _Left("ingest", 15_000))
    assert result == {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}
    assert published_metrics(capsys) == {"MessagesDeferred": 1}  # not started: no timeout mid-file
    assert _live_claims(_article_id("inbox/nk.txt")) == []


def test_events_outside_the_inbox_are_ignored_and_said(
    aws: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    handler_logs: Callable[[], list[dict[str, Any]]],
) -> None:
    # The stack names its inbox; a notification widened by hand sends the archive's writes too.
    monkeypatch.setenv("CLAIMSEARCH_INBOX_BUCKET", BUCKET)
    monkeypatch.setenv("CLAIMSEARCH_INBOX_PREFIX", "inbox/")
    record = _uploaded(aws)
    outside = []
    for bucket, key in ((BUCKET, "archive/articles/a1.json"), ("another-bucket", "inbox/nk.txt")):
        body = json.loads(record["body"])
        body["Records"][0]["s3"]["object"]["key"] = key
        body["Records"][0]["s3"]["bucket"]["name"] = bucket
        outside.append({**record, "messageId": f"m-{len(outside)}", "body": json.dumps(body)})
    capsys.readouterr()
    assert aws["handler"]({"Records": outside}, LocalContext("ingest")) == {"batchItemFailures": []}
    assert published_metrics(capsys) == {"EventsIgnored": 2}
    warned = [(r["bucket"], r["key"]) for r in handler_logs() if r["level"] == "WARNING"]
    assert warned == [(BUCKET, "archive/articles/a1.json"), ("another-bucket", "inbox/nk.txt")]
    listed = aws["s3"].list_objects_v2(Bucket=BUCKET)["Contents"]
    assert [o["Key"] for o in listed] == ["inbox/nk.txt"]  # no rejection, no tombstone, no source record
    # The inbox's own event still goes through.
    assert aws["handler"]({"Records": [record]}, LocalContext("ingest")) == {"batchItemFailures": []}
    assert _live_claims(_article_id("inbox/nk.txt"))


def test_an_event_of_a_busy_article_comes_back_shortly_not_after_the_visibility_timeout(
    aws: dict[str, Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimsearch import wiring

    record = _upload_received_with_a_queue_to_send_to(aws, monkeypatch)
    with wiring.make_archive().hold(_article_id("inbox/nk.txt")):
        capsys.readouterr()
        assert aws["handler"]({"Records": [record]}, LocalContext("ingest")) == {"batchItemFailures": []}
    assert published_metrics(capsys) == {"ArticlesBusy": 1, "MessagesRequeued": 1}
    # On the queue again, delayed: a failure would wait out the 30-minute visibility timeout.
    attributes = aws["sqs"].get_queue_attributes(QueueUrl=aws["queue_url"], AttributeNames=["All"])
    assert attributes["Attributes"]["ApproximateNumberOfMessagesDelayed"] == "1"
    assert _receive(aws)["Records"] == []
