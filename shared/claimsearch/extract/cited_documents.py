"""Documents a claim is attributed to ("a report released by the Brookings Institution",
"the email"), and who made them."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from claimsearch.claimants.descriptions import DOCUMENT_NOUNS, PUBLICATION_NOUNS
from claimsearch.extract.noun_phrases import SUBJECTS, token_end, within
from claimsearch.model import Span

# Participles whose agent made the document ("a report released | by the Brookings
# Institution", "a complaint filed by the SEC"); not those whose agent only holds, quotes or
# passes it on ("a letter obtained by The Associated Press", "exit polls reported by CNN").
_AUTHORING_LEMMAS = frozenset(
    "release publish issue file prepare compile conduct commission write produce author "
    "sponsor send unveil submit post draft".split()
)

# Correspondence and records are released by others than their writers ("The email, released
# by Judicial Watch", "emails published by WikiLeaks"): for them only these name the maker.
_CORRESPONDENCE = frozenset(
    "email emails letter letters memo memos message messages cable cables record records "
    "document documents transcript transcripts tweet tweets".split()
)

_WRITING_LEMMAS = frozenset("write send draft author sign file submit prepare compile".split())


def definite_and_bare(noun: Token) -> bool:
    """ "the head", "this new report": a noun after "the", "this" or "that" with nothing of its
    own but determiners and adjectives (not "the Quinnipiac poll", "the head of NK Watch")."""
    modifiers = list(noun.children)
    definite = any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in modifiers)
    return definite and all(c.dep_ in ("det", "amod") for c in modifiers)


def refers_back(document: Token) -> bool:
    """ "The poll", "this report", "the new survey": one document referred to by its noun
    alone; not a plural, nor a noun with words of its own ("the Quinnipiac poll" names itself)."""
    return definite_and_bare(document) and document.tag_ in ("NN", "NNP")


def same_document_before(document: Token) -> Token | None:
    """The last word before `document` that is the same noun, as a document of its own."""
    for token in reversed(document.doc[: document.left_edge.i]):
        if token.lower_ == document.lower_ and token.pos_ in ("NOUN", "PROPN") and not _inside_a_name(token):
            return token
    return None


def _inside_a_name(token: Token) -> bool:
    """A noun that only modifies another ("poll numbers") or ends a phrase inside a longer
    name ("the Potsdam Institute for Climate Impact | Research"): no document of its own."""
    if token.dep_ == "compound":
        return True
    if not token.ent_type_:
        return False
    start = token.i
    while token.doc[start].ent_iob_ == "I":
        start -= 1
    return start < token.left_edge.i


def authors_by(document: Token) -> Iterator[Token]:
    """The prepositions naming a document's authors: its own "by" or "from", then the "by"
    of a participle that made it, with a time or place between ("released Friday by")."""
    for prep in document.children:
        if prep.dep_ == "prep" and prep.lower_ in ("by", "from"):
            yield prep
    lemmas = _WRITING_LEMMAS if document.lower_ in _CORRESPONDENCE else _AUTHORING_LEMMAS
    for made in document.children:
        if made.dep_ == "acl" and made.tag_ == "VBN" and made.lemma_.lower() in lemmas:
            yield from (c for c in made.children if c.dep_ == "agent")


def a_document(noun: Token) -> bool:
    """A singular subject "it" may stand for that is a document ("The report was released on
    Monday. It found ...")."""
    return noun.tag_ == "NN" and noun.lower_ in DOCUMENT_NOUNS and noun.lower_ not in PUBLICATION_NOUNS


def document_sent_before(pronoun: Token, reported: tuple[Span, ...]) -> Token | None:
    """'The city sent a cease-and-desist letter Thursday. | It says ...': the document that is
    the object of the sentence before's main verb, for an "it" that is its own sentence's
    main subject, when no subject there can be an "it" (the caller looks for one first)."""
    if pronoun.sent.start == 0 or pronoun.dep_ not in SUBJECTS or pronoun.head != pronoun.sent.root:
        return None
    root = pronoun.doc[pronoun.sent.start - 1].sent.root
    return next(
        (
            t
            for t in root.children
            if t.dep_ == "dobj" and a_document(t) and not within((t.idx, token_end(t)), reported)
        ),
        None,
    )
