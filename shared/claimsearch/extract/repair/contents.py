"""Repairs of a content's edges, from the parse and from the other attributions of the
text (chosen on the held-out slice; see `finder`)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import replace

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimsearch.extract.medium import MEDIA_NOUNS
from claimsearch.extract.repair.parse import (
    MAX_COMPLETION_TOKENS,
    extent,
    joins_a_word,
    one_part_cue,
    overlap,
    token_indices,
)
from claimsearch.extract.spans import AttributionSpans
from claimsearch.extract.text_spans import SpanIndex, trim
from claimsearch.model import Span


def contents_cut_at_next_report(doc: Doc, found: list[AttributionSpans]) -> list[AttributionSpans]:
    """'... has "treated me so well." | He touted his victory ...' -> '... so well.': a
    content does not run into a later sentence that opens with another attribution's
    source and holds its cue (the model read past the quotation's end). Where that cue
    falls between two parts of the content, only when what is cut is the other's content
    ('... little girls." | Cruz says, | "That is ...'): a quotation resumed after an
    aside ('"... in the past," Obama said. He didn't suggest retaliation. "Our goal ...')
    stays whole."""
    openings = sorted(
        (sentence_start, n)
        for n, a in enumerate(found)
        if a.source and a.cue
        for sentence_start in [_sentence_start(doc, a.source[0][0])]
        if sentence_start is not None and a.source[0][0] - sentence_start <= 2
    )
    starts = [start for start, _ in openings]
    cut = []
    for a in found:
        if not a.content:
            cut.append(a)
            continue
        first, last = min(s for s, _ in a.content), max(e for _, e in a.content)
        at = next(
            (
                start
                for start, n in openings[bisect_right(starts, first) : bisect_left(starts, last)]
                if found[n] is not a and _runs_into(a, found[n], start, last)
            ),
            None,
        )
        if at is None:
            cut.append(a)
            continue
        content = [trim(doc.text, (s, min(e, at))) for s, e in a.content if s < at]
        content = [(s, e) for s, e in content if s < e]
        cut.append(replace(a, content=content) if content else a)
    return cut


def _runs_into(a: AttributionSpans, other: AttributionSpans, start: int, last: int) -> bool:
    """Whether `a`'s content, ending at `last`, runs into `other`, whose sentence opens at
    `start`: `other`'s cue lies in a part of `a`'s content, or in a gap between its parts
    while `a`'s content after `start` is `other`'s."""
    cue = other.cue[0][0]
    if not start < cue < last or any(s <= cue < e for s, e in a.cue):
        return False
    if any(s <= cue < e for s, e in a.content):
        return True
    return any(s < oe and os_ < e for s, e in a.content if e > start for os_, oe in other.content)


def parts_of_others_dropped(doc: Doc, found: list[AttributionSpans]) -> list[AttributionSpans]:
    """'"We will win," Clinton said. | "We have the votes," | Bush added.' -> Clinton's
    content loses Bush's quotation: a part of a content in several parts that lies mostly
    inside another attribution's content, whose cue is nearer to it (fewer sentences
    apart, then fewer characters), is that one's, not this one's. PolNeAR train gold: 4 of
    3,149 contents in several parts share a part with another attribution that neither
    holds; the held-out slice's predictions, 64 of 488 (the model and the repairs that
    join quotations hand one quotation to two neighbouring reports)."""
    owners = [n for n, b in enumerate(found) for _ in b.content]
    index = SpanIndex([part for b in found for part in b.content])
    kept = []
    for n, a in enumerate(found):
        if len(a.content) < 2 or not a.cue:
            kept.append(a)
            continue
        parts = [
            p
            for p in a.content
            if not any(_belongs_to(doc, p, a, found[m]) for m in {owners[i] for i in index.around(p)} - {n})
        ]
        kept.append(replace(a, content=parts) if parts and len(parts) < len(a.content) else a)
    return kept


def _belongs_to(doc: Doc, part: Span, a: AttributionSpans, b: AttributionSpans) -> bool:
    """Whether `part` of `a`'s content is `b`'s: mostly inside `b`'s content, neither
    attribution inside the other's content, and `b`'s cue nearer to it."""
    if not b.cue or not b.content or overlap(b.cue, a.content) or overlap(a.cue, b.content):
        return False
    shared = sum(max(0, min(part[1], e) - max(part[0], s)) for s, e in b.content)
    return 2 * shared > part[1] - part[0] and _distance(doc, b.cue, part) < _distance(doc, a.cue, part)


def _distance(doc: Doc, cue: list[Span], part: Span) -> tuple[int, int]:
    """How far a cue is from a content part: the sentences from one to the other (1 when
    they share one), then the characters between them."""
    chars = min(max(part[0] - e, s - part[1], 0) for s, e in cue)
    between = doc.char_span(min(part[0], cue[0][0]), max(part[1], cue[-1][1]), alignment_mode="expand")
    if between is None:
        return (1, chars)
    return (1 + sum(1 for token in between[1:] if token.is_sent_start), chars)


def own_parts_cut_from_content(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    """'which | he estimates | will not expire ...' -> 'which | will not expire ...': a
    content never holds its own cue or source (PolNeAR train gold: 1 of 19,832 contents
    overlaps either), so where the model ran one content over its cue and source (a
    relative pronoun before them), they are cut out and the content keeps its parts on
    both sides. Only a cue or source inside the content's extent; one at its edge is
    left for the edge repairs."""
    if not found.content:
        return found
    start, end = trim(doc.text, extent(found.content))
    # Not one a content part begins or ends inside ("was asked to | to name ..."): that is
    # an edge the cue and the content share, not a cue inside the content.
    inner = sorted(
        (s, e)
        for s, e in found.cue + found.source
        if start < s and e < end and not any(s < edge < e for part in found.content for edge in part)
    )
    if not inner:
        return found
    parts: list[Span] = []
    for s, e in sorted(found.content):
        at = s
        for cut_start, cut_end in inner:
            if cut_start < e and s < cut_end:
                parts.append((at, max(at, cut_start)))
                at = max(at, cut_end)
        parts.append((at, e))
    parts = [p for p in (trim(doc.text, p) for p in parts) if p[0] < p[1]]
    return replace(found, content=parts) if parts else found


def _sentence_start(doc: Doc, char: int) -> int | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0].sent.start_char if span is not None and len(span) else None


# Verbs whose object is the one addressed, not what is reported ("told POLITICO he
# planned ...", "asked Sanders whether ..."): PolNeAR's content starts at the clause.
_ADDRESSING = frozenset({"tell", "ask", "warn", "assure", "inform", "remind", "notify"})


def addressee_dropped(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    if not found.cue or not found.content:
        return found
    first = sorted(found.content)[0]
    opening = doc.char_span(first[0], first[1], alignment_mode="expand")
    cue = doc.char_span(found.cue[0][0], found.cue[-1][1], alignment_mode="expand")
    if opening is None or cue is None:
        return found
    for verb in cue:
        if verb.lemma_.lower() not in _ADDRESSING:
            continue
        for obj in (
            c for c in verb.children if c.dep_ in ("dobj", "dative") and c.left_edge.i == opening.start
        ):
            clause = next(
                (
                    c
                    for c in verb.children
                    if c.dep_ in ("ccomp", "xcomp") and obj.right_edge.i < c.left_edge.i < opening.end
                ),
                None,
            )
            if clause is not None:
                start = clause.left_edge.idx
                content = [(start, e) if (s, e) == first else (s, e) for s, e in found.content]
                return replace(found, content=content)
            # The addressee as a part of its own, the clause in the next ("told | voters |
            # that if Iran were a stock, ..."): the part goes.
            rest = sorted(found.content)[1:]
            if (
                rest
                and opening.end - 1 <= obj.right_edge.i
                and any(
                    c.dep_ in ("ccomp", "xcomp") and any(s <= c.left_edge.idx < e for s, e in rest)
                    for c in verb.children
                )
            ):
                return replace(found, content=rest)
    return found


def _content_tail(doc: Doc, found: AttributionSpans) -> tuple[Span, list[Token]]:
    """The content's last range and its words (no punctuation or space); no words if none."""
    if not found.content:
        return (0, 0), []
    last = sorted(found.content)[-1]
    tail = doc.char_span(last[0], last[1], alignment_mode="expand")
    return last, [t for t in tail or [] if not (t.is_punct or t.is_space)]


