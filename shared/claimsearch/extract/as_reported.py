"""Findings credited to another report by an "as" clause at either end of a sentence: "As
reported by Western Journalism, investigators found ...", "... started reserving ad time,
as first reported by the New York Times on Tuesday.", "As stated in Davis' commentary,
there are conflicting stories ...". PolNeAR annotates the participle as the cue (with an
adverb before it: "first reported"), the agent or the document after "by" / "in" as the
source, and the rest of the sentence as the content. The trained finder seldom reports
it: its cue has no subject, and its content is the main clause the cue hangs from.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimsearch.extract.spans import AttributionSpans
from claimsearch.extract.text_spans import trim
from claimsearch.model import Span

# Participles that credit a finding to a report ("as reported by"), by lemma.
REPORT_PARTICIPLES = frozenset(
    {"report", "state", "note", "describe", "document", "detail", "explain", "write"}
)
# What names the report: its author ("by") or the document itself ("in").
REPORT_PREPOSITIONS = frozenset({"by", "in"})
# Adverbs that join the cue before the participle ("first reported", "previously noted").
CUE_ADVERBS = frozenset({"first", "previously", "originally", "earlier", "initially", "widely"})
# Entity types of a time after the report's name ("by the Times | on Tuesday"): not the source.
TIMES = ("DATE", "TIME")


def as_reported(doc: Doc) -> list[AttributionSpans]:
    """One attribution per sentence that opens with, or ends on, "as <participle> by|in <report>"."""
    return [found for sentence in doc.sents if (found := _as_reported(doc, sentence)) is not None]


def _as_reported(doc: Doc, sentence: SpacySpan) -> AttributionSpans | None:
    words = [t for t in sentence if not (t.is_space or t.is_quote)]
    if len(words) < 6:
        return None
    opening = words[0].lower_ == "as"
    if opening:
        start = words[0].i
    else:
        closing = [t.i for t in words[1:] if t.lower_ == "as" and doc[t.i - 1].text == ","]
        if not closing:
            return None
        start = closing[-1]
    found = _report(doc, start, sentence.end)
    if found is None:
        return None
    cue, source, end = found
    if opening:
        if end >= sentence.end - 1 or doc[end].text != ",":
            return None
        content = trim(doc.text, (doc[end + 1].idx, sentence.end_char))
    else:
        if not all(_trailing(t) for t in doc[end : sentence.end]):
            return None
        if any(t.is_quote for t in doc[sentence.start : start]):
            return None  # a quotation credited to its speaker, then to the report that carried it
        # A clause after a colon or semicolon is what the report found, not what leads to it.
        breaks = [t.i + 1 for t in doc[sentence.start : start] if t.text in (":", ";")]
        lead = max(breaks, default=sentence.start)
        content = trim(doc.text, (doc[lead].idx, doc[start - 1].idx))
    if content[0] >= content[1]:
        return None
    found_words = doc.char_span(*content, alignment_mode="expand")
    if found_words is None or not any(t.pos_ in ("VERB", "AUX") for t in found_words):
        return None  # a phrase, not a finding
    return AttributionSpans(cue=[cue], source=[source], content=[content])


def _report(doc: Doc, start: int, end: int) -> tuple[Span, Span, int] | None:
    """At doc[start] ("as"): the cue (the participle, with an adverb before it), the source
    (the noun phrase after "by" or "in") and the index of the first token after the source;
    None where the words there are not "as [adverb] <participle> by|in <noun phrase>"."""
    i = start + 1
    adverb = i < end and doc[i].lower_ in CUE_ADVERBS
    i += adverb
    if i + 2 >= end:
        return None
    participle, preposition = doc[i], doc[i + 1]
    if participle.tag_ != "VBN" or participle.lemma_.lower() not in REPORT_PARTICIPLES:
        return None
    if preposition.lower_ not in REPORT_PREPOSITIONS:
        return None
    report = next((t for t in preposition.children if t.dep_ == "pobj"), None)
    if report is None or report.i >= end:
        return None
    source_end = _report_end(report, end)
    first = doc[i - 1] if adverb else participle
    cue = (first.idx, participle.idx + len(participle.text))
    source = (doc[i + 2].idx, doc[source_end - 1].idx + len(doc[source_end - 1].text))
    return cue, source, source_end


def _report_end(report: Token, end: int) -> int:
    """Where the noun phrase of `report` ends: its last word, but not a phrase of time after
    it ("the New York Times | on Tuesday") nor past the sentence."""
    last = report.i
    for token in report.subtree:
        if token.i > last and token.i < end and not _of_time(token, report):
            last = token.i
    while last > report.i and report.doc[last].is_punct:  # the comma the parse hangs on it
        last -= 1
    return last + 1


def _of_time(token: Token, report: Token) -> bool:
    """`token` lies in a phrase of time hanging from the report's noun ("on Tuesday")."""
    # Tokens are made anew on each access: compared by index, never by identity.
    while token.head.i != token.i and token.i != report.i:
        of_report = token.head.i == report.i and token.dep_ == "prep"
        if of_report and any(t.ent_type_ in TIMES for t in token.subtree):
            return True
        token = token.head
    return False


def _trailing(token: Token) -> bool:
    """What may follow a closing "as" clause's source: punctuation, or a time ("on Tuesday")."""
    if token.is_punct or token.is_space or token.is_quote or token.ent_type_ in TIMES:
        return True
    return token.dep_ == "prep" and any(t.ent_type_ in TIMES for t in token.subtree)
