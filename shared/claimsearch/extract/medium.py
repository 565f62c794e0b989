"""Where a claim was made: "told the New York Times", "said in a statement"."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from claimsearch.extract.text_spans import overlaps, tokens_in, trim
from claimsearch.model import EntityMention, Medium, Span

MEDIA_NOUNS = frozenset(
    [
        "interview",
        "statement",
        "conference",
        "briefing",
        "tweet",
        "post",
        "blog",
        "newspaper",
        "television",
        "radio",
        "broadcast",
        "podcast",
        "op-ed",
        "oped",
        "editorial",
        "letter",
        "speech",
        "email",
        "e-mail",
        "video",
        "memo",
        "column",
        "twitter",
        "facebook",
        "instagram",
        "tiktok",
        "youtube",
        "x",
        "show",
        "programme",
        "program",
        "documentary",
    ]
)
_MEDIUM_PREPS = frozenset({"in", "on", "to", "during", "with", "via"})


def find_medium(
    doc: Doc, cue_span: Span, content: list[Span], entities: list[EntityMention]
) -> Medium | None:
    """The outlet or channel a cue names, if any, outside the claim's content."""
    cue_tokens = [t for t in tokens_in(doc, cue_span) if t.pos_ in ("VERB", "AUX")]
    if not cue_tokens:
        return None
    cue = cue_tokens[0]
    for candidate in _candidates(cue):
        span = trim(
            doc.text,
            (candidate.left_edge.idx, candidate.right_edge.idx + len(candidate.right_edge.text)),
        )
        if any(overlaps(span, c) for c in content):
            continue
        if _is_medium(candidate, span, entities):
            return Medium(doc.text[span[0] : span[1]], span)
    return None


def _candidates(cue: Token) -> list[Token]:
    out = []
    for child in cue.children:
        if child.dep_ in ("dobj", "dative") and cue.lemma_.lower() == "tell":
            out.append(child)
        if child.dep_ in ("prep", "dative") and child.lower_ in _MEDIUM_PREPS:
            out.extend(c for c in child.children if c.dep_ == "pobj")
    return out


def _is_medium(token: Token, span: Span, entities: list[EntityMention]) -> bool:
    if token.lemma_.lower() in MEDIA_NOUNS:
        return True
    return any(e.type == "organisation" and overlaps(e.span, span) for e in entities)
