"""The API against its own OpenAPI document: Schemathesis, every check, every phase.

The local stack (`claimsearch serve`, SQLite, an inbox folder) is started with the
example article ingested, and `st run` tests every operation GET /openapi.json declares,
the export routes included: examples, coverage (boundary and invalid values, undeclared
methods, unsupported media types), fuzzing, and the stateful phase, which follows the
links it infers (a hit's claim id to GET /claims/{id}, POST /articles' id to GET and
DELETE /articles/{id}, next_cursor to the next page, ...). Every check runs; the few
failures that are not the API's fault are let through by tests/contract/hooks.py, each
for a reason given there, and listed at the end of the run.

Bounded for `make test` on a small machine: the coverage phase is deterministic and
fixed by the document (about 700 requests for these operations); fuzzing and the
stateful phase are held to CLAIMSEARCH_CONTRACT_EXAMPLES cases per operation (default
10). The seed is fixed so a run can be repeated; CLAIMSEARCH_CONTRACT_SEED changes it.
On 2 shared cores: about 890 requests, 15-30 s (Schemathesis 4.32.5); the summary line
printed (pytest -s) gives the figures and what the hooks let through.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLE_ARTICLE, REPO
from tests.local_stack import CLI, get_json, running_stack, stack_env

pytestmark = pytest.mark.e2e

CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES = int(os.environ.get("CLAIMSEARCH_CONTRACT_EXAMPLES", "10"))
SEED = int(os.environ.get("CLAIMSEARCH_CONTRACT_SEED", "20261202"))
RUN_TIMEOUT_S = 600


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """`claimsearch serve` on a free port over a fresh SQLite index holding the example article."""
    env = stack_env(tmp_path, POWERTOOLS_LOG_LEVEL="WARNING")
    # Ingested from a local path, as `make run` does: a source the API cannot delete
    # (409), beside the articles the run POSTs, which it can.
    subprocess.run([*CLI, "ingest", str(EXAMPLE_ARTICLE)], cwd=REPO, env=env, check=True, capture_output=True)
    with running_stack(tmp_path, env) as running:
        health = get_json(f"{running.base}/health")[1]
        assert health["claims"] >= 8, health
        yield {"base": running.base, "log": running.log}


def _requests_served(server_log: Path) -> int:
    # The local server logs one "http: ..." line per request it answered.
    return sum(1 for line in server_log.read_text(errors="replace").splitlines() if line.startswith("http: "))


def test_the_api_keeps_its_openapi_contract(stack: dict[str, Any], tmp_path: Path) -> None:
    reports = tmp_path / "report"
    dropped_log = tmp_path / "dropped.jsonl"
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(CONFIG),
        "run",
        f"{stack['base']}/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--generation-database",
        "none",
        "--report",
        "json",
        "--report-json-path",
        str(reports / "run.json"),
        "--no-color",
    ]
    started = time.monotonic()
    run = subprocess.run(
        command,
        cwd=tmp_path,
        # The hooks module is imported by name, from the repository.
        env={**os.environ, "PYTHONPATH": str(REPO), "CLAIMSEARCH_CONTRACT_DROPPED": str(dropped_log)},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )
    elapsed = time.monotonic() - started
    report = json.loads((reports / "run.json").read_text())
    dropped = (
        Counter(json.loads(line)["reason"] for line in dropped_log.read_text().splitlines() if line)
        if dropped_log.exists()
        else Counter()
    )
    summary = (
        f"schemathesis {report['schemathesis_version']}, seed {report['seed']}: "
        f"{report['test_cases']['generated']} test cases, {_requests_served(stack['log'])} requests served,"
        f" {len(report['failures'])} failures, {len(report['errors'])} errors in {elapsed:.0f} s;"
        f" dropped by tests/contract/hooks.py: {dict(sorted(dropped.items())) or 'none'}"
    )
    print(summary)
    assert run.returncode == 0 and report["exit_code"] == 0, (
        f"{summary}\n{run.stdout[-20000:]}\n{run.stderr[-4000:]}"
    )
    assert report["failures"] == [] and report["errors"] == [], summary
    # Every phase ran, and every operation the document declares was tested.
    assert {name: phase["status"] for name, phase in report["phases"].items()} == dict.fromkeys(
        ("examples", "coverage", "fuzzing", "stateful"), "success"
    ), report["phases"]
    assert report["operations"]["tested"] == report["operations"]["selected"] == report["operations"]["total"]
    assert report["test_cases"]["generated"] >= 300, summary
