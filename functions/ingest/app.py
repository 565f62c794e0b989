"""Ingest function: SQS messages carrying S3 notifications -> archived, indexed claims.

Powertools' batch processor reports each failed message back to SQS on its own, so a
transient failure (the index unavailable) is retried, and finally dead-lettered, without
holding up the others. A file that can never succeed is recorded under `rejected/` once
and acknowledged.
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
from claimsearch.config import settings
from claimsearch.errors import DocumentError
from claimsearch.ingest import IngestService
from claimsearch.s3_events import objects_created

logger = Logger()
tracer = Tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)


def service() -> IngestService:
    return IngestService(
        wiring.index(), wiring.make_archive(), wiring.make_extractor(), settings().max_document_bytes
    )


@tracer.capture_method
def record_handler(record: SQSRecord) -> None:
    for created in objects_created(record.body):
        try:
            result = service().ingest_blob(wiring.blob_store(created.bucket), created.key)
        except DocumentError as error:
            # Permanent: the file can never succeed. Its rejection record is written
            # (IngestService); acknowledging the message keeps SQS from retrying it into
            # the dead-letter queue and counting it once per retry.
            logger.warning(
                "file rejected",
                extra={"key": created.key, "code": error.code, "reason": error.reason},
            )
            metrics.add_metric(name="FilesRejected", unit=MetricUnit.Count, value=1)
            continue
        logger.info(
            "file ingested",
            extra={"key": created.key, "article_id": result.article_id, "claims": result.claims},
        )
        metrics.add_metric(name="ClaimsIndexed", unit=MetricUnit.Count, value=result.claims)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
