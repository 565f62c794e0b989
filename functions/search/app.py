"""Search function: API Gateway -> the claimsearch HTTP API."""

# ruff: noqa: E402  (the imports run with the garbage collector paused, below)
import gc

# Importing this module creates some 60,000 objects that live as long as the container,
# and the collector, run as they pile up, traverses them again and again for no garbage:
# about 15 % of a cold start's CPU, more of its wall time. Paused until the module is set
# up, then they are frozen, so later collections (each request's) skip them too.
gc.disable()

from types import ModuleType
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from wrapt import when_imported

from claimsearch.api.app import resolve

logger = Logger()
# Tracer() would patch every library the X-Ray SDK supports at import: botocore and
# requests imported for nothing on a cold start that never calls them, and a subsegment
# per sqlite3 statement. This function calls two services: OpenSearch, whose reads
# (http.client, no opensearch-py: this function never writes to the index) open a
# subsegment each through the reader's hook, because X-Ray's http.client patch would
# import urllib3 (about 30 ms of a cold start); and S3 for POST and DELETE /articles
# (botocore, patched when first imported).
tracer = Tracer(auto_patch=False)


@when_imported("claimsearch.index.opensearch.reader")
def _trace_reads(reader: ModuleType) -> None:
    reader.trace_reads(tracer.provider.in_subsegment)


# Every botocore client comes from a session; and when botocore.session has loaded,
# botocore.client (which the patch wraps) is complete, which its own hook cannot promise.
@when_imported("botocore.session")
def _trace_botocore(_: ModuleType) -> None:
    tracer.patch(["botocore"])


gc.freeze()
gc.enable()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(event, context)
