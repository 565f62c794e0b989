"""Rule-based attribution finding over the dependency parse (first version).

A reporting cue from the lexicon anchors each attribution; its grammatical subject
(or the agent of a passive, or the object of "according to") is the source, and its
clausal complement is the content. Where the parse of a cue is unusual (inverted
"..., say activists", a cue parsed as a modifier), the fallbacks below recover the
common newspaper shapes.
"""

from __future__ import annotations

from spacy.attrs import LEMMA, LOWER, POS
from spacy.parts_of_speech import AUX, VERB
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimsearch.extract.cues import NEEDS_CLAUSE, cue_class_for
from claimsearch.extract.spans import AttributionSpans
from claimsearch.extract.text_spans import OPENING_QUOTES, subtree_span, trim
from claimsearch.model import Span

_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
_CLAUSES = ("ccomp", "xcomp")
_MULTIWORD = {("call", "for"), ("call", "on"), ("point", "out")}
_EXPLETIVES = {"it", "there"}
_OBJECT_CONTENT = {"deny", "reject", "dispute", "refute", "dismiss", "confirm", "allege", "claim"}
_CUE_POS = frozenset({VERB, AUX})


def _possible_cues(doc: Doc) -> list[int]:
    """Indices of the tokens that may anchor an attribution, in order: those whose part
    of speech is VERB or AUX, or whose lower-case form or lemma is "according"."""
    if not len(doc):
        return []
    pos, lower, lemma = doc.to_array([POS, LOWER, LEMMA]).T.tolist()
    strings = doc.vocab.strings
    according = {h for h in set(lemma) if strings[h].lower() == "according"} | {get_string_id("according")}
    return [
        i
        for i, (part, word, base) in enumerate(zip(pos, lower, lemma, strict=True))
        if part in _CUE_POS or word in according or base in according
    ]


