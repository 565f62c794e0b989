"""Repairs of a source: edges completed or cut, a missing source filled, a source that
names no reporter dropped, from the parse (chosen on the held-out slice; see `finder`)."""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from claimsearch.extract.cues import cue_class_for
from claimsearch.extract.repair.parse import (
    MAX_COMPLETION_TOKENS,
    joins_a_word,
    one_part_cue,
    overlap,
    token_indices,
    words_of,
)
from claimsearch.extract.spans import AttributionSpans
from claimsearch.extract.text_spans import SpanIndex, trim


def sources_cut_before_reports(doc: Doc, found: list[AttributionSpans]) -> list[AttributionSpans]:
    """'Army Capt. Christian Pardo, who said he would not vote for either' -> 'Army Capt.
    Christian Pardo': a source stops before a relative clause whose verb is the cue of
    another attribution found in the text, when that cue is a reporting word of the
    lexicon. PolNeAR train gold outside the slice: a source before a relative clause
    holding another attribution's cue takes the clause in 1 time of 122 (with a lexicon cue
    as the clause's verb, 0 of 46). The lexicon keeps the model's own non-reports ("Lindsey
    Graham, who has endorsed Cruz ...") from cutting a source that PolNeAR keeps whole."""
    cued = [n for n, a in enumerate(found) if a.cue and a.content]
    index = SpanIndex([found[n].cue[0] for n in cued])
    cut = []
    for a in found:
        reports = [found[cued[i]] for i in index.around(a.source[0])] if len(a.source) == 1 else []
        at = _report_clause_start(doc, a, reports) if reports else None
        source = trim(doc.text, (a.source[0][0], at)) if at is not None else None
        cut.append(replace(a, source=[source]) if source is not None and source[0] < source[1] else a)
    return cut


# The relative words that open a clause about the source's person or body as its subject.
_RELATIVE_SUBJECTS = frozenset({"who", "which"})


def _report_clause_start(doc: Doc, a: AttributionSpans, reports: list[AttributionSpans]) -> int | None:
    """The comma before the first relative clause in `a`'s source whose verb is a
    reporting cue of another of `reports` (attributions with a content whose cue is near
    the source), if any."""
    start, end = a.source[0]
    openers = [
        word
        for word in words_of(doc, a.source)
        if word.lower_ in _RELATIVE_SUBJECTS
        and word.dep_ in ("nsubj", "nsubjpass")
        and word.i > 0
        and doc[word.i - 1].text == ","
    ]
    if not openers:
        return None
    reporting: set[int] = set()  # the tokens of the reporting cues inside the source
    for other in reports:
        if other is not a and start <= other.cue[0][0] < end:
            cue = token_indices(doc, other.cue)
            if any(cue_class_for(doc[i].lemma_) for i in cue):
                reporting |= cue
    return min((doc[word.i - 1].idx for word in openers if word.head.i in reporting), default=None)


def passive_subject_dropped(doc: Doc, found: AttributionSpans) -> AttributionSpans:
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
            if overlap(found.source, [span]):
                return replace(found, source=[])
    return found


# Dependencies inside a noun phrase, pointing right to the word they modify: a source
# ending on one stops inside its phrase ("Republican pollster Daron | Shaw", "Sen. Susan
# | Collins": the uncased encoder does not see where a name ends).
_NOUN_PHRASE_INNER = frozenset({"compound", "amod", "det", "nummod", "nmod", "poss", "quantmod"})


