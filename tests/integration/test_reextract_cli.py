"""`claimsearch reextract`: an archive made by another extractor brought to the configured one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimsearch.cli import main
from tests.conftest import EXAMPLE_ARTICLE, reset_process_caches


def _versions(capsys: pytest.CaptureFixture[str]) -> set[str]:
    assert main(["search", "--claimant", "Ahn", "--json"]) == 0
    return {hit["claim"]["extractor_version"] for hit in json.loads(capsys.readouterr().out)["hits"]}


def test_reextract_brings_the_archive_to_the_configured_extractor(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CLAIMSEARCH_EXTRACTOR", "rules")
    reset_process_caches()
    assert main(["ingest", str(EXAMPLE_ARTICLE)]) == 0
    capsys.readouterr()
    (old,) = _versions(capsys)
    assert old.startswith("rules-")

    monkeypatch.delenv("CLAIMSEARCH_EXTRACTOR")
    reset_process_caches()
    assert main(["reextract", "--dry-run"]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert (dry["articles"], dry["reextracted"], dry["current"], dry["versions"]) == (1, 0, 0, {old: 1})
    assert _versions(capsys) == {old}

    assert main(["reextract"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["articles"], report["reextracted"], report["failed"]) == (1, 1, [])
    (new,) = _versions(capsys)
    assert new == report["version"] and new.startswith("learned-")
    assert main(["reextract"]) == 0
    assert json.loads(capsys.readouterr().out)["current"] == 1
