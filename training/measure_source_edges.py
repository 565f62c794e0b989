#!/usr/bin/env python3
"""Where the pipeline's source spans go wrong, and which parse units gold sources are (issue 12).

    .venv/bin/python training/measure_source_edges.py errors /tmp/union/holdout --artifacts /tmp/l1
    .venv/bin/python training/measure_source_edges.py gold ../shared/data/polnear/train [--holdout 0.1]

`errors` runs the whole pipeline (`RepairedFinder` over the trained finder in
`--artifacts`, then claim building) on a PolNeAR-layout folder and scores it as
`claimsearch eval` does: a claim's source is its claimant's mention span. Each distinct
gold source of a document (the scorer compares sets of distinct sources) is exact, has
an overlapping predicted source with other edges, or is missing; a predicted source
that overlaps no gold source is spurious. Edge errors are counted by edge (start or
end, too early or too late, by how many words) and by what the words in between are (a
title, a determiner, a possessive, an apposition, a relative clause, a coordination,
...), with whether the gold, the prediction or both are a unit of the parse; and the
claims whose claimant span is not the finder's source span are counted. Use it on the
held-out slice of train with the model that never saw it (`learned-1`), never on dev.

`gold` parses a train split and counts how often a gold source is exactly a dependency
subtree, a named entity, a noun chunk, a subtree less what follows its head after a
comma or as an apposition or relative clause, and such a subtree less its determiner.
Spans are compared as words (punctuation and spaces at the edges do not count).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from measure_content_edges import is_word
from spacy.tokens import Doc, Token

from claimsearch.documents.parse import parse_text
from claimsearch.evaluation.corpus import GoldDocument, in_holdout, load_corpus
from claimsearch.evaluation.pipeline import claim_as_attribution
from claimsearch.evaluation.scoring import Scorer, TextIndex
from claimsearch.extract.claims import build_claims
from claimsearch.extract.learned import LearnedAttributionFinder
from claimsearch.extract.nlp import parse
from claimsearch.extract.repair import RepairedFinder
from claimsearch.extract.rules import RuleBasedFinder
from claimsearch.extract.spans import AttributionFinder, AttributionSpans
from claimsearch.extract.text_spans import trim
from claimsearch.model import Claim, Span

WordRange = tuple[int, int]  # first and last word token (inclusive), doc token indices

# Words that open a source as a title or a description of the person ("President
# Obama", "Sen. Ted Cruz"), lower case, without a full stop.
TITLES = frozenset(
    {
        "president",
        "vice",
        "sen",
        "senator",
        "rep",
        "representative",
        "gov",
        "governor",
        "mr",
        "mrs",
        "ms",
        "dr",
        "secretary",
        "former",
        "candidate",
        "republican",
        "democrat",
        "democratic",
        "gop",
        "chairman",
        "speaker",
        "mayor",
        "gen",
        "general",
        "rev",
        "attorney",
        "judge",
        "sheriff",
    }
)
# Dependencies after a head that PolNeAR sources may leave out ("Ahn, the head of X").
TAIL_DEPS = frozenset({"appos", "relcl", "acl"})
GOLD_ROWS = (
    ("subtree", "a dependency subtree"),
    ("entity", "a named entity"),
    ("noun_chunk", "a noun chunk (spaCy)"),
    ("subtree_cut", "a subtree less its tail after a comma, an apposition or a relative clause"),
    ("subtree_no_det", "a subtree, or one of the above, less its leading determiner"),
    ("any", "any of the above"),
)


@dataclass(frozen=True)
class SourceUnits:
    """The word ranges of a parsed text that a source could be."""

    doc: Doc
    words: list[bool]
    units: dict[str, set[WordRange]]

    @classmethod
    def of(cls, doc: Doc) -> SourceUnits:
        found: dict[str, set[WordRange]] = {key: set() for key, _ in GOLD_ROWS if key != "any"}
        units = cls(doc, [is_word(t) for t in doc], found)
        for token in doc:
            units._add("subtree", token.left_edge.i, token.right_edge.i)
            cut = _tail_start(token)
            if cut is not None:
                units._add("subtree_cut", token.left_edge.i, cut - 1)
        for entity in doc.ents:
            units._add("entity", entity.start, entity.end - 1)
        for chunk in doc.noun_chunks:
            units._add("noun_chunk", chunk.start, chunk.end - 1)
        for key in ("subtree", "subtree_cut", "entity", "noun_chunk"):
            for first, last in list(found[key]):
                if doc[first].dep_ == "det" and first < last:
                    units._add("subtree_no_det", first + 1, last)
        return units

    def _add(self, key: str, first: int, last: int) -> None:
        span = self.narrowed(first, last)
        if span is not None:
            self.units[key].add(span)

    def narrowed(self, first: int, last: int) -> WordRange | None:
        """Tokens `first`..`last` without non-words at either edge; None if no word is left."""
        while first <= last and not self.words[first]:
            first += 1
        while last >= first and not self.words[last]:
            last -= 1
        return (first, last) if first <= last else None

    def word_range(self, spans: Iterable[Span]) -> WordRange | None:
        """The words from the first span's start to the last one's end (a token partly inside counts)."""
        spans = list(spans)
        if not spans:
            return None
        covering = self.doc.char_span(
            min(s for s, _ in spans), max(e for _, e in spans), alignment_mode="expand"
        )
        if covering is None or not len(covering):
            return None
        return self.narrowed(covering.start, covering.end - 1)

    def kinds(self, words: WordRange) -> set[str]:
        """The rows of `GOLD_ROWS` (less "any") that `words` is exactly."""
        return {key for key, ranges in self.units.items() if words in ranges}


def _tail_start(token: Token) -> int | None:
    """The first token of what follows `token` after a comma, or as an apposition or a
    relative clause ("Ahn Myeong-chul | , the head of NK Watch"); None if nothing does."""
    for child in token.rights:
        if child.dep_ in TAIL_DEPS or (child.dep_ == "punct" and child.text == ","):
            return child.left_edge.i
    return None


def describe(tokens: list[Token]) -> str:
    """What a run of words at a source's edge is, the first label that fits."""
    words = [t for t in tokens if is_word(t)]
    if not words:
        return "punctuation"
    if any(t.tag_ in ("WDT", "WP") or t.dep_ == "relcl" for t in tokens):
        return "relative clause"
    if any(t.dep_ == "appos" for t in tokens):
        return "apposition"
    if any(t.dep_ == "cc" or t.pos_ == "CCONJ" for t in tokens):
        return "coordination"
    if any(t.tag_ == "POS" for t in tokens):
        return "possessive"
    if words[0].lower_.rstrip(".") in TITLES:
        return "title"
    if all(t.tag_ in ("DT", "PDT") for t in words):
        return "determiner"
    if words[0].pos_ == "ADP":
        return "prepositional phrase"
    if tokens[0].text == ",":
        return "after a comma"
    if all(t.pos_ == "PRON" for t in words):
        return "pronoun"
    return "other"


