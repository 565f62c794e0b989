"""`claimsearch search`: a best-match answer relaxed to any word says so, and a claimant name no one
goes by comes with the claimants nearest to it, as the API does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimsearch.cli import main
from tests.conftest import EXAMPLE_ARTICLE


def test_a_relaxed_answer_says_so(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(EXAMPLE_ARTICLE)]) == 0
    capsys.readouterr()
    assert main(["search", "forced labour zqxjv vjxqz", "--json"]) == 0
    relaxed = json.loads(capsys.readouterr().out)
    assert relaxed["relaxed"] is True and relaxed["total"] >= 1
    assert main(["search", "forced labour", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["relaxed"] is False
    assert main(["search", "forced labour zqxjv vjxqz"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{relaxed['total']} claim(s)"
    assert out[1].startswith("(no claim holds most of the words")


def test_a_claimant_no_one_goes_by_comes_with_suggestions(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", str(EXAMPLE_ARTICLE)]) == 0
    capsys.readouterr()
    assert main(["search", "--claimant", "Myeong-chu", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["total"] == 0
    assert [(c["name"], c["claims"]) for c in answer["claimant_suggestions"]] == [("Ahn Myeong-chul", 2)]
    assert main(["search", "--claimant", "Myeong-chu"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "0 claim(s)"
    did_you_mean = "(no claimant goes by 'Myeong-chu'; did you mean Ahn Myeong-chul (2, --claimant-id "
    assert out[1].startswith(did_you_mean)
    assert main(["search", "--claimant", "Ahn", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["claimant_suggestions"] == []


def test_pages_follow_the_cursor_each_page_prints(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(EXAMPLE_ARTICLE)]) == 0
    capsys.readouterr()
    assert main(["search", "--json", "--facets", "none", "--limit", "100"]) == 0
    whole = json.loads(capsys.readouterr().out)
    assert whole["next_cursor"] is None and whole["total"] > 3
    seen: list[str] = []
    cursor: list[str] = []
    while True:
        assert main(["search", "--json", "--facets", "none", "--limit", "3", *cursor]) == 0
        page = json.loads(capsys.readouterr().out)
        seen += [hit["claim"]["id"] for hit in page["hits"]]
        if page["next_cursor"] is None:
            break
        cursor = ["--cursor", page["next_cursor"]]
    assert seen == [hit["claim"]["id"] for hit in whole["hits"]]
    # The text output says how to get the next page.
    assert main(["search", "--facets", "none", "--limit", "3"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("(more: the same search with --cursor ")
    # A cursor of another search is refused, as the API refuses it.
    assert main(["search", "--limit", "3", "--claimant", "Ahn", *cursor]) == 1
    assert "cursor" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("command", "limit", "bounds"),
    [
        (["search", "labour"], "500", "between 1 and 100"),
        (["search", "labour"], "0", "between 1 and 100"),
        (["claimants", "ahn"], "500", "between 1 and 10"),
        (["claimants", "ahn"], "-1", "between 1 and 10"),
        (["claimants", "ahn"], "ten", "not a whole number"),
    ],
)
def test_a_limit_out_of_range_is_refused_naming_it(
    data_dir: Path, capsys: pytest.CaptureFixture[str], command: list[str], limit: str, bounds: str
) -> None:
    with pytest.raises(SystemExit) as refused:
        main([*command, "--limit", limit])
    assert refused.value.code == 2
    assert "argument --limit" in (err := capsys.readouterr().err) and bounds in err


def test_json_output_is_the_apis_answer(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from claimsearch.api.schemas import ClaimantSummary, SearchResponse

    assert main(["ingest", str(EXAMPLE_ARTICLE)]) == 0
    capsys.readouterr()
    assert main(["search", "money", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    # GET /claims's shape, validated by its own model: one jq filter reads both.
    assert SearchResponse.model_validate(answer).total == answer["total"] > 0
    assert all("cluster" in hit["claim"] and "cluster" not in hit for hit in answer["hits"])
    assert main(["claimants", "ahn", "--json"]) == 0
    (ahn,) = json.loads(capsys.readouterr().out)
    assert set(ahn) == set(ClaimantSummary.model_fields) and ahn["name"] == "Ahn Myeong-chul"