class RuleBasedFinder:
    """Cue lexicon + dependency rules. Fast, transparent, and the fallback finder."""

    name = "rules-1"

    def find(self, doc: Doc) -> list[AttributionSpans]:
        found: dict[Span, AttributionSpans] = {}
        candidates = _possible_cues(doc)
        next_candidate = 0
        for sentence in doc.sents:
            # Only the tokens `_attribution_at` does not turn away at once: a verb, an
            # auxiliary or "according" (one token in six), without building the others.
            while next_candidate < len(candidates) and candidates[next_candidate] < sentence.end:
                token = doc[candidates[next_candidate]]
                next_candidate += 1
                attribution = self._attribution_at(token, sentence)
                if attribution and attribution.cue[0] not in found:
                    found[attribution.cue[0]] = attribution
        return [found[key] for key in sorted(found)]

    def _attribution_at(self, token: Token, sentence: SpacySpan) -> AttributionSpans | None:
        if token.lower_ == "according" and token.i + 1 < len(token.doc):
            return self._according_to(token, sentence)
        if token.pos_ not in ("VERB", "AUX") and token.lemma_.lower() not in ("according",):
            return None
        lemma, cue_tokens = self._cue_lemma(token)
        if cue_class_for(lemma) is None:
            return None
        text = token.doc.text
        content = self._content(token, lemma, cue_tokens, sentence)
        if content is None:
            return None
        cue_span = (cue_tokens[0].idx, cue_tokens[-1].idx + len(cue_tokens[-1].text))
        source = self._source(token, content)
        content_spans = [trim(text, span) for span in content]
        content_spans = [s for s in content_spans if s[0] < s[1]]
        if not content_spans:
            return None
        source_spans = [trim(text, source)] if source else []
        return AttributionSpans(cue=[cue_span], content=content_spans, source=source_spans)

    # -- cue ---------------------------------------------------------------------------

    def _cue_lemma(self, token: Token) -> tuple[str, list[Token]]:
        lemma = token.lemma_.lower()
        for child in token.rights:
            if (lemma, child.lower_) in _MULTIWORD and child.dep_ in ("prep", "prt", "dative"):
                return f"{lemma} {child.lower_}", [token, child]
        return lemma, [token]

    # -- content -----------------------------------------------------------------------

    def _content(
        self, cue: Token, lemma: str, cue_tokens: list[Token], sentence: SpacySpan
    ) -> list[Span] | None:
        doc = cue.doc
        if lemma in ("call for", "call on"):
            # "called for X to be referred to ...": the rest of the clause is the demand.
            after = cue_tokens[-1].i + 1
            end = max(cue.right_edge.i, cue_tokens[-1].right_edge.i)
            if cue.dep_ in ("acl", "relcl"):
                end = sentence.end - 1
            if after <= end:
                return [(doc[after].idx, doc[end].idx + len(doc[end].text))]
            return None
        clauses = [c for c in cue.children if c.dep_ in _CLAUSES]
        if clauses:
            spans = [subtree_span(c) for c in sorted(clauses, key=lambda c: c.i)]
            if any(c.dep_ == "auxpass" for c in cue.children):
                # "the situation is thought to have deteriorated": the subject is content too.
                subjects = [c for c in cue.children if c.dep_ == "nsubjpass"]
                spans = [subtree_span(s) for s in subjects] + spans
            return spans
        if lemma in _OBJECT_CONTENT:
            objects = [c for c in cue.children if c.dep_ == "dobj"]
            if objects:
                return [subtree_span(objects[0])]
        if lemma in NEEDS_CLAUSE and lemma not in ("tell", "add", "write", "note"):
            return None
        inverted = self._inverted_content(cue)
        if inverted:
            return inverted
        return self._previous_quote(cue, sentence)

    def _inverted_content(self, cue: Token) -> list[Span] | None:
        """'Prices will rise, the minister said': the cue hangs off the content verb."""
        head = cue.head
        if cue.dep_ not in ("parataxis", "ccomp", "advcl", "conj") or head.i >= cue.i:
            return None
        if not any(t.is_punct for t in cue.doc[head.i : cue.i]):
            return None
        left = cue.left_edge.i
        return [subtree_span(head, stop_before=left)]

    def _previous_quote(self, cue: Token, sentence: SpacySpan) -> list[Span] | None:
        """'"We will win." he said.': a bare cue after a quoted sentence."""
        if sentence.start == 0 or len([t for t in sentence if not t.is_punct]) > 6:
            return None
        previous = cue.doc[sentence.start - 1].sent
        stripped = previous.text.strip()
        if stripped and stripped[0] in OPENING_QUOTES:
            return [(previous.start_char, previous.end_char)]
        return None

    # -- source ------------------------------------------------------------------------

    def _source(self, cue: Token, content: list[Span]) -> Span | None:
        doc = cue.doc
        passive = any(c.dep_ == "auxpass" for c in cue.children)
        if passive:
            for child in cue.children:
                if child.dep_ == "agent":
                    objects = [c for c in child.children if c.dep_ == "pobj"]
                    if objects:
                        return subtree_span(objects[0])
            return None
        for child in cue.children:
            if child.dep_ in _SUBJECTS and child.lower_ not in _EXPLETIVES:
                span = subtree_span(child)
                if not any(span[0] < c[1] and c[0] < span[1] for c in content):
                    return span
                return (doc[child.i].idx, doc[child.i].idx + len(child.text))
        if cue.dep_ == "conj":
            # "He denied the report and said ...": the subject is shared.
            for child in cue.head.children:
                if child.dep_ in _SUBJECTS:
                    return subtree_span(child)
        if cue.dep_ in ("acl", "relcl"):
            return self._noun_phrase_before(cue)
        return None

    def _noun_phrase_before(self, cue: Token) -> Span | None:
        """A misparsed cue hanging off a noun: climb to the subject noun phrase."""
        node = cue.head
        while node.dep_ in ("pobj", "prep", "compound", "amod") and node.head is not node:
            node = node.head
        if node.pos_ not in ("NOUN", "PROPN", "PRON") or node.i >= cue.i:
            return None
        return subtree_span(node, stop_before=cue.i)

    # -- according to ------------------------------------------------------------------

    def _according_to(self, token: Token, sentence: SpacySpan) -> AttributionSpans | None:
        doc = token.doc
        to = doc[token.i + 1]
        if to.lower_ != "to":
            return None
        objects = [c for c in to.children if c.dep_ == "pobj"]
        if not objects:
            return None
        source = subtree_span(objects[0])
        phrase_end = objects[0].right_edge.i
        text = doc.text
        before = (sentence.start_char, token.idx)
        after = (doc[phrase_end].idx + len(doc[phrase_end].text), sentence.end_char)
        content = [trim(text, s) for s in (before, after)]
        content = [s for s in content if s[1] - s[0] > 1 and any(c.isalpha() for c in text[s[0] : s[1]])]
        if not content:
            return None
        return AttributionSpans(
            cue=[(token.idx, to.idx + len(to.text))],
            content=content,
            source=[trim(text, source)],
        )
