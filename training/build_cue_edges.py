#!/usr/bin/env python3
"""Write shared/claimsearch/extract/cue_edges.txt: where PolNeAR ends a cue at a preposition.

A cue's last word may be followed by a preposition or particle that PolNeAR takes into the
cue ("pointed to", "called for", "talked about", "according to") or leaves to what follows
("said | in a statement", "was asked | to explain", "promised | to ..."). The convention
goes by the word before it, not by the parse (spaCy hangs "for" from "called" as it hangs
"in" from "said"), and the model misses it at the edge: on the held-out slice 25 of its
cues end on a preposition the gold cue leaves out and 12 stop before one it takes.

From the gold cues of a PolNeAR split, parsed as the pipeline parses: for each pair (the
lemma of a cue's next-to-last word, its last word) where the last word is a preposition,
particle or subordinating conjunction, how often the gold cue ends on it ("in"), and for each
pair (the lemma of a cue's last word, the word after it) where that word is one, how often
the cue stops before it ("out"). A pair is written as `take` when it is in the cue at least
MIN_COUNT times and RATIO times as often as out, as `leave` the other way round.

    .venv/bin/python training/build_cue_edges.py --corpus ../shared/data/polnear/train
    .venv/bin/python training/build_cue_edges.py --corpus ... --holdout-fraction 0.1 --out FILE

The second form counts train outside the held-out slice, for measuring the repair on it
(`extract.repair.cues.cue_edge_by_convention`); `make train` writes the first.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "shared" / "claimsearch" / "extract" / "cue_edges.txt"
MIN_COUNT = 3
RATIO = 3.0
EDGE_POS = frozenset({"ADP", "PART", "SCONJ"})


def count(corpus: Path, holdout: float | None) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]:
    from tqdm import tqdm

    from claimsearch.evaluation.corpus import in_holdout, load_corpus
    from claimsearch.extract.nlp import parse

    taken: Counter[tuple[str, str]] = Counter()
    left: Counter[tuple[str, str]] = Counter()
    documents = [d for d in load_corpus(corpus) if holdout is None or not in_holdout(d.stem, holdout)]
    for document in tqdm(documents, desc="parsing gold", unit="text"):
        doc = parse(document.text)
        for attribution in document.attributions:
            if len(attribution.cue) != 1:
                continue
            cue = doc.char_span(*attribution.cue[0], alignment_mode="expand")
            if cue is None or len(cue) == 0:
                continue
            last = cue[-1]
            if len(cue) >= 2 and last.pos_ in EDGE_POS:
                taken[(cue[-2].lemma_.lower(), last.lower_)] += 1
            if cue.end < len(doc) and (after := doc[cue.end]).pos_ in EDGE_POS:
                left[(last.lemma_.lower(), after.lower_)] += 1
    return taken, left


def build(corpus: Path, holdout: float | None = None) -> str:
    taken, left = count(corpus, holdout)
    lines = []
    for pair in sorted(taken.keys() | left.keys()):
        t, o = taken[pair], left[pair]
        if t >= MIN_COUNT and t >= RATIO * o:
            lines.append(f"take\t{pair[0]}\t{pair[1]}\t{t}\t{o}")
        elif o >= MIN_COUNT and o >= RATIO * t:
            lines.append(f"leave\t{pair[0]}\t{pair[1]}\t{t}\t{o}")
    scope = "outside the held-out slice" if holdout else "all texts"
    header = (
        f"# Prepositions at a cue's end by PolNeAR's convention ({corpus.name} gold, {scope}),\n"
        "# written by training/build_cue_edges.py, tab-separated: take|leave, the lemma of the word\n"
        "# before it, the word, times in the cue, times after it; a pair at least\n"
        f"# {MIN_COUNT} times and {RATIO:g} times as often one way as the other.\n"
    )
    return header + "".join(f"{line}\n" for line in lines)


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--corpus", type=Path, required=True, help="a PolNeAR split (text/, attributions/)")
    parser.add_argument("--holdout-fraction", type=float, help="leave out the held-out slice of train")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.write_text(build(args.corpus, args.holdout_fraction), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
