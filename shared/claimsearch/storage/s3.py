"""BlobStore over an S3 bucket."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import boto3
from botocore.exceptions import ClientError

from claimsearch.storage.port import ObjectInfo, VersionGone

_CONDITION_FAILED = {"PreconditionFailed", "412", "ConditionalRequestConflict", "409", "NoSuchKey", "404"}


class S3BlobStore:
    def __init__(self, bucket: str, client: Any | None = None) -> None:
        self.bucket = bucket
        self.client = client or boto3.client("s3")

    def get(self, key: str, etag: str | None = None) -> bytes:
        # With an etag, S3 answers 412 rather than another version's bytes (If-Match).
        condition = {"IfMatch": etag} if etag is not None else {}
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key, **condition)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("NoSuchKey", "404"):
                raise KeyError(key) from exc
            if exc.response["Error"]["Code"] in ("PreconditionFailed", "412"):
                raise VersionGone(key) from exc
            raise
        return bytes(response["Body"].read())

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def create(self, key: str, data: bytes) -> bool:
        return self._put_if(key, data, IfNoneMatch="*")

    def replace(self, key: str, data: bytes, etag: str) -> bool:
        return self._put_if(key, data, IfMatch=etag)

    def _put_if(self, key: str, data: bytes, **condition: str) -> bool:
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=data, **condition)
        except ClientError as exc:
            # 412: the condition failed; 409: a conditional write to the key raced this
            # one; 404: no object to match.
            if exc.response["Error"]["Code"] in _CONDITION_FAILED:
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        # S3 answers 204 whether or not the key existed.
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def list(self, prefix: str = "") -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield item["Key"]

    def modified_since(self, prefix: str, since: datetime) -> Iterator[str]:
        # A listing gives LastModified to the second, cut down: compared at that resolution,
        # a key written in the second `since` falls in lies within it.
        since = since.replace(microsecond=0)
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                if item["LastModified"] >= since:
                    yield item["Key"]

    def head(self, key: str) -> ObjectInfo:
        try:
            response = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("NoSuchKey", "404", "NotFound"):
                raise KeyError(key) from exc
            raise
        return ObjectInfo(int(response["ContentLength"]), str(response["ETag"]).strip('"'))
