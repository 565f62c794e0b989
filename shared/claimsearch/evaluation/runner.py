"""Run a predict function over a PolNeAR-layout corpus and report the scores.

`predict` gets (document stem, text) and returns span-level attributions; the CLI's
`claimsearch eval DIR` passes one that runs the whole extraction pipeline, the model
work passes the learned finder alone.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from claimsearch.evaluation.corpus import iter_corpus
from claimsearch.evaluation.scoring import PRF, ROLES, ROWS, Scorer, Scores
from claimsearch.extract.spans import AttributionSpans

Predict = Callable[[str, str], list[AttributionSpans]]


@dataclass(frozen=True)
class Report:
    corpus_dir: Path
    scores: Scores
    words: int
    seconds: float  # wall time spent inside `predict` only
    predictions: dict[str, list[AttributionSpans]]

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


def evaluate(corpus_dir: Path, predict: Predict, holdout: float | None = None) -> Report:
    """Predict every document of the corpus (or of its held-out slice) and score against its gold."""
    scorer = Scorer()
    predictions: dict[str, list[AttributionSpans]] = {}
    words = 0
    seconds = 0.0
    for document in iter_corpus(corpus_dir, holdout):
        started = time.perf_counter()
        predicted = predict(document.stem, document.text)
        seconds += time.perf_counter() - started
        words += len(document.text.split())
        predictions[document.stem] = predicted
        scorer.add(document.text, document.attributions, predicted)
    return Report(corpus_dir, scorer.result(), words, seconds, predictions)


def format_report(report: Report) -> str:
    """A table of precision / recall / F1 for every metric, as the reference scorer prints it."""
    scores = report.scores
    lines = [
        f"corpus {report.corpus_dir}",
        f"documents {scores.documents}   gold attributions {scores.gold_attributions}   "
        f"predicted attributions {scores.predicted_attributions}",
        f"speed {report.words_per_second:,.0f} words/s ({report.words:,} words in {report.seconds:.1f} s)",
        "",
    ]
    header = (
        f"{'':14}{'exact P':>9}{'R':>7}{'F1':>7}{'pred':>7}{'gold':>7}   {'overlap P':>9}{'R':>7}{'F1':>7}"
    )
    lines += [header, "-" * len(header)]
    for row in ROWS:
        exact, overlap = scores.exact[row], scores.overlap[row]
        lines.append(f"{row:14}{_prf(exact)}{exact.pred:7d}{exact.gold:7d}   {_prf(overlap, 9)}")
    lenient = scores.attr_overlap
    lines.append(f"{'attr-overlap':14}{_prf(lenient)}{lenient.pred:7d}{lenient.gold:7d}")
    lines += [
        "",
        "exact: span equality after dropping whitespace/punctuation; all = (source, cue, content) triples.",
        "overlap: token level; attr-overlap: cue, content and source (or both none) share tokens.",
    ]
    return "\n".join(lines)


def _prf(value: PRF, first: int = 9) -> str:
    return f"{value.precision:{first}.3f}{value.recall:7.3f}{value.f1:7.3f}"


def scores_as_dict(scores: Scores) -> dict[str, object]:
    """The reference scorer's JSON shape (`score.py --json`), for comparisons and records."""

    def prf(value: PRF) -> dict[str, float | int]:
        return {
            "p": value.precision,
            "r": value.recall,
            "f1": value.f1,
            "tp": value.tp_pred,
            "pred": value.pred,
            "gold": value.gold,
        }

    return {
        "documents": scores.documents,
        "gold_attributions": scores.gold_attributions,
        "pred_attributions": scores.predicted_attributions,
        "exact": {row: prf(scores.exact[row]) for row in ROWS},
        "overlap": {row: prf(scores.overlap[row]) for row in ROWS},
        "attr_overlap": prf(scores.attr_overlap),
    }


def prediction_lines(predictions: dict[str, list[AttributionSpans]]) -> Iterable[str]:
    """JSONL lines in the reference scorer's prediction format, one per document."""
    for stem, attributions in predictions.items():
        record = {
            "doc": stem,
            "attributions": [
                {role: [list(span) for span in getattr(a, role)] for role in ROLES} for a in attributions
            ],
        }
        yield json.dumps(record, ensure_ascii=False)


def write_predictions(predictions: dict[str, list[AttributionSpans]], path: Path) -> None:
    """Write predictions as JSONL for `python3 score.py GOLD_DIR PRED.jsonl`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for line in prediction_lines(predictions):
            handle.write(line + "\n")
