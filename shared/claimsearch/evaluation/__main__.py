"""`python -m claimsearch.evaluation DIR [--predictions FILE]`: the learned finder alone on a split.

The CLI's `claimsearch eval` scores the whole extraction pipeline; this entry point
scores the span-level finder by itself, which is what model work tunes and reports.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from claimsearch.evaluation.runner import evaluate, format_report, write_predictions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus_dir", type=Path, help="PolNeAR-layout split, e.g. ../shared/data/polnear/dev")
    parser.add_argument("--predictions", type=Path, help="also write predictions JSONL (reference format)")
    parser.add_argument("--artifacts", type=Path, help="model artifact dir (default: the packaged one)")
    args = parser.parse_args()
    from claimsearch.extract.learned import ARTIFACT_DIR, LearnedAttributionFinder

    finder = LearnedAttributionFinder.from_artifacts(args.artifacts or ARTIFACT_DIR)
    finder.load()
    report = evaluate(args.corpus_dir, lambda _stem, text: finder.find_in_text(text))
    print(format_report(report))
    if args.predictions:
        write_predictions(report.predictions, args.predictions)


if __name__ == "__main__":
    main()
