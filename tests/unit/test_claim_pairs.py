"""The labelled claim pairs (tests/data/claim_pairs.jsonl) are references into PolNeAR train:
each row's recorded `word_jaccard`, the stratum it was drawn from, must be what
`normalise.word_jaccard` gives for the two contents it points at in the corpus."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from claimsearch.clusters.normalise import word_jaccard

REPO = Path(__file__).resolve().parents[2]
PAIRS = REPO / "tests" / "data" / "claim_pairs.jsonl"
TRAIN = Path(os.environ.get("CLAIMSEARCH_POLNEAR_DIR", REPO.parent / "shared" / "data" / "polnear")) / "train"


def _content(reference: dict[str, object]) -> str:
    text = (TRAIN / "text" / str(reference["file"])).read_text(encoding="utf-8")
    spans = reference["content_spans"]
    assert isinstance(spans, list)
    return " ".join(text[start:end] for start, end in spans)


def test_word_jaccard_folds_case_and_keeps_function_words() -> None:
    assert word_jaccard("The wall", "the WALL") == 1.0
    assert word_jaccard("the wall", "a wall") == pytest.approx(1 / 3)
    assert word_jaccard("", "") == 0.0


@pytest.mark.skipif(not (TRAIN / "text").is_dir(), reason=f"PolNeAR train not found at {TRAIN}")
def test_each_pair_records_the_overlap_of_the_contents_it_points_at() -> None:
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) == 306
    wrong = [
        row["id"]
        for row in rows
        if round(word_jaccard(_content(row["a"]), _content(row["b"])), 3) != row["word_jaccard"]
    ]
    assert wrong == []
