"""Repairs of the trained finder's attributions from the rule-based parse.

The model is the better finder on data, but some of its errors have a syntactic
tell the dependency rules see directly. Each repair applies only where the rules
found an attribution with an overlapping cue, and each was chosen on a held-out
slice of PolNeAR train (see docs/model-card.md), never on dev:

- a span that crosses a line break (PolNeAR: 3 of 68,435 gold spans do) means the
  model ran a headline into the next paragraph: take the rules' attribution;
- the subject of a passive cue given as its source ("Forced labour is seen as ..."):
  what is reported on, not who reports; dropped (whether or not the rules found it);
- no source where the rules found one ("according to reports"): take the rules' source;
- a content that is the tail of the rules' complement clause, ending at the same
  place ("their wages are siphoned off" inside "Tens of thousands ... while their
  wages are siphoned off"): take the whole clause;
- a source far from its cue while the rules' subject is nearer ("..." she told: the
  model reached back to the previous sentence's subject): take the near one;
  resolving "she" to the named person is the claimant resolver's job.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc

from claimsearch.extract.spans import AttributionFinder, AttributionSpans
from claimsearch.extract.text_spans import trim
from claimsearch.model import Span

FAR_SOURCE_CHARS = 150


def _overlap(a: list[Span], b: list[Span]) -> bool:
    return any(s < oe and os_ < e for s, e in a for os_, oe in b)


def _extent(spans: list[Span]) -> Span:
    return (min(s for s, _ in spans), max(e for _, e in spans))


class RepairedFinder:
    """The trained finder's attributions, repaired where the parse shows an error."""

    def __init__(self, model: AttributionFinder, rules: AttributionFinder) -> None:
        self.model = model
        self.rules = rules
        self.name = f"{model.name}+repair-1"

    def find(self, doc: Doc) -> list[AttributionSpans]:
        ruled = self.rules.find(doc)
        return [self._repair(doc.text, _passive_subject_dropped(doc, a), ruled) for a in self.model.find(doc)]

    def _repair(self, text: str, found: AttributionSpans, ruled: list[AttributionSpans]) -> AttributionSpans:
        rule = next((r for r in ruled if _overlap(found.cue, r.cue)), None)
        if rule is None:
            return found
        if any("\n" in text[s:e] for s, e in found.cue + found.content + found.source):
            return rule
        if not found.source and rule.source:
            found = replace(found, source=rule.source)
        if found.content and rule.content:
            model_start, model_end = trim(text, _extent(found.content))
            rule_start, rule_end = trim(text, _extent(rule.content))
            if rule_start < model_start and rule_end == model_end:
                found = replace(found, content=rule.content)
        if found.source and rule.source:
            cue_start = found.cue[0][0]
            model_distance = min(abs(s - cue_start) for s, _ in found.source)
            rule_distance = min(abs(s - cue_start) for s, _ in rule.source)
            if model_distance > FAR_SOURCE_CHARS and rule_distance < model_distance:
                found = replace(found, source=rule.source)
        return found


def _passive_subject_dropped(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    if not found.source or not found.cue:
        return found
    cue = doc.char_span(found.cue[0][0], found.cue[-1][1], alignment_mode="expand")
    if cue is None:
        return found
    for verb in cue:
        if verb.pos_ not in ("VERB", "AUX") or not any(c.dep_ == "auxpass" for c in verb.children):
            continue
        for subject in (c for c in verb.children if c.dep_ == "nsubjpass"):
            span = (subject.left_edge.idx, subject.right_edge.idx + len(subject.right_edge.text))
            if _overlap(found.source, [span]):
                return replace(found, source=[])
    return found
