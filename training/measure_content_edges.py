#!/usr/bin/env python3
"""How often a gold content span is a unit of the parse (issue 12, item 2).

    .venv/bin/python training/measure_content_edges.py ../shared/data/polnear/train [--holdout 0.1]

Parses every text with the pipeline's spaCy (`claimsearch.extract.nlp.parse`) and,
for each contiguous part of each gold content, asks whether its words are exactly
those of a dependency subtree, of a clause (the subtree of a verb that is the root,
a complement, an adverbial, relative or conjoined clause, ...), of such a clause
without its conjoined clauses, of a sentence, of one or more whole sentences, or of
the sentence(s) around it less the attribution's own cue and source. Spans are
compared as word tokens: punctuation and whitespace at the edges do not count, and a
leading complementizer "that" is ignored on both sides (PolNeAR puts it in the
content, the parse in the clause it introduces, so either way round is a match). A
content matches a row when all its parts do. `--holdout 0.1` measures only the held-out
slice of train that `training/train_attribution.py --holdout-fraction 0.1` keeps
out (the slice the repairs are chosen on). Prints a Markdown table; never reads dev.
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc, Token

from claimsearch.evaluation.corpus import GoldDocument, in_holdout, load_corpus
from claimsearch.extract.nlp import parse
from claimsearch.extract.spans import AttributionSpans
from claimsearch.model import Span

WordRange = tuple[int, int]  # first and last word token (inclusive), doc token indices

# Dependencies that make a verb the head of a clause of its own.
CLAUSE_DEPS = frozenset(
    {"ROOT", "ccomp", "xcomp", "advcl", "conj", "parataxis", "csubj", "csubjpass", "relcl", "acl", "pcomp"}
)
ROWS = (
    ("subtree", "a dependency subtree"),
    ("clause", "a clause (verb subtree: ROOT, ccomp, xcomp, advcl, conj, relcl, ...)"),
    ("clause_no_conj", "a clause without its conjoined clauses"),
    ("sentence", "a sentence"),
    ("sentences", "one or more whole sentences"),
    ("sentence_less_cue", "the sentence(s) less the attribution's cue and source"),
    ("any", "any of the above"),
)


def is_word(token: Token) -> bool:
    """A token with a word character, as the scorer counts them (not space, not punctuation P*)."""
    return any(not (c.isspace() or unicodedata.category(c).startswith("P")) for c in token.text)


@dataclass(frozen=True)
class ParseUnits:
    """The word ranges of a parsed text's subtrees, clauses and sentences."""

    doc: Doc
    words: list[bool]  # per token: is it a word
    subtrees: set[WordRange]
    clauses: set[WordRange]
    clauses_no_conj: set[WordRange]
    sentences: set[WordRange]
    sentence_of: list[int]  # per token: the index of its sentence in `sentence_bounds`
    sentence_bounds: list[tuple[int, int]]  # token start, end (exclusive)

    @classmethod
    def of(cls, doc: Doc) -> ParseUnits:
        words = [is_word(t) for t in doc]
        units = cls(doc, words, set(), set(), set(), set(), [0] * len(doc), [])
        for token in doc:
            span = units.narrowed(token.left_edge.i, token.right_edge.i)
            if span is None:
                continue
            units.subtrees.add(span)
            if token.dep_ in CLAUSE_DEPS and token.pos_ in ("VERB", "AUX"):
                units.clauses.add(span)
                conjoined = [c.i for c in token.rights if c.dep_ in ("cc", "conj")]
                cut = units.narrowed(token.left_edge.i, conjoined[0] - 1) if conjoined else span
                if cut is not None:
                    units.clauses_no_conj.add(cut)
        for number, sentence in enumerate(doc.sents):
            units.sentence_bounds.append((sentence.start, sentence.end))
            for i in range(sentence.start, sentence.end):
                units.sentence_of[i] = number
            span = units.narrowed(sentence.start, sentence.end - 1)
            if span is not None:
                units.sentences.add(span)
        return units

    def narrowed(self, first: int, last: int) -> WordRange | None:
        """Tokens `first`..`last` without non-words at either edge and without a leading
        complementizer "that"; None if no word is left."""
        while first <= last and not self.words[first]:
            first += 1
        while last >= first and not self.words[last]:
            last -= 1
        if first > last:
            return None
        token = self.doc[first]
        if token.lower_ == "that" and token.dep_ == "mark" and first < last:
            return self.narrowed(first + 1, last)
        return (first, last)

    def word_range(self, span: Span) -> WordRange | None:
        """The words of a character span (a token partly inside counts)."""
        covering = self.doc.char_span(span[0], span[1], alignment_mode="expand")
        if covering is None or not len(covering):
            return None
        return self.narrowed(covering.start, covering.end - 1)

    def word_tokens(self, spans: Iterable[Span]) -> set[int]:
        found: set[int] = set()
        for start, end in spans:
            covering = self.doc.char_span(start, end, alignment_mode="expand")
            found.update(t.i for t in covering or [] if self.words[t.i])
        return found

    def less_cue_runs(self, part: WordRange, attribution: AttributionSpans) -> set[WordRange]:
        """The maximal runs of words, over the sentences `part` lies in, that are not the
        attribution's cue or source."""
        first = self.sentence_bounds[self.sentence_of[part[0]]][0]
        end = self.sentence_bounds[self.sentence_of[part[1]]][1]
        taken = self.word_tokens(attribution.cue + attribution.source)
        runs: set[WordRange] = set()
        start: int | None = None
        for i in range(first, end + 1):
            if i < end and self.words[i] and i not in taken:
                start = i if start is None else start
            elif i == end or i in taken:
                if start is not None and (run := self.narrowed(start, i - 1)) is not None:
                    runs.add(run)
                start = None
        return runs

    def matches(self, part: WordRange, attribution: AttributionSpans) -> set[str]:
        """The rows of `ROWS` (less "any") that a gold content part matches."""
        found = set()
        if part in self.subtrees:
            found.add("subtree")
        if part in self.clauses:
            found.add("clause")
        if part in self.clauses_no_conj:
            found.add("clause_no_conj")
        if part in self.sentences:
            found.add("sentence")
        first_sentence = self.sentence_bounds[self.sentence_of[part[0]]]
        last_sentence = self.sentence_bounds[self.sentence_of[part[1]]]
        if self._starts_sentence(part[0], first_sentence) and self._ends_sentence(part[1], last_sentence):
            found.add("sentences")
        if part in self.less_cue_runs(part, attribution):
            found.add("sentence_less_cue")
        return found

    def _starts_sentence(self, first: int, sentence: tuple[int, int]) -> bool:
        span = self.narrowed(sentence[0], sentence[1] - 1)
        return span is not None and span[0] == first

    def _ends_sentence(self, last: int, sentence: tuple[int, int]) -> bool:
        span = self.narrowed(sentence[0], sentence[1] - 1)
        return span is not None and span[1] == last


