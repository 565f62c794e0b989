"""The reporting-cue lexicon: which words introduce a claim, and of what kind.

A lexicon is the right tool here: reporting verbs are a small closed class, and
the class of a cue ("found" vs "believes" vs "denied") is what users filter on.
"""

from __future__ import annotations

from claimsearch.model import CueClass

# lemma -> cue class. Multi-word cues are keyed by their lemmas joined by a space.
CUE_CLASS_BY_LEMMA: dict[str, CueClass] = {}


def _add(cue_class: CueClass, lemmas: str) -> None:
    for lemma in lemmas.split(","):
        CUE_CLASS_BY_LEMMA[lemma.strip()] = cue_class


_add(
    "say",
    "say, tell, add, state, explain, note, write, report, announce, declare, remark, reply,"
    " respond, comment, describe, reveal, disclose, confirm, acknowledge, admit, concede,"
    " testify, recall, tweet, post, predict, warn, stress, emphasise, emphasize, ask,"
    " according to, accord to, point out, caution, inform, brief, mention, observe, announce, quip,"
    " joke, boast, complain, lament, concede, signal, indicate, highlight, suggest",
)
_add("claim", "claim, assert, maintain, contend, insist, argue, allow, swear")
_add("find", "find, show, conclude, discover, determine, establish, estimate, document, prove")
_add(
    "believe",
    "believe, think, feel, consider, fear, hope, expect, doubt, suspect, worry, reckon, assume,"
    " know, understand, see, view, wonder, agree, guess",
)
_add("allege", "allege, accuse, charge, blame, criticise, criticize, condemn, attack")
_add(
    "call_for",
    "call for, call on, urge, demand, appeal, press, recommend, propose, request, plead",
)
_add("deny", "deny, reject, dispute, refute, dismiss, rebut, contest, disagree")
_add("other", "threaten, pledge, vow, promise, question, praise")

# Verbs that report speech only with a clausal complement ("see that ...", "know that ...");
# on their own ("I see the house") they are not cues.
NEEDS_CLAUSE = frozenset(
    "see, view, know, understand, feel, find, show, add, note, write, post, report, signal,"
    " indicate, highlight, suggest, expect, hope, fear, worry, think, consider, doubt, guess,"
    " agree, allow, question, praise, attack, condemn, criticise, criticize, press, request,"
    " establish, prove, document, observe, recall, ask, remark, describe, warn, tell".replace(" ", "").split(
        ","
    )
)


def cue_class_for(lemma: str) -> CueClass | None:
    """The class of a cue lemma, or None when the lemma is not a reporting cue."""
    return CUE_CLASS_BY_LEMMA.get(lemma.lower())
