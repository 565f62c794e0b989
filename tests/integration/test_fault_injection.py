"""Fault injection on the real engine: the ingest path and rebuilds against a misbehaving node.

The ingest function runs as Lambda runs it, fed by a simulated SQS queue (at least once,
in any order, dead-lettered after `MAX_RECEIVES` as template.yaml's redrive policy says)
with the S3 notifications of a small scenario: articles created, edited, deleted and
created again, and two files that can never succeed. Every event is delivered twice and
shuffled; some invocations run out of time partway (the function sends the messages it
has no time for to the queue again), some are killed by the time limit in the middle of
a request. The index is reached through `FaultProxy`, which throttles,
fails, drops, loses and slows requests and rejects parts of bulks. At the end, with the
faults off, the index must hold every good article once, at its latest version, and be
exactly what a rebuild from the archive gives.

A second test cuts `reindex` short at every point and checks that the aliases still
serve a complete index, and that the next rebuild leaves no orphan.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

import boto3
import pytest
from moto import mock_aws
from opensearchpy import OpenSearch, Transport

from claimsearch import wiring
from claimsearch.archive import Archive
from claimsearch.claimants.registry import file_claims, identity_id, surnames_joined, updated_identities
from claimsearch.documents import parse_document
from claimsearch.documents.limits import DocumentLimits
from claimsearch.errors import ClaimsearchError
from claimsearch.index.opensearch import Endpoint, OpenSearchIndex
from claimsearch.index.opensearch.reader import Reader
from claimsearch.index.opensearch.schema import KINDS
from claimsearch.index.port import SearchQuery
from claimsearch.ingest import IngestService
from claimsearch.local.handlers import LocalContext, load_handler
from claimsearch.model import Article, Claim, article_id_for_source
from claimsearch.reindex import rebuild_index
from claimsearch.s3_events import queue_notification
from claimsearch.storage.local import LocalBlobStore
from tests.conftest import EXAMPLE_ARTICLE, reset_process_caches
from tests.faults.proxy import NO_FAULTS, FaultPlan, FaultProxy
from tests.integration import opensearch_fixtures

pytestmark = [
    pytest.mark.opensearch,
    # An invocation whose messages all turn out to be duplicates has no metric to publish.
    pytest.mark.filterwarnings("ignore:No application metrics to publish"),
]

opensearch_client = opensearch_fixtures.opensearch_client
opensearch_prefix = opensearch_fixtures.opensearch_prefix

# Another seed, another run: CLAIMSEARCH_FAULT_SEED explores (the figures say which ran).
SEED = int(os.environ.get("CLAIMSEARCH_FAULT_SEED") or 20_240_610)
BUCKET = "claimsearch-faults-test"
BATCH_SIZE = 5  # template.yaml: the ingest function's SQS BatchSize (batches are 1 to 5)
MAX_RECEIVES = 5  # template.yaml: the ingest queue's maxReceiveCount
ATTEMPTS = 4  # of one request by either client of an `Endpoint()`: the first and 3 retries

# Per index request. A 503, a dropped connection and a lost answer are retried by the
# client's transport (3 times), a rejected bulk item by the bulk helper (3 times, backing
# off): these can be frequent. A file the time left is too short for is sent again as a new
# message, which spends no receive: this can be frequent too. A throttled request and a
# killed invocation fail the message, which SQS retries: these are kept rare enough that a
# message failing five receives in a row (dead-lettered though it could succeed) is
# improbable whatever the seed (about one in a thousand per message), not just absent with
# this one.
INGEST_FAULTS = FaultPlan(
    throttle=0.015, unavailable=0.06, drop=0.04, unanswered=0.04, slow=0.08, slow_s=(0.2, 1.0), bulk=0.3
)
OUT_OF_TIME = 0.3  # of invocations: time runs short after a number of its files
KILLED = 0.1  # of invocations: the time limit stops one at one of its first 10 index requests
KILLED_WITHIN = 10

# -- the articles: the example and edited versions of it (extraction stays about 1 s) -----

ORIGINAL = EXAMPLE_ARTICLE.read_text(encoding="utf-8")
DROPPED_PARAGRAPH = (
    "A US State Department report into trafficking in North Korea found that many thousands of "
    "citizens were sent abroad, where their movements were controlled by “minders”.\n\n"
)


def _edited(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


V1 = ORIGINAL.encode()
V2 = _edited(ORIGINAL, "believes the money", "insists the money").encode()  # a cue changed
V3 = _edited(V2.decode(), "she told the New York Times", "she said in an interview").encode()
V4 = _edited(ORIGINAL, DROPPED_PARAGRAPH, "").encode()  # later spans move: new claim ids
EMPTY = b""
UNDECODABLE = b"\xff\xfe\x00\x00garbage\x80"

# Three phases of changes to the inbox; the events of one are still being delivered when
# the next happens. What each key must end as: its last bytes, or gone.
Change = tuple[str, bytes | None]  # the key and its new bytes; None: deleted
PHASES: list[tuple[list[Change], int | None]] = [  # the changes, then so many invocations
    (
        [
            ("inbox/a.txt", V1),
            ("inbox/b.txt", V1),
            ("inbox/c.txt", V2),
            ("inbox/d.txt", V1),
            ("inbox/e.txt", V4),
            ("inbox/f.txt", V2),
            ("inbox/empty.txt", EMPTY),
            ("inbox/binary.txt", UNDECODABLE),
        ],
        3,
    ),
    (
        [
            ("inbox/a.txt", V2),
            ("inbox/b.txt", V4),
            ("inbox/c.txt", None),
            ("inbox/d.txt", None),
            ("inbox/a.txt", V3),
            ("inbox/d.txt", V3),  # created again
            ("inbox/f.txt", V1),  # the edit undone
        ],
        3,
    ),
    (
        [
            ("inbox/a.txt", V3),  # the same bytes again
            ("inbox/e.txt", None),
            ("inbox/f.txt", V4),
        ],
        None,  # until the queue is empty
    ),
]
REJECTED = {"inbox/empty.txt": "empty_document", "inbox/binary.txt": "undecodable_document"}


# -- SQS and Lambda, simulated ---------------------------------------------------------------


@dataclass
class Message:
    id: str
    body: str
    numbers: Mapping[str, int] = field(default_factory=dict)  # its message attributes
    receives: int = 0


@dataclass
class SimulatedQueue:
    """An SQS standard queue as the ingest function sees it: unordered, at least once, and
    its dead-letter queue."""

    rng: random.Random
    waiting: list[Message] = field(default_factory=list)
    dead_letters: list[Message] = field(default_factory=list)
    sent: int = 0
    requeued: int = 0
    received: int = 0

    def send(self, body: str, numbers: Mapping[str, int] | None = None) -> None:
        """A new message (the ingest function sends one it had no time for, with numbers)."""
        self.sent += 1
        self.requeued += numbers is not None
        self._put_back(Message(f"m{self.sent:03d}", body, dict(numbers or {})))

    def receive(self, limit: int) -> list[Message]:
        batch, self.waiting = self.waiting[:limit], self.waiting[limit:]
        for message in batch:
            message.receives += 1
        self.received += len(batch)
        return batch

    def settle(self, batch: list[Message], failed: set[str]) -> None:
        """Delete what succeeded; what failed comes back later, or goes to the DLQ."""
        for message in batch:
            if message.id not in failed:
                continue
            if message.receives >= MAX_RECEIVES:
                self.dead_letters.append(message)
            else:
                self._put_back(message)

    def _put_back(self, message: Message) -> None:
        self.waiting.insert(self.rng.randrange(len(self.waiting) + 1), message)


def sqs_record(message: Message) -> dict[str, Any]:
    """The record Lambda's event source mapping builds from a received message."""
    return {
        "messageId": message.id,
        "receiptHandle": f"{message.id}-{message.receives}",
        "body": message.body,
        "attributes": {"ApproximateReceiveCount": str(message.receives)},
        "messageAttributes": {
            name: {"stringValue": str(value), "dataType": "Number"} for name, value in message.numbers.items()
        },
        "md5OfBody": hashlib.md5(message.body.encode(), usedforsecurity=False).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:claimsearch-ingest",
        "awsRegion": "eu-west-1",
    }