def _bucket(words: int) -> str:
    return "1" if words == 1 else "2-3" if words <= 3 else ">3"


@dataclass
class Predicted:
    """One document through the pipeline: its parse, the finder's attributions, the claims."""

    document: GoldDocument
    doc: Doc
    found: list[AttributionSpans]
    claims: list[Claim]


def run_pipeline(documents: Iterable[GoldDocument], finder: AttributionFinder) -> list[Predicted]:
    """Every document through parse, `finder` and claim building, as `claimsearch eval`."""
    predicted = []
    for document in documents:
        article = parse_text(document.text, f"{document.stem}.txt")
        doc = parse(article.text)
        found = finder.find(doc)
        predicted.append(Predicted(document, doc, found, build_claims(article, doc, found, finder.name)))
    return predicted


def scores(predicted: Iterable[Predicted]) -> dict[str, float]:
    """The figures repairs are chosen on, as `claimsearch eval` computes them."""
    scorer = Scorer()
    for p in predicted:
        scorer.add(p.document.text, p.document.attributions, [claim_as_attribution(c) for c in p.claims])
    result = scorer.result()
    return {
        "cue": result.exact["cue"].f1,
        "source": result.exact["source"].f1,
        "content exact": result.exact["content"].f1,
        "content overlap": result.overlap["content"].f1,
        "attr-overlap": result.attr_overlap.f1,
        "all exact": result.exact["all"].f1,
    }


@dataclass
class ErrorTally:
    gold: int = 0
    exact: int = 0
    edges: int = 0
    missing: int = 0
    predicted: int = 0
    spurious: int = 0
    edge_kinds: Counter[str] = field(default_factory=Counter)
    what: Counter[str] = field(default_factory=Counter)
    units: Counter[str] = field(default_factory=Counter)
    not_matched: Counter[str] = field(default_factory=Counter)
    claims: int = 0
    claim_changes: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def example(self, key: str, line: str, keep: int) -> None:
        kept = self.examples.setdefault(key, [])
        if len(kept) < keep:
            kept.append(line)


