#!/usr/bin/env python3
"""How PolNeAR annotates a quotation resumed after its attribution (issue 12, `repair-11`).

    .venv/bin/python training/measure_resumed_quotations.py ../shared/data/polnear/train

For every gold attribution, its content's parts before the cue are given to the repair's
own test (`contents._resumed_quotation`: a quotation ending before its cue and source, the
sentence ending soon after them, the next sentence opening a quotation). Where it finds a
resumed quotation, the table says whether gold's content goes on into it, by how the resumed
quotation ends (on . ! ? in the same or the next paragraph, on a comma, or at the end of its
paragraph) and whether another gold attribution holds a part of it. Gold only: no model.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "shared"))

from claimsearch.evaluation.corpus import load_corpus
from claimsearch.extract.repair import contents


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path)
    args = parser.parse_args()
    counts: Counter[tuple[str, str, bool]] = Counter()
    for doc in load_corpus(args.corpus):
        text = doc.text
        for n, gold in enumerate(doc.attributions):
            if not gold.cue or not gold.content:
                continue
            cue = min(s for s, _ in gold.cue)
            before = [part for part in gold.content if part[0] < cue]
            if not before:
                continue
            # Commas too: the repair leaves those alone; here they are counted.
            resumed = contents._resumed_quotation(text, replace(gold, content=before), ends=".!?,")
            if not resumed:
                continue
            start, end = resumed[0][0], resumed[-1][1]
            reported_end = max(e for _, e in gold.cue + gold.source)
            where = "next paragraph" if "\n" in text[reported_end:start] else "same paragraph"
            closed = len(resumed) == 1 and text[end : end + 3].lstrip(".!?,")[:1] in "”\"'"
            ending = "comma" if text[end : end + 1] == "," else ". ! ?" if closed else "paragraph's end"
            held = any(
                s < end and start < e
                for m, other in enumerate(doc.attributions)
                if m != n
                for s, e in other.cue + other.source + other.content
            )
            goes_on = any(s <= start + 1 < e for s, e in gold.content)
            counts[(f"{ending}, {where}", "held by another" if held else "free", goes_on)] += 1
    print(f"{'resumed quotation':36} {'other attribution':18} gold goes on into it")
    for key in sorted({(a, b) for a, b, _ in counts}):
        on, off = counts[(*key, True)], counts[(*key, False)]
        print(f"{key[0]:36} {key[1]:18} {on:,} of {on + off:,}")


if __name__ == "__main__":
    main()
