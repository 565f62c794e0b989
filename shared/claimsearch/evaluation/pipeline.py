"""`claimsearch eval DIR`: score the whole extraction pipeline on an annotated corpus.

Each claim the pipeline builds becomes one predicted attribution: its cue span, its
claimant's mention span (the source) and its content spans, exactly as
`claimsearch extract` prints them, so the score is the score of what users get. The
one mapping: PolNeAR delimits a content with its introducing "that" (99 % of train
contents after a "that" include it), which a claim records as `content.introducer`
rather than in its text; the content scored is the introducer plus the spans.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from claimsearch.documents.parse import parse_text
from claimsearch.evaluation.runner import evaluate, format_report, scores_as_dict, write_predictions
from claimsearch.extract.learned import LearnedAttributionFinder, ModelArtifactError
from claimsearch.extract.pipeline import extract_claims
from claimsearch.extract.repair import RepairedFinder
from claimsearch.extract.rules import RuleBasedFinder
from claimsearch.extract.spans import AttributionFinder, AttributionSpans
from claimsearch.model import Claim


def claim_as_attribution(claim: Claim) -> AttributionSpans:
    source = [claim.claimant.span] if claim.claimant.span else []
    introducer = [claim.content.introducer] if claim.content.introducer else []
    return AttributionSpans(
        cue=[claim.cue.span], content=introducer + list(claim.content.spans), source=source
    )


def predict_with_pipeline(
    stem: str, text: str, finder: AttributionFinder | None = None
) -> list[AttributionSpans]:
    article = parse_text(text, f"{stem}.txt")
    return [claim_as_attribution(c) for c in extract_claims(article, finder)]


def run_eval(
    corpus: Path,
    predictions_out: Path | None = None,
    as_json: bool = False,
    artifacts: Path | None = None,
    holdout: float | None = None,
) -> int:
    """Print precision, recall and F1 of every metric; 2 when the corpus or the artifacts
    cannot be read. `artifacts`: another trained model than the packaged one (the repairs
    and claim building as shipped); `holdout`: only the held-out slice of that fraction
    (`corpus.in_holdout`): model choices are made there, with a model trained without it."""
    if not corpus.is_dir():
        print(
            f"claimsearch: {corpus}: not a folder (expected PolNeAR layout: text/ and attributions/)",
            file=sys.stderr,
        )
        return 2
    finder: AttributionFinder | None = None
    if artifacts is not None:
        try:
            model = LearnedAttributionFinder.from_artifacts(artifacts)
        except ModelArtifactError as error:
            print(f"claimsearch: {error}", file=sys.stderr)
            return 2
        finder = RepairedFinder(model, RuleBasedFinder())
    report = evaluate(corpus, lambda stem, text: predict_with_pipeline(stem, text, finder), holdout)
    if predictions_out is not None:
        write_predictions(report.predictions, predictions_out)
    if as_json:
        print(
            json.dumps({"scores": scores_as_dict(report.scores), "words_per_second": report.words_per_second})
        )
    else:
        print(format_report(report))
    return 0
