"""`claimsearch serve` in a process of its own, for the tests that talk to it over HTTP.

One way to start it, wait for it and stop it, shared by the end-to-end, contract
(Schemathesis) and browser tests: a free port, a SQLite index and an inbox under a folder
of the test's, the server's output in `serve.log` there.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from tests.conftest import REPO

T = TypeVar("T")
CLI = [sys.executable, "-m", "claimsearch.cli"]


@dataclass(frozen=True)
class LocalStack:
    base: str
    """http://127.0.0.1:<port>"""
    inbox: Path
    log: Path
    """Everything the server printed (one `http: ...` line per request answered)."""
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    """The server's environment: `claimsearch` commands run with it see the same index."""

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def stack_env(root: Path, **extra: str) -> dict[str, str]:
    """An environment whose index (SQLite) and archive live under `root`."""
    env = {**os.environ, "CLAIMSEARCH_DATA_DIR": str(root / "data"), "CLAIMSEARCH_INDEX": "sqlite", **extra}
    env.pop("CLAIMSEARCH_OPENSEARCH_URL", None)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_json(url: str) -> tuple[int, Any]:
    """(status, parsed body) of a GET; error statuses are answers too."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def wait_for(predicate: Callable[[], T], timeout: float, what: str) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


@contextmanager
def running_stack(root: Path, env: dict[str, str] | None = None) -> Iterator[LocalStack]:
    """The local stack over `root` (see `stack_env`), answering /health; stopped on exit."""
    env = env or stack_env(root)
    inbox = root / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = root / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*CLI, "serve", "--port", str(port), "--inbox", str(inbox)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    stack = LocalStack(f"http://127.0.0.1:{port}", inbox, log, process, env)

    def up() -> bool:
        if process.poll() is not None:
            tail = stack.output()[-5000:]
            raise AssertionError(f"claimsearch serve exited with {process.returncode}:\n{tail}")
        try:
            return get_json(f"{stack.base}/health")[0] == 200
        except OSError:
            return False

    try:
        wait_for(up, 60, "claimsearch serve to answer /health")
        yield stack
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
