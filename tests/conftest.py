"""Fixtures shared by every test layer."""

from __future__ import annotations

import importlib.util
import io
import json
import logging
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from aws_lambda_powertools import Logger

REPO = Path(__file__).resolve().parents[1]
EVENTS = REPO / "events"
EXAMPLE_ARTICLE = EVENTS / "north-korea-forced-labour.txt"

# Powertools outside Lambda: no X-Ray daemon, metrics namespace for the EMF output.
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "claimsearch-tests")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "claimsearch-tests")
os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")


def published_metrics(capsys: pytest.CaptureFixture[str]) -> Counter[str]:
    """The metrics a handler published since the last read of its output (Powertools
    writes them to stdout in CloudWatch's embedded metric format, one JSON object a flush)."""
    counts: Counter[str] = Counter()
    for line in capsys.readouterr().out.splitlines():
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        for directive in record.get("_aws", {}).get("CloudWatchMetrics", []):
            for metric in directive["Metrics"]:
                value = record[metric["Name"]]
                counts[metric["Name"]] += int(sum(value) if isinstance(value, list) else value)
    return counts


@pytest.fixture
def handler_logs() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """The JSON log records the handlers' Powertools loggers write during the test.

    Their service's handler writes to the stdout it found when the first of them was made
    (maybe an earlier test's capture), so capsys does not see them: it is pointed at a
    buffer of this test's instead, and back afterwards.
    """
    Logger()  # the service's handler, made now if no handler module has been loaded yet
    buffer = io.StringIO()
    handlers = [
        h
        for h in logging.getLogger(os.environ["POWERTOOLS_SERVICE_NAME"]).handlers
        if isinstance(h, logging.StreamHandler)
    ]
    # Swapped in place, not with setStream, which flushes the old stream first: an earlier
    # test's capture may be closed by now.
    streams = [h.stream for h in handlers]
    for handler in handlers:
        handler.stream = buffer
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines() if line.startswith("{")]
    for handler, stream in zip(handlers, streams, strict=True):
        handler.stream = stream


def reset_process_caches() -> None:
    """Settings and the index client are cached per process, as in Lambda; tests reset them."""
    from claimsearch import wiring
    from claimsearch.config import settings

    settings.cache_clear()
    wiring.index.cache_clear()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh local data directory (SQLite index + archive) for one test."""
    directory = tmp_path / "data"
    monkeypatch.setenv("CLAIMSEARCH_DATA_DIR", str(directory))
    monkeypatch.delenv("CLAIMSEARCH_OPENSEARCH_URL", raising=False)
    monkeypatch.setenv("CLAIMSEARCH_INDEX", "sqlite")
    reset_process_caches()
    yield directory
    reset_process_caches()


@pytest.fixture(scope="session")
def example_bytes() -> bytes:
    return EXAMPLE_ARTICLE.read_bytes()


@pytest.fixture(scope="session")
def example_extraction():  # type: ignore[no-untyped-def]
    """The example article and its claims, extracted once per session (spaCy is slow to load)."""
    from claimsearch.documents import parse_document
    from claimsearch.extract.pipeline import extract_claims

    article = parse_document(EXAMPLE_ARTICLE.read_bytes(), EXAMPLE_ARTICLE.name)
    return article, extract_claims(article)


@pytest.fixture(scope="session")
def training_script() -> Callable[[str], ModuleType]:
    """Loads a script of training/ (not a package) by its module name."""

    def load(name: str) -> ModuleType:
        path = Path(__file__).resolve().parents[1] / "training" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        # Registered before it runs, as an import would: dataclasses look their module up.
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module

    return load
