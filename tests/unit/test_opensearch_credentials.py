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
from claimsearch.index.opensearch.endpoint import sigv4_headers

DOMAIN = "https://search-claims.eu-west-1.es.amazonaws.com"

PROBE = f"""
import json, sys
from claimsearch.index.opensearch import Endpoint, OpenSearchIndex
from claimsearch.index.opensearch.endpoint import sigv4_headers
endpoint = Endpoint({DOMAIN!r}, aws_region="eu-west-1")
OpenSearchIndex(endpoint, prefix="claims")  # what the search function makes at its first request
url = {DOMAIN!r} + "/claims/_search"
headers = sigv4_headers(endpoint.credentials(), "eu-west-1", "es", "POST", url, b"{{}}")
print(json.dumps({{
    "authorization": headers["Authorization"],
    "token": headers.get("X-Amz-Security-Token"),
    "imported": [m for m in ("botocore.credentials", "botocore.session", "opensearchpy", "requests")
                 if m in sys.modules],
}}))
"""


def test_the_role_credentials_in_the_environment_sign_without_botocores_chain() -> None:
    # A fresh interpreter, as a cold start: the credentials are read, requests are signed
    # with the key and the session token, and neither botocore's credential machinery nor
    # opensearch-py (with requests) loads for an index that has only read.
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
