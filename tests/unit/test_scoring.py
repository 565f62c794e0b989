"""Our attribution scorer on small hand-made cases whose P / R / F1 are worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimsearch.evaluation.corpus import iter_corpus, parse_ann
from claimsearch.evaluation.runner import evaluate, format_report, prediction_lines, write_predictions
from claimsearch.evaluation.scoring import Scorer, TextIndex, score_documents
from claimsearch.extract.spans import AttributionSpans

TEXT = "Ms Lee said: “We won, big.” Then he left. Critics argue taxes rose."
#       0123456789012345678901234567890123456789012345678901234567890123456
# Ms Lee = (0, 6); said = (7, 11); the quote “We won, big.” = (13, 27)
# Then = (28, 32); he = (33, 35); left = (36, 40)
# Critics = (42, 49); argue = (50, 55); taxes rose = (56, 66)
LEE = AttributionSpans(cue=[(7, 11)], content=[(13, 27)], source=[(0, 6)])
CRITICS = AttributionSpans(cue=[(50, 55)], content=[(56, 66)], source=[(42, 49)])


def score(gold: list[AttributionSpans], predicted: list[AttributionSpans]):  # type: ignore[no-untyped-def]
    return score_documents([(TEXT, gold, predicted)])


def test_offsets_in_the_fixture_are_what_the_comment_says() -> None:
    assert TEXT[0:6] == "Ms Lee" and TEXT[7:11] == "said" and TEXT[13:27] == "“We won, big.”"
    assert TEXT[42:49] == "Critics" and TEXT[50:55] == "argue" and TEXT[56:66] == "taxes rose"


def test_perfect_prediction_scores_one_everywhere() -> None:
    result = score([LEE, CRITICS], [LEE, CRITICS])
    for table in (result.exact, result.overlap):
        for prf in table.values():
            assert (prf.precision, prf.recall, prf.f1) == (1.0, 1.0, 1.0)
    assert result.attr_overlap.f1 == 1.0


def test_quotes_and_punctuation_do_not_matter_for_exact_match() -> None:
    # the quote without its marks and final stop: “We won, big.” -> We won, big
    trimmed = AttributionSpans(cue=[(7, 11)], content=[(14, 25)], source=[(0, 6)])
    assert score([LEE], [trimmed]).exact["content"].f1 == 1.0
    # a punctuation-only gap between two ranges is no gap
    split = AttributionSpans(cue=[(7, 11)], content=[(14, 20), (21, 25)], source=[(0, 6)])
    assert score([LEE], [split]).exact["all"].f1 == 1.0


def test_one_of_two_found_with_a_short_content() -> None:
    # Predicted: Lee's attribution with content "We won" only, nothing for the critics.
    short = AttributionSpans(cue=[(7, 11)], content=[(14, 20)], source=[(0, 6)])
    result = score([LEE, CRITICS], [short])
    # exact: cue 1/1 predicted right, 1/2 gold found
    assert result.exact["cue"].precision == 1.0
    assert result.exact["cue"].recall == 0.5
    assert result.exact["cue"].f1 == pytest.approx(2 / 3)
    # content exact: the short content is wrong
    assert (result.exact["content"].precision, result.exact["content"].recall) == (0.0, 0.0)
    assert result.exact["all"].f1 == 0.0
    # content overlap: predicted tokens We, won (both gold); gold tokens We won big taxes rose
    assert result.overlap["content"].precision == 1.0
    assert result.overlap["content"].recall == pytest.approx(2 / 5)
    # overlap all: predicted (token, role) = Ms Lee said We won = 5, all right;
    # gold = Ms Lee said We won big Critics argue taxes rose = 10
    assert result.overlap["all"].precision == 1.0
    assert result.overlap["all"].recall == pytest.approx(5 / 10)
    # lenient: the short one still matches Lee's attribution
    assert result.attr_overlap.precision == 1.0
    assert result.attr_overlap.recall == 0.5


def test_wrong_source_breaks_the_attribution_but_not_cue_and_content() -> None:
    wrong = AttributionSpans(cue=[(7, 11)], content=[(13, 27)], source=[(33, 35)])  # "he"
    result = score([LEE], [wrong])
    assert result.exact["cue"].f1 == 1.0
    assert result.exact["content"].f1 == 1.0
    assert result.exact["source"].f1 == 0.0
    assert result.exact["all"].f1 == 0.0
    assert result.attr_overlap.f1 == 0.0  # sources share no token
    missing = AttributionSpans(cue=[(7, 11)], content=[(13, 27)])
    assert score([LEE], [missing]).attr_overlap.f1 == 0.0  # gold has a source, prediction none


def test_spans_shared_by_attributions_count_once() -> None:
    # two gold attributions share one cue and one source (“Ms Lee said A and B”)
    first = AttributionSpans(cue=[(7, 11)], content=[(14, 16)], source=[(0, 6)])
    second = AttributionSpans(cue=[(7, 11)], content=[(17, 20)], source=[(0, 6)])
    result = score([first, second], [first])
    assert (result.exact["cue"].pred, result.exact["cue"].gold) == (1, 1)
    assert result.exact["content"].recall == 0.5
    assert result.exact["all"].recall == 0.5
    assert result.attr_overlap.recall == 0.5


def test_spurious_prediction_lowers_precision_only() -> None:
    spurious = AttributionSpans(cue=[(36, 40)], content=[(28, 32)], source=[(33, 35)])
    result = score([LEE], [LEE, spurious])
    assert result.exact["cue"].precision == 0.5 and result.exact["cue"].recall == 1.0
    assert result.attr_overlap.precision == 0.5 and result.attr_overlap.recall == 1.0


def test_punctuation_only_cue_keeps_its_punctuation() -> None:
    index = TextIndex(TEXT)
    assert index.key([(11, 12)]) == (-12,)  # the ':' after "said"
    assert index.key([(12, 13)]) == ()  # whitespace only: empty
    colon = AttributionSpans(cue=[(11, 12)], content=[(13, 27)], source=[(0, 6)])
    assert score([colon], [colon]).exact["cue"].f1 == 1.0
    assert score([colon], [LEE]).exact["cue"].f1 == 0.0


def test_micro_average_over_documents() -> None:
    scorer = Scorer()
    scorer.add(TEXT, [LEE], [LEE])  # 1 of 1
    scorer.add(TEXT, [LEE, CRITICS], [])  # 0 of 2
    cue = scorer.result().exact["cue"]
    assert cue.recall == pytest.approx(1 / 3)
    assert cue.precision == 1.0


def test_prediction_out_of_range_is_an_error() -> None:
    with pytest.raises(ValueError, match="bad cue range"):
        score([LEE], [AttributionSpans(cue=[(60, 999)], content=[(0, 1)])])


ANN = (
    "T1\tSource 0 6\tMs Lee\n"
    "T2\tCue 7 11\tsaid\n"
    "T3\tContent 14 20;21 25\tWe won big\n"
    "T4\tAttribution 7 11\tsaid\n"
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
    "T5\tCue 50 55\targue\n"
    "T6\tContent 56 66\ttaxes rose\n"
    "T7\tDiscuss 0 2\tMs\n"
    "E2\tAttribution-no-source:T7 Cue:T5 Content:T6\n"
    "E3\tAttribution:T7\n"
)


def test_brat_events_become_attributions() -> None:
    attributions = parse_ann(ANN)
    assert attributions == [
        AttributionSpans(cue=[(7, 11)], content=[(14, 20), (21, 25)], source=[(0, 6)]),
        AttributionSpans(cue=[(50, 55)], content=[(56, 66)], source=[]),
    ]


def test_runner_over_a_corpus_directory(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "doc1.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "attributions" / "doc1_b.ann").write_text("", encoding="utf-8")  # sorted: a first
    (tmp_path / "attributions" / "doc1_a.ann").write_text(ANN, encoding="utf-8")
    assert [d.stem for d in iter_corpus(tmp_path)] == ["doc1"]

    def predict(stem: str, text: str) -> list[AttributionSpans]:
        assert (stem, text) == ("doc1", TEXT)
        return [AttributionSpans(cue=[(7, 11)], content=[(13, 27)], source=[(0, 6)])]

    report = evaluate(tmp_path, predict)
    assert report.scores.exact["cue"].precision == 1.0
    assert report.scores.exact["cue"].recall == 0.5
    assert "attr-overlap" in format_report(report)
    out = tmp_path / "pred.jsonl"
    write_predictions(report.predictions, out)
    line = json.loads(out.read_text().strip())
    assert line == {
        "doc": "doc1",
        "attributions": [{"cue": [[7, 11]], "source": [[0, 6]], "content": [[13, 27]]}],
    }
    assert list(prediction_lines({})) == []