@dataclass
class ShortOfTime(LocalContext):
    """A context whose time runs short after `files_in_time` files: the rest go back."""

    files_in_time: int = 1_000_000

    def get_remaining_time_in_millis(self) -> int:
        self.files_in_time -= 1
        return 300_000 if self.files_in_time >= 0 else 2_000


class TimeLimit(BaseException):
    """Lambda stopping an invocation at its timeout: nothing in the handler may catch it."""


class Deadline:
    """Stops the armed invocation when it is about to send its n-th request to the index."""

    def __init__(self) -> None:
        self.requests_left: int | None = None
        self.fired = 0

    def arm(self, n: int | None) -> None:
        self.requests_left = n

    def guard(self, send: Callable[..., Any]) -> Callable[..., Any]:
        def perform_request(sender: Any, *args: Any, **kwargs: Any) -> Any:
            if self.requests_left is not None:
                self.requests_left -= 1
                if self.requests_left <= 0:
                    self.requests_left = None
                    self.fired += 1
                    raise TimeLimit
            return send(sender, *args, **kwargs)

        return perform_request


# -- the scenario ----------------------------------------------------------------------------


@dataclass
class Inbox:
    """The moto bucket with its notifications, and S3's sequencers (moto sets none)."""

    s3: Any
    sqs: Any
    queue_url: str
    events: int = 0

    def change(self, key: str, body: bytes | None) -> str:
        """Put or delete `key`; the S3 notification it raised, with a sequencer."""
        if body is None:
            self.s3.delete_object(Bucket=BUCKET, Key=key)
        else:
            self.s3.put_object(Bucket=BUCKET, Key=key, Body=body)
        received = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10)
        bodies = [m["Body"] for m in received.get("Messages", []) if "s3:TestEvent" not in m["Body"]]
        for m in received.get("Messages", []):
            self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=m["ReceiptHandle"])
        assert len(bodies) == 1, f"{key}: {len(bodies)} notifications"
        self.events += 1
        notification = json.loads(bodies[0])
        # Increasing per key in event order, as S3's are: one counter serves every key.
        notification["Records"][0]["s3"]["object"]["sequencer"] = f"0062{self.events:014X}"
        return json.dumps(notification)


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-1")
        sqs = boto3.client("sqs", region_name="eu-west-1")
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        queue_url = sqs.create_queue(QueueName="claimsearch-ingest")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        s3.put_bucket_notification_configuration(
            Bucket=BUCKET, NotificationConfiguration=queue_notification(arn, "inbox/")
        )
        yield Inbox(s3, sqs, queue_url)


