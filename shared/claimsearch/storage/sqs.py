"""An SQS queue to send messages to: export jobs, re-extraction requests.

boto3 is imported when a queue is made, not by the search function's cold start.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from itertools import islice
from typing import Any

from claimsearch.errors import DependencyFailed

BATCH = 10  # SendMessageBatch's limit
# "https://sqs.eu-west-1.amazonaws.com/123456789012/name": the queue's region, so that an
# operator's machine with no AWS region configured reaches the queue its URL names.
_REGION_IN_URL = re.compile(r"^https?://sqs[.-]([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/")


class SqsQueue:
    def __init__(self, queue_url: str, client: Any | None = None) -> None:
        import boto3

        self.queue_url = queue_url
        if client is None:
            region = _REGION_IN_URL.match(queue_url)
            client = boto3.client("sqs", region_name=region.group(1) if region else None)
        self.client = client

    def send(self, body: str, numbers: Mapping[str, int] | None = None, delay_seconds: int = 0) -> None:
        """One message; `numbers` become its message attributes (of type Number); it is
        delivered no sooner than `delay_seconds` from now (SQS allows up to 900)."""
        extra: dict[str, Any] = {"DelaySeconds": delay_seconds} if delay_seconds else {}
        if numbers:
            extra["MessageAttributes"] = {
                name: {"DataType": "Number", "StringValue": str(value)} for name, value in numbers.items()
            }
        self.client.send_message(QueueUrl=self.queue_url, MessageBody=body, **extra)

    def send_all(self, bodies: Iterable[str]) -> int:
        """Every body as a message, ten a request; the number sent. An entry SQS refuses
        is sent once more, alone. `DependencyFailed` where the queue cannot be reached or
        refuses an entry twice, naming the queue (the messages before it are sent: sending
        again repeats them, which their consumer must take)."""
        sent = 0
        pending = iter(bodies)
        while chunk := list(islice(pending, BATCH)):  # read outside: its errors are the reader's
            self._send_batch(chunk, sent)
            sent += len(chunk)
        return sent

    def _send_batch(self, chunk: list[str], sent: int) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(chunk)]
        try:
            answer = self.client.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
            for failed in answer.get("Failed", []):
                self.send(chunk[int(failed["Id"])])
        except (BotoCoreError, ClientError) as exc:
            raise DependencyFailed(
                f"could not send to the queue {self.queue_url} after {sent} messages ({exc});"
                " check the URL, the AWS credentials and their sqs:SendMessage right"
            ) from exc