def classify(predicted: Iterable[Predicted], keep_examples: int = 0) -> ErrorTally:
    tally = ErrorTally()
    for p in predicted:
        text, doc = p.document.text, p.doc
        index, units = TextIndex(text), SourceUnits.of(doc)
        gold = {index.key(a.source): a.source for a in p.document.attributions if index.key(a.source)}
        ours = {
            index.key([c.claimant.span]): [c.claimant.span]
            for c in p.claims
            if c.claimant.span and index.key([c.claimant.span])
        }
        tally.gold += len(gold)
        tally.predicted += len(ours)
        for key, spans in ours.items():
            if not any(set(key) & set(g) for g in gold):
                tally.spurious += 1
                why = _why_spurious(p, index, spans)
                tally.not_matched[f"spurious: {why}"] += 1
                tally.example(f"spurious: {why}", f"{p.document.stem}: {_quoted(text, spans)}", keep_examples)
        for key, spans in gold.items():
            if key in ours:
                tally.exact += 1
                continue
            near = max(ours, key=lambda k: len(set(k) & set(key)), default=None)
            if near is None or not set(near) & set(key):
                tally.missing += 1
                why = _why_missing(p, index, spans)
                tally.not_matched[f"missing: {why}"] += 1
                tally.example(f"missing: {why}", f"{p.document.stem}: {_quoted(text, spans)}", keep_examples)
                continue
            tally.edges += 1
            _edge_error(tally, units, spans, ours[near], keep_examples, p.document.stem)
        _claim_changes(tally, p, index)
    return tally


def _edge_error(
    tally: ErrorTally, units: SourceUnits, gold: list[Span], ours: list[Span], keep: int, stem: str
) -> None:
    g, o = units.word_range(gold), units.word_range(ours)
    if g is None or o is None:
        tally.edge_kinds["no words"] += 1
        return
    doc = units.doc
    edges = []
    for name, ours_at, gold_at in (("start", o[0], g[0]), ("end", o[1], g[1])):
        if ours_at == gold_at:
            continue
        low, high = sorted((ours_at, gold_at))
        run = list(doc[low:high] if name == "start" else doc[low + 1 : high + 1])
        early = ours_at < gold_at
        label = f"{name} {'early' if early else 'late'}"
        words = sum(1 for t in run if is_word(t))
        edges.append(label)
        tally.edge_kinds[f"{label} by {_bucket(words)}"] += 1
        what = f"{label}: {describe(run)}"
        tally.what[what] += 1
        tally.example(what, f"{stem}: gold {_quoted(doc.text, gold)} / ours {_quoted(doc.text, ours)}", keep)
    tally.edge_kinds[" and ".join(edges) or "same words"] += 1
    gold_kinds, our_kinds = units.kinds(g), units.kinds(o)
    tally.units[f"gold {'a' if gold_kinds else 'no'} unit, ours {'a' if our_kinds else 'no'} unit"] += 1
    for key in sorted(gold_kinds - our_kinds):
        tally.units[f"gold {key}, ours not"] += 1


def _why_missing(p: Predicted, index: TextIndex, source: list[Span]) -> str:
    """Whether a claim has the gold attribution's cue, and what its source is."""
    cues = [index.tokens(a.cue) for a in p.document.attributions if index.key(a.source) == index.key(source)]
    claims = [c for c in p.claims if any(index.tokens([c.cue.span]) & cue for cue in cues)]
    if not claims:
        return "no claim with its cue"
    if all(c.claimant.span is None for c in claims):
        return "claim with its cue, no source"
    return "claim with its cue, another source"


def _why_spurious(p: Predicted, index: TextIndex, source: list[Span]) -> str:
    """Whether the claims with this source have a gold attribution's cue, and its source."""
    key = index.key(source)
    cues = [
        index.tokens([c.cue.span])
        for c in p.claims
        if c.claimant.span and index.key([c.claimant.span]) == key
    ]
    golds = [a for a in p.document.attributions if any(index.tokens(a.cue) & cue for cue in cues)]
    if not golds:
        return "no gold attribution with its cue"
    if all(not a.source for a in golds):
        return "gold attribution with its cue, no source"
    return "gold attribution with its cue, another source"


