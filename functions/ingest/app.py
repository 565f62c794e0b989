"""Ingest function: SQS messages carrying S3 notifications -> archived, indexed claims;
and messages asking for an archived article's re-extraction (`claimsearch reextract --queue`).

Powertools' batch processor reports each failed message back to SQS on its own, so a
transient failure (the index unavailable) is retried, and finally dead-lettered, without
holding up the others. A file that can never succeed is recorded under `rejected/` once
and acknowledged. A message the invocation has no time left for is sent to the queue
again before the timeout, instead of the timeout failing the whole batch
(`claimsearch.time_budget` says why, and where that stops).
"""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from claimsearch import wiring
from claimsearch.errors import DocumentError
from claimsearch.ingest import IngestService
from claimsearch.leases import ArticleBusy
from claimsearch.reextract import reextract_requested
from claimsearch.s3_events import NotificationError, objects_changed
from claimsearch.time_budget import DEFERRALS_ATTRIBUTE, OutOfTime, ensure_time_for, next_deferral

logger = Logger()
tracer = Tracer()
metrics = Metrics()
# A batch whose every message failed is still a partial response (all of them back to
# the queue), not an invocation error: the retries and the dead-letter queue, with its
# alarm, deal with it, and nothing already done is redone.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
# How long a message of an article another function is writing waits before it comes back.
BUSY_DELAY_S = 30
ACTION_METRICS = {"unchanged": "FilesUnchanged", "stale": "EventsStale"}


def service() -> IngestService:
    return IngestService(
        wiring.index(), wiring.make_archive(), wiring.make_extractor(), wiring.document_limits()
    )


@tracer.capture_method
def record_handler(record: SQSRecord, lambda_context: LambdaContext) -> None:
    try:
        handle(record, lambda_context)
    except OutOfTime:
        metrics.add_metric(name="MessagesDeferred", unit=MetricUnit.Count, value=1)
        if not sent_again(record):
            raise
    except ArticleBusy:
        # The other writer takes seconds: back in BUSY_DELAY_S, not after the queue's
        # visibility timeout (30 minutes), which a failure would wait out.
        if not sent_again(record, BUSY_DELAY_S):
            raise


def sent_again(record: SQSRecord, delay_seconds: int = 0) -> bool:
    """The message sent to the queue again (delivered `delay_seconds` later), to be
    acknowledged here; False where there is no queue to send to or it was deferred too
    often (it goes back as a failure). A failed send raises: the message goes back as a
    failure, so nothing is lost."""
    attribute = record.message_attributes[DEFERRALS_ATTRIBUTE]
    deferral = next_deferral(attribute.string_value if attribute else None)
    requeue = wiring.ingest_requeue()
    if deferral is None or requeue is None:
        return False
    requeue(record.body, {DEFERRALS_ATTRIBUTE: deferral}, delay_seconds)
    logger.info(
        "message sent to the queue again", extra={"deferrals": deferral, "delay_seconds": delay_seconds}
    )
    metrics.add_metric(name="MessagesRequeued", unit=MetricUnit.Count, value=1)
    return True


