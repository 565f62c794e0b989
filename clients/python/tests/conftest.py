"""The real local stack for the client's tests: `claimsearch serve` on a free port, a
fresh SQLite index in a temporary folder, the example article dropped into its inbox.

The stack is the server package's command line, run as a subprocess: the client
itself never imports `claimsearch`. One stack serves the whole session, because
starting it loads the extraction model (seconds on a busy machine).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from claimsearch_client import Client

REPO = Path(__file__).resolve().parents[3]
EXAMPLE_ARTICLE = REPO / "events" / "north-korea-forced-labour.txt"
AHN = "Ahn Myeong-chul"

T = TypeVar("T")


@dataclass(frozen=True)
class Stack:
    base_url: str
    inbox: Path
    process: subprocess.Popen[str]
    log: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(predicate: Callable[[], T | None], timeout: float = 120.0, what: str = "condition") -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.3)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if importlib.util.find_spec("claimsearch") is None:
        pytest.skip("the server package `claimsearch` is not installed: no local stack to test against")
    root = tmp_path_factory.mktemp("claimsearch-stack")
    inbox = root / "inbox"
    port = free_port()
    env = {**os.environ, "CLAIMSEARCH_DATA_DIR": str(root / "data"), "CLAIMSEARCH_INDEX": "sqlite"}
    env.pop("CLAIMSEARCH_OPENSEARCH_URL", None)
    # The server logs every request: to a file, since a pipe nobody reads fills up and
    # blocks it halfway through the session.
    log = root / "serve.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "claimsearch.cli", "serve", "--port", str(port), "--inbox", str(inbox)],
            cwd=REPO,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
        )
    base_url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if process.poll() is not None:
            output = log.read_text(errors="replace")[-5000:]
            raise AssertionError(f"claimsearch serve exited with {process.returncode}:\n{output}")
        try:
            return httpx.get(f"{base_url}/health", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_for(up, timeout=120, what="claimsearch serve to answer /health")
        # The inbox watcher ingests what appears in the folder, as an S3 upload would be.
        shutil.copy(EXAMPLE_ARTICLE, inbox / EXAMPLE_ARTICLE.name)

        def ingested() -> bool:
            answer = httpx.get(f"{base_url}/claims", params={"claimant": AHN}, timeout=10)
            return answer.status_code == 200 and answer.json()["total"] == 2

        wait_for(ingested, timeout=180, what="the example article to be ingested")
        yield Stack(base_url=base_url, inbox=inbox, process=process, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def api(stack: Stack) -> Iterator[Client]:
    with Client(stack.base_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def example_text() -> str:
    return EXAMPLE_ARTICLE.read_text(encoding="utf-8")
