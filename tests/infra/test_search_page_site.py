"""The search page on AWS: API Gateway reads it from site/ in the bucket, with a role that can
read that and nothing else, and `infra/publish_site.py` puts the files where it reads them."""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from types import ModuleType
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.infra.cfn import (
    ACCOUNT,
    CREATE_DOMAIN_PARAMETERS,
    EXISTING_DOMAIN_PARAMETERS,
    REGION,
    REPO,
    Resolver,
    load_template,
    sam_transform,
)

if not os.environ.get("CLAIMSEARCH_REQUIRE_INFRA_TOOLS"):
    pytest.importorskip("samtranslator", reason="aws-sam-translator is not installed")

from tests.infra.test_least_privilege import Principal, Statement

PAGE_ROUTES = {("GET", "/"): "site/static/index.html", ("GET", "/static/{file}"): "site/static/{file}"}
BUCKET_NAME = f"claimsearch-test-inbox-{ACCOUNT}-{REGION}"


def _api_body(parameters: dict[str, str]) -> dict[str, Any]:
    resources = sam_transform(parameters)["Resources"]
    (api,) = [r for r in resources.values() if r["Type"] == "AWS::ApiGateway::RestApi"]
    body: dict[str, Any] = api["Properties"]["Body"]
    return body


@pytest.mark.parametrize(
    "parameters", [CREATE_DOMAIN_PARAMETERS, EXISTING_DOMAIN_PARAMETERS], ids=["new", "existing"]
)
def test_the_page_is_read_from_the_bucket_without_a_key_and_the_api_still_needs_one(
    parameters: dict[str, str],
) -> None:
    body = _api_body(parameters)
    page = {}
    for path, methods in body["paths"].items():
        for method, operation in methods.items():
            integration = operation["x-amazon-apigateway-integration"]
            if integration["type"] == "aws_proxy":
                # Every function route keeps the API key (the page opened no hole in the API);
                # a browser's CORS preflight carries none, and the function answers it only
                # with what it allows (tests/infra/test_template.py).
                keyless = method == "options"
                assert operation["security"] == ([] if keyless else [{"api_key": []}]), (method, path)
                continue
            page[(method.upper(), path)] = (operation, integration)
    assert set(page) == set(PAGE_ROUTES)
    for route, (operation, integration) in page.items():
        assert operation.get("security") == [], route  # public: the page asks for the key itself
        assert integration["type"] == "aws" and integration["httpMethod"] == "GET"
        s3_path = "arn:${AWS::Partition}:apigateway:${AWS::Region}:s3:path/${InboxBucket}/"
        assert integration["uri"]["Fn::Sub"] == s3_path + PAGE_ROUTES[route]
        assert integration["credentials"] == {"Fn::GetAtt": ["SiteReaderRole", "Arn"]}
        responses = integration["responses"]
        ok = responses["2\\d{2}"]
        assert ok["statusCode"] == "200"
        parameters_out = ok["responseParameters"]
        assert (
            parameters_out["method.response.header.Content-Type"]
            == "integration.response.header.Content-Type"
        )
        assert parameters_out["method.response.header.X-Content-Type-Options"] == "'nosniff'"
        # S3 answers 403 for a missing key when the reader cannot list: a visitor sees 404.
        assert responses["4\\d{2}"]["statusCode"] == "404"
        assert responses["default"]["statusCode"] == "502"
    static = page[("GET", "/static/{file}")][1]
    assert static["requestParameters"] == {"integration.request.path.file": "method.request.path.file"}


def _site_reader(parameters: dict[str, str]) -> tuple[dict[str, Any], Principal]:
    template = load_template()

    class Ids(dict[str, str]):
        def __missing__(self, key: str) -> str:
            return f"physical-{key}"

    class Attributes(dict[tuple[str, str], str]):
        def __missing__(self, key: tuple[str, str]) -> str:
            return f"arn:aws:test:{REGION}:{ACCOUNT}:{key[0]}/{key[1]}"

    role = Resolver(template, parameters, Ids(), Attributes()).resolve(
        template["Resources"]["SiteReaderRole"]
    )
    statements = [s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]
    return role, Principal(tuple(Statement.parse(s) for s in statements))


def test_the_site_reader_role_reads_the_page_and_nothing_else() -> None:
    role, reader = _site_reader(EXISTING_DOMAIN_PARAMETERS)
    properties = role["Properties"]
    assert "ManagedPolicyArns" not in properties
    (trust,) = properties["AssumeRolePolicyDocument"]["Statement"]
    assert trust == {
        "Effect": "Allow",
        "Principal": {"Service": "apigateway.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
    bucket = f"arn:aws:s3:::{BUCKET_NAME}"
    assert reader.allows("s3:GetObject", f"{bucket}/site/static/index.html")
    assert reader.allows("s3:GetObject", f"{bucket}/site/static/app.js")
    for key in ("inbox/a.txt", "archive/articles/x.json", "archive/sources/x.json", "rejected/a.json",
                "exports/x.ndjson", "other/site/static/app.js"):  # fmt: skip
        assert not reader.allows("s3:GetObject", f"{bucket}/{key}"), key
    for action in ("s3:PutObject", "s3:DeleteObject", "s3:PutObjectAcl", "s3:GetObjectVersion"):
        assert not reader.allows(action, f"{bucket}/site/static/index.html"), action
    assert not reader.allows("s3:ListBucket", bucket)
    assert not reader.allows("s3:GetObject", "arn:aws:s3:::someone-elses-bucket/site/static/index.html")


def test_the_stack_says_where_the_page_is() -> None:
    outputs = load_template()["Outputs"]
    assert outputs["SearchPageUrl"]["Value"] == {
        "Fn::Sub": "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${Stage}/"
    }


def _publisher() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "claimsearch_publish_site", REPO / "infra" / "publish_site.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_publish_puts_every_page_file_where_the_api_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    publisher = _publisher()
    index = (REPO / "shared/claimsearch/web/static/index.html").read_text(encoding="utf-8")
    referenced = set(re.findall(r'(?:src|href)="static/([^"]+)"', index))
    assert {"app.js", "style.css"} <= referenced
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET_NAME, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_object(Bucket=BUCKET_NAME, Key="site/static/old.js", Body=b"stale")
        s3.put_object(Bucket=BUCKET_NAME, Key="inbox/a.txt", Body=b"an article")
        publisher.publish(s3, BUCKET_NAME)
        keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET_NAME)["Contents"]}
        # What GET / reads, and every file the page asks for under static/.
        assert "site/static/index.html" in keys
        assert {f"site/static/{name}" for name in referenced} <= keys
        assert "site/static/old.js" not in keys  # an earlier version's file is gone
        assert "inbox/a.txt" in keys  # nothing outside the page's prefix is touched
        page = s3.get_object(Bucket=BUCKET_NAME, Key="site/static/index.html")
        assert page["ContentType"] == "text/html; charset=utf-8"
        assert page["CacheControl"] == "no-cache"
        assert page["Body"].read().decode() == index
        script = s3.get_object(Bucket=BUCKET_NAME, Key="site/static/app.js")
        assert script["ContentType"].startswith("text/javascript")