@dataclass
class Tally:
    parts: Counter[str]
    contents: Counter[str]
    n_parts: int = 0
    n_contents: int = 0
    multi_sentence_parts: int = 0

    def add(self, units: ParseUnits, attribution: AttributionSpans) -> None:
        parts = [r for s in sorted(attribution.content) if (r := units.word_range(s)) is not None]
        if not parts:
            return
        self.n_contents += 1
        every: set[str] | None = None
        for part in parts:
            found = units.matches(part, attribution)
            if found:
                found.add("any")
            self.n_parts += 1
            self.parts.update(found)
            if units.sentence_of[part[0]] != units.sentence_of[part[1]]:
                self.multi_sentence_parts += 1
            every = found if every is None else every & found
        self.contents.update(every or set())


def measure(documents: list[GoldDocument]) -> Tally:
    tally = Tally(Counter(), Counter())
    for document in documents:
        units = ParseUnits.of(parse(document.text))
        for attribution in document.attributions:
            tally.add(units, attribution)
    return tally


def table(tally: Tally) -> str:
    lines = [
        f"| gold content is exactly ... | parts ({tally.n_parts:,}) | contents ({tally.n_contents:,}) |",
        "| --- | --- | --- |",
    ]
    for key, label in ROWS:
        parts, contents = tally.parts[key], tally.contents[key]
        lines.append(
            f"| {label} | {parts:,} ({parts / tally.n_parts:.1%}) "
            f"| {contents:,} ({contents / tally.n_contents:.1%}) |"
        )
    lines.append(
        f"\nparts over more than one sentence: {tally.multi_sentence_parts:,} "
        f"({tally.multi_sentence_parts / tally.n_parts:.1%})"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus_dir", type=Path, help="PolNeAR-layout train split")
    parser.add_argument("--holdout", type=float, help="only the held-out slice of this fraction")
    args = parser.parse_args()
    if args.corpus_dir.name == "dev":
        sys.exit("measure_content_edges: measured on train only (dev is for final figures)")
    documents = load_corpus(args.corpus_dir)
    if args.holdout is not None:
        documents = [d for d in documents if in_holdout(d.stem, args.holdout)]
    started = time.perf_counter()
    tally = measure(documents)
    print(f"{len(documents)} texts of {args.corpus_dir}, parsed in {time.perf_counter() - started:.0f} s\n")
    print(table(tally))


if __name__ == "__main__":
    main()
