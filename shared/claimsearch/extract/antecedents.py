"""Who a relative word or a pronoun's clause stands for: a relative clause's antecedent
("Smith, who said"), the subject before a cue, the people asked a question."""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from claimsearch.extract.noun_phrases import SUBJECTS, depth, names_people, token_end, within
from claimsearch.model import Span

# Verbs of asking someone a question: the pronoun after one speaks for the person asked.
ASKING = frozenset({"ask", "press", "question", "quiz"})


def askers_in(sentence: SpacySpan) -> list[Span]:
    """Where a passive verb of asking names who asks: "Holt" of "When pressed by Holt"."""
    return [
        (pobj.left_edge.idx, token_end(pobj.right_edge))
        for verb in sentence
        if verb.lemma_.lower() in ASKING and verb.tag_ == "VBN"
        for agent in verb.children
        if agent.dep_ == "agent"
        for pobj in agent.children
        if pobj.dep_ == "pobj"
    ]


def subject_before(pronoun: Token, reported: tuple[Span, ...], fits: Callable[[Token], bool]) -> Token | None:
    """Who "they" or "it" stands for when a subject that `fits` names them before it: in its
    own sentence, the subject of a verb the pronoun depends on ("researchers say they need");
    else in the sentence before ("Bush campaign officials looked into ... They determined"),
    the one nearest that sentence's root. None inside what is reported (`reported`: the
    claims' contents so far, quotations of others: '"... the Paris attackers showed ..." But
    they leave out' is the editorial's writers)."""
    doc = pronoun.doc
    ancestors = {t.i for t in pronoun.ancestors}
    sentence = pronoun.sent
    for own in (True, False):
        found = [
            t
            for t in sentence
            if t.i < pronoun.i
            and t.dep_ in SUBJECTS
            and (not own or t.head.i in ancestors)
            and fits(t)
            and not within((t.idx, token_end(t)), reported)
        ]
        if found:
            return min(found, key=lambda t: (depth(t), t.i))
        if sentence.start == 0:
            return None
        sentence = doc[sentence.start - 1].sent
    return None


def antecedent_of(relative: Token, in_a_persons_name: Callable[[Token], bool]) -> Token | None:
    """The noun a relative clause's subject stands for: "Smith" in "Smith, who said"; also
    where the parser hangs it on an auxiliary ("Mr. Murdoch, who | is by all accounts
    enjoying") or on a second clause coordinated with the first ("Ted Cruz of Texas, who
    last year threatened ..., and who | has been hoping")."""
    clause, coordinated = relative.head, False
    while clause.dep_ in ("aux", "auxpass", "conj") and clause.head.i != clause.i:
        coordinated = coordinated or clause.dep_ == "conj"
        clause = clause.head
    if (
        relative.dep_ in SUBJECTS
        and clause.dep_ == "relcl"
        and clause.head.pos_ in ("NOUN", "PROPN")
        and clause.head.ent_type_ not in _NO_ANTECEDENTS
    ):
        noun = clause.head
        someone = noun.pos_ == "PROPN" or names_people(noun)
        if coordinated and relative.lower_ in ("who", "whom") and not someone:
            # "A president who authorized the raid that killed ... and who hoped": the
            # parser may join the clause to one inside the first; "who" is no raid.
            return None
        return noun if in_a_persons_name(noun) else _owner_of_place(noun, relative.lower_)
    return None


# Times and numbers the parse hangs a relative clause on are not who it stands for: "re-elect
# Sen. Rob Portman this year, who endorsed", "compared with 38% who support".
_TIMES = frozenset({"DATE", "TIME"})

_NO_ANTECEDENTS = _TIMES | {"PERCENT", "MONEY", "QUANTITY", "CARDINAL", "ORDINAL"}

# Names the parse hangs a relative clause on where it ends a phrase that describes someone
# else: the place or the employer of "a gynecologist from Englewood, New Jersey, who said",
# "a senior analyst at Jefferies, who notes", "the ACLU of Oregon, which released".
_PLACES = frozenset({"GPE", "LOC", "FAC"})

_EMPLOYERS = _PLACES | {"ORG"}


def _owner_of_place(noun: Token, relative: str) -> Token:
    """The noun a place (for "who", also a body) after a preposition belongs to, where the
    relative clause follows that place: "Alan Berger, a gynecologist from Englewood, New
    Jersey, who" -> "Alan Berger"; "Iowa, which said" stays "Iowa" (no preposition)."""
    if noun.ent_type_ not in (_EMPLOYERS if relative == "who" else _PLACES):
        return noun
    place = noun
    while place.dep_ == "appos" and place.head.ent_type_ in _PLACES:  # "Englewood, New Jersey"
        place = place.head
    preposition = place.head
    if place.dep_ != "pobj" or preposition.dep_ != "prep" or preposition.head.pos_ not in ("NOUN", "PROPN"):
        return noun
    owner = preposition.head
    if owner.dep_ == "appos" and owner.head.ent_type_ == "PERSON":  # "Alan Berger, a gynecologist"
        return owner.head
    return owner


def a_time(token: Token) -> bool:
    """A word NER reads as a date or time: no one, where the parser makes it a subject ("this
    past weekend in Hangzhou, China, Mr. Obama and Mr. Xi formally committed": the names are
    its conjuncts) or an owner ("Tuesday's results show")."""
    return token.ent_type_ in _TIMES
