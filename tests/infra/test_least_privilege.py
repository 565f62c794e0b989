"""Least privilege, proven: what each function's role can and cannot do.

The role policies in template.yaml (and the access policy of the OpenSearch domain the stack
creates) are resolved for concrete parameters and evaluated the way IAM evaluates a request
within one account: an explicit Deny in any policy wins; otherwise an Allow in the role's own
policy or in the domain's resource policy grants; otherwise the request is denied.

An OpenSearch HTTP call is authorised as `es:ESHttp<Method>` on the domain's ARN followed by
the request path (`.../domain/<name>/<index>/_search`), and IAM's `*` matches any characters,
"/" and "," included. Every OpenSearch answer below holds in three settings: the role's policy
alone (an existing domain whose policy grants these roles nothing beyond IAM), with the
access policy of the domain this stack creates, and with a domain policy that grants the role
every HTTP method on every path (an existing domain configured too widely): each role's Deny
statements hold it to its paths whatever the domain allows.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest

from tests.infra.cfn import ACCOUNT, CREATE_DOMAIN_PARAMETERS, REGION, Resolver, load_template

if not os.environ.get("CLAIMSEARCH_REQUIRE_INFRA_TOOLS"):
    # load_template parses the intrinsic-function tags with the SAM translator's YAML loader.
    pytest.importorskip("samtranslator", reason="aws-sam-translator is not installed")

ROLES = ("SearchFunctionRole", "IngestFunctionRole", "ReindexFunctionRole", "ExportFunctionRole")
METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH")
XRAY = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}

# The stack creating its domain (claimsearch-test, prefix claimsearch), and one using a shared
# existing domain with another index prefix: the ARNs must follow the parameters.
NEW_DOMAIN = {**CREATE_DOMAIN_PARAMETERS}
SHARED_DOMAIN = {
    "Stage": "prod",
    "OpenSearchEndpoint": "https://search-shared-abc123.eu-west-1.es.amazonaws.com",
    "OpenSearchDomainName": "shared-search",
    "IndexPrefix": "news",
    "ConfigureApiGatewayAccount": "false",
}
SETTINGS = {"new domain": NEW_DOMAIN, "shared domain": SHARED_DOMAIN}
DOMAIN_POLICIES = ("role policy only", "this stack's domain policy", "domain grants everything")


# -- a small IAM evaluator -------------------------------------------------------------------


def _wildcard(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """IAM matching: `*` is any run of characters (including "/" and ","), `?` one character."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@dataclass(frozen=True)
class Statement:
    effect: str
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] = ()
    condition: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    sid: str = ""

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Statement:
        known = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition", "Principal"}
        assert set(raw) <= known, f"statement element the evaluator does not know: {set(raw) - known}"
        assert raw["Effect"] in ("Allow", "Deny")
        assert ("Action" in raw) != ("NotAction" in raw) and ("Resource" in raw) != ("NotResource" in raw)
        for value in [*_as_list(raw.get("Resource", [])), *_as_list(raw.get("NotResource", []))]:
            assert isinstance(value, str) and "${" not in value, f"unresolved resource {value!r}"
        return cls(
            effect=raw["Effect"],
            actions=tuple(_as_list(raw.get("Action", []))),
            not_actions=tuple(_as_list(raw.get("NotAction", []))),
            resources=tuple(_as_list(raw.get("Resource", []))),
            not_resources=tuple(_as_list(raw.get("NotResource", []))),
            condition=raw.get("Condition", {}),
            sid=raw.get("Sid", ""),
        )

    def applies(self, action: str, resource: str, context: Mapping[str, str]) -> bool:
        if self.actions:
            action_matches = any(_wildcard(a, action, ignore_case=True) for a in self.actions)
        else:
            action_matches = not any(_wildcard(a, action, ignore_case=True) for a in self.not_actions)
        if self.resources:
            resource_matches = any(_wildcard(r, resource) for r in self.resources)
        else:
            resource_matches = not any(_wildcard(r, resource) for r in self.not_resources)
        return action_matches and resource_matches and self._condition_holds(context)

    def _condition_holds(self, context: Mapping[str, str]) -> bool:
        for operator, tests in self.condition.items():
            if_exists = operator.endswith("IfExists")
            base = operator.removesuffix("IfExists")
            assert base in ("StringLike", "StringEquals"), f"condition operator not evaluated: {operator}"
            for key, expected in tests.items():
                if key not in context:
                    if if_exists:
                        continue
                    return False
                value = context[key]
                if base == "StringLike":
                    ok = any(_wildcard(e, value) for e in _as_list(expected))
                else:
                    ok = value in _as_list(expected)
                if not ok:
                    return False
        return True


