"""Where each word stands in the dependency parse relative to a cue: a role-head feature.

The role head tags a cue's source and content word by word from the encoder's states,
a distance bucket and a paragraph relation. Most of its errors are span edges (a
content one clause too long, a source cut inside its noun phrase), and the parse says
where the cue verb's subject and complement clause end. This module gives the head
that information as one category per word: the dependency of the cue head's child
under which the word hangs ("subject", "complement", ...), or that the word is an
ancestor of the cue, elsewhere in its sentence, or in another sentence. The head
learns how far to trust it; nothing here decides a span.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from spacy.tokens import Doc, Token

IntArray = NDArray[np.int64]

# One id per name, in this order (the embedding rows of a model trained with them).
RELATIONS = (
    "cue",
    "subject",
    "complement",  # ccomp: "said | that workers ..."
    "open-complement",  # xcomp: "refused | to discuss ..."
    "object",
    "preposition",  # prep / agent: "according | to ...", "was asked | by ..."
    "adverbial-clause",
    "conjunct",
    "punctuation",
    "modifier-clause",  # relcl / acl
    "parataxis",
    "other-child",
    "ancestor",  # the word governs the cue ("he said" inside a quotation's clause)
    "same-sentence",
    "other-sentence",
)
_ID = {name: i for i, name in enumerate(RELATIONS)}
_CHILD = {
    **dict.fromkeys(("nsubj", "nsubjpass", "csubj", "csubjpass", "expl"), _ID["subject"]),
    "ccomp": _ID["complement"],
    "xcomp": _ID["open-complement"],
    **dict.fromkeys(("dobj", "dative", "attr", "oprd", "obj", "iobj"), _ID["object"]),
    **dict.fromkeys(("prep", "agent"), _ID["preposition"]),
    "advcl": _ID["adverbial-clause"],
    **dict.fromkeys(("conj", "cc", "preconj"), _ID["conjunct"]),
    "punct": _ID["punctuation"],
    **dict.fromkeys(("relcl", "acl"), _ID["modifier-clause"]),
    "parataxis": _ID["parataxis"],
}
OTHER_SENTENCE = _ID["other-sentence"]


class ParseRelations:
    """The relations of one document's words (the tagger's word starts) to any cue."""

    def __init__(self, doc: Doc, word_start: IntArray) -> None:
        self.doc = doc
        starts = np.array([t.idx for t in doc], dtype=np.int64)
        # The token holding each word's first character (tagger words are never wider
        # than a token's start: both split at spaces and punctuation).
        self.word_token = np.maximum(np.searchsorted(starts, word_start, side="right") - 1, 0)

    def __call__(self, first_word: int, last_word: int) -> IntArray:
        """(W,) relation ids of every document word to the cue of words [first, last]."""
        doc = self.doc
        relations = np.full(len(self.word_token), OTHER_SENTENCE, dtype=np.int64)
        if not len(doc):
            return relations
        cue_tokens = sorted(set(self.word_token[first_word : last_word + 1].tolist()))
        head = _cue_head(doc, cue_tokens)
        sentence = head.sent
        by_token = np.full(len(doc), OTHER_SENTENCE, dtype=np.int64)
        by_token[sentence.start : sentence.end] = [_relation(t, head) for t in sentence]
        by_token[cue_tokens] = _ID["cue"]
        return by_token[self.word_token]


def _cue_head(doc: Doc, tokens: list[int]) -> Token:
    """The cue's token nearest the root of its sentence (the first of equals)."""

    def depth(token: Token) -> int:
        steps = 0
        while token.head.i != token.i and steps < 100:
            token, steps = token.head, steps + 1
        return steps

    return min((doc[i] for i in tokens), key=depth)


def _relation(token: Token, head: Token) -> int:
    if token.i == head.i:
        return _ID["cue"]
    child = token
    while child.head.i != child.i:
        if child.head.i == head.i:
            return _CHILD.get(child.dep_, _ID["other-child"])
        child = child.head
    # The walk reached the root without meeting the cue head: an ancestor, or elsewhere.
    ancestor = head
    while ancestor.head.i != ancestor.i:
        ancestor = ancestor.head
        if ancestor.i == token.i:
            return _ID["ancestor"]
    return _ID["same-sentence"]
