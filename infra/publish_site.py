"""Publish the search page to the deployed stack's bucket: `make publish-site STACK=<name>`.

Copies shared/claimsearch/web/static/* to s3://<bucket>/site/static/, where API Gateway reads
them for GET / and GET /static/{file} (template.yaml: the Api's DefinitionBody and
SiteReaderRole), with the content type each file needs and a short cache lifetime, and removes
files of an earlier version that the page no longer has. The bucket is the stack's
InboxBucketName output (or --bucket); your own AWS credentials do the writing, since the stack
grants no function the right to change the page.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from claimsearch.web import INDEX, read_site_file, site_files

PREFIX = "site/static/"
# The page itself is revalidated on every load, so a new version shows at once; its assets
# may be cached briefly (they change only with a publish).
CACHE_CONTROL = {INDEX: "no-cache", "default": "public, max-age=300"}


def publish(s3: Any, bucket: str, prefix: str = PREFIX, *, dry_run: bool = False) -> list[str]:
    """Upload every page file under `prefix`, delete stale ones there; returns the keys written."""
    names = site_files()
    if INDEX not in names:
        raise SystemExit(f"publish_site: {INDEX} is missing from the package")
    written = []
    for name in names:
        found = read_site_file(name)
        assert found is not None
        key = f"{prefix}{name}"
        print(f"{'would put' if dry_run else 'put'} s3://{bucket}/{key} ({found.content_type})")
        if not dry_run:
            s3.put_object(
                Bucket=bucket,
                Key=key,
                Body=found.data,
                ContentType=found.content_type,
                CacheControl=CACHE_CONTROL.get(name, CACHE_CONTROL["default"]),
            )
        written.append(key)
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        for stale in (o["Key"] for o in page.get("Contents", []) if o["Key"] not in written):
            print(f"{'would delete' if dry_run else 'delete'} s3://{bucket}/{stale}")
            if not dry_run:
                s3.delete_object(Bucket=bucket, Key=stale)
    return written


def stack_outputs(cloudformation: Any, stack: str) -> dict[str, str]:
    (description,) = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    return {o["OutputKey"]: o["OutputValue"] for o in description.get("Outputs", [])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--stack", help="the deployed stack's name (reads its InboxBucketName output)")
    target.add_argument("--bucket", help="the stack's bucket, if you know it")
    parser.add_argument("--region", help="defaults to your AWS configuration's")
    parser.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")
    args = parser.parse_args(argv)

    import boto3

    session = boto3.session.Session(region_name=args.region)
    outputs = stack_outputs(session.client("cloudformation"), args.stack) if args.stack else {}
    bucket = args.bucket or outputs["InboxBucketName"]
    publish(session.client("s3"), bucket, dry_run=args.dry_run)
    if "SearchPageUrl" in outputs:
        print(f"the search page: {outputs['SearchPageUrl']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