@dataclass(frozen=True)
class Principal:
    """A role's own statements plus those resource policies address to it."""

    statements: tuple[Statement, ...]

    def allows(self, action: str, resource: str, **context: str) -> bool:
        applying = [s for s in self.statements if s.applies(action, resource, context)]
        if any(s.effect == "Deny" for s in applying):
            return False
        return any(s.effect == "Allow" for s in applying)


# -- the template, resolved ------------------------------------------------------------------


class _Attributes(dict[tuple[str, str], str]):
    """Fn::GetAtt values: a stand-in ARN per resource (only role ARNs are compared)."""

    def __missing__(self, key: tuple[str, str]) -> str:
        resource, attribute = key
        return f"arn:aws:test:{REGION}:{ACCOUNT}:{resource}/{attribute}"


class _PhysicalIds(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return f"physical-{key}"


@dataclass(frozen=True)
class Deployment:
    parameters: Mapping[str, str]
    resources: Mapping[str, Any]  # resolved
    creates_domain: bool

    @property
    def stage(self) -> str:
        return self.parameters["Stage"]

    @property
    def prefix(self) -> str:
        return self.parameters.get("IndexPrefix", "claimsearch")

    @property
    def domain(self) -> str:
        name = self.parameters.get("OpenSearchDomainName") or f"claimsearch-{self.stage}"
        return f"arn:aws:es:{REGION}:{ACCOUNT}:domain/{name}"

    @property
    def bucket(self) -> str:
        return f"arn:aws:s3:::claimsearch-{self.stage}-inbox-{ACCOUNT}-{REGION}"

    def role_statements(self, role: str) -> list[dict[str, Any]]:
        properties = self.resources[role]["Properties"]
        assert "ManagedPolicyArns" not in properties, "every grant is inline, in this template"
        return [s for policy in properties["Policies"] for s in policy["PolicyDocument"]["Statement"]]

    def role_arn(self, role: str) -> str:
        return _Attributes()[(role, "Arn")]

    def domain_statements(self, role: str) -> list[dict[str, Any]]:
        """The created domain's access-policy statements naming `role` as principal."""
        if not self.creates_domain:
            return []
        policy = self.resources["SearchDomain"]["Properties"]["AccessPolicies"]
        return [
            {k: v for k, v in s.items() if k != "Principal"}
            for s in policy["Statement"]
            if self.role_arn(role) in _as_list(s["Principal"]["AWS"])
        ]

    def principal(self, role: str, domain_policy: str) -> Principal:
        raw = self.role_statements(role)
        if domain_policy == "this stack's domain policy":
            raw += self.domain_statements(role)
        elif domain_policy == "domain grants everything":
            raw += [{"Effect": "Allow", "Action": "es:ESHttp*", "Resource": f"{self.domain}/*"}]
        return Principal(tuple(Statement.parse(s) for s in raw))


@cache
def _deployment(setting: str) -> Deployment:
    parameters = SETTINGS[setting]
    template = load_template()
    resolver = Resolver(template, parameters, _PhysicalIds(), _Attributes())
    creates_domain = resolver.condition("CreateDomain")
    wanted = [*ROLES, "SearchDomain"] if creates_domain else list(ROLES)
    resources = {name: resolver.resolve(template["Resources"][name]) for name in wanted}
    return Deployment(parameters, resources, creates_domain)


@pytest.fixture(params=list(SETTINGS), ids=list(SETTINGS))
def deployment(request: pytest.FixtureRequest) -> Deployment:
    return _deployment(request.param)


class OpenSearch:
    """`can("POST", "<prefix>-claims/_search")` for one role, one setting, one domain policy."""

    def __init__(self, deployment: Deployment, role: str, domain_policy: str) -> None:
        self.deployment = deployment
        self.principal = deployment.principal(role, domain_policy)

    def path(self, path: str) -> str:
        return path.replace("P-", f"{self.deployment.prefix}-")

    def can(self, method: str, path: str) -> bool:
        """`path` without the leading "/"; "P-" stands for this deployment's index prefix."""
        resource = f"{self.deployment.domain}/{self.path(path)}"
        return self.principal.allows(f"es:ESHttp{method.capitalize()}", resource)

    def allowed(self, requests: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        return {(m, p) for m, p in requests if self.can(m, p)}


def _every_method(paths: Iterable[str]) -> set[tuple[str, str]]:
    return {(m, p) for m in METHODS for p in paths}


OUR_ALIASES = ("P-claims", "P-articles", "P-claimants")
READ_ENDPOINTS = ("_search", "_count", "_msearch")
# Paths outside this deployment's indices: another application's index, another stage's
# prefix that extends ours, cluster-wide APIs, and paths naming our index beside another.
FOREIGN = (
    "other-index",
    "other-index/_doc/1",
    "other-index/_search",
    "other-index/_refresh",
    "other-index/_delete_by_query",
    "P-b-claims/_doc/1",
    "P-claims,other-index/_search",
    "P-claims,other-index/_mapping",
    "P-claims,other-index/_delete_by_query",
    "P-claims-v1,other-index/_settings",
    "_search",
    "_msearch",
    "_all",
    "*",
    "_cat/indices",
    "_cluster/settings",
    "_snapshot/repo/snap",
    "_reindex",
    "_index_template/other",
    "_plugins/_security/api/roles",
)
# Endpoints that move aliases or copy an index under a new name.
ALIAS_AND_COPY = (
    "_aliases",
    "P-claims-v1/_alias/P-claims",
    "P-claims-v1/_alias/other-alias",
    "P-claims-v1/_aliases/other-alias",
    "P-claims/_alias/P-articles",
    "P-claims-v1/_clone/other-index",
    "P-claims-v1/_shrink/other-index",
    "P-claims-v1/_split/other-index",
    "P-claims/_rollover",
    "P-claims/_rollover/other-index",
)
OURS = (
    "",
    "P-claims",
    "P-claims-v1",
    "P-claims-v2,P-articles-v2,P-claimants-v2",
    "P-claims/_doc/abc",
    "P-claims/_doc/_search",
    "P-articles/_doc/abc",
    "P-claimants/_doc/abc",
    "P-claims/_search",
    "P-claims/_count",
    "P-claims/_msearch",
    "P-claims/_search/template",
    "P-claims/_bulk",
    "P-claims/_delete_by_query",
    "P-claims/_update_by_query",
    "P-claims/_refresh",
    "P-claims-v2,P-articles-v2,P-claimants-v2/_refresh",
    "P-claims/_mapping",
    "P-claims/_settings",
    "P-claims-v1/_settings",
    "P-claims-v1/_close",
    "P-claims-v*/_alias",
    "_bulk",
    "_index_template/P-claims",
)
CORPUS = _every_method((*OURS, *FOREIGN, *ALIAS_AND_COPY))


@pytest.mark.parametrize("role", ROLES)
def test_the_domain_policy_never_widens_a_role(deployment: Deployment, role: str) -> None:
    """Whatever a domain's access policy grants a role, its own Deny statements bound it."""
    decisions = {policy: OpenSearch(deployment, role, policy).allowed(CORPUS) for policy in DOMAIN_POLICIES}
    assert decisions["this stack's domain policy"] == decisions["role policy only"]
    assert decisions["domain grants everything"] == decisions["role policy only"]


@pytest.fixture(params=DOMAIN_POLICIES)
def domain_policy(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# -- search: reads only ----------------------------------------------------------------------


def test_search_role_posts_only_searches_counts_and_msearches_on_our_aliases(
    deployment: Deployment, domain_policy: str
) -> None:
    search = OpenSearch(deployment, "SearchFunctionRole", domain_policy)
    reads = {("POST", f"{alias}/{endpoint}") for alias in OUR_ALIASES for endpoint in READ_ENDPOINTS}
    gets = {("GET", f"{alias}/_doc/abc") for alias in OUR_ALIASES}
    assert search.allowed(reads | gets | {("HEAD", "")}) == reads | gets | {("HEAD", "")}
    # Over every method and path tried: a read endpoint, a document by id, or the ping.
    for method, path in search.allowed(CORPUS):
        alias, _, rest = path.partition("/")
        assert (method, path) == ("HEAD", "") or (
            alias in OUR_ALIASES
            and (
                (method, rest) in {("POST", e) for e in READ_ENDPOINTS}
                or (method == "GET" and rest.startswith("_doc/"))
            )
        ), (method, path)


def test_search_role_never_writes(deployment: Deployment, domain_policy: str) -> None:
    search = OpenSearch(deployment, "SearchFunctionRole", domain_policy)
    assert {(m, p) for m, p in search.allowed(CORPUS) if m in ("PUT", "DELETE", "PATCH")} == set()
    for path in (
        "_bulk",
        "P-claims/_bulk",
        "P-claims/_doc",
        "P-claims/_doc/abc",
        "P-claims/_doc/_search",  # indexing a document whose id is "_search"
        "P-claims/_delete_by_query",
        "P-claims/_update_by_query",
        "P-claims/_refresh",
        "P-claims-v1/_close",
        "P-claims/_search/template",
        "P-claims/_search/../_bulk",
        "_aliases",
        "_search",
        "_msearch",
        "P-claims,other-index/_search",
        "other-index/_search",
    ):
        assert not search.can("POST", path), path


def test_search_role_reads_only_our_documents(deployment: Deployment, domain_policy: str) -> None:
    search = OpenSearch(deployment, "SearchFunctionRole", domain_policy)
    for path in ("other-index/_doc/1", "other-index/_search", "_cat/indices", "_cluster/settings",
                 "P-claims,other-index/_doc/1", "P-b-claims/_doc/1"):  # fmt: skip
        assert not search.can("GET", path), path
        assert not search.can("HEAD", path), path


# -- export: the two searches an export makes, nothing else -----------------------------------


def test_export_role_posts_only_the_searches_an_export_makes(
    deployment: Deployment, domain_policy: str
) -> None:
    export = OpenSearch(deployment, "ExportFunctionRole", domain_policy)
    # claims/_search pages through the matches (a collapsed export sends each page with its
    # cluster count as one claims/_msearch); claimants/_search resolves a claimant= name.
    searches = {("POST", "P-claims/_search"), ("POST", "P-claims/_msearch"), ("POST", "P-claimants/_search")}
    assert export.allowed(CORPUS | searches) == searches
    for path in ("P-claims/_search/template", "P-claims/_search/../_bulk", "P-claimants/_msearch",
                 "P-articles/_search", "P-claims,other-index/_search", "_search", "_msearch",
                 "other-index/_search"):  # fmt: skip
        assert not export.can("POST", path), path


# -- ingest: writes our indices, deletes documents, never indices or aliases -----------------


def test_ingest_role_makes_the_calls_the_adapter_makes(deployment: Deployment, domain_policy: str) -> None:
    ingest = OpenSearch(deployment, "IngestFunctionRole", domain_policy)
    calls = {
        ("GET", "P-claims-v*/_alias"),  # Indices.versions (the "*" is in the path)
        ("PUT", "_index_template/P-claims"),
        ("PUT", "_index_template/P-claimants"),
        ("PUT", "P-claims/_mapping"),
        ("PUT", "P-claims/_settings"),
        ("PUT", "P-claims-v1"),  # the first version, created with its alias
        ("POST", "P-claims/_search"),
        ("POST", "P-claimants/_search"),
        ("POST", "P-claimants/_mget"),  # identities with their versions, for conditional puts
        ("POST", "_bulk"),
        ("POST", "P-claims/_refresh"),
        ("POST", "P-claims/_delete_by_query"),
        ("POST", "P-claims/_update_by_query"),  # move_claimant: a surname's claims to its person
        ("POST", "P-claimants/_update/abc"),  # ... and the surname's pointer to them
        ("POST", "P-claimants/_delete_by_query"),  # an identity whose last claim went, if uncounted
        ("PUT", "P-articles/_doc/abc"),
        ("GET", "P-articles/_doc/abc"),
        ("DELETE", "P-articles/_doc/abc"),
    }
    assert ingest.allowed(calls) == calls


def test_ingest_role_cannot_delete_indices_or_touch_aliases(
    deployment: Deployment, domain_policy: str
) -> None:
    ingest = OpenSearch(deployment, "IngestFunctionRole", domain_policy)
    deletes = {("DELETE", p) for p in ("P-claims", "P-claims-v1", "P-claims-v*", "P-claims-v1,P-articles-v1",
                                       "_index_template/P-claims", "_all", "*")}  # fmt: skip
    assert ingest.allowed(deletes) == set()
    assert ingest.allowed(_every_method(ALIAS_AND_COPY) - {("GET", p) for p in ALIAS_AND_COPY}) == set()


def test_ingest_role_reaches_nothing_outside_our_indices(deployment: Deployment, domain_policy: str) -> None:
    ingest = OpenSearch(deployment, "IngestFunctionRole", domain_policy)
    assert ingest.allowed(_every_method(FOREIGN)) == set()


# -- reindex: manages our versioned indices and aliases --------------------------------------


def test_reindex_role_makes_the_calls_a_rebuild_makes(deployment: Deployment, domain_policy: str) -> None:
    reindex = OpenSearch(deployment, "ReindexFunctionRole", domain_policy)
    calls = {
        ("PUT", "_index_template/P-articles"),
        ("GET", "P-articles-v*/_alias"),
        ("PUT", "P-claims-v2"),
        ("PUT", "P-claimants-v2"),
        ("POST", "_bulk"),
        ("PUT", "P-claims-v2/_settings"),
        ("POST", "P-claims-v2/_search"),  # each cluster's claims in the new version
        ("POST", "P-claims-v2/_update_by_query"),  # ... and their count written there
        ("POST", "P-claims-v2,P-articles-v2,P-claimants-v2/_refresh"),
        ("POST", "P-claims-v2,P-articles-v2,P-claimants-v2/_flush"),
        ("POST", "_aliases"),
        ("DELETE", "P-claims-v1,P-articles-v1,P-claimants-v1"),
        ("DELETE", "P-claims-v2"),
        ("POST", "P-claims/_count"),
        # Through the aliases, what ingest writes (reindex.catch_up: the articles archived or
        # taken down while the rebuild ran).
        ("POST", "P-claims/_search"),
        ("POST", "P-claims/_msearch"),
        ("POST", "P-claims/_update_by_query"),
        ("POST", "P-claimants/_mget"),
        ("POST", "P-claimants/_search"),
        ("POST", "P-claimants/_delete_by_query"),
        ("POST", "P-claimants/_update/p1"),
        ("POST", "P-articles/_update/a1"),
        ("GET", "P-articles/_doc/a1"),
        ("PUT", "P-articles/_doc/a1"),
        ("DELETE", "P-articles/_doc/a1"),
        ("DELETE", "P-claims/_doc/c1"),
    }
    assert reindex.allowed(calls) == calls


def test_reindex_role_manages_only_our_indices(deployment: Deployment, domain_policy: str) -> None:
    reindex = OpenSearch(deployment, "ReindexFunctionRole", domain_policy)
    # A DELETE naming our version first and another index next is the documented exception
    # (test_what_iam_cannot_see_is_the_documented_remainder).
    several = {("DELETE", p) for p in FOREIGN if p.startswith("P-claims-v1,")}
    assert reindex.allowed(_every_method(FOREIGN) - several) == set()
    for path in ("P-claims", "P-articles", "_index_template/P-claims", "other-index", "other-index/_doc/abc"):
        assert not reindex.can("DELETE", path), path
    for path in ("P-claims/_delete_by_query", "P-articles/_delete_by_query", "P-claims-v1/_close",
                 "P-claims/_doc", "other-index/_refresh", "other-index/_search",
                 "P-claims-v2,other-index/_search", "P-claims-v2,other-index/_update_by_query",
                 "P-articles-v2/_search", "P-claims-v2/_delete_by_query"):  # fmt: skip
        assert not reindex.can("POST", path), path
    # Aliases move only through the one atomic /_aliases call.
    index_level = set(ALIAS_AND_COPY) - {"_aliases"}
    assert reindex.allowed({(m, p) for m in ("POST", "PUT", "DELETE") for p in index_level}) == set()


def test_what_iam_cannot_see_is_the_documented_remainder(deployment: Deployment) -> None:
    """IAM sees paths, not bodies: these calls can reach other indices (infra/README.md).

    /_bulk and /_aliases name their indices in the body; a DELETE naming several indices is
    matched by its first name. If one of these becomes denied, update infra/README.md.
    """
    ingest = OpenSearch(deployment, "IngestFunctionRole", "role policy only")
    reindex = OpenSearch(deployment, "ReindexFunctionRole", "role policy only")
    assert ingest.can("POST", "_bulk")
    assert reindex.can("POST", "_bulk") and reindex.can("POST", "_aliases")
    assert reindex.can("DELETE", "P-claims-v1,other-index")


# -- S3 and SQS ------------------------------------------------------------------------------


def _s3(deployment: Deployment, role: str) -> Principal:
    return deployment.principal(role, "role policy only")


def _object_actions() -> tuple[str, ...]:
    return ("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectAcl",
            "s3:AbortMultipartUpload")  # fmt: skip


EXPORT_REQUEST, EXPORT_STATE, EXPORT_DATA = (
    "exports/0123abcd/request.json",
    "exports/0123abcd/state.json",
    "exports/0123abcd/claims.ndjson.gz",
)


def _object_grants(deployment: Deployment, role: str) -> set[tuple[str, str]]:
    keys = ("inbox/a.txt", "archive/articles/x.json", "archive/sources/x.json", "archive/tombstones/x",
            "rejected/inbox/a.txt.json", "deletes/x", "other/x", EXPORT_REQUEST, EXPORT_STATE, EXPORT_DATA,
            "exports/0123abcd/other.json", "exports/0123abcd.json")  # fmt: skip
    principal = _s3(deployment, role)
    granted = {
        (action, key)
        for action in _object_actions()
        for key in keys
        if principal.allows(action, f"{deployment.bucket}/{key}")
    }
    other_bucket = "arn:aws:s3:::someone-elses-bucket"
    assert not any(principal.allows(a, f"{other_bucket}/inbox/a.txt") for a in _object_actions())
    return granted


def test_search_role_puts_and_removes_inbox_files_and_reads_sources(deployment: Deployment) -> None:
    assert _object_grants(deployment, "SearchFunctionRole") == {
        ("s3:PutObject", "inbox/a.txt"),  # POST /articles
        ("s3:DeleteObject", "inbox/a.txt"),  # DELETE /articles/{id}
        ("s3:GetObject", "archive/sources/x.json"),  # which file an article came from
        ("s3:PutObject", EXPORT_REQUEST),  # POST /exports
        # GET /exports/{id}: its state, and the file it presigns a URL for
        *{("s3:GetObject", key) for key in (EXPORT_REQUEST, EXPORT_STATE, EXPORT_DATA)},
    }
    # A missing source record must answer 404, not 403.
    assert _s3(deployment, "SearchFunctionRole").allows("s3:ListBucket", deployment.bucket)


def test_ingest_role_reads_uploads_and_keeps_the_archive(deployment: Deployment) -> None:
    assert _object_grants(deployment, "IngestFunctionRole") == {
        ("s3:GetObject", "inbox/a.txt"),
        *{
            (action, key)
            for action in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject")
            for key in ("archive/articles/x.json", "archive/sources/x.json", "archive/tombstones/x")
        },
        ("s3:PutObject", "rejected/inbox/a.txt.json"),
        ("s3:DeleteObject", "rejected/inbox/a.txt.json"),
    }
    # A removed upload (and a source seen for the first time) must answer 404, not 403.
    assert _s3(deployment, "IngestFunctionRole").allows("s3:ListBucket", deployment.bucket)


def test_reindex_role_only_reads_the_archive(deployment: Deployment) -> None:
    reindex = _s3(deployment, "ReindexFunctionRole")
    assert _object_grants(deployment, "ReindexFunctionRole") == {
        ("s3:GetObject", key)
        for key in ("archive/articles/x.json", "archive/sources/x.json", "archive/tombstones/x")
    }
    assert reindex.allows("s3:ListBucket", deployment.bucket, **{"s3:prefix": "archive/articles/"})
    assert not reindex.allows("s3:ListBucket", deployment.bucket, **{"s3:prefix": "inbox/"})
    assert not reindex.allows("s3:ListBucket", deployment.bucket)


def test_export_role_writes_only_the_export_data_and_state(deployment: Deployment) -> None:
    assert _object_grants(deployment, "ExportFunctionRole") == {
        ("s3:PutObject", EXPORT_DATA),
        ("s3:PutObject", EXPORT_STATE),
        ("s3:AbortMultipartUpload", EXPORT_DATA),  # what a failed multipart upload leaves
    }
    export = _s3(deployment, "ExportFunctionRole")
    assert not export.allows("s3:ListBucket", deployment.bucket)


def test_only_search_queues_exports_and_only_export_consumes_them(deployment: Deployment) -> None:
    queue = _Attributes()[("ExportQueue", "Arn")]
    for role in ROLES:
        principal = _s3(deployment, role)
        assert principal.allows("sqs:SendMessage", queue) == (role == "SearchFunctionRole"), role
        consumes = [principal.allows(a, queue) for a in ("sqs:ReceiveMessage", "sqs:DeleteMessage")]
        assert all(consumes) if role == "ExportFunctionRole" else not any(consumes), role
    search = _s3(deployment, "SearchFunctionRole")
    assert not search.allows("sqs:SendMessage", _Attributes()[("IngestQueue", "Arn")])
    assert not search.allows("sqs:SendMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:other-queue")


def test_only_ingest_consumes_its_queue_or_sends_to_it(deployment: Deployment) -> None:
    queue = _Attributes()[("IngestQueue", "Arn")]
    for role in ROLES:
        principal = _s3(deployment, role)
        consumes = [principal.allows(a, queue) for a in ("sqs:ReceiveMessage", "sqs:DeleteMessage")]
        assert all(consumes) if role == "IngestFunctionRole" else not any(consumes), role
        # Ingest sends a message it has no time for to its own queue again; no other role sends.
        assert principal.allows("sqs:SendMessage", queue) == (role == "IngestFunctionRole"), role
        assert not principal.allows("sqs:ReceiveMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:other-queue")


# -- the shape of every grant ----------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_no_wildcard_action_and_star_only_where_aws_requires_it(deployment: Deployment, role: str) -> None:
    for raw in deployment.role_statements(role):
        statement = Statement.parse(raw)
        if statement.effect != "Allow":
            continue
        assert statement.actions, f"{role} {statement.sid}: an Allow with NotAction"
        assert statement.resources, f"{role} {statement.sid}: an Allow with NotResource"
        for action in statement.actions:
            assert "*" not in action, f"{role} {statement.sid}: {action}"
        for resource in statement.resources:
            if resource == "*":
                assert set(statement.actions) <= XRAY, f"{role} {statement.sid}: Resource '*'"
            elif any(a.startswith("es:") for a in statement.actions):
                assert resource.startswith(f"{deployment.domain}/"), f"{role} {statement.sid}: {resource}"
            elif any(a.startswith("s3:") for a in statement.actions):
                assert resource.startswith(deployment.bucket), f"{role} {statement.sid}: {resource}"


def test_the_created_domain_names_only_the_function_roles() -> None:
    deployment = _deployment("new domain")
    policy = deployment.resources["SearchDomain"]["Properties"]["AccessPolicies"]
    principals = {arn for s in policy["Statement"] for arn in _as_list(s["Principal"]["AWS"])}
    assert principals == {deployment.role_arn(role) for role in ROLES}
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        assert statement["Resource"] == f"{deployment.domain}/*"
        assert all(a.startswith("es:ESHttp") and "*" not in a for a in _as_list(statement["Action"]))


def test_role_policies_fit_iam_size_limit_with_the_longest_names() -> None:
    """IAM caps a role's inline policies at 10,240 characters (whitespace not counted)."""
    longest = {
        "Stage": "s" * 12,  # the parameters' AllowedPattern maxima
        "OpenSearchEndpoint": "https://search-x.eu-west-1.es.amazonaws.com",
        "OpenSearchDomainName": "d" * 28,
        "IndexPrefix": "p" * 41,
        "ConfigureApiGatewayAccount": "false",
    }
    template = load_template()
    resolver = Resolver(template, longest, _PhysicalIds(), _Attributes())
    for role in ROLES:
        policies = resolver.resolve(template["Resources"][role]["Properties"]["Policies"])
        text = json.dumps([p["PolicyDocument"] for p in policies], separators=(",", ":"))
        # The longest region name ("ap-southeast-2") is 5 characters longer than REGION.
        assert len(text) + 5 * text.count("arn:") < 10_240, (role, len(text))
