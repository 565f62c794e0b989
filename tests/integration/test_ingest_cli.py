"""`claimsearch ingest`, `delete` and `search` as a user runs them on a batch that is not all
good: a bad file is refused with its reason and a record, and the rest still go through; the
exit status says whether every file went in."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from claimsearch.cli import main
from tests.conftest import REPO

GOOD = "Bridge to reopen\n\nTom Hargrove said the bridge over the Avon would reopen in May.\n"
OTHER = "School to open\n\nAnn Lee said the new school on Mill Road would open in the autumn.\n"


def _records(capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, str]]:
    capsys.readouterr()
    assert main(["rejected"]) == 0
    return {r["source_key"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}


def _claimants(capsys: pytest.CaptureFixture[str]) -> set[str]:
    capsys.readouterr()
    assert main(["search", "--json", "--facets", "none", "--limit", "100"]) == 0
    return {hit["claim"]["claimant"]["name"] for hit in json.loads(capsys.readouterr().out)["hits"]}


def test_a_file_no_one_foresaw_does_not_stop_the_batch(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    # A JSON number longer than Python reads: int() raised a bare ValueError, which
    # ended the command before the files after it.
    big = folder / "a_big.json"
    big.write_text(json.dumps({"text": GOOD})[:-1] + ', "views": ' + "9" * 5000 + "}")
    # A name that is not UTF-8 (Linux allows any bytes): its id could not be made.
    odd = Path(os.fsdecode(os.fsencode(folder) + b"/b_odd\xffname.txt"))
    odd.write_text(OTHER)
    (folder / "c_good.txt").write_text(GOOD)
    code = main(["ingest", str(folder)])
    out, err = capsys.readouterr()
    assert code == 1  # one file refused: a script sees the batch did not all go in
    assert "rejected 1" in out and f"rejected {big}: invalid JSON: a number of 5000 digits" in err
    assert "b_odd\\xffname.txt: article" in out
    assert _claimants(capsys) == {"Tom Hargrove", "Ann Lee"}
    assert _records(capsys)[str(big)]["reason"] == "invalid JSON: a number of 5000 digits, over 4300"


def test_extract_prints_a_name_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odd = Path(os.fsdecode(os.fsencode(tmp_path) + b"/odd\xffname.txt"))
    odd.write_text(OTHER)
    assert main(["extract", "--jsonl", str(odd)]) == 0  # json.dumps wrote the lone surrogate, print failed
    record = json.loads(capsys.readouterr().out)
    assert record["source"].endswith("odd\\xffname.txt") and record["claims"]


def test_the_good_version_back_clears_the_record_of_the_bad_one(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "art.txt"
    article.write_text(GOOD)
    assert main(["ingest", str(article)]) == 0
    article.write_text("")
    assert main(["ingest", str(article)]) == 1
    assert _records(capsys)[str(article)]["code"] == "empty_document"
    article.write_text(GOOD)  # the version indexed: nothing to extract, the record is void
    assert main(["ingest", str(article)]) == 0
    out = capsys.readouterr().out
    assert "unchanged since it was ingested" in out
    assert "ingested 1 file(s), 0 claims (1 unchanged since ingested); rejected 0" in out
    assert _records(capsys) == {}


def test_hidden_files_and_folders_are_not_walked(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "articles" / ".git").mkdir(parents=True)
    (tmp_path / "articles" / ".git" / "notes.txt").write_text(OTHER)
    (tmp_path / "articles" / ".draft.txt").write_text(OTHER)
    (tmp_path / "articles" / "bridge.txt").write_text(GOOD)
    assert main(["ingest", str(tmp_path / "articles")]) == 0
    assert "ingested 1 file(s)" in capsys.readouterr().out
    assert _claimants(capsys) == {"Tom Hargrove"}


def test_a_file_over_the_limit_is_refused_without_being_read(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMSEARCH_MAX_DOCUMENT_BYTES", "1000")
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as out:
        out.truncate(50_000_000)  # sparse: 50 MB on paper
    read = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        assert path != huge, "the oversized file was read"
        return read(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert main(["ingest", str(huge)]) == 1
    reason = _records(capsys)[str(huge)]["reason"]
    assert reason == "50000000 bytes is over the limit of 1000 bytes; split the file"


def test_delete_takes_down_every_known_id_past_an_unknown_one(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bridge.txt").write_text(GOOD)
    assert main(["ingest", str(tmp_path / "bridge.txt")]) == 0
    article_id = capsys.readouterr().out.split("article ")[1].split(",")[0]
    assert main(["delete", "nosuchid", article_id]) == 1
    out, err = capsys.readouterr()
    assert "no article with id 'nosuchid'" in err and f"{article_id}: deleted" in out
    assert _claimants(capsys) == set()


def test_search_dates_are_checked_as_the_api_checks_them(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for bad in ("2024-13-45", "yesterday", "2024-1-5"):
        with pytest.raises(SystemExit) as caught:
            main(["search", "--from", bad, "bridge"])
        assert caught.value.code == 2
        assert f"'{bad}' is not a date of the form YYYY-MM-DD" in capsys.readouterr().err
    assert main(["search", "--from", "2024-12-01", "--to", "2024-01-01", "bridge"]) == 1
    assert "--from: must not be after --to" in capsys.readouterr().err


def test_a_bad_setting_is_a_message_not_a_traceback(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMSEARCH_MAX_DOCUMENT_BYTES", "5MB")
    (tmp_path / "bridge.txt").write_text(GOOD)
    assert main(["ingest", str(tmp_path / "bridge.txt")]) == 1
    assert capsys.readouterr().err == (
        "claimsearch: environment variable CLAIMSEARCH_MAX_DOCUMENT_BYTES must be an integer, got '5MB'\n"
    )


def test_output_into_a_closed_pipe_ends_quietly(data_dir: Path) -> None:
    # `claimsearch search | head -1`: the reader goes; no traceback, no error status.
    env = {**os.environ, "CLAIMSEARCH_DATA_DIR": str(data_dir), "CLAIMSEARCH_INDEX": "sqlite"}
    command = [str(REPO / ".venv" / "bin" / "claimsearch"), "search", "--facets", "none", "anything"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        err = process.stderr.read().decode()
    assert process.returncode == 0 and "Traceback" not in err and "BrokenPipe" not in err, err
