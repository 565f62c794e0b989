"""`claimsearch eval --holdout/--artifacts`: model choices are scored on train's held-out slice
with a model trained without it; the slice is the one the training script leaves out."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from claimsearch.cli import main
from claimsearch.evaluation.corpus import in_holdout, load_corpus

REPO = Path(__file__).resolve().parents[2]
TRAIN = Path(os.environ.get("CLAIMSEARCH_POLNEAR_DIR", REPO.parent / "shared" / "data" / "polnear")) / "train"


def _corpus(root: Path, stems: list[str]) -> Path:
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    for stem in stems:
        (root / "text" / f"{stem}.txt").write_text("The senator said the bill would pass.")
        (root / "attributions" / f"{stem}_a1.ann").write_text(
            "T1\tSource 0 11\tThe senator\nT2\tCue 12 16\tsaid\nT3\tContent 17 37\tthe bill would pass\n"
            "E1\tCue:T2 Source:T1 Content:T3\n"
        )
    return root


def test_the_slice_is_the_documents_whose_name_hashes_under_the_fraction(tmp_path: Path) -> None:
    stems = [f"outlet_2016-01-{n:02d}_story" for n in range(1, 31)]
    corpus = _corpus(tmp_path / "corpus", stems)
    held = [d.stem for d in load_corpus(corpus, holdout=0.3)]
    assert held == [s for s in stems if in_holdout(s, 0.3)]
    assert 0 < len(held) < len(stems)  # the fraction cuts somewhere in these 30
    assert [d.stem for d in load_corpus(corpus)] == stems


@pytest.mark.skipif(not (TRAIN / "text").is_dir(), reason=f"PolNeAR train not found at {TRAIN}")
def test_the_slice_of_train_is_the_one_the_models_were_chosen_on() -> None:
    # training/train_attribution.py --holdout-fraction 0.1: 748 texts trained on, 92 held out.
    stems = [p.stem for p in (TRAIN / "text").glob("*.txt")]
    assert len(stems) == 840
    assert sum(in_holdout(s, 0.1) for s in stems) == 92


def test_eval_with_artifacts_that_are_not_there_says_which(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = _corpus(tmp_path / "corpus", ["outlet_2016-01-01_story"])
    missing = tmp_path / "no-model"
    assert main(["eval", str(corpus), "--artifacts", str(missing)]) == 2
    assert str(missing) in capsys.readouterr().err


def test_eval_runs_the_whole_pipeline_over_the_artifacts_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from claimsearch.extract.learned import ARTIFACT_DIR

    corpus = _corpus(tmp_path / "corpus", ["outlet_2016-01-01_story"])
    copy = tmp_path / "model"
    copy.mkdir()
    for path in ARTIFACT_DIR.iterdir():
        (copy / path.name).symlink_to(path)
    assert main(["eval", str(corpus), "--artifacts", str(copy), "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)["scores"]
    assert scores["exact"]["cue"]["f1"] == 1.0 and scores["exact"]["source"]["f1"] == 1.0
