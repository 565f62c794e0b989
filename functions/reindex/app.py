"""Reindex function: rebuild the search index from the archive."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from claimsearch import wiring
from claimsearch.reindex import rebuild_index

logger = Logger()


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = rebuild_index(wiring.make_index(), wiring.make_archive())
    logger.info("index rebuilt", extra=report)
    return report
