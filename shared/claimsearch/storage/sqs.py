"""An SQS queue to send messages to: export jobs, re-extraction requests.

boto3 is imported when a queue is made, not by the search function's cold start.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import Any

from claimsearch.errors import DependencyFailed

BATCH = 10  # SendMessageBatch's limit


class SqsQueue:
    def __init__(self, queue_url: str, client: Any | None = None) -> None:
        import boto3

        self.queue_url = queue_url
        self.client = client or boto3.client("sqs")

    def send(self, body: str) -> None:
        self.client.send_message(QueueUrl=self.queue_url, MessageBody=body)

    def send_all(self, bodies: Iterable[str]) -> int:
        """Every body as a message, ten a request; the number sent. An entry SQS refuses
        is sent once more, alone; refused again, `DependencyFailed` names it (the ones
        before it are sent: sending again repeats them, which their consumer must take)."""
        sent = 0
        pending = iter(bodies)
        while chunk := list(islice(pending, BATCH)):
            entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(chunk)]
            answer = self.client.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
            for failed in answer.get("Failed", []):
                body = chunk[int(failed["Id"])]
                try:
                    self.send(body)
                except Exception as exc:
                    reason = failed.get("Message") or failed.get("Code")
                    raise DependencyFailed(f"SQS refused {body!r} twice ({reason}; then {exc})") from exc
            sent += len(chunk)
        return sent
