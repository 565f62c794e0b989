"""`claimsearch rejected`: the record of why each refused file was refused, as a user reads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimsearch.cli import main


def _rejected(capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    capsys.readouterr()
    assert main(["rejected"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_each_refused_file_has_one_record_until_a_good_version_clears_it(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty, garbled = tmp_path / "empty.txt", tmp_path / "garbled.txt"
    empty.write_bytes(b"")
    garbled.write_bytes(bytes(range(256)) * 8)  # control bytes: no text in any encoding
    assert _rejected(capsys) == []
    main(["ingest", str(empty), str(garbled)])
    records = {r["source_key"]: r for r in _rejected(capsys)}
    assert set(records) == {str(empty), str(garbled)}
    assert records[str(empty)]["code"] == "empty_document"
    assert records[str(garbled)]["code"] != "empty_document" and records[str(garbled)]["reason"]
    # The same file refused again: still one record.
    main(["ingest", str(empty)])
    assert [r["source_key"] for r in _rejected(capsys)].count(str(empty)) == 1
    # A good version of it: its record goes, the other stays.
    empty.write_text("The minister said the talks would resume in May.", encoding="utf-8")
    main(["ingest", str(empty)])
    assert [r["source_key"] for r in _rejected(capsys)] == [str(garbled)]
