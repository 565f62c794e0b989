"""A person's gender, where the words around the name give it ("Mr.", "the first lady",
"she" after it as its subject) or else the given name does."""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimsearch.claimants.given_names import given_name_gender
from claimsearch.claimants.names import FEMALE_PRONOUNS, MALE_PRONOUNS
from claimsearch.extract.persons import POSSESSIVE_MARKS, cached_name_key, is_full_name
from claimsearch.model import EntityMention, Span

# Words next to a name that tell a man from a woman (for "Mr. Clinton" among namesakes).
FEMALE_WORDS = frozenset(
    "mrs ms miss lady wife daughter mother sister widow girlfriend granddaughter grandmother aunt "
    "niece actress congresswoman chairwoman spokeswoman businesswoman queen princess woman girl".split()
)

MALE_WORDS = frozenset(
    "mr husband son father brother boyfriend grandson grandfather uncle nephew actor congressman "
    "spokesman businessman king prince man boy guy gentleman".split()
)


def person_genders(doc: Doc, entities: list[EntityMention]) -> dict[str, str]:
    """The gender of each person (by canonical name) where the article's cues agree, else
    where the given name tells (`given_names`).

    A short form's cue ("Mrs. Clinton") counts only where no one else in the article has
    that surname: otherwise which of them it names was a guess.
    """
    canonicals = {e.canonical for e in entities if e.type == "person"}
    surnames = Counter(cached_name_key(c).split()[-1] for c in canonicals if cached_name_key(c))
    seen: dict[str, set[str]] = {}
    for entity in entities:
        if entity.type != "person":
            continue
        full = is_full_name(entity.text)
        words = cached_name_key(entity.text).split()
        if not full and (not words or surnames[words[-1]] > 1):
            continue
        gender = gender_cue(doc, entity.span, pronouns=full)
        if gender:
            seen.setdefault(entity.canonical, set()).add(gender)
    genders = {name: found.pop() for name, found in seen.items() if len(found) == 1}
    # Where the article says nothing, the given name ("Michelle Obama"); where its cues
    # disagree, nothing.
    for canonical in canonicals - seen.keys():
        gender = given_name_gender(canonical)
        if gender:
            genders[canonical] = gender
    return genders


def gender_cue(doc: Doc, span: Span, pronouns: bool = True) -> str | None:
    """A person's gender where the words next to the name give it.

    "Mr." / "Mrs." / "Ms." before it, a word for a man or a woman in apposition ("the
    first lady, Michelle Obama", "daughter Chelsea Clinton"), or else the first "he" or
    "she" (his, her, ...) after it in its clause if it is the subject, with no other person
    named between ("Loretta E. Lynch said she was asked") and the verb's own object passed
    over ("Hillary Clinton accused him of sexism"). A person's gender counts only where
    all its cues agree. `pronouns=False` leaves out the last, weakest cue: enough to
    learn a full name's gender, not to choose between namesakes.
    """
    tokens = doc.char_span(span[0], span[1], alignment_mode="expand")
    if tokens is None or len(tokens) == 0:
        return None
    neighbours: list[Token] = []
    if tokens.start > 0:
        before = doc[tokens.start - 1]
        neighbours.append(before)
        if before.text == "," and tokens.start > 1:
            neighbours.append(doc[tokens.start - 2])
    neighbours += [c for c in tokens.root.children if c.dep_ == "appos" and not _relative_of(c, tokens)]
    for token in neighbours:
        word = token.text.rstrip(".").casefold()
        if word in FEMALE_WORDS:
            return "female"
        if word in MALE_WORDS:
            return "male"
    # Only after a subject: "her decision to meet with Bill Clinton on her plane" is not his.
    if not pronouns or tokens.root.dep_ not in ("nsubj", "nsubjpass"):
        return None
    # Within the clause the name is the subject of: in "After Hillary Clinton accused him of
    # sexism, he warned", "he" is another clause's subject.
    verb = tokens.root.head
    for token in doc[tokens.end : min(tokens.sent.end, verb.right_edge.i + 1)]:
        if token.ent_type_ == "PERSON":
            return None
        if token.head.i == verb.i and token.dep_ in _OBJECTS:
            continue  # "Hillary Clinton accused him": a verb's object is never its subject
        if _in_relative_clause(token, verb, tokens):
            continue  # "Donald J. Trump would campaign in Louisville, where she is a student"
        if token.dep_ == "poss" and token.head.dep_ == "appos" and token.head.head.i == tokens.root.i:
            continue  # "Michael Capellas, her counterpart at Compaq": the name is hers, not her
        if token.lower_ in MALE_PRONOUNS:
            return "male"
        if token.lower_ in FEMALE_PRONOUNS:
            return "female"
    return None


def _in_relative_clause(token: Token, verb: Token, name: SpacySpan) -> bool:
    """Whether `token` stands in a relative clause below `verb` that a relative word opens
    and that describes another noun than the name ("Donald J. Trump would campaign in
    Louisville, where she is a student"): its pronouns are that noun's people. The name's own
    ("Helen Aguirre Ferre, who ... her distaste") and one no relative word opens ("the first
    time she named") are the name's clause still."""
    while token.i != verb.i and token.head.i != token.i:
        if (
            token.dep_ == "relcl"
            and not name.start <= token.head.i < name.end
            and any(t.tag_ in _RELATIVE_TAGS for t in token.subtree if t.i < token.i)
        ):
            return True
        token = token.head
    return False


_RELATIVE_TAGS = frozenset({"WDT", "WP", "WP$", "WRB"})


def _relative_of(word: Token, name: SpacySpan) -> bool:
    """An apposition that is someone else kin to the name ("Dorothy Woods, whose husband",
    "Gov. Jack Dalrymple, his wife, Betsy", "Sanders’ son"): its owner is a pronoun or the
    name itself. "Patti Davis, Ronald Reagan's daughter" is Patti Davis."""
    doc = name.doc
    if word.i > name.end and doc[name.end].lower_ in POSSESSIVE_MARKS:
        return True  # "Sanders’ son": the parse hung "son" from "Sanders", the mark read as punctuation
    return any(c.dep_ == "poss" and (c.pos_ == "PRON" or c.lower_ == "whose") for c in word.children)


_OBJECTS = frozenset({"dobj", "dative", "iobj"})
