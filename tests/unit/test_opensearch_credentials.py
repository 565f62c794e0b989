"""The SigV4 signer's credentials: the environment's, as Lambda gives them, without botocore's chain."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claimsearch.index.opensearch.client import connect

DOMAIN = "https://search-claims.eu-west-1.es.amazonaws.com"

PROBE = f"""
import json, sys
from claimsearch.index.opensearch.client import connect
auth = connect({DOMAIN!r}, aws_region="eu-west-1").transport.kwargs["http_auth"]
headers = auth.signer.sign("GET", {DOMAIN!r} + "/claims/_search", b"{{}}")
print(json.dumps({{
    "authorization": headers["Authorization"],
    "token": headers.get("X-Amz-Security-Token"),
    "chain_imported": [m for m in ("botocore.credentials", "botocore.session") if m in sys.modules],
}}))
"""


def test_the_role_credentials_in_the_environment_sign_without_botocores_chain() -> None:
    # A fresh interpreter, as a cold start: the credentials are read, requests are signed
    # with the key and the session token, and botocore's credential machinery never loads.
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
    assert answer["chain_imported"] == []


def test_credentials_with_an_expiry_go_through_botocores_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    # botocore refreshes expiring environment credentials; a frozen copy would go stale.
    expiry = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXPIRING")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "token")
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", expiry)
    auth = connect(DOMAIN, aws_region="eu-west-1").transport.kwargs["http_auth"]
    assert type(auth.signer.credentials).__name__ == "RefreshableCredentials"
    headers = auth.signer.sign("GET", f"{DOMAIN}/claims/_search", b"{}")
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXPIRING/")


def test_no_credentials_anywhere_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(name)
    # No shared files and no instance metadata to fall back on.
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(ValueError, match="no AWS credentials"):
        connect(DOMAIN, aws_region="eu-west-1")
