"""SigV4 signing of requests to an Amazon OpenSearch domain: the environment's credentials,
as Lambda gives them, without botocore's chain; the reader signs as opensearch-py does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claimsearch.index.opensearch import Endpoint
from claimsearch.index.opensearch.reader import Reader
from claimsearch.index.opensearch.sigv4 import sigv4_headers
from tests.stub_node import COUNT, StubNode, node_fixture

node = node_fixture  # a stub node per test (tests/stub_node.py)
DOMAIN = "https://search-claims.eu-west-1.es.amazonaws.com"

PROBE = f"""
import json, sys
from claimsearch.index.opensearch import Endpoint, OpenSearchIndex
from claimsearch.index.opensearch.sigv4 import sigv4_headers
endpoint = Endpoint({DOMAIN!r}, aws_region="eu-west-1")
OpenSearchIndex(endpoint, prefix="claims")  # what the search function makes at its first request
url = {DOMAIN!r} + "/claims/_search"
headers = sigv4_headers(endpoint.credentials(), "eu-west-1", "es", "POST", url, b"{{}}")
print(json.dumps({{
    "authorization": headers["Authorization"],
    "token": headers.get("X-Amz-Security-Token"),
    "imported": [m for m in ("botocore.credentials", "botocore.session", "botocore.auth", "opensearchpy",
                             "requests", "urllib3") if m in sys.modules],
}}))
"""


def test_the_role_credentials_in_the_environment_sign_without_botocores_chain() -> None:
    # A fresh interpreter, as a cold start: the credentials are read, requests are signed
    # with the key and the session token, and neither botocore (its credential machinery,
    # its signer) nor opensearch-py, requests or urllib3 loads for an index that has only read.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    environment |= {
        "AWS_ACCESS_KEY_ID": "AKIDROLE",
        "AWS_SECRET_ACCESS_KEY": "role-secret",
        "AWS_SESSION_TOKEN": "role-session-token",
    }
    done = subprocess.run([sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDROLE/")
    assert "/eu-west-1/es/aws4_request" in answer["authorization"]
    assert answer["token"] == "role-session-token"
    assert answer["imported"] == []


def test_credentials_with_an_expiry_go_through_botocores_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    # botocore refreshes expiring environment credentials; a frozen copy would go stale.
    expiry = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXPIRING")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "token")
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", expiry)
    credentials = Endpoint(DOMAIN, aws_region="eu-west-1").credentials()
    assert type(credentials).__name__ == "RefreshableCredentials"
    assert credentials is not None
    headers = sigv4_headers(credentials, "eu-west-1", "es", "GET", f"{DOMAIN}/claims/_search", b"{}")
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXPIRING/")


def test_no_credentials_anywhere_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(name)
    # No shared files and no instance metadata to fall back on.
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    from claimsearch.index.opensearch import OpenSearchIndex

    with pytest.raises(ValueError, match="no AWS credentials"):
        OpenSearchIndex(Endpoint(DOMAIN, aws_region="eu-west-1"))


@pytest.mark.parametrize("service", ["es", "aoss"])
def test_the_reader_signs_as_opensearch_pys_signer(monkeypatch: pytest.MonkeyPatch, service: str) -> None:
    # The writes' client signs with opensearch-py's AWSV4Signer; the reads must send the
    # same headers for the same request, or a domain would take one and refuse the other.
    from opensearchpy.helpers.signer import AWSV4Signer

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDSAME")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "same-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "same-token")
    monkeypatch.delenv("AWS_CREDENTIAL_EXPIRATION", raising=False)
    credentials = Endpoint(DOMAIN, aws_region="eu-west-1", aws_service=service).credentials()
    assert credentials is not None
    url = f"{DOMAIN}/claims-claims/_search?_source_includes=claim"
    body = json.dumps({"query": {"match": {"content": "forced labour"}}}).encode()
    for _ in range(3):  # both within one second: the signatures carry the time
        ours = sigv4_headers(credentials, "eu-west-1", service, "POST", url, body)
        theirs = AWSV4Signer(credentials, "eu-west-1", service).sign("POST", url, body)
        if ours["X-Amz-Date"] == theirs["X-Amz-Date"]:
            break
    assert ours == theirs
    assert f"/eu-west-1/{service}/aws4_request" in ours["Authorization"]


# Requests that exercise each canonicalisation step: double-encoded paths, dot segments
# and empty segments, query pairs out of order and repeated, ports, host case, IPv6, no
# body, no session token, a token holding runs of spaces.
SIGNED_REQUESTS = [
    ("POST", f"{DOMAIN}/claims-claims/_search", b'{"query":{"match_all":{}}}', "token"),
    ("GET", f"{DOMAIN}/claims-articles/_doc/a%2Fb%20c?_source_includes=article", b"", "token"),
    ("POST", f"{DOMAIN}/claims-%C3%A9/_msearch", '{"q":"é"}\n'.encode(), None),
    ("POST", f"{DOMAIN}//claims/./x/../_count/", b"", "tok  en"),
    ("GET", f"{DOMAIN}/_search?size=3&from=0&a=1&a=0&flag", b"", None),
    ("HEAD", "https://Search-Claims.EU-WEST-1.es.amazonaws.com:443/", b"", "token"),
    ("POST", "http://127.0.0.1:9200/prefix/claims/_search", b"{}", "token"),
    ("GET", "http://[::1]:9200/claims/_count", b"", None),
    ("GET", "http://node.local:80", b"", None),
]


@pytest.mark.parametrize(("method", "url", "body", "token"), SIGNED_REQUESTS)
def test_the_signature_is_botocores(
    monkeypatch: pytest.MonkeyPatch, method: str, url: str, body: bytes, token: str | None
) -> None:
    # The reads sign with our own SigV4 (botocore's import is too slow for a cold start);
    # every header must be what botocore's SigV4Auth makes for the same request and time.
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    moment = datetime(2026, 12, 3, 13, 45, 7, tzinfo=UTC)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: moment.replace(tzinfo=None))
    credentials = Credentials("AKIDSIGNED", "signed/secret+key", token)
    for service in ("es", "aoss"):
        signer = botocore.auth.SigV4Auth(credentials, service, "eu-west-1")
        request = AWSRequest(method=method, url=url, data=body)
        signer.add_auth(request)
        theirs = dict(request.headers.items()) | {"X-Amz-Content-SHA256": signer.payload(request)}
        assert sigv4_headers(credentials, "eu-west-1", service, method, url, body, now=moment) == theirs


def test_the_reader_sends_the_urls_credentials_as_basic_auth(node: StubNode) -> None:
    reader = Reader(Endpoint(f"http://reader:p%40ss@{node.address}"))
    assert reader.count("claims-claims")["count"] == COUNT
    method, path, headers = node.seen[-1]
    assert (method, path) == ("POST", "/claims-claims/_count")
    assert headers["authorization"] == "Basic cmVhZGVyOnBAc3M="  # reader:p@ss


def test_the_reader_signs_each_request_and_quotes_ids(
    monkeypatch: pytest.MonkeyPatch, node: StubNode
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDREADER")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.delenv("AWS_CREDENTIAL_EXPIRATION", raising=False)
    reader = Reader(Endpoint(node.url, aws_region="eu-west-1"))
    reader.get("claims-articles", "a/b c", "article")
    method, path, headers = node.seen[-1]
    assert (method, path) == ("GET", "/claims-articles/_doc/a%2Fb%20c?_source_includes=article")
    assert headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDREADER/")
    assert "x-amz-content-sha256" in headers
    assert headers["host"] == node.address  # the Host the signature covers, sent once