def _claim_changes(tally: ErrorTally, p: Predicted, index: TextIndex) -> None:
    """Claims whose claimant span is not the source span of the finder's attribution."""
    text = p.document.text
    by_cue = {trim(text, (a.cue[0][0], a.cue[-1][1])): a for a in p.found if a.cue}
    for claim in p.claims:
        found = by_cue.get(claim.cue.span)
        if found is None:
            continue
        tally.claims += 1
        ours = index.key([claim.claimant.span]) if claim.claimant.span else ()
        theirs = index.key(found.source)
        if ours == theirs:
            continue
        change = "dropped" if not ours else "added" if not theirs else "edges moved"
        tally.claim_changes[change] += 1


def _quoted(text: str, spans: list[Span]) -> str:
    return repr(" | ".join(text[s:e] for s, e in spans))


def error_report(tally: ErrorTally) -> str:
    lines = [
        f"gold sources {tally.gold:,}: exact {tally.exact:,} ({tally.exact / tally.gold:.1%}), "
        f"other edges {tally.edges:,}, missing {tally.missing:,}; predicted {tally.predicted:,}, "
        f"spurious {tally.spurious:,}",
        f"claims {tally.claims:,}; claimant span not the finder's source: {dict(tally.claim_changes)}",
        "",
        "| edge error | sources |",
        "| --- | --- |",
    ]
    lines += [f"| {k} | {n} |" for k, n in sorted(tally.edge_kinds.items())]
    lines += ["", "| edge: words between | sources |", "| --- | --- |"]
    lines += [f"| {k} | {n} |" for k, n in tally.what.most_common()]
    lines += ["", "| missing or spurious | sources |", "| --- | --- |"]
    lines += [f"| {k} | {n} |" for k, n in sorted(tally.not_matched.items())]
    lines += ["", "| parse units | sources |", "| --- | --- |"]
    lines += [f"| {k} | {n} |" for k, n in sorted(tally.units.items())]
    for key, examples in sorted(tally.examples.items()):
        lines += ["", f"{key}:"] + [f"  {e}" for e in examples]
    return "\n".join(lines)


def gold_report(documents: list[GoldDocument]) -> str:
    sources: Counter[str] = Counter()
    total = discontinuous = 0
    for document in documents:
        index, units = TextIndex(document.text), SourceUnits.of(parse(document.text))
        seen: set[tuple[int, ...]] = set()
        for attribution in document.attributions:
            key = index.key(attribution.source)
            if not key or key in seen:
                continue
            seen.add(key)
            words = units.word_range(attribution.source)
            if words is None:
                continue
            total += 1
            discontinuous += len(attribution.source) > 1
            kinds = units.kinds(words)
            sources.update(kinds | ({"any"} if kinds else set()))
    lines = [f"| gold source is exactly ... | sources ({total:,}) |", "| --- | --- |"]
    lines += [f"| {label} | {sources[key]:,} ({sources[key] / total:.1%}) |" for key, label in GOLD_ROWS]
    lines.append(
        f"\nin more than one part: {discontinuous:,} (compared from the first part's start to the last's end)"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("mode", choices=("errors", "gold"))
    parser.add_argument("corpus_dir", type=Path, help="PolNeAR-layout folder (train or its held-out slice)")
    parser.add_argument("--artifacts", type=Path, help="errors: the trained finder's artifacts (learned-1)")
    parser.add_argument("--holdout", type=float, help="gold: only the held-out slice of this fraction")
    parser.add_argument("--examples", type=int, default=0, help="errors: examples to print per kind")
    args = parser.parse_args()
    if args.corpus_dir.name == "dev":
        sys.exit("measure_source_edges: measured on train only (dev is for final figures)")
    documents = load_corpus(args.corpus_dir)
    started = time.perf_counter()
    if args.mode == "gold":
        if args.holdout is not None:
            documents = [d for d in documents if in_holdout(d.stem, args.holdout)]
        report = gold_report(documents)
    else:
        if args.artifacts is None:
            sys.exit("measure_source_edges: errors needs --artifacts (the model that never saw the texts)")
        model = LearnedAttributionFinder.from_artifacts(args.artifacts)
        predicted = run_pipeline(documents, RepairedFinder(model, RuleBasedFinder()))
        figures = " / ".join(f"{k} {v:.3f}" for k, v in scores(predicted).items())
        report = f"{figures}\n\n{error_report(classify(predicted, args.examples))}"
    print(f"{len(documents)} texts of {args.corpus_dir}, {time.perf_counter() - started:.0f} s\n")
    print(report)


if __name__ == "__main__":
    main()
