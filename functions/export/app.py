"""Export function: export jobs from the export queue -> gzipped NDJSON and a state object in S3.

POST /exports (the search function) records the request and queues the job; this function
pages through the search, writes exports/<id>/claims.ndjson.gz and keeps
exports/<id>/state.json current (running, done, failed), which GET /exports/{id} reads.
A job that fails for its own reasons (a query the index refuses, no time left) ends as
"failed" with the reason and is acknowledged; one whose state cannot be written goes back
to the queue (and, after the queue's retries, to its dead-letter queue).
"""

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from claimsearch import wiring
from claimsearch.api.export_jobs import ExportJob, run_export
from claimsearch.config import settings

logger = Logger()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def record_handler(record: SQSRecord, lambda_context: LambdaContext) -> None:
    try:
        job = ExportJob.model_validate_json(record.body)
    except ValidationError as error:
        # Not a job POST /exports wrote: no retry can change that. The log is its record.
        logger.error(
            "message is not an export job",
            extra={"reason": str(error), "message_id": record.message_id, "body": record.body[:500]},
        )
        metrics.add_metric(name="MessagesUnreadable", unit=MetricUnit.Count, value=1)
        return
    config = settings()
    try:
        state = run_export(
            job,
            wiring.index(),
            wiring.export_store(config),
            config.export_prefix,
            lambda_context.get_remaining_time_in_millis,
        )
    except Exception:
        # Transient (the bucket or the index unavailable): the message goes back to the
        # queue, and finally to the dead-letter queue. Powertools' processor logs nothing
        # of it (at debug level, to its own logger): this line says which export, and why.
        logger.exception(
            "export failed; its message goes back to the queue",
            extra={"export_id": job.id, "message_id": record.message_id},
        )
        metrics.add_metric(name="ExportsRetried", unit=MetricUnit.Count, value=1)
        raise
    logger.info(
        f"export {state.state}",
        extra={"export_id": job.id, "claims": state.claims, "total": state.total, "error": state.error},
    )
    metrics.add_metric(
        name="ExportsDone" if state.state == "done" else "ExportsFailed", unit=MetricUnit.Count, value=1
    )
    metrics.add_metric(name="ClaimsExported", unit=MetricUnit.Count, value=state.claims)


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