@dataclass
class Figures:
    invocations: int = 0
    out_of_time: int = 0


def _key(body: str) -> str:
    return str(json.loads(body)["Records"][0]["s3"]["object"]["key"])


def run_invocations(
    handler: Callable[[dict[str, Any], Any], dict[str, Any]],
    queue: SimulatedQueue,
    rng: random.Random,
    deadline: Deadline,
    figures: Figures,
    limit: int | None = None,
) -> None:
    """Invoke the handler on batches from `queue` until it is empty (or `limit` invocations)."""
    done = 0
    while queue.waiting and (limit is None or done < limit):
        done += 1
        # The same draws whatever they decide, so the seed alone fixes the run.
        batch = queue.receive(rng.randint(1, BATCH_SIZE))
        short, files, killed = rng.random(), rng.randrange(len(batch)), rng.random()
        at = rng.randint(1, KILLED_WITHIN)
        context = ShortOfTime("ingest", files_in_time=files if short < OUT_OF_TIME else 1_000_000)
        figures.invocations += 1
        figures.out_of_time += short < OUT_OF_TIME
        deadline.arm(at if killed < KILLED else None)
        try:
            result = handler({"Records": [sqs_record(m) for m in batch]}, context)
            failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
        except TimeLimit:
            # No partial report from a timed-out invocation: every message comes back.
            failed = {m.id for m in batch}
        finally:
            deadline.arm(None)
        queue.settle(batch, failed)


# -- reading the index directly (no faults) ----------------------------------------------------


def documents(client: OpenSearch, index: str) -> dict[str, dict[str, Any]]:
    """Every document behind `index` (an alias): {id: source}."""
    client.indices.refresh(index=index)
    found = client.search(index=index, body={"query": {"match_all": {}}, "size": 10_000})
    hits = found["hits"]["hits"]
    assert found["hits"]["total"]["value"] == len(hits) < 10_000
    return {h["_id"]: h["_source"] for h in hits}


def as_ingested(key: str, data: bytes) -> Article:
    """The article the ingest service makes of `data` under `key`."""
    article = parse_document(data, PurePosixPath(key).name)
    return replace(article, id=article_id_for_source(BUCKET, key), source_key=key)


def expected_claims(key: str, data: bytes) -> list[Claim]:
    """The claims a fault-free extraction gives for `data` under `key` (ids and contents)."""
    return wiring.make_extractor()(as_ingested(key, data))