def source_phrase_completed(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    """'Republican pollster Daron' -> '... Daron Shaw': a one-part source whose last word
    modifies a word at most three further on runs to that word (and on up the phrase),
    within the sentence, unless punctuation, the cue or the content comes between."""
    words = _source_words(doc, found)
    if len(found.source) != 1 or not words:
        return found
    end = node = words[-1]
    while node.dep_ in _NOUN_PHRASE_INNER and node.i < node.head.i <= end.i + MAX_COMPLETION_TOKENS:
        node = node.head
    following = doc[end.i + 1 : node.i + 1]
    if not len(following) or following[-1].sent.start != end.sent.start:
        return found
    taken = token_indices(doc, found.cue + found.content)
    if any(t.is_punct or t.is_space or t.i in taken for t in following):
        return found
    return replace(found, source=[(found.source[0][0], following.end_char)])


def source_members_completed(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    """'three recent polls' -> 'three recent polls, including one from Monmouth University
    released Thursday': a one-part source followed by ", including ..." or ", such as ..."
    that hangs from it runs to that phrase's end, within the sentence, unless the cue or
    the content comes first. PolNeAR train: of 39 gold sources met by ", including", 35 run
    on over it."""
    words = _source_words(doc, found)
    if len(found.source) != 1 or not words or words[-1].i + 2 >= len(doc):
        return found
    comma, member = doc[words[-1].i + 1], doc[words[-1].i + 2]
    inside = {t.i for t in words}
    if comma.text != "," or member.lower_ not in _MEMBERS:
        return found
    if member.lower_ == "such":
        # spaCy hangs "such" from "as", and "as" from the noun the members belong to
        member = doc[member.i + 1] if member.i + 1 < len(doc) else member
        if member.lower_ != "as":
            return found
    if member.head.i not in inside:
        return found
    right = member.head.right_edge  # "polls, including one from ... | released Thursday"
    while right.i > member.i and (right.is_punct or right.is_space):
        right = doc[right.i - 1]
    taken = token_indices(doc, found.cue + found.content)
    if right.sent.start != member.sent.start or any(comma.i <= i <= right.i for i in taken):
        return found
    return replace(found, source=[(found.source[0][0], right.idx + len(right.text))])


# Words that open a list of a source's members ("50 experts, including ...").
_MEMBERS = frozenset({"including", "such"})


# How far a source may run on to finish the phrase it stops inside.
MAX_SOURCE_COMPLETION_TOKENS = 30


def source_clause_completed(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    """'A woman who has accused former President Bill Clinton' -> '... Clinton of rape',
    'disclosures filed' -> '... filed on Sunday night', 'Lindsey Graham, who' -> '...,
    who has endorsed Cruz ...': a one-part source whose last word lies inside a phrase
    hanging from the source's head runs to that phrase's end, within the sentence,
    unless punctuation, the cue or the content comes between."""
    words = _source_words(doc, found)
    if len(found.source) != 1 or len(words) < 2:
        return found
    inside = {t.i for t in words}
    heads = {t.i for t in words if t.head.i not in inside or t.head.i == t.i}
    node = words[-1]
    while node.head.i not in heads:
        if node.head.i == node.i:
            return found  # the last word does not hang from the source's head
        node = node.head
    if node.i in heads:
        return found
    end = words[-1]
    following = doc[end.i + 1 : node.right_edge.i + 1]
    while len(following) and (following[-1].is_punct or following[-1].is_space):
        following = following[:-1]
    if not len(following) or len(following) > MAX_SOURCE_COMPLETION_TOKENS:
        return found
    if following[-1].sent.start != end.sent.start:
        return found
    taken = token_indices(doc, found.cue + found.content)
    if any((t.is_punct and not joins_a_word(t)) or t.is_space or t.i in taken for t in following):
        return found
    return replace(found, source=[(found.source[0][0], following.end_char)])


# How words that belong to the cue's verb attach to it when the model runs a source
# over them ("Hillary Clinton on Tuesday | said", "Fields later | tweeted", "A judge
# last month | ordered"); a bare noun only when it is a time (a misparse made "which
# has endorsed Sanders, | said" hang "Sanders" from "said").
_VERB_ADJUNCTS = frozenset({"prep", "advmod"})


_TIMES = frozenset({"DATE", "TIME"})


def _verb_adjunct(token: Token, cue: set[int]) -> bool:
    if token.head.i not in cue:
        return False
    return token.dep_ in _VERB_ADJUNCTS or (token.dep_ == "npadvmod" and token.ent_type_ in _TIMES)


def source_adjunct_cut(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    """'Hillary Clinton on Tuesday' -> 'Hillary Clinton': words at a source's end that
    modify the cue's verb (a time, a place, a manner) are not who reports."""
    words = _source_words(doc, found)
    if len(found.source) != 1 or len(words) < 2:
        return found
    cue = token_indices(doc, found.cue)
    adjuncts = [t for t in words[1:] if _verb_adjunct(t, cue)]
    if not adjuncts:
        return found
    cut = min(t.left_edge.i for t in adjuncts)
    covered = {d.i for t in adjuncts for d in t.subtree}
    kept = [t for t in words if t.i < cut]
    if not kept or cut <= words[0].i or any(t.i not in covered for t in words if t.i >= cut):
        return found
    return replace(found, source=[(found.source[0][0], kept[-1].idx + len(kept[-1].text))])


_RELATIVE_TAGS = frozenset({"WP", "WDT"})


def source_lead_cut(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    """'Monday's presidential debate Politifact | did a fact-check on' -> 'Politifact',
    'CHICAGO - Rahm Emanuel' -> 'Rahm Emanuel', 'the Trump who | questions' -> 'who':
    words before the cue verb's subject that are not part of it are not who reports.
    Only where the two phrases are plainly apart: punctuation between them, a relative
    word on either side, or a common noun before a proper one ("Texas Sen. | Ted Cruz"
    is one name that the parse split)."""
    words = words_of(doc, found.source)
    if len(found.source) != 1 or len(words) < 2:
        return found
    cue = token_indices(doc, found.cue)
    subject = next((t for t in words if t.dep_ == "nsubj" and t.head.i in cue), None)
    if subject is None or subject.left_edge.i <= words[0].i:
        return found
    start = subject.left_edge
    before = doc[start.i - 1]
    relative = subject.tag_ in _RELATIVE_TAGS or before.tag_ in _RELATIVE_TAGS
    if not (before.is_punct or relative or (before.pos_ == "NOUN" and subject.pos_ == "PROPN")):
        return found
    return replace(found, source=[(start.idx, found.source[0][1])])


def source_tail_cut(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    """'Ben Carson, speaking with The Des Moines Register' -> 'Ben Carson': a participle
    after a comma inside a source says what the source was doing, not who it is."""
    words = _source_words(doc, found)
    if len(found.source) != 1 or not words:
        return found
    for comma in doc[words[0].i + 1 : words[-1].i]:
        if comma.text == "," and doc[comma.i + 1].tag_ == "VBG":
            before = doc[comma.i - 1]
            return replace(found, source=[(found.source[0][0], before.idx + len(before.text))])
    return found


# Focusing adverbs that open a source ("Even Lindsey Graham", "Only one of the 25
# delegates"): PolNeAR's sources start after them.
_FOCUS_WORDS = frozenset({"even", "only", "also", "just"})


def source_focus_dropped(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    words = _source_words(doc, found)
    if len(found.source) != 1 or len(words) < 2:
        return found
    first = words[0]
    if first.lower_ not in _FOCUS_WORDS or first.pos_ != "ADV":
        return found
    return replace(found, source=[(words[1].idx, found.source[0][1])])


# How a verb without a subject of its own hangs from the verb whose subject it shares:
# "He joked, | saying ..." (advcl), "Cruz cast ... and | suggested ..." (conj), "by |
# filing ..." (pcomp, through its preposition), "was prompted | to say" (xcomp). Through
# an adverbial clause or a preposition only a present participle shares it, perfect or
# not ("Having announced ..., Judge Berman proceeded"): "Asked about ..., Clinton said" is
# Clinton being asked, by someone PolNeAR leaves unnamed.
_SHARED_SUBJECT = frozenset({"advcl", "conj", "pcomp", "xcomp"})


_PARTICIPLE_ONLY = frozenset({"advcl", "pcomp"})


# Subjects that are not who reports: relative and demonstrative words whose antecedent
# is a thing more often than a person, expletive "it" and "there" ("It is not clear").
_NOT_SOURCES = frozenset({"that", "which", "it", "this", "there", "what"})


MAX_SUBJECT_CLIMB = 3


def subject_as_source(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    """No source: the active subject of the cue's verb ("Cruz | cast ..."), or of the verb
    it hangs from ("He joked, | saying ..."); for a passive cue, the one its "by" names
    ("As | reported | by Western Journalism"), or the subject of a passive cue that holds
    a verb of its own ("Mr. Trump | was prompted to say"); a passive cue with neither
    names no reporter ("the situation | is thought | to have ..."). Cut before a comma
    that opens anything but an apposition ("Ted Cruz of Texas, who ..." -> "Ted Cruz of
    Texas"; "his campaign manager, Jeff Weaver" whole). Resolving a pronoun is the
    claimant resolver's job."""
    if found.source or not found.cue:
        return found
    cue = doc.char_span(found.cue[0][0], found.cue[-1][1], alignment_mode="expand")
    verbs = [t for t in cue or [] if t.pos_ in ("VERB", "AUX")]
    if not cue or not verbs:
        return found
    node = min(verbs, key=lambda t: len(list(t.ancestors)))  # the cue's head verb
    if any(c.dep_ in ("auxpass", "agent") for c in node.children):  # "was asked", "As reported by"
        subject = _passive_reporter(cue, node)
    else:
        subject = _active_subject(node)
    if subject is None or subject.lower_ in _NOT_SOURCES:
        return found
    words = list(subject.subtree)
    appositions = {a.left_edge.i for a in subject.children if a.dep_ == "appos"}
    for token in words:
        if token.i > subject.i and token.text == "," and token.i + 1 not in appositions:
            words = [w for w in words if w.i < token.i]
            break
    span = (words[0].idx, words[-1].idx + len(words[-1].text))
    if overlap([span], found.cue + found.content):
        return found
    return replace(found, source=[span])


def _active_subject(node: Token) -> Token | None:
    """The subject of the cue's head verb, or of the verb it hangs from (`_SHARED_SUBJECT`)."""
    subject = next((c for c in node.children if c.dep_ == "nsubj"), None)
    for _ in range(MAX_SUBJECT_CLIMB):
        if subject is not None:
            break
        dep = node.dep_
        if dep not in _SHARED_SUBJECT or (dep in _PARTICIPLE_ONLY and not _present_participle(node)):
            return None
        node = node.head.head if dep == "pcomp" else node.head
        if node.pos_ not in ("VERB", "AUX"):
            return None
        subject = next((c for c in node.children if c.dep_ == "nsubj"), None)
    return subject


def _present_participle(verb: Token) -> bool:
    """'saying', 'having said'."""
    return verb.tag_ == "VBG" or any(c.dep_ == "aux" and c.lower_ == "having" for c in verb.children)


def _passive_reporter(cue: Span, verb: Token) -> Token | None:
    """Who reports in a passive cue: its agent's object ("reported by | Western
    Journalism"; PolNeAR train outside the slice: 91 of the 105 passive cues with a "by"
    agent have it as their source, 12 the subject: "was delighted by ..."), else the
    subject when the cue holds a verb of its own after the passive one ("Mr. Trump | was
    prompted to say": 10 of 12), else no one (361 of the 476 left have no source)."""
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    if agent is not None:
        return next((c for c in agent.children if c.dep_ == "pobj"), None)
    if verb.lemma_.lower() in _PROSPECTIVE:
        return None
    if any(t.dep_ == "xcomp" and t.head == verb and t.pos_ == "VERB" and t.lemma_ != "be" for t in cue):
        return next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    return None


# Passives that say what the subject is to do, not that it reports: "The Fed | is expected
# to announce", "The Obama administration | is set to take sides" (PolNeAR train outside the
# slice: "expect" as a passive cue 68 times without a source, twice with its subject).
_PROSPECTIVE = frozenset({"expect", "set", "schedule", "slate", "poise", "suppose", "due"})


# Verbs that raise their subject ("Republicans appear | to be split", "the race itself
# has seemed | ..."): what follows is said of the subject, not by it. PolNeAR train: of the
# 179 cues made of such a verb alone (with auxiliaries, "to", "like", "it"), 4 have a source.
_RAISING = frozenset({"seem", "appear"})


_RAISING_COMPANIONS = frozenset({"AUX", "PART", "PRON", "ADP", "SCONJ", "ADV"})


def raising_cue_source_to_content(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    """'Republicans | appear | to be split' -> no source, 'Republicans | to be split': a cue
    that is a raising verb alone names no one who reports ("seemed to confirm", with a verb
    of its own, keeps its source), and the subject it raises is what is spoken of, which
    PolNeAR makes the content's first part (train outside the slice, such a subject where
    the attribution has no source: in the content 134 times, 109 of them as a part of its
    own, out 20, mostly an expletive "it", which is only dropped)."""
    words = words_of(doc, found.cue)
    if not found.source or not words or words[-1].lower_ == "to":
        return found  # "seemed to | blame ...": the model stopped before the cue's own verb
    raising = [t for t in words if t.lemma_.lower() in _RAISING and t.pos_ in ("VERB", "AUX")]
    if not raising or any(t not in raising and t.pos_ not in _RAISING_COMPANIONS for t in words):
        return found
    source = sorted(found.source)
    cue_start = found.cue[0][0]
    before_cue = source[-1][1] <= cue_start and bool(found.content) and min(found.content)[0] > cue_start
    expletive = [t.lower_ for t in words_of(doc, source)] == ["it"]
    if not before_cue or expletive:
        return replace(found, source=[])
    return replace(found, source=[], content=[*source, *found.content])


_ASKED_ATTACHMENTS = frozenset({"advcl", "relcl", "ROOT"})


def asked_participle_source_dropped(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    """'Asked about his claims, | Carson said ...' -> no source for "Asked": the participle
    names the one asked, not one who reports, and PolNeAR gives it no source (train outside
    the slice: 47 such cues without a source, 9 with one). spaCy hangs "when asked" from the
    name it follows ("Trump, when asked about ..., says": a relative clause) and a sentence
    that opens on "Asked" may have it as its root: the same participle (3 without, 0 with)."""
    if not found.source or (cue := one_part_cue(doc, found)) is None:
        return found
    verb = cue.root
    if verb.lemma_.lower() != "ask" or verb.tag_ != "VBN" or verb.dep_ not in _ASKED_ATTACHMENTS:
        return found
    if any(c.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass") for c in verb.children):
        return found
    return replace(found, source=[])


def cue_determiner_source_dropped(doc: Doc, found: AttributionSpans) -> AttributionSpans:
    """'The | declaration', 'two | starkly disparate views of': a source made only of the
    cue noun's determiners or numbers names no one."""
    words = words_of(doc, found.source)
    cue = token_indices(doc, found.cue)
    if words and all(t.head.i in cue and t.dep_ in ("det", "nummod", "quantmod") for t in words):
        return replace(found, source=[])
    return found


def _source_words(doc: Doc, found: AttributionSpans) -> list[Token]:
    """The source's words (no punctuation or space), from its first part to its last."""
    return words_of(doc, [(found.source[0][0], found.source[-1][1])]) if found.source else []
