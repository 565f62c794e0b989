"""What an article calls a person besides their name, and whom "the ..." stands for.

News writing introduces a person with a title or a description ("Vermont Sen. Bernie
Sanders", "Republican presidential candidate Donald Trump", "Loretta Lynch, the attorney
general,") and goes on with the description alone: "the Vermont senator said ...". A claim
filed under "the Vermont senator" is not found by a search for Sanders, so a definite
description takes the person the article has described with every word of it: its noun and
each of its modifiers ("the former president" is not President Obama where Bill Clinton is
"former President Bill Clinton"), the nearest such person named before it. A bare noun
("the nominee") fits several people as often as one, so it takes a person only when they
were named a few sentences before. A description that no person fits, or that only some
words of fit ("the embattled senator"), stays a description.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable

from spacy.tokens import Doc, Token

from claimsearch.claimants.descriptions import SPELLED_OUT
from claimsearch.extract.text_spans import tokens_in
from claimsearch.model import EntityMention, Span

# Modifiers of a description's noun that a person's description must hold too.
_MODIFIERS = frozenset({"compound", "amod", "nmod"})
# Words that end the words before a name that describe it ("said Republican candidate X").
_STOPS = frozenset({"VERB", "AUX", "PRON", "SCONJ", "CCONJ", "ADP", "NUM"})
_MAX_WORDS_BEFORE = 8
# How far back a bare noun ("the judge") looks for the one person it fits, as "he" does.
_BARE_NOUN_SENTENCES = 5


def _word(token: Token) -> str:
    word = (token.lemma_ or token.text).lower().rstrip(".")
    return SPELLED_OUT.get(word, word)


class PersonDescriptions:
    """The words each person of an article is described with, around their named mentions."""

    def __init__(self, doc: Doc, entities: Iterable[EntityMention]) -> None:
        self._named: list[tuple[Span, str]] = []  # each named mention of a person, and whom
        # canonical name -> the words describing them, each with where it stands
        self._words: dict[str, list[tuple[int, str]]] = {}
        for entity in entities:
            if entity.type != "person":
                continue
            tokens = tokens_in(doc, entity.span)
            if tokens:
                self._named.append((entity.span, entity.canonical))
                self._words.setdefault(entity.canonical, []).extend(_words_around(tokens))
        self._named.sort()
        self._sentence_starts = [sentence.start_char for sentence in doc.sents]

    def described(self, noun: Token, fits: Callable[[str], bool]) -> tuple[str, Span] | None:
        """The canonical name of the person whom the article describes with `noun` and its
        modifiers ("the Vermont senator"), and where they were named last before it. A bare
        noun ("the nominee", "the judge") fits several people as often as one: it takes the
        person only if they were named in the few sentences before it. `fits` tells whether a
        person could be meant at all (the resolver's genders: "the candidate discusses ...
        lessons from her mother" is no man). None if no one."""
        wanted = _description_words(noun)
        before, after = noun.left_edge.idx, noun.right_edge.idx + len(noun.right_edge)
        for span, name in reversed(self._named):
            if span[1] > before or not fits(name):
                continue
            # Not by the description's own words: the parser reads "hosts Joe Scarborough and
            # Mika Brzezinski, | the Democratic presidential candidate | stated" as her apposition.
            words = {word for at, word in self._words[name] if not before <= at < after}
            if not wanted <= words:
                continue
            if (
                len(wanted) == 1
                and self._sentence_of(before) - self._sentence_of(span[0]) > _BARE_NOUN_SENTENCES
            ):
                return None
            return name, span
        return None

    def _sentence_of(self, position: int) -> int:
        return bisect_right(self._sentence_starts, position) - 1


def _description_words(noun: Token) -> set[str]:
    """The noun and its modifiers ("Vermont", "former"), and the names in its "of" phrase
    ("the secretary of State" holds "state" only as a name would)."""
    return {_word(t) for t in _phrase(noun, names_after_of=True)}


def _words_around(name: list[Token]) -> list[tuple[int, str]]:
    """The words describing a named mention, with where each stands: those just before it in
    its noun phrase ("former Secretary of State | Hillary Clinton") and its apposition either
    way ("Loretta Lynch, | the attorney general", "the Vermont senator, | Bernie Sanders")."""
    doc = name[0].doc
    words: list[tuple[int, str]] = []
    i = name[0].i - 1
    start = name[0].sent.start
    while i >= start and name[0].i - i <= _MAX_WORDS_BEFORE:
        token = doc[i]
        if (token.pos_ in _STOPS and token.lower_ != "of") or token.ent_type_ == "PERSON":
            break
        if token.is_punct and token.text != ".":
            break
        if not token.is_punct:
            words.append((token.idx, _word(token)))
        i -= 1
    root = max(name, key=lambda t: t.i)
    appositions = [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "appos":
        appositions.append(root.head)
    own = {t.i for t in name}
    for apposition in appositions:
        words += [(t.idx, _word(t)) for t in _phrase(apposition) if t.i not in own]
    return words


def _phrase(noun: Token, names_after_of: bool = False) -> list[Token]:
    """A noun with its modifiers and its "of" phrase: "the head of NK Watch" (of the "of"
    phrase only its proper nouns when `names_after_of`)."""
    tokens = [noun]
    for child in noun.children:
        if child.dep_ in _MODIFIERS:
            tokens += [t for t in child.subtree if not t.is_punct]
        elif child.dep_ == "prep" and child.lower_ == "of":
            tokens += [
                t for t in child.subtree if not t.is_punct and (t.pos_ == "PROPN" or not names_after_of)
            ]
    return tokens