def handle(record: SQSRecord, lambda_context: LambdaContext) -> None:
    article_id = reextract_requested(record.body)
    if article_id is not None:
        reextract(article_id, lambda_context, record.message_id)
        return
    try:
        changes = objects_changed(record.body)
    except NotificationError as error:
        # Not an S3 notification: no retry can change that. The log is its record.
        logger.error(
            "message is not an S3 notification",
            extra={"reason": str(error), "message_id": record.message_id, "body": record.body[:500]},
        )
        metrics.add_metric(name="MessagesUnreadable", unit=MetricUnit.Count, value=1)
        return
    scope = wiring.inbox_scope()
    for change in changes:
        if scope is not None and (change.bucket != scope[0] or not change.key.startswith(scope[1])):
            # Only the inbox's files are articles: an event of another prefix (the archive,
            # the rejection records, after a notification widened by hand) is acknowledged
            # and said, not parsed, refused and recorded, nor taken for a removal.
            logger.warning(
                "event outside the inbox ignored",
                extra={"bucket": change.bucket, "key": change.key, "inbox": f"{scope[0]}/{scope[1]}"},
            )
            metrics.add_metric(name="EventsIgnored", unit=MetricUnit.Count, value=1)
            continue

        # A removal reads no file (S3 gives it no size); an upload's size is checked again
        # against the object read, which may have been replaced by a larger one since.
        def time_for(size: int | None) -> None:
            ensure_time_for(size, lambda_context.get_remaining_time_in_millis())

        time_for(0 if change.change == "removed" else change.size)
        try:
            result = service().apply(wiring.blob_store(change.bucket), change, time_for)
        except DocumentError as error:
            # Permanent: the file can never succeed. Its rejection record is written
            # (IngestService); acknowledging the message keeps SQS from retrying it into
            # the dead-letter queue and counting it once per retry.
            logger.warning(
                "file rejected",
                extra={"key": change.key, "code": error.code, "reason": error.reason},
            )
            metrics.add_metric(name="FilesRejected", unit=MetricUnit.Count, value=1)
            continue
        except OutOfTime:
            raise  # not a failure: the message is deferred (record_handler)
        except ArticleBusy as busy:
            # Another event of the same article is being applied (two functions at once):
            # this one goes back to the queue and is applied after it, in its turn.
            logger.warning(
                "article busy; its message goes back to the queue",
                extra={"key": change.key, "message_id": record.message_id, "reason": str(busy)},
            )
            metrics.add_metric(name="ArticlesBusy", unit=MetricUnit.Count, value=1)
            raise
        except Exception:
            # Transient: the message goes back to the queue, to be retried and finally
            # dead-lettered. Powertools' processor logs nothing of it (at debug level, to
            # its own logger), so this line is what says which file failed, and why.
            logger.exception(
                "file failed; its message goes back to the queue",
                extra={"key": change.key, "bucket": change.bucket, "message_id": record.message_id},
            )
            metrics.add_metric(name="FilesRetried", unit=MetricUnit.Count, value=1)
            raise
        logger.info(
            f"file {result.action}",
            extra={"key": change.key, "article_id": result.article_id, "claims": result.claims},
        )
        if result.action == "indexed":
            metrics.add_metric(name="ClaimsIndexed", unit=MetricUnit.Count, value=result.claims)
        elif result.action == "deleted":
            metrics.add_metric(name="ArticlesDeleted", unit=MetricUnit.Count, value=1)
        else:
            # A message delivered again, a file written again as it was ("unchanged"), or an
            # event older than the version held ("stale"): nothing written, and counted, so
            # that redeliveries and reordering show on the dashboard instead of vanishing.
            metrics.add_metric(name=ACTION_METRICS[result.action], unit=MetricUnit.Count, value=1)


def reextract(article_id: str, lambda_context: LambdaContext, record_id: str) -> None:
    """One archived article extracted again by this function's extractor (`IngestService.reextract`)."""
    ingest = service()
    try:
        archived = ingest.archive.load(article_id)
    except KeyError:
        logger.info("article to re-extract is gone", extra={"article_id": article_id})
        metrics.add_metric(name="ReextractionsSkipped", unit=MetricUnit.Count, value=1)
        return
    ensure_time_for(len(archived.article.text.encode("utf-8")), lambda_context.get_remaining_time_in_millis())
    try:
        result = ingest.reextract(archived)
    except DocumentError as error:
        # The text now makes the extractor fail: the article keeps its claims; retrying
        # cannot help. The log is its record.
        logger.warning("article not re-extracted", extra={"article_id": article_id, "reason": error.reason})
        metrics.add_metric(name="ReextractionsFailed", unit=MetricUnit.Count, value=1)
        return
    except Exception:
        logger.exception(
            "re-extraction failed; its message goes back to the queue",
            extra={"article_id": article_id, "message_id": record_id},
        )
        metrics.add_metric(name="FilesRetried", unit=MetricUnit.Count, value=1)
        raise
    done = {"article_id": article_id, "claims": result.claims}
    logger.info(f"article re-extraction {result.action}", extra=done)
    reextracted = result.action == "indexed"
    metrics.add_metric(
        name="ArticlesReextracted" if reextracted else "ReextractionsSkipped", unit=MetricUnit.Count, value=1
    )


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
