"""Both blob stores (a folder; an S3 bucket, in moto) read a version by its etag only while the
object holds it, and list the keys written since a time, as
a rebuild's catch-up reads them (`Archive.written_since`)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from claimsearch.storage.local import LocalBlobStore
from claimsearch.storage.port import BlobStore, VersionGone
from claimsearch.storage.s3 import S3BlobStore


@pytest.fixture(params=["folder", "s3"])
def store(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[BlobStore]:
    if request.param == "folder":
        yield LocalBlobStore(tmp_path / "store")
        return
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="archive")
        yield S3BlobStore("archive", client)


def test_keys_written_since_a_time_are_listed_under_their_prefix(store: BlobStore) -> None:
    store.put("archive/articles/a.json", b"{}")
    store.put("archive/sources/a.json", b"{}")
    time.sleep(1.1)  # S3 keeps a write's time to the second
    since = datetime.now(UTC)
    store.put("archive/articles/b.json", b"{}")
    store.put("archive/articles/a.json", b'{"edited": true}')
    assert sorted(store.modified_since("archive/articles/", since)) == [
        "archive/articles/a.json",
        "archive/articles/b.json",
    ]
    assert list(store.modified_since("archive/sources/", since)) == []
    assert len(list(store.modified_since("archive/", since - timedelta(hours=1)))) == 3
    assert list(store.modified_since("archive/", since + timedelta(hours=1))) == []


def test_a_version_asked_by_its_etag_is_read_only_while_the_object_holds_it(store: BlobStore) -> None:
    store.put("inbox/a.txt", b"first")
    first = store.head("inbox/a.txt").etag
    assert store.get("inbox/a.txt", first) == b"first"
    store.put("inbox/a.txt", b"second")
    with pytest.raises(VersionGone):
        store.get("inbox/a.txt", first)
    assert store.get("inbox/a.txt", store.head("inbox/a.txt").etag) == b"second"
    store.delete("inbox/a.txt")
    with pytest.raises(KeyError):
        store.get("inbox/a.txt", first)
