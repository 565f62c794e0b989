"""Findings credited to a poll by a sentence's opening phrase: "In a September Washington
Post-ABC News poll, 75 percent of Republicans said ...". PolNeAR annotates the "In" as the
cue, the poll as the source and the clause after the comma as the content; the trained
finder seldom reports it, having no verb to hang it on."""

from __future__ import annotations

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from claimsearch.extract.spans import AttributionSpans
from claimsearch.extract.text_spans import trim

# What a finding can be credited to by "In ...,": lemmas of the phrase's head noun.
POLL_NOUNS = frozenset({"poll", "survey"})


def poll_leads(doc: Doc) -> list[AttributionSpans]:
    """One attribution per sentence opening "In <a poll or survey ...>, <clause>"."""
    return [found for sentence in doc.sents if (found := _poll_lead(doc, sentence)) is not None]


def _poll_lead(doc: Doc, sentence: SpacySpan) -> AttributionSpans | None:
    words = [t for t in sentence if not (t.is_space or t.is_quote)]
    if len(words) < 4 or words[0].lower_ != "in":
        return None
    lead = words[0]
    poll = next((t for t in lead.children if t.dep_ == "pobj"), None)
    if poll is None or poll.lemma_.lower() not in POLL_NOUNS:
        return None
    comma_i = poll.right_edge.i + 1
    if comma_i >= sentence.end - 1 or doc[comma_i].text != ",":
        return None
    clause = doc[comma_i + 1 : sentence.end]
    if not any(t.pos_ in ("VERB", "AUX") for t in clause):
        return None
    content = trim(doc.text, (clause.start_char, clause.end_char))
    if content[0] >= content[1]:
        return None
    return AttributionSpans(
        cue=[(lead.idx, lead.idx + len(lead.text))],
        source=[(doc[lead.i + 1].idx, doc[comma_i - 1].idx + len(doc[comma_i - 1].text))],
        content=[content],
    )
