"""Our implementation of the reference scorer's metrics (../shared/eval/score.py).

It must agree with the reference to three decimals, so the definitions are the
reference's, restated:

- A span is the set of "word" characters (not whitespace, not Unicode punctuation
  P*) covered by the union of its ranges; a span of punctuation only (PolNeAR has
  ':' cues) keeps its non-space characters instead; a whitespace-only span is empty.
- exact cue/source/content: distinct non-empty normalised spans per document;
  exact all: (source, cue, content) triples matched as multisets.
- overlap: tokens are maximal runs of word characters; a token belongs to a role if
  any of its characters lies in a span of that role (P over predicted role tokens,
  R over gold role tokens); overlap all pools the (token, role) pairs.
- attr-overlap: one-to-one lenient attribution match (cue, content and source
  share a token, or both sources empty), pairs taken greedily by summed Jaccard.
Everything is micro-averaged over documents.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from claimsearch.extract.spans import AttributionSpans
from claimsearch.model import Span

ROLES: tuple[str, ...] = ("cue", "source", "content")
ROWS: tuple[str, ...] = (*ROLES, "all")


@dataclass(frozen=True)
class PRF:
    """Precision / recall / F1 from raw counts (tp on each side: token overlap differs)."""

    tp_pred: int
    pred: int
    tp_gold: int
    gold: int

    @property
    def precision(self) -> float:
        return self.tp_pred / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class _Counts:
    tp_pred: int = 0
    pred: int = 0
    tp_gold: int = 0
    gold: int = 0

    def add(self, tp_pred: int, pred: int, tp_gold: int, gold: int) -> None:
        self.tp_pred += tp_pred
        self.pred += pred
        self.tp_gold += tp_gold
        self.gold += gold

    def freeze(self) -> PRF:
        return PRF(self.tp_pred, self.pred, self.tp_gold, self.gold)


@dataclass(frozen=True)
class Scores:
    documents: int
    gold_attributions: int
    predicted_attributions: int
    exact: dict[str, PRF]
    overlap: dict[str, PRF]
    attr_overlap: PRF


class TextIndex:
    """Character classes and word-token ids of one text, computed once per document."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.word = [_is_word_char(ch) for ch in text]
        self.token = [-1] * len(text)  # character -> word-token id (word characters only)
        current, previous = -1, False
        for i, is_word in enumerate(self.word):
            if is_word:
                if not previous:
                    current += 1
                self.token[i] = current
            previous = is_word

    def key(self, ranges: Iterable[Span]) -> tuple[int, ...]:
        """Canonical span: sorted word-character offsets; punctuation-only spans as -(i+1)."""
        ranges = list(ranges)
        chars = {i for s, e in ranges for i in range(s, e) if self.word[i]}
        if not chars:
            chars = {-(i + 1) for s, e in ranges for i in range(s, e) if not self.text[i].isspace()}
        return tuple(sorted(chars))

    def tokens(self, ranges: Iterable[Span]) -> set[int]:
        """Word tokens touched; for a punctuation-only span its characters as -(i+1)."""
        ranges = list(ranges)
        found = {self.token[i] for s, e in ranges for i in range(s, e) if self.token[i] >= 0}
        if not found:
            found = {-(i + 1) for s, e in ranges for i in range(s, e) if not self.text[i].isspace()}
        return found


def _is_word_char(ch: str) -> bool:
    return not (ch.isspace() or unicodedata.category(ch).startswith("P"))


def _roles(attribution: AttributionSpans) -> dict[str, list[Span]]:
    return {"cue": attribution.cue, "source": attribution.source, "content": attribution.content}


