"""training/measure_agreement.py: every pair of annotations of one text scored as `make eval`
scores the model, so the annotators' agreement is read on the same scale as the model's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

TEXT = "The senator said the bill would pass."
SAID = "T1\tSource 0 11\tThe senator\nT2\tCue 12 16\tsaid\nT3\tContent 17 37\tthe bill would pass\n"
SAID_THE = "T1\tSource 0 11\tThe senator\nT2\tCue 12 20\tsaid the\nT3\tContent 21 37\tbill would pass\n"
EVENT = "E1\tCue:T2 Source:T1 Content:T3\n"


@pytest.fixture
def agreement(training_script: Callable[[str], ModuleType]) -> ModuleType:
    return training_script("measure_agreement")


def _corpus(root: Path) -> Path:
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    for stem in ("outlet_2016-01-01_twice", "outlet_2016-01-02_once"):
        (root / "text" / f"{stem}.txt").write_text(TEXT)
    # Three annotators of one text: a1 and a2 agree, a3 takes "the" into the cue.
    for annotator, ann in (("a1", SAID), ("a2", SAID), ("a3", SAID_THE)):
        (root / "attributions" / f"outlet_2016-01-01_twice_{annotator}.ann").write_text(ann + EVENT)
    (root / "attributions" / "outlet_2016-01-02_once_a1.ann").write_text(SAID + EVENT)
    return root


def test_only_texts_annotated_more_than_once_are_read(agreement: ModuleType, tmp_path: Path) -> None:
    texts = agreement.multiply_annotated(_corpus(tmp_path))
    assert list(texts) == ["outlet_2016-01-01_twice"]
    text, annotations = texts["outlet_2016-01-01_twice"]
    assert text == TEXT
    assert [a.annotator for a in annotations] == ["a1", "a2", "a3"]


def test_pairs_are_pooled_and_each_annotator_is_scored_as_gold(agreement: ModuleType, tmp_path: Path) -> None:
    pooled, per_annotator, pairs = agreement.agreement(agreement.multiply_annotated(_corpus(tmp_path)))
    assert pairs == 3
    # Cue and content agree in one pair of three (a1, a2); the source in all three.
    assert pooled.exact["cue"].f1 == pytest.approx(1 / 3)
    assert pooled.exact["content"].f1 == pytest.approx(1 / 3)
    assert pooled.exact["source"].f1 == 1.0
    assert pooled.attr_overlap.f1 == 1.0  # every pair shares tokens in all three parts
    assert per_annotator["a1"].exact["cue"].f1 == pytest.approx(0.5)  # against a2 and a3
    assert per_annotator["a3"].exact["cue"].f1 == 0.0


def test_a_corpus_without_second_annotations_says_so(
    agreement: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = _corpus(tmp_path)
    for path in (corpus / "attributions").glob("*_twice_a[23].ann"):
        path.unlink()
    assert agreement.main([str(corpus)]) == 1
    assert "more than one annotation" in capsys.readouterr().err