def phrase_completed(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    last, words = _content_tail(doc, found)
    if not words:
        return found
    end = words[-1]
    if end.head.i > end.i:  # a determiner, modifier or auxiliary of a word further on
        reach = end.head.i
    elif end.pos_ == "ADP" and (objects := [c for c in end.children if c.i > end.i]):
        reach = objects[-1].right_edge.i
    else:
        return found
    following = doc[end.i + 1 : reach + 1]
    if (
        len(following) > MAX_COMPLETION_TOKENS
        or following[-1].sent.start != end.sent.start
        or any(t.is_punct or t.is_space for t in following)
        or any(s <= following.start_char < e for s, e in found.cue + found.source)
    ):
        return found
    content = [(s, following.end_char) if (s, e) == last else (s, e) for s, e in found.content]
    return replace(found, content=content)


def according_to_within_sentence(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    """'... popular among Democrats. | An average of 81 percent approve, according to
    Gallup' -> the content starts at 'An average': what "according to" credits lies in its
    own sentence. PolNeAR train (outside the slice): 332 of 338 such contents do."""
    if " ".join(doc.text[s:e] for s, e in found.cue).lower() != "according to" or not found.content:
        return found
    cue = doc.char_span(found.cue[0][0], found.cue[0][1], alignment_mode="expand")
    if cue is None or not len(cue):
        return found
    start = cue.sent.start_char
    if min(s for s, _ in found.content) >= start:
        return found
    content = [trim(doc.text, (max(s, start), e)) for s, e in found.content if e > start]
    content = [(s, e) for s, e in content if s < e]
    return replace(found, content=content) if content else found


# What a front (below) may not hold: a second clause or a quotation makes its start unsure.
_FRONT_BREAKS = re.compile(r"[,;:()\[\]\"“”‘’–—]| - | -- ")
_FRONT_CONJUNCTIONS = frozenset({"and", "but", "so", "yet", "or"})


def parenthetical_front_joined(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    """'The goal, | he said, | is to forge a durable coalition': a source and cue set
    between commas inside the sentence they report, and the content the rest after them,
    take in the sentence's front before them as the content's first part ("The goal"),
    a leading "And", "But", "So" left out. PolNeAR train (outside the slice), contents
    after such an aside that do not open a quotation: 168 of 207 have the front from the
    sentence start, 23 a shorter one (a relative "which", a front of several phrases:
    not taken here), 16 none."""
    if not (found.cue and found.source and found.content):
        return found
    text = doc.text
    source_start, source_end = extent(found.source)
    cue_start, cue_end = extent(found.cue)
    first = min(found.content)
    if (
        text[source_end:cue_start].strip()
        or first[0] < source_start
        or not re.fullmatch(r",\s*", text[cue_end : first[0]])
        or text[first[0]] in "\"“‘'"
    ):
        return found
    comma = len(text[:source_start].rstrip()) - 1
    sentence = _sentence_start(doc, source_start)
    if comma < 0 or text[comma] != "," or sentence is None or sentence >= comma:
        return found
    front = trim(text, (sentence, comma))
    words = text[front[0] : front[1]].split(maxsplit=1)
    if words and words[0].lower() in _FRONT_CONJUNCTIONS:
        front = trim(text, (front[0] + len(words[0]), front[1]))
    if front[0] >= front[1] or _FRONT_BREAKS.search(text, front[0], front[1]):
        return found
    return replace(found, content=[front, *found.content])


def _verb_cue_before_content(doc: Doc, found: AttributionSpans) -> tuple[SpacySpan | None, set[int]]:
    """The cue, if it is one part headed by a verb and the content lies after that verb,
    with the content's tokens; (None, the tokens) otherwise."""
    cue = one_part_cue(doc, found)
    inside = token_indices(doc, found.content)
    if cue is None or not inside or cue.root.pos_ not in ("VERB", "AUX") or min(inside) <= cue.root.i:
        return None, inside
    return cue, inside


# Prepositions whose phrase on the cue verb says when it was said, whatever their object;
# and those that do with a date or time ("on Monday"), or say where ("in a statement").
_TIME_PREPOSITIONS = frozenset({"during", "before", "after", "until"})
_AT_PREPOSITIONS = frozenset({"in", "on", "at"})
_TIME_ENTITIES = frozenset({"DATE", "TIME"})


def time_of_cue_cut(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    """'announced | his support for the Ohio governor on Thursday night' -> '... governor':
    a content that ends in a phrase hung on the cue's verb (not on a word of the content)
    that says when or where it was said ends before it: that is not what was said.
    PolNeAR train (outside the slice), such a phrase ("in", "on", "at" a date, a time or a
    medium, a bare date, "during", "before", "after", "until") right after a content that
    follows its cue: 107 outside the content, 37 the content's last part."""
    cue, inside = _verb_cue_before_content(doc, found)
    if cue is None:
        return found
    verb = cue.root
    last = max(found.content)
    if max(inside) != max(token_indices(doc, [last])):
        return found
    end = max(inside)
    for token in doc[min(inside) + 1 : end + 1]:
        if token.head.i == verb.i and _time_phrase(token) and token.right_edge.i >= end:
            if token.idx <= last[0]:
                return found
            cut = trim(doc.text, (last[0], token.idx))
            if cut[0] >= cut[1]:
                return found
            return replace(found, content=[*(p for p in found.content if p != last), cut])
    return found


def _time_phrase(token: Token) -> bool:
    if token.dep_ == "npadvmod":
        return token.ent_type_ in _TIME_ENTITIES
    if token.dep_ != "prep" or any(c.dep_ == "conj" for c in token.children):  # "before, during and after"
        return False
    if token.lower_ in _TIME_PREPOSITIONS:
        return True
    objects = [c for c in token.children if c.dep_ == "pobj"]
    return token.lower_ in _AT_PREPOSITIONS and any(
        o.ent_type_ in _TIME_ENTITIES or o.lemma_.lower() in MEDIA_NOUNS for o in objects
    )


_RELATIVE_PRONOUNS = frozenset({"who", "whom", "which", "that"})
_RAISING_LEMMAS = frozenset({"seem", "appear"})


def relative_pronoun_joined(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    """'Romney, | who | is expected | to deliver a forceful indictment', 'NAFTA, | which |
    Trump had called | a "disaster"': a relative pronoun that is the subject of a passive
    or raising cue verb, or its object, stands for what the content is about, and PolNeAR
    makes it the content's first part. Train (outside the slice), such a pronoun before a
    content that follows its cue: subject of a passive or "seem", "appear" 31 in the
    content, 3 not; object 44 in, 5 not, but of "say" 4 and 3 (left alone), and "what"
    not at all ("what Gilbert called 'a perception problem'" is a noun phrase)."""
    cue, inside = _verb_cue_before_content(doc, found)
    if cue is None:
        return found
    verb = cue.root
    taken = inside | token_indices(doc, found.source) | {t.i for t in cue}
    for pronoun in verb.children:
        if pronoun.i >= verb.i or pronoun.i in taken or pronoun.lower_ not in _RELATIVE_PRONOUNS:
            continue
        subject = pronoun.dep_ == "nsubjpass" or (pronoun.dep_ == "nsubj" and verb.lemma_ in _RAISING_LEMMAS)
        if subject or (pronoun.dep_ == "dobj" and verb.lemma_ != "say"):
            return replace(found, content=[(pronoun.idx, pronoun.idx + len(pronoun.text)), *found.content])
    return found


def dangling_end_trimmed(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    """'... big banks and' -> '... big banks': a content does not end on a conjunction,
    a subordinator or a relative pronoun (the model ran one word into the next clause)."""
    last, words = _content_tail(doc, found)
    if len(words) < 3:
        return found
    end = words[-1]
    if not (end.pos_ in ("CCONJ", "SCONJ") or end.dep_ in ("cc", "mark") or end.tag_ in ("WDT", "WP")):
        return found
    before = words[-2]
    content = [(s, before.idx + len(before.text)) if (s, e) == last else (s, e) for s, e in found.content]
    return replace(found, content=content)


# What may follow where a content stops short of its constituent: after a punctuation
# mark, a conjunction or a subordinator PolNeAR's contents end about as often as they
# go on ("..., who ...", "... and says he ..."), so there the model's end is kept (but
# see `cut_phrase_completed` for a conjunct of a phrase begun inside the content).
_CLAUSE_LINKS = frozenset({"CCONJ", "SCONJ"})


def _holds_any(node: Token, taken: set[int]) -> bool:
    """Whether the node's subtree holds any of these tokens (the cue's or the source's)."""
    return any(node.left_edge.i <= i <= node.right_edge.i for i in taken)


def constituent_completed(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    """'a recent interview Sanders did with the editorial board' -> '... board of the New
    York Daily News': a content that opens a constituent of the parse (the widest subtree
    that starts at its first word and holds neither cue nor source) but stops inside it
    runs to the constituent's end, within the sentence. One-part contents only."""
    last, words = _content_tail(doc, found)
    if len(found.content) != 1 or not words or words[-1].i + 1 >= len(doc):
        return found
    first, end = words[0], words[-1]
    following = doc[end.i + 1]
    if following.is_space or following.pos_ in _CLAUSE_LINKS:
        return found
    if following.is_punct and not joins_a_word(following):
        return found
    taken = token_indices(doc, found.cue + found.source)
    node, widest = first, None
    while node.left_edge.i == first.i and not _holds_any(node, taken):
        widest = node
        if node.head.i == node.i:
            break
        node = node.head
    if widest is None:
        return found
    right = widest.right_edge
    while right.i > end.i and (right.is_punct or right.is_space):
        right = doc[right.i - 1]
    if right.i <= end.i or right.sent.start != first.sent.start:
        return found
    return replace(found, content=[(last[0], right.idx + len(right.text))])


def cut_phrase_completed(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    """'the police charged the officer with murder | and fired his chief' -> to the end: a
    content that stops inside a phrase that began within it runs to that phrase's end. The
    phrase: the widest ancestor of the content's last word whose subtree starts inside the
    content's last part and holds neither cue nor source; within the sentence, and only
    where no punctuation marks the model's end (after a comma or a dash PolNeAR's contents
    stop as often as they go on: "... in Salt Lake City, | where he has a home"). Over a
    conjunction it does go on: in train gold, contents run over a conjunct of their own
    phrase far more often than they stop before one."""
    last, words = _content_tail(doc, found)
    part = doc.char_span(last[0], last[1], alignment_mode="expand")
    if not words or part is None or (words[-1].i + 1 < len(doc) and doc[words[-1].i + 1].is_punct):
        return found
    end = words[-1]
    taken = token_indices(doc, found.cue + found.source)
    node, widest = end, None
    while node.head.i != node.i:
        node = node.head
        if node.left_edge.i < part.start or _holds_any(node, taken):
            break
        widest = node
    if widest is None:
        return found
    right = widest.right_edge
    while right.i > end.i and (right.is_punct or right.is_space or right.pos_ == "CCONJ"):
        right = doc[right.i - 1]
    if right.i <= end.i or right.sent.start != end.sent.start:
        return found
    content = [(s, right.idx + len(right.text)) if (s, e) == last else (s, e) for s, e in found.content]
    return replace(found, content=content)


# How far a quotation is followed from where a content ends, either way: PolNeAR
# paragraphs are shorter; the bound keeps a long text without line breaks linear.
MAX_QUOTATION_CHARS = 2_000


_OPENING, _CLOSING, _STRAIGHT = "“", "”", '"'


def quotation_completed(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    """'Carson is "losing strength because of questions about ... knowledge' -> '... knowledge.
    Some of his evangelical support appears to be moving to Cruz, especially in pivotal
    Iowa."': a content that stops inside a quotation runs to the quotation's close, in
    its paragraph, unless the cue or the source comes first."""
    if not found.content:
        return found
    text = doc.text
    parts = sorted(found.content)
    last = parts[-1]
    if not any(c.isalnum() for c in text[last[0] : last[1]]):
        return found
    # From the start of the line the content ends in (a quotation over several
    # paragraphs opens again in each), looking back no further than the bound.
    bound = max(0, last[1] - 1 - MAX_QUOTATION_CHARS)
    line = text.rfind("\n", bound, last[1] - 1) + 1 or bound
    if not _quotation_open(text, line, last[1]):
        return found
    close = None
    for i in range(last[1], min(len(text), last[1] + MAX_QUOTATION_CHARS)):
        if text[i] in (_CLOSING, _STRAIGHT):
            close = i
            break
        if text[i] in (_OPENING, "\n"):
            break
    if close is None or any(last[1] <= s < close for s, _ in found.cue + found.source):
        return found
    end = close
    while end > last[1] and text[end - 1].isspace():  # ' ... Iowa. "': a span ends on a character
        end -= 1
    if end == last[1]:
        return found
    return replace(found, content=[*parts[:-1], (last[0], end)])


def _quotation_open(text: str, start: int, end: int) -> bool:
    """Whether a double quotation mark opened in `text[start:end]` is still open at `end`."""
    opened = False
    for char in text[start:end]:
        if char == _OPENING:
            opened = True
        elif char == _CLOSING:
            opened = False
        elif char == _STRAIGHT:
            opened = not opened
    return opened


# '"...," | said Matt Mackowiak | , a Republican consultant | . | "Support was soft ..."':
# after the cue and source, the rest of the sentence (no quotation, no line break, short),
# then the opening mark of the next sentence, in the paragraph or the next one. '' is how
# some outlets print a double quote.
_RESUMED_AFTER = re.compile(r"[^.!?\n\"“”']{0,80}?[.!?][ \t]*\n?[ \t]*\n?[ \t]*(?<=\s)(“|\"|'')")
_CLOSES = {"“": "”", '"': '"', "''": "''"}
_PARAGRAPH_OPENING = re.compile(r"\n[ \t\n]*")
MAX_RESUMED_PARAGRAPHS = 5


def quotations_resumed(doc: Doc, found: list[AttributionSpans]) -> list[AttributionSpans]:
    """'"Carson is cratering," said Matt Mackowiak. | "Support was soft to begin with ..."':
    a quotation that its attribution interrupts at a sentence's end and that the next
    sentence resumes, in the paragraph or the next, is one content in two parts. Not when the
    resumed quotation ends on a comma (its own attribution follows: '"...," she added') or
    another attribution holds a part of it. PolNeAR train, gold contents of that shape whose
    resumed quotation no other attribution holds: 1,238 of 1,239 go on into it in the same
    paragraph, 20 of 21 into the next one (`training/measure_resumed_quotations.py`)."""
    text = doc.text
    held = [span for a in found for span in a.cue + a.source + a.content]
    index = SpanIndex(held)
    resumed = []
    for a in found:
        parts = _resumed_quotation(text, a)
        if parts:
            extent = (parts[0][0], parts[-1][1])
            if not any(overlap([extent], [held[i]]) for i in index.around(extent)):
                a = replace(a, content=[*a.content, *parts])
        resumed.append(a)
    return resumed


def _resumed_quotation(text: str, a: AttributionSpans, ends: str = ".!?") -> list[Span]:
    """The quotation resuming `a`'s content after its cue and source (a part per paragraph),
    if `a`'s content is a quotation that ends before them in the same sentence and what is
    resumed ends on one of `ends` (`training/measure_resumed_quotations.py` counts commas)."""
    if not a.content or not a.cue:
        return []
    first, last = min(s for s, _ in a.content), max(e for _, e in a.content)
    reported = a.cue + a.source
    if min(s for s, _ in reported) < last:
        return []
    if not _ends_a_quotation(text, first, last):
        return []
    end = max(e for _, e in reported)
    if "\n" in text[last:end]:
        return []
    match = _RESUMED_AFTER.match(text, end)
    if match is None:
        return []
    return _quotation_from(text, match.end(), match.group(1), ends)


def _quotation_from(text: str, start: int, mark: str, ends: str) -> list[Span]:
    """The quotation `mark` opens just before `start`, to its close, a part per paragraph (a
    quotation over several paragraphs opens again in each and closes only in the last); none
    where a paragraph of it does not end on one of `ends`."""
    parts: list[Span] = []
    for _ in range(MAX_RESUMED_PARAGRAPHS):
        line_end = text.find("\n", start, start + MAX_QUOTATION_CHARS)
        if line_end < 0:
            line_end = len(text) if len(text) - start <= MAX_QUOTATION_CHARS else -1
        close = text.find(_CLOSES[mark], start, line_end) if line_end >= 0 else -1
        said = text[start : close if close >= 0 else line_end].rstrip()
        if line_end < 0 or not said or said[-1] not in ends:
            return parts
        parts.append(trim(text, (start, start + len(said))))
        opening = _PARAGRAPH_OPENING.match(text, line_end)
        if close >= 0 or opening is None or not text.startswith(mark, opening.end()):
            return parts
        start = opening.end() + len(mark)
    return parts


def _ends_a_quotation(text: str, first: int, last: int) -> bool:
    """The content [first, last) ends a quotation that it opens: at its start ('"Carson is
    cratering,"') or inside it ("At private courses, members may pay more ''because they
    expect a certain level of service,''": PolNeAR train outside the slice, 27 of 27 such
    contents whose quotation resumes after the attribution go on into it)."""
    closed = text[max(0, last - 2) : last + 3]
    for opening, closing in _CLOSES.items():
        if closing not in closed:
            continue
        if opening in text[max(0, first - 3) : first + 2]:
            return True
        inside = text[first + 2 : max(first + 2, last - 2 - len(closing))]
        if opening in inside and (opening != closing or inside.count(opening) % 2 == 1):
            return True
    return False


def content_is_cue_subject(doc: Doc, found: AttributionSpans) -> bool:
    """Source and content swapped: the content, or a part of it, is the active subject of
    the cue verb ("Kim Jong-un sends ..., say | human rights activists": who says, not
    what)."""
    if not found.content or not found.cue:
        return False
    cue = doc.char_span(found.cue[0][0], found.cue[-1][1], alignment_mode="expand")
    if cue is None:
        return False
    parts = [trim(doc.text, span) for span in found.content]
    for verb in cue:
        # A relative pronoun ("which | showed ...") is the model's content reaching back
        # to the antecedent, not a swap: the rules would make "which" the source.
        for subject in (c for c in verb.children if c.dep_ == "nsubj" and c.tag_ not in ("WDT", "WP")):
            subject_span = (subject.left_edge.idx, subject.right_edge.idx + len(subject.right_edge.text))
            if any(subject_span[0] <= s and e <= subject_span[1] for s, e in parts):
                return True
    return False


def marks_past_a_break_cut(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    """A content run over a paragraph break only by marks (the quotation mark that opens the
    next paragraph: '... about David Duke?”\n\n“') ends before the break: it is no headline
    run into the text, which a span across a break otherwise is (`RepairedFinder`). Unless
    its quotation is still open there: then the mark opens it again, and the content goes on
    to its close ('... in the world.\n\n“I think groups ... complicated world.”')."""
    text = doc.text
    parts: list[Span] = []
    for start, end in found.content:
        cut = text.rfind("\n", start, end)
        if cut < 0 or any(ch.isalnum() for ch in text[cut:end]):
            parts.append((start, end))
            continue
        parts.append((start, start + len(text[start:cut].rstrip())))
        # The mark that opens the next paragraph, whole ('' where the model took one ').
        opening = _PARAGRAPH_OPENING.match(text, cut)
        after = opening.end() if opening else cut
        mark = next((m for m in ("''", "“", '"') if text.startswith(m, after)), None)
        paragraph = text[text.rfind("\n", 0, start) + 1 : cut]
        still_open = (
            paragraph.count("''") % 2 == 1 if mark == "''" else _quotation_open(paragraph, 0, len(paragraph))
        )
        if mark is not None and still_open:
            # A quotation over several paragraphs opens again in each: it goes on.
            parts += _quotation_from(text, after + len(mark), mark, ".!?")
    parts = [(s, e) for s, e in parts if e > s]
    if parts == found.content or not parts:
        return found
    return replace(found, content=parts)
