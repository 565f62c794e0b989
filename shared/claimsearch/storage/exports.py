"""Exports on AWS: their objects in S3 (ExportStore); their jobs go on SQS (`storage.sqs`).

boto3 is imported when an adapter is made, by the routes and the worker that use one,
not by the search function's cold start.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from claimsearch.errors import ClaimsearchError


class S3ExportStore:
    """The bucket for exports (template.yaml: the inbox bucket, prefix exports/)."""

    def __init__(self, bucket: str, client: Any | None = None) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        # SigV4, and the regional endpoint in presigned URLs (virtual addressing): a URL on the
        # global endpoint is redirected, or refused, for a bucket outside us-east-1.
        self.client = client or boto3.client(
            "s3", config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"})
        )

    def put_json(self, key: str, value: dict[str, Any]) -> None:
        body = json.dumps(value, ensure_ascii=False).encode("utf-8")
        self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType="application/json")

    def get_json(self, key: str) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("NoSuchKey", "404"):
                raise KeyError(key) from exc
            raise
        value = json.loads(response["Body"].read())
        if not isinstance(value, dict):
            raise ClaimsearchError(f"s3://{self.bucket}/{key} is not a JSON object")
        return value

    def upload_file(self, key: str, path: Path, content_type: str) -> None:
        # The managed transfer: a multipart upload past 8 MiB, one part in memory at a time.
        self.client.upload_file(str(path), self.bucket, key, ExtraArgs={"ContentType": content_type})

    def download_url(self, key: str, seconds: int, filename: str) -> str:
        url: str = self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentDisposition": f'attachment; filename="{filename}"',
            },
            ExpiresIn=seconds,
        )
        return url