@dataclass
class Scorer:
    """Accumulates counts document by document; `result()` gives the micro-averaged scores."""

    _exact: dict[str, _Counts] = field(default_factory=lambda: {r: _Counts() for r in ROWS})
    _overlap: dict[str, _Counts] = field(default_factory=lambda: {r: _Counts() for r in ROWS})
    _lenient: _Counts = field(default_factory=_Counts)
    _documents: int = 0
    _gold_attributions: int = 0
    _predicted_attributions: int = 0

    def add(self, text: str, gold: Sequence[AttributionSpans], predicted: Sequence[AttributionSpans]) -> None:
        index = TextIndex(text)
        _check_ranges(text, predicted)
        self._documents += 1
        self._gold_attributions += len(gold)
        self._predicted_attributions += len(predicted)
        gold_roles = [_roles(a) for a in gold]
        pred_roles = [_roles(a) for a in predicted]
        gold_keys = [{r: index.key(a[r]) for r in ROLES} for a in gold_roles]
        pred_keys = [{r: index.key(a[r]) for r in ROLES} for a in pred_roles]
        for r in ROLES:
            gold_spans = {k[r] for k in gold_keys if k[r]}
            pred_spans = {k[r] for k in pred_keys if k[r]}
            hits = len(gold_spans & pred_spans)
            self._exact[r].add(hits, len(pred_spans), hits, len(gold_spans))
        gold_triples = Counter(tuple(k[r] for r in ROLES) for k in gold_keys)
        pred_triples = Counter(tuple(k[r] for r in ROLES) for k in pred_keys)
        hits = sum((gold_triples & pred_triples).values())
        self._exact["all"].add(hits, pred_triples.total(), hits, gold_triples.total())
        gold_tokens = [{r: index.tokens(a[r]) for r in ROLES} for a in gold_roles]
        pred_tokens = [{r: index.tokens(a[r]) for r in ROLES} for a in pred_roles]
        for r in ROLES:
            gold_union: set[int] = set().union(*(t[r] for t in gold_tokens))
            pred_union: set[int] = set().union(*(t[r] for t in pred_tokens))
            inter = len(gold_union & pred_union)
            self._overlap[r].add(inter, len(pred_union), inter, len(gold_union))
            self._overlap["all"].add(inter, len(pred_union), inter, len(gold_union))
        matched = _lenient_matches(gold_tokens, pred_tokens)
        self._lenient.add(matched, len(predicted), matched, len(gold))

    def result(self) -> Scores:
        return Scores(
            documents=self._documents,
            gold_attributions=self._gold_attributions,
            predicted_attributions=self._predicted_attributions,
            exact={r: c.freeze() for r, c in self._exact.items()},
            overlap={r: c.freeze() for r, c in self._overlap.items()},
            attr_overlap=self._lenient.freeze(),
        )


def _lenient_matches(gold: list[dict[str, set[int]]], predicted: list[dict[str, set[int]]]) -> int:
    """One-to-one matches, candidate pairs ranked by summed per-role Jaccard (ties: text order)."""
    candidates = []
    for i, p in enumerate(predicted):
        for j, g in enumerate(gold):
            if not (g["cue"] & p["cue"] and g["content"] & p["content"]):
                continue
            if not ((g["source"] & p["source"]) or (not g["source"] and not p["source"])):
                continue
            similarity = sum(len(g[r] & p[r]) / len(g[r] | p[r]) if g[r] | p[r] else 1.0 for r in ROLES)
            candidates.append((-similarity, i, j))
    used_pred: set[int] = set()
    used_gold: set[int] = set()
    for _, i, j in sorted(candidates):
        if i not in used_pred and j not in used_gold:
            used_pred.add(i)
            used_gold.add(j)
    return len(used_pred)


def _check_ranges(text: str, attributions: Sequence[AttributionSpans]) -> None:
    for attribution in attributions:
        for role, ranges in _roles(attribution).items():
            for start, end in ranges:
                if not 0 <= start <= end <= len(text):
                    raise ValueError(f"bad {role} range {(start, end)} (text length {len(text)})")


def score_documents(
    documents: Iterable[tuple[str, Sequence[AttributionSpans], Sequence[AttributionSpans]]],
) -> Scores:
    """Score (text, gold, predicted) triples, micro-averaged."""
    scorer = Scorer()
    for text, gold, predicted in documents:
        scorer.add(text, gold, predicted)
    return scorer.result()