def final_state() -> dict[str, bytes | None]:
    last: dict[str, bytes | None] = {}
    for changes, _ in PHASES:
        last.update(changes)
    return last


def test_ingest_through_faults_indexes_every_article_once_at_its_latest_version(
    inbox: Inbox,
    opensearch_client: OpenSearch,
    opensearch_prefix: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    prefix = f"{opensearch_prefix}-faults"
    rng = random.Random(SEED)
    queue = SimulatedQueue(rng)
    deadline = Deadline()
    # Every request to the index: writes through opensearch-py's transport, reads through the reader.
    monkeypatch.setattr(Transport, "perform_request", deadline.guard(Transport.perform_request))
    monkeypatch.setattr(Reader, "_send", deadline.guard(Reader._send))
    figures = Figures()
    with FaultProxy(opensearch_fixtures.opensearch_url(), seed=SEED) as proxy:
        monkeypatch.setenv("CLAIMSEARCH_DATA_DIR", str(tmp_path))
        monkeypatch.setenv("CLAIMSEARCH_ARCHIVE_BUCKET", BUCKET)
        monkeypatch.setenv("CLAIMSEARCH_INDEX", "opensearch")
        monkeypatch.setenv("CLAIMSEARCH_OPENSEARCH_URL", proxy.url)
        monkeypatch.setenv("CLAIMSEARCH_INDEX_PREFIX", prefix)
        reset_process_caches()
        # A message the invocation has no time for is sent to the queue again, as on AWS.
        monkeypatch.setattr(wiring, "ingest_requeue", lambda: queue.send)
        try:
            handler = load_handler("ingest")
            proxy.set_plan(INGEST_FAULTS)
            for changes, invocations in PHASES:
                bodies = [inbox.change(key, data) for key, data in changes]
                for body in bodies * 2:  # every event twice; the queue shuffles them
                    queue.send(body)
                run_invocations(handler, queue, rng, deadline, figures, limit=invocations)
        finally:
            reset_process_caches()
    archive = wiring.make_archive()
    index = OpenSearchIndex(opensearch_fixtures.endpoint(), prefix)
    try:
        live_claims = documents(opensearch_client, index.claims_alias)
        live_articles = documents(opensearch_client, index.articles_alias)
        good = {k: data for k, data in final_state().items() if data is not None and k not in REJECTED}
        expected = {c.id: c for key, data in good.items() for c in expected_claims(key, data)}
        lost = expected.keys() - live_claims.keys()
        # An older version's claim left beside the latest one's, or a deleted article's.
        duplicates = live_claims.keys() - expected.keys()
        rejected = inbox.s3.list_objects_v2(Bucket=BUCKET, Prefix="rejected/").get("Contents", [])
        faults = ", ".join(f"{k}={v}" for k, v in proxy.faults().items())
        with capsys.disabled():
            print(
                f"\nfault injection (seed {SEED}): events={inbox.events} messages={queue.sent} "
                f"deliveries={queue.received} retries={queue.received - queue.sent} "
                f"invocations={figures.invocations} out_of_time={figures.out_of_time} "
                f"requeued={queue.requeued} killed={deadline.fired} index_requests={proxy.requests} "
                f"faults: {faults}; "
                f"articles={len(good)} claims={len(live_claims)} rejected={len(rejected)} "
                f"deleted={sum(1 for v in final_state().values() if v is None)} "
                f"dead_letters={len(queue.dead_letters)} duplicates={len(duplicates)} lost={len(lost)}"
            )

        # -- every message done, none dead-lettered: nothing failed that could succeed --
        assert queue.waiting == []
        assert [(m.id, _key(m.body), m.receives) for m in queue.dead_letters] == []
        assert (sorted(duplicates), sorted(lost)) == ([], [])

        # -- each good key once, at its latest version; deleted keys gone, with a tombstone --
        for key, data in final_state().items():
            article_id = article_id_for_source(BUCKET, key)
            state = archive.source(article_id)
            if key in REJECTED:
                assert state is None and article_id not in live_articles, key
            elif data is None:
                assert state is not None and not state.live, key
                assert article_id in archive.tombstones(), key
                assert article_id not in live_articles and not index.claims_for_article(article_id), key
            else:
                assert state is not None and state.live, key
                assert state.etag == hashlib.md5(data, usedforsecurity=False).hexdigest(), key
                assert live_articles[article_id]["article"]["text"] == data.decode(), key
                indexed = index.claims_for_article(article_id)
                wanted = [c for c in expected.values() if c.article_id == article_id]
                assert wanted, key
                assert sorted(c.id for c in indexed) == sorted(c.id for c in wanted), key
                for claim in indexed:
                    assert (claim.content, claim.cue) == (expected[claim.id].content, expected[claim.id].cue)

        # -- each bad file: one rejection record; no good file left with one --
        records = [
            json.loads(inbox.s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read()) for o in rejected
        ]
        assert sorted((r["source_key"], r["code"]) for r in records) == sorted(REJECTED.items())

        # -- the archive and the live index hold the same; a rebuild gives the live index --
        archived = list(archive)
        assert sorted(e.article.id for e in archived) == sorted(live_articles)
        assert sorted(c.id for e in archived for c in e.claims) == sorted(live_claims)
        rebuilt = OpenSearchIndex(opensearch_fixtures.endpoint(), f"{prefix}-rebuilt")
        try:
            rebuild_index(rebuilt, archive)
            assert documents(opensearch_client, rebuilt.claims_alias) == live_claims
            assert documents(opensearch_client, rebuilt.articles_alias) == live_articles
            # The registry as it is read: the copy of a count kept inside `claimant` is
            # written with the identity and not read back, the count beside it is.
            # An identity whose claims have all gone (a later version, a delete, a cut-short
            # write whose claims never came) is removed, as a rebuild from the archive never
            # creates it; only a surname's pointer to its person holds no claims.
            live = documents(opensearch_client, index.claimants_alias)
            ids = sorted(i for i, source in live.items() if source["claims"] > 0)
            orphans = sorted(i for i, s in live.items() if not s["claims"] and not s.get("merged_into"))
            assert orphans == []
            assert sorted(documents(opensearch_client, rebuilt.claimants_alias)) == ids
            registry, fresh = index.get_claimants(ids), rebuilt.get_claimants(ids)
            assert {i: replace(c, claims=0) for i, c in registry.items()} == {
                i: replace(c, claims=0) for i, c in fresh.items()
            }
            counts = {i: (registry[i].claims, fresh[i].claims) for i in ids}
            drifted = {f"{registry[i].name} ({i})": n for i, n in counts.items() if n[0] != n[1]}
            assert drifted == {}, "claim counts (live, rebuilt) of the claimant registry"
        finally:
            rebuilt.drop()
    finally:
        index.drop()


# -- reindex cut short -------------------------------------------------------------------------


def serving(client: OpenSearch, prefix: str) -> dict[str, dict[str, dict[str, Any]]]:
    """What each alias serves ({kind: {id: source}}), checking it is one index."""
    found = {}
    for kind in KINDS:
        alias = f"{prefix}-{kind}"
        behind = client.indices.get_alias(name=alias)
        assert len(behind) == 1, f"{alias} -> {sorted(behind)}"
        found[kind] = documents(client, alias)
    return found


def versioned(client: OpenSearch, prefix: str) -> set[str]:
    return set(client.indices.get(index=f"{prefix}-*-v*", expand_wildcards="all"))


def aliased(client: OpenSearch, prefix: str) -> set[str]:
    return {name for kind in KINDS for name in client.indices.get_alias(name=f"{prefix}-{kind}")}


def test_an_interrupted_reindex_leaves_a_complete_index_and_the_next_one_no_orphan(
    opensearch_client: OpenSearch,
    opensearch_prefix: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    prefix = f"{opensearch_prefix}-reindex"
    archive = Archive(LocalBlobStore(tmp_path / "archive"))
    index = OpenSearchIndex(opensearch_fixtures.endpoint(), prefix)
    service = IngestService(index, archive, wiring.make_extractor(), DocumentLimits())
    try:
        service.ingest_bytes(V1, "inbox/a.txt", BUCKET)
        service.ingest_bytes(V4, "inbox/b.txt", BUCKET)
        # Archived an hour ago, as far as a rebuild's catch-up can tell: this test cuts the
        # rebuild's own requests one by one, and the catch-up would index both articles again
        # after each switch (tests/integration/test_reindex_beside_ingest.py tests it).
        an_hour_ago = time.time() - 3600
        for path in (tmp_path / "archive").rglob("*"):
            os.utime(path, (an_hour_ago, an_hour_ago))
        rebuild_index(index, archive)
        complete = serving(opensearch_client, prefix)
        assert complete["claims"] and complete["articles"] and complete["claimants"]

        with FaultProxy(opensearch_fixtures.opensearch_url(), seed=SEED) as proxy:
            faulty = OpenSearchIndex(Endpoint(proxy.url), prefix)
            start = proxy.requests
            rebuild_index(faulty, archive)
            sent = proxy.requests - start  # a rebuild's requests, the count at its end included
            # The node goes away for good: before the first request, then after each request
            # took effect (its answer lost), so the rebuild's own clean-up cannot run.
            gone = [FaultPlan(fail_from=1)]
            gone += [FaultPlan(fail_from=k, fail_with="unanswered") for k in range(1, sent + 1)]
            # The node comes back once the client gave up on a request that took effect:
            # the clean-up runs, after a step that failed for the client but not the node.
            back = [
                FaultPlan(fail_from=k, fail_for=ATTEMPTS, fail_with="unanswered") for k in range(1, sent + 1)
            ]
            for cuts in (gone, back):
                for plan in cuts:
                    proxy.set_plan(plan)
                    # A lost answer to the last delete is only logged: the rebuild is done.
                    with suppress(ClaimsearchError):
                        rebuild_index(faulty, archive)
                        assert (plan.fail_from, plan.fail_for) == (sent - 1, ATTEMPTS), plan
                    proxy.set_plan(NO_FAULTS)
                    assert serving(opensearch_client, prefix) == complete, plan
                # The next run: complete, and no version left but the ones serving.
                rebuild_index(faulty, archive)
                assert serving(opensearch_client, prefix) == complete
                assert versioned(opensearch_client, prefix) == aliased(opensearch_client, prefix)
    finally:
        index.drop()
    with capsys.disabled():
        print(
            f"\nreindex cut at each of its {sent} requests, {len(gone) + len(back)} times: "
            "the aliases on a complete index after each, no orphan after the next run"
        )


# -- one fault at a chosen request: what the suite above found -------------------------------


def _versions(index: OpenSearchIndex, key: str, *data: bytes) -> list[tuple[Article, list[Claim], Any]]:
    """Each of `data` as the ingest service would index it under `key`: article, filed claims, identities."""
    found = []
    for version in data:
        article = as_ingested(key, version)
        filed = file_claims(wiring.make_extractor()(article), index)
        found.append((article, filed.claims, updated_identities(filed, index)))
    return found


def _counts_held(index: OpenSearchIndex, ids: list[str]) -> dict[str, tuple[int, int]]:
    """{claimant id: (the registry's count, the claims the index holds)} where they differ; an
    identity the registry no longer holds counts none (it went with its last claim)."""
    held = Counter(c["claimant_id"] for c in documents(index.client, index.claims_alias).values())
    registry = {i: c.claims for i, c in index.get_claimants(ids).items()}
    return {i: (registry.get(i, 0), held[i]) for i in ids if registry.get(i, 0) != held[i]}


@pytest.fixture
def two_views(
    opensearch_client: OpenSearch, opensearch_prefix: str
) -> Iterator[tuple[OpenSearchIndex, OpenSearchIndex, FaultProxy]]:
    """One index seen directly and through a proxy (no faults until a test plans them)."""
    index = OpenSearchIndex(
        opensearch_fixtures.endpoint(), f"{opensearch_prefix}-one-fault-{uuid.uuid4().hex[:6]}"
    )
    index.ensure_ready()
    with FaultProxy(opensearch_fixtures.opensearch_url(), seed=SEED) as proxy:
        try:
            yield index, OpenSearchIndex(Endpoint(proxy.url), index.prefix), proxy
        finally:
            index.drop()


def test_claims_a_failed_attempt_wrote_are_replaced_by_the_next_version(
    two_views: tuple[OpenSearchIndex, OpenSearchIndex, FaultProxy],
) -> None:
    index, faulty, proxy = two_views
    first, cut, latest = _versions(index, "inbox/a.txt", V1, V4, V2)
    index.index_article(*first)
    # The claims of V4 are written, the answer and the client's retries lost: no refresh
    # shows them. The message is retried later; the next version of the file comes first.
    proxy.set_plan(FaultPlan(fail_from=1, fail_for=ATTEMPTS, fail_with="unanswered", matching="/_bulk"))
    with pytest.raises(ClaimsearchError):
        faulty.index_article(*cut)
    proxy.set_plan(NO_FAULTS)
    faulty.index_article(*latest)
    held = sorted(c.id for c in index.claims_for_article(latest[0].id))
    assert held == sorted(c.id for c in latest[1])


def test_claims_a_failed_attempt_wrote_are_deleted_with_the_article(
    two_views: tuple[OpenSearchIndex, OpenSearchIndex, FaultProxy],
) -> None:
    index, faulty, proxy = two_views
    first, cut = _versions(index, "inbox/a.txt", V1, V4)
    index.index_article(*first)
    proxy.set_plan(FaultPlan(fail_from=1, fail_for=ATTEMPTS, fail_with="unanswered", matching="/_bulk"))
    with pytest.raises(ClaimsearchError):
        faulty.index_article(*cut)
    proxy.set_plan(NO_FAULTS)
    faulty.delete_article(first[0].id)  # the file was deleted meanwhile
    assert index.claims_for_article(first[0].id) == []


def test_claimant_counts_follow_a_replacement_retried_after_its_claims_were_written(
    two_views: tuple[OpenSearchIndex, OpenSearchIndex, FaultProxy],
) -> None:
    index, faulty, proxy = two_views
    first, second = _versions(index, "inbox/a.txt", V1, V4)
    index.index_article(*first)
    # The claims bulk goes through; the one writing the claimants' counts fails.
    proxy.set_plan(FaultPlan(fail_from=2, fail_for=ATTEMPTS, matching="/_bulk"))
    with pytest.raises(ClaimsearchError):
        faulty.index_article(*second)
    proxy.set_plan(NO_FAULTS)
    assert faulty.index_article(*second).ok  # the retry
    ids = sorted({c.claimant.id for c in first[1] + second[1] if c.claimant.id})
    assert _counts_held(index, ids) == {}


def test_claimant_counts_follow_a_delete_retried_after_its_claims_were_deleted(
    two_views: tuple[OpenSearchIndex, OpenSearchIndex, FaultProxy],
) -> None:
    index, faulty, proxy = two_views
    (first,) = _versions(index, "inbox/a.txt", V1)
    index.index_article(*first)
    proxy.set_plan(FaultPlan(fail_from=2, fail_for=ATTEMPTS, matching="/_bulk"))
    with pytest.raises(ClaimsearchError):
        faulty.delete_article(first[0].id)
    proxy.set_plan(NO_FAULTS)
    faulty.delete_article(first[0].id)  # the retry
    ids = sorted({c.claimant.id for c in first[1] if c.claimant.id})
    assert ids and _counts_held(index, ids) == {}
    # No other article named them: the retry removed them from the registry too.
    assert index.get_claimants(ids) == {}


def test_a_claimant_move_cut_before_its_pointer_is_finished_by_the_retry(
    two_views: tuple[OpenSearchIndex, OpenSearchIndex, FaultProxy],
) -> None:
    # "Obama" alone, then an article naming Barack Obama: ingest moves the surname's claims
    # to him, then writes the surname's pointer. Here every attempt at the pointer fails.
    index, faulty, proxy = two_views
    obama, barack = identity_id("obama"), identity_id("barack obama")
    (first,) = _versions(
        index, "inbox/alone.txt", b"Climate talks\n\nObama said the climate deal would hold.\n"
    )
    assert index.index_article(*first).ok
    article = as_ingested(
        "inbox/full.txt", b"Museum opens\n\nPresident Barack Obama said the museum must open.\n"
    )
    filed = file_claims(wiring.make_extractor()(article), index)
    assert index.index_article(article, filed.claims, updated_identities(filed, index)).ok
    proxy.set_plan(FaultPlan(fail_from=1, fail_for=ATTEMPTS, matching="/_update/"))
    with pytest.raises(ClaimsearchError):
        for alone, person in surnames_joined(filed, faulty):
            faulty.move_claimant(alone, person)
    cut = index.get_claimants([obama])[obama]
    assert (cut.claims, cut.merged_into) == (0, None)  # the claims went, the pointer did not
    proxy.set_plan(NO_FAULTS)
    # The event's retry joins the surname again, which writes the pointer.
    joined = surnames_joined(filed, faulty)
    assert [(alone, person.id) for alone, person in joined] == [(obama, barack)]
    for alone, person in joined:
        faulty.move_claimant(alone, person)
    assert index.get_claimants([obama])[obama].merged_into == barack
    assert {h.claim.claimant.id for h in index.search(SearchQuery(claimant_id=obama)).hits} == {barack}
