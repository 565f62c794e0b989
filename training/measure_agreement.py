#!/usr/bin/env python3
"""How far PolNeAR's annotators agree with each other, scored as the model is (issue 12).

    .venv/bin/python training/measure_agreement.py ../shared/data/polnear/train

A few texts of the corpus carry more than one annotation (`<stem>_<annotator>.ann`); the
scorer reads only the first. For every pair of annotations of one text, one is scored as
the gold and the other as the prediction with our implementation of the reference scorer
(`evaluation.scoring`, the metrics `make eval` prints), pooled over all pairs: exact F1 is
symmetric in the two, so each unordered pair is counted once. Per annotator, that
annotator's files are the gold against every other annotation of the same texts.

The figure says what a target on these metrics can mean: two trained annotators reading
the same article agree on the exact cue span about as often as the model agrees with the
one annotation it is scored against. A score above the agreement measures how well the
model has learnt the annotation's habits, not how well it finds attributions.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from claimsearch.evaluation.corpus import parse_ann, read_text
from claimsearch.evaluation.scoring import ROLES, Scorer, Scores
from claimsearch.extract.spans import AttributionSpans


@dataclass(frozen=True)
class Annotation:
    annotator: str
    attributions: list[AttributionSpans]


def multiply_annotated(corpus_dir: Path) -> dict[str, tuple[str, list[Annotation]]]:
    """{stem: (text, annotations)} for every text with more than one annotation file, the
    annotations in sorted file order (the first is the one `make eval` scores against)."""
    text_dir, ann_dir = corpus_dir / "text", corpus_dir / "attributions"
    if not (text_dir.is_dir() and ann_dir.is_dir()):
        text_dir = ann_dir = corpus_dir  # flat layout, as `evaluation.corpus` reads it
    texts = {path.stem: path for path in text_dir.glob("*.txt")}
    found: dict[str, list[Path]] = defaultdict(list)
    for ann in sorted(ann_dir.glob("*.ann")):
        stem = re.sub(r"_[^_]+$", "", ann.stem)
        if stem in texts and ann.stem != stem:
            found[stem].append(ann)
    return {
        stem: (
            read_text(texts[stem]),
            [Annotation(path.stem[len(stem) + 1 :], parse_ann(read_text(path))) for path in paths],
        )
        for stem, paths in sorted(found.items())
        if len(paths) > 1
    }


def agreement(texts: dict[str, tuple[str, list[Annotation]]]) -> tuple[Scores, dict[str, Scores], int]:
    """Scores pooled over every unordered pair of annotations of a text, the same per
    annotator (their annotations as gold against the others'), and the number of pairs."""
    pooled = Scorer()
    per_annotator: dict[str, Scorer] = defaultdict(Scorer)
    pairs = 0
    for text, annotated in texts.values():
        for first, second in itertools.combinations(annotated, 2):
            pooled.add(text, first.attributions, second.attributions)
            pairs += 1
        for gold, other in itertools.permutations(annotated, 2):
            per_annotator[gold.annotator].add(text, gold.attributions, other.attributions)
    return pooled.result(), {name: s.result() for name, s in sorted(per_annotator.items())}, pairs


def _row(label: str, scores: Scores) -> str:
    exact = " ".join(f"{scores.exact[role].f1:7.3f}" for role in (*ROLES, "all"))
    return (
        f"{label:<22}{scores.gold_attributions:>7}{exact}"
        f"{scores.overlap['content'].f1:9.3f}{scores.attr_overlap.f1:9.3f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a PolNeAR-layout folder (text/, attributions/)")
    args = parser.parse_args(argv)
    texts = multiply_annotated(args.corpus)
    if not texts:
        print(f"no text in {args.corpus} has more than one annotation", file=sys.stderr)
        return 1
    pooled, per_annotator, pairs = agreement(texts)
    files = sum(len(annotated) for _, annotated in texts.values())
    print(f"{len(texts)} texts with {files} annotations, {pairs} pairs of annotations of one text")
    print("exact F1 (content overlap and attr-overlap as `make eval` prints them)")
    print(f"{'':<22}{'gold':>7}{'cue':>8}{'source':>8}{'content':>8}{'all':>8}{'con.ovl':>9}{'attr-ovl':>9}")
    print(_row("every pair", pooled))
    for name, scores in per_annotator.items():
        print(_row(f"annotator {name} as gold", scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
