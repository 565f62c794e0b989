"""Named entities of an article, with variants grouped under one canonical name.

People are written many ways in one article: "Donald J. Trump", "Mr. Trump", "Trump",
"Donald". Every person mention is tied to the fullest name the article gives, by the
rules a reader uses (`_People`): titles never start a name, middle initials make no
difference, a surname or a given name alone ("Trump", "Jong-un", "Hillary") joins the
full name it ends or starts, and people who share a surname ("Bill Clinton",
"Hillary Clinton", "Donald Trump Jr.") stay apart. Organisations and places only
group on an exact (normalised) match, since "Korea" is not "North Korea".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimsearch.claimants.bodies import is_body_taken_for_a_person
from claimsearch.claimants.given_names import given_name_gender
from claimsearch.claimants.names import (
    FEMALE_PRONOUNS,
    GENERATIONAL_SUFFIXES,
    MALE_PRONOUNS,
    TITLES,
    misspells,
    name_key,
    name_words,
)
from claimsearch.extract.text_spans import overlaps
from claimsearch.model import EntityMention, Span

ENTITY_TYPES = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}
# Marks before a name that are no part of it: quotes, dashes ("― Jacklyn Ashley", a
# letter's signature), markup left in a text ('">Sanders'), stray punctuation. "@", "#",
# "$" and "(" stay: "@POTUS" is a name as written.
LEADING_MARKS = re.compile(r"[\s\"“”'‘’«»\-–—―‒<>,;:.*•]+")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
# Titles written before a surname, never a name on their own: "Mr", "Sen".
HONORIFICS = frozenset(
    "mr mrs ms miss mx dr prof sir rev fr sen rep gov lt col gen sgt capt maj adm hon st".split()
)
# Words next to a name that tell a man from a woman (for "Mr. Clinton" among namesakes).
FEMALE_WORDS = frozenset(
    "mrs ms miss lady wife daughter mother sister widow girlfriend granddaughter grandmother aunt "
    "niece actress congresswoman chairwoman spokeswoman businesswoman queen princess woman girl".split()
)
MALE_WORDS = frozenset(
    "mr husband son father brother boyfriend grandson grandfather uncle nephew actor congressman "
    "spokesman businessman king prince man boy guy gentleman".split()
)
# Words NER glues to either end of a name that are not part of it: "the", "DuVernay’s
# ‘", "Obama Seeks" (a headline). A verb is only cut at the end: "Will" at the front may
# be a given name.
_LEADING_POS = frozenset({"DET", "PUNCT", "PART", "ADP", "CCONJ", "SCONJ"})
_TRAILING_POS = _LEADING_POS | {"VERB", "AUX"}


@lru_cache(maxsize=8192)
def _name_key(text: str) -> str:
    """`name_key`, remembered: an article writes each name many times and every
    grouping rule keys it again."""
    return name_key(text)


@lru_cache(maxsize=8192)
def _name_word_count(text: str) -> int:
    return len(name_words(text))


def _key(text: str) -> tuple[str, ...]:
    text = _LEADING_THE.sub("", text)
    return tuple(re.sub(r"[-‐–.]", " ", text).casefold().split())


@dataclass
class _Group:
    """Organisations and places: one group per exact key."""

    type: str
    key: tuple[str, ...]
    surfaces: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)

    def canonical(self) -> str:
        longest = [s for s in self.surfaces if len(_key(s)) == len(self.key)]
        return max(longest, key=lambda s: (self.surfaces[s], -longest.index(s)))


@dataclass(frozen=True)
class _Mention:
    text: str
    span: Span
    kind: str
    headline: bool  # in a title-case line, where NER glues words to names ("Rip Donald Trump")
    gender: str | None = None  # from the words around it: "Mr. Obama", "the first lady, Michelle Obama"

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(_name_key(self.text).split())

    @property
    def full(self) -> bool:
        return _is_full_name(self.text)


@dataclass
class _Person:
    surfaces: Counter[str] = field(default_factory=Counter)
    keys: set[tuple[str, ...]] = field(default_factory=set)
    written_in_full: list[int] = field(default_factory=list)  # where a full name of theirs starts
    genders: set[str] = field(default_factory=set)
    # Every run of trailing words of a key ("trump", "donald trump"): what a short form
    # is looked up in, once per person rather than key by key.
    endings: set[tuple[str, ...]] = field(default_factory=set)

    def add(self, text: str, position: int, full: bool, gender: str | None = None) -> None:
        self.surfaces[text] += 1
        key = tuple(_name_key(text).split())
        self.keys.add(key)
        self.endings.update(key[-count:] for count in range(1, len(key) + 1))
        if full:
            self.written_in_full.append(position)
        if gender:
            self.genders.add(gender)

    def canonical(self) -> str:
        """The fullest form ("Donald J. Trump" over "Donald Trump"), then the most frequent."""
        forms = list(self.surfaces)
        return max(forms, key=lambda s: (_name_word_count(s), self.surfaces[s], -forms.index(s)))

    def full_keys(self) -> list[tuple[str, ...]]:
        return [k for k in self.keys if len(k) >= 2]

    def gender(self) -> str | None:
        """By the article's words where they agree, else by the given name where it tells."""
        if self.genders:
            return next(iter(self.genders)) if len(self.genders) == 1 else None
        by_name = {given_name_gender(s) for s in self.surfaces if _is_full_name(s)} - {None}
        return by_name.pop() if len(by_name) == 1 else None


class _People:
    """The persons one article names, and the rules that tie a written name to one of them.

    `sentence_of` maps a character offset to its sentence number.
    """

    def __init__(self, sentence_of: Callable[[int], int]) -> None:
        self.persons: list[_Person] = []
        self.sentence_of = sentence_of

    def add_full(self, mention: _Mention) -> tuple[_Person, str]:
        """File a full name; returns its person and the part of the mention that is the name.

        Exact keys join ("Donald J. Trump" = "Donald Trump"), as do added middle names
        ("Hillary Rodham Clinton"). A name that ends with a known full name is the same
        person: written first, it is the person's introduction in full ("Ildefonso Guajardo
        Villarreal", "Aung San Suu Kyi"); written after the shorter name, it is that name
        with an epithet NER glued on ("Crooked Hillary Clinton"), and the epithet is cut.
        Call with shorter names first so the known name is there.
        """
        words, text, position = mention.words, mention.text, mention.span[0]
        for person in self.persons:
            if words in person.keys or any(_middle_names_added(words, k) for k in person.full_keys()):
                person.add(text, position, True, mention.gender)
                return person, text
        for person in self.persons:
            for known in sorted(person.full_keys(), key=len, reverse=True):
                if len(known) < len(words) and words[-len(known) :] == known:
                    if min(person.written_in_full) > position:
                        # Written before the shorter name: the introduction, in full
                        # ("Ildefonso Guajardo Villarreal", then "Guajardo Villarreal").
                        person.add(text, position, True, mention.gender)
                        return person, text
                    name = _trailing_words(text, known)
                    person.add(name, position + len(text) - len(name), True, mention.gender)
                    return person, name
        person = _Person()
        person.add(text, position, True, mention.gender)
        self.persons.append(person)
        return person, text

    def match(self, words: tuple[str, ...], position: int, gender: str | None = None) -> _Person | None:
        """The person a short form at `position` refers to, or None.

        A short form is the trailing words of a known name: a surname ("Trump" of
        "Donald Trump", not of "Donald Trump Jr." unless no one else is a Trump), or
        "Jong-un" of "Kim Jong-un". A given name alone ("Hillary") is the one person with
        that given name, if there is exactly one. "Mr." or "Mrs." before a short form rules
        out people known to be of the other gender ("Mr. Obama" is not "the first lady,
        Michelle Obama").

        Namesakes ("Clinton" with Bill and Hillary in the article): the one whose full
        name was written in the same sentence or the one before, the most recent if both
        were; otherwise the one named most (in full or not: "Mr. Obama" fifteen times
        outweighs "Michelle Obama" once), then written in full most often, then first.
        A bare surname beyond the next sentence usually means the article's main person:
        "daughter Chelsea Clinton's apartment" does not make the next "Clinton" Chelsea.
        A word that is no one's name but one letter off one person's surname is that
        surname misprinted (`names.misspells`).
        """
        if not words:
            return None
        fitting = [p for p in self.persons if gender is None or p.gender() in (None, gender)]
        ending = [p for p in fitting if words in p.endings]  # a key ends with `words`
        if ending:
            return self._namesake(ending, position)
        # "Mr. Biden" of "Joseph R. Biden Jr.": a generational suffix tells a namesake apart,
        # and the article names no one else so ("Trump" beside "Donald Trump Jr." and
        # "Donald J. Trump" is the father, whom `ending` found).
        suffixed = [
            p
            for p in fitting
            if any(k[-1] in GENERATIONAL_SUFFIXES and k[-1 - len(words) : -1] == words for k in p.full_keys())
        ]
        if len(suffixed) == 1:
            return suffixed[0]
        if len(words) == 1:
            starting = [p for p in fitting if any(k[0] == words[0] for k in p.full_keys())]
            # "Donald" is Donald Trump rather than Donald Trump Jr.
            plain = [p for p in starting if not all(k[-1] in GENERATIONAL_SUFFIXES for k in p.full_keys())]
            if len(plain) == 1:
                return plain[0]
            if not starting:
                # A misprint: "Bornsten" after "Harold Bornstein", the one person it can be.
                misprinted = [p for p in fitting if any(misspells(words[0], k[-1]) for k in p.full_keys())]
                if len(misprinted) == 1:
                    return misprinted[0]
        return None

    def _namesake(self, persons: list[_Person], position: int) -> _Person:
        sentence = self.sentence_of(position)

        def last_near(person: _Person) -> int:
            near = [p for p in person.written_in_full if p < position and self.sentence_of(p) >= sentence - 1]
            return max(near, default=-1)

        recent = max(persons, key=last_near)
        if last_near(recent) >= 0:
            return recent
        return max(
            persons,
            key=lambda p: (
                sum(p.surfaces.values()),
                len(p.written_in_full),
                -min(p.written_in_full, default=0),
            ),
        )

    def add_short(self, mention: _Mention) -> _Person:
        person = self.match(mention.words, mention.span[0], mention.gender)
        if person is None:
            person = _Person()
            self.persons.append(person)
            person.add(mention.text, mention.span[0], False, mention.gender)
        else:
            # A guess between namesakes must not teach the person a gender.
            person.add(mention.text, mention.span[0], False)
        return person


def _is_full_name(text: str) -> bool:
    """Two words or more, the first capitalised ("Donald Trump"), unlike "Trump", "Jong-un", "bin Laden"."""
    return len(text.split()) >= 2 and text[:1].isupper()


def _middle_names_added(words: tuple[str, ...], known: tuple[str, ...]) -> bool:
    """ "Hillary Rodham Clinton" is "Hillary Clinton"; "George HW Bush" is not "George Bush"."""
    if len(words) == len(known) or min(len(words), len(known)) < 2:
        return False
    longer, shorter = (words, known) if len(words) > len(known) else (known, words)
    if longer[0] != shorter[0] or longer[-1] != shorter[-1] or len(shorter) != 2:
        return False
    return all(len(w) >= 3 for w in longer[1:-1])


def _trailing_words(text: str, key: tuple[str, ...]) -> str:
    """The shortest trailing words of `text` with `key`: "Hillary Clinton" of "Crooked Hillary Clinton"."""
    words = text.split()
    for count in range(1, len(words) + 1):
        tail = " ".join(words[-count:])
        if tuple(_name_key(tail).split()) == key:
            return tail
    return text


def entity_mentions(doc: Doc, excluded: list[Span]) -> list[EntityMention]:
    """Person, organisation and place mentions in text order, each with its canonical name."""
    raw = _raw_mentions(doc, excluded)
    people = _People(_sentence_numbers(doc))
    person_of: dict[int, _Person] = {}
    names: dict[int, tuple[str, Span]] = {}  # mention -> the part of it that is the name

    # Full names first, shortest first, so that "Crooked Hillary Clinton" finds "Hillary Clinton".
    full = [i for i, m in enumerate(raw) if m.kind == "person" and m.full and not m.headline]
    for i in sorted(full, key=lambda i: (len(raw[i].words), i)):
        mention = raw[i]
        person, name = people.add_full(mention)
        person_of[i] = person
        names[i] = (name, (mention.span[1] - len(name), mention.span[1]))

    # Then short forms, in text order, since the nearest full name decides between namesakes;
    # those whose gender the words around them give ("Mr. Obama") before the others: they
    # are sure where the others are a guess, and a guess between namesakes written in full
    # as often goes to the one named most (`_namesake`).
    surnames_placed = _surnames_read_as_places(doc, raw)
    for i in sorted(range(len(raw)), key=lambda i: (raw[i].gender is None, i)):
        mention = raw[i]
        if i in person_of or mention.headline:
            continue
        if mention.kind == "place":
            if mention.words in surnames_placed:
                named = people.match(mention.words, mention.span[0], mention.gender)
                if named is not None:
                    named.add(mention.text, mention.span[0], False)
                    person_of[i] = named
            continue
        if mention.kind == "organisation":
            # NER often tags a lone surname ORG; an acronym ("UN") is never a person's name.
            if not mention.full and not mention.text.isupper():
                named = people.match(mention.words, mention.span[0], mention.gender)
                if named is not None:
                    named.add(mention.text, mention.span[0], False)
                    person_of[i] = named
            continue
        person_of[i] = people.add_short(mention)

    # Headlines last: they are read against the names the body gives ("Derelict Obama").
    for i, mention in enumerate(raw):
        if mention.headline and mention.kind == "person":
            person, name = _headline_person(people, mention)
            person_of[i] = person
            start = mention.span[0] + (0 if mention.text.startswith(name) else len(mention.text) - len(name))
            names[i] = (name, (start, start + len(name)))

    groups: list[_Group] = []
    group_of: dict[int, _Group] = {}
    for i, mention in enumerate(raw):
        if i in person_of:
            continue
        key = _key(mention.text)
        group = next((g for g in groups if g.key == key), None)
        if group is None:
            group = _Group(mention.kind, key)
            groups.append(group)
        group.surfaces[mention.text] += 1
        group.types[mention.kind] += 1
        group_of[i] = group
    for group in groups:
        group.type = group.types.most_common(1)[0][0]

    result: list[EntityMention] = []
    for i, mention in enumerate(raw):
        if i in person_of:
            text, span = names.get(i, (mention.text, mention.span))
            result.append(EntityMention(text, span, person_of[i].canonical(), "person"))
        else:
            group = group_of[i]
            result.append(EntityMention(mention.text, mention.span, group.canonical(), group.type))
    return result


# Words before a place name that say it is one: "in Washington", "to Israel".
_PLACE_PREPOSITIONS = frozenset({"in", "to", "from", "at", "across", "near", "outside", "throughout"})


def _surnames_read_as_places(doc: Doc, raw: list[_Mention]) -> set[tuple[str, ...]]:
    """Surnames NER tags a place ("Kasich", 110 times in one article; "Rubio", "Garland", "Le
    Pen"): those of people written in full (`_surnames_in_full`), none of whose words the
    article writes as a place after "in", "to", "from" ... ("Kerry Washington" beside "in
    Washington")."""
    placed = {
        _name_key(t.text)
        for t in doc
        if t.ent_type_ in ("GPE", "LOC") and t.i > 0 and doc[t.i - 1].lower_ in _PLACE_PREPOSITIONS
    }
    return {words for words in _surnames_in_full(raw) if not placed.intersection(words)}


def _surnames_in_full(raw: list[_Mention]) -> set[tuple[str, ...]]:
    """The trailing words of each person the article writes in full whose first word is a
    given name: one the census lists hold, or one that is no one's surname and no name of its
    own in the article ("Marine", "Merrick"; not "Cruz" of "Cruz Iowa", "Trump" of "Trump
    Indiana", names NER ran into a place)."""
    full = [m for m in raw if m.kind == "person" and m.full and not m.headline]
    alone = {m.words[-1] for m in raw if len(m.words) == 1} | {m.words[-1] for m in full}
    ends: set[tuple[str, ...]] = set()
    for m in full:
        if given_name_gender(m.text) is not None or m.words[0] not in alone:
            ends.update(m.words[-count:] for count in range(1, len(m.words)))
    return ends


def _headline_person(people: _People, mention: _Mention) -> tuple[_Person, str]:
    """A name in a headline is the longest known name in it, at either end.

    Title case glues words to names: "Rip Donald Trump", "Derelict Obama", "Clinton Plan".
    """
    words = mention.text.split()
    for count in range(len(words), 0, -1):
        tail = " ".join(words[-count:])
        person = people.match(tuple(_name_key(tail).split()), mention.span[0], mention.gender)
        if person is not None and count == 1 and _given_name_and_surname(words, person):
            # "George Pataki" in a capitalised line of an article that writes "Pataki" only:
            # a given name, not a word glued on ("Derelict Obama"), and the only full name.
            person.add(mention.text, mention.span[0], True)
            return person, mention.text
        if person is not None:
            person.add(tail, mention.span[0] + len(mention.text) - len(tail), _is_full_name(tail))
            return person, tail
        head = " ".join(words[:count])
        person = people.match(tuple(_name_key(head).split()), mention.span[0], mention.gender)
        if person is not None:
            person.add(head, mention.span[0], _is_full_name(head))
            return person, head
    if mention.full:
        return people.add_full(mention)
    return people.add_short(mention), mention.text


def _given_name_and_surname(words: list[str], person: _Person) -> bool:
    """Two words, a given name the census lists hold before the surname of a person the
    article writes in no full name."""
    return len(words) == 2 and not person.full_keys() and given_name_gender(" ".join(words)) is not None


class ArticlePersons:
    """The persons an article's entity mentions name, to look names up in (`named`).

    Built once per article: built per lookup, a claim builder that looks up a name per
    claim would work on every entity for every claim.
    `genders`: `person_genders(doc, entities)`, when the caller has it already.
    """

    def __init__(
        self, doc: Doc, entities: list[EntityMention], genders: dict[str, str] | None = None
    ) -> None:
        self._people = _People(_sentence_numbers(doc))
        if genders is None:
            genders = person_genders(doc, entities)
        by_canonical: dict[str, _Person] = {}
        self._mentions: dict[int, list[EntityMention]] = {}
        for entity in entities:
            if entity.type != "person":
                continue
            person = by_canonical.get(entity.canonical)
            if person is None:
                person = by_canonical[entity.canonical] = _Person()
                self._people.persons.append(person)
            person.add(entity.text, entity.span[0], _is_full_name(entity.text), genders.get(entity.canonical))
            self._mentions.setdefault(id(person), []).append(entity)

    def named(self, text: str, position: int, gender: str | None = None) -> EntityMention | None:
        """The mention of the person `text` at `position` names, nearest before it (or the
        first one); None if the article names no such person."""
        person = self._people.match(tuple(_name_key(text).split()), position, gender)
        if person is None:
            return None
        found = self._mentions[id(person)]
        before = [e for e in found if e.span[1] <= position]
        return before[-1] if before else found[0]


def person_genders(doc: Doc, entities: list[EntityMention]) -> dict[str, str]:
    """The gender of each person (by canonical name) where the article's cues agree, else
    where the given name tells (`given_names`).

    A short form's cue ("Mrs. Clinton") counts only where no one else in the article has
    that surname: otherwise which of them it names was a guess.
    """
    canonicals = {e.canonical for e in entities if e.type == "person"}
    surnames = Counter(_name_key(c).split()[-1] for c in canonicals if _name_key(c))
    seen: dict[str, set[str]] = {}
    for entity in entities:
        if entity.type != "person":
            continue
        full = _is_full_name(entity.text)
        words = _name_key(entity.text).split()
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
    if word.i > name.end and doc[name.end].lower_ in _POSSESSIVE_MARKS:
        return True  # "Sanders’ son": the parse hung "son" from "Sanders", the mark read as punctuation
    return any(c.dep_ == "poss" and (c.pos_ == "PRON" or c.lower_ == "whose") for c in word.children)


_POSSESSIVE_MARKS = frozenset({"'", "’", "'s", "’s"})
_OBJECTS = frozenset({"dobj", "dative", "iobj"})


def _sentence_numbers(doc: Doc) -> Callable[[int], int]:
    starts = [sentence.start_char for sentence in doc.sents]
    return lambda position: bisect_right(starts, position) - 1


def _raw_mentions(doc: Doc, excluded: list[Span]) -> list[_Mention]:
    headlines = _title_case_lines(doc.text)
    common = _CommonWords(doc)
    raw: list[_Mention] = []
    for ent in _owners_split(doc.ents):
        kind = ENTITY_TYPES.get(ent.label_)
        # One across lines is a headline run into the text; a line's end after it is not.
        if kind is None or "\n" in ent.text.strip():
            continue
        if kind == "person" and is_body_taken_for_a_person(ent.text):
            kind = "organisation"  # "Politico reported", "Twitter said": no one's name
        if kind == "person":
            tokens = _name_tokens(list(ent))
            if not tokens:  # "Mr", "President": a title is not a name
                continue
            if len(tokens) == 1 and common.taken_for_a_name(tokens[0]):
                continue
            tokens = _given_name_before(tokens)
            start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
            text = doc.text[start:end]
        else:
            text = _POSSESSIVE.sub("", ent.text).strip()
            start = ent.start_char
            if text.startswith("the "):  # "the New York Times": the article is not the name
                text, start = text[4:], start + 4
            end = start + len(text)
        # Marks NER took in before the name ("― Jacklyn Ashley", a letter's signature;
        # '">Sanders', markup left in the text) are no part of it.
        marks = LEADING_MARKS.match(text)
        if marks:
            text, start = text[marks.end() :], start + marks.end()
        span = (start, end)
        if not text or any(overlaps(span, ex) for ex in excluded) or not _key(text):
            continue
        if kind == "person" and not _name_key(text):
            continue
        headline = any(s <= start < e for s, e in headlines)
        if kind == "organisation" and _person_taken_for_a_body(doc, text, span):
            kind = "person"
        gender = gender_cue(doc, span, pronouns=_is_full_name(text)) if kind == "person" else None
        raw.append(_Mention(text, span, kind, headline, gender))
    for start, end in _full_names_missed(doc, raw, headlines, common):
        span = (start, end)
        if not any(overlaps(span, ex) for ex in excluded):
            raw.append(
                _Mention(doc.text[start:end], span, "person", False, gender_cue(doc, span, pronouns=True))
            )
    # Epithets cut first: "Fascist Trump" is no full name whose surname a bare word can be.
    raw = _epithets_cut(raw, common)
    for span in _surnames_missed(doc, raw, headlines, common):
        if not any(overlaps(span, ex) for ex in excluded):
            raw.append(
                _Mention(doc.text[span[0] : span[1]], span, "person", False, gender_cue(doc, span, False))
            )
    return sorted(raw, key=lambda m: m.span)


def _surnames_missed(
    doc: Doc, raw: list[_Mention], headlines: list[Span], common: _CommonWords
) -> list[Span]:
    """Surnames NER tags nothing, of people the article writes in full ("Brafman finally sat
    down", "Earnest said", 815 such words in train and dev): a capitalised proper noun outside
    any entity and headline, the surname of a person written in full (`_surnames_in_full`),
    no word the article writes in lower case, no modifier of another noun ("the Rubio super
    PAC") and no last word of another name ("Tom Emanuel" NER read nowhere beside "Ari
    Emanuel": `_full_names_missed` decides those)."""
    surnames = {words[0] for words in _surnames_in_full(raw) if len(words) == 1}
    taken = [m.span for m in raw]
    found: list[Span] = []
    for token in doc:
        span = (token.idx, token.idx + len(token.text))
        if (
            token.ent_type_
            or token.pos_ != "PROPN"
            or token.dep_ == "compound"
            or any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in token.lefts)
            or not token.text[:1].isupper()
            or token.text.isupper()
            or _name_key(token.text) not in surnames
            or common.written_in_lower_case(token.text)
            or any(s <= token.idx < e for s, e in headlines)
            or any(overlaps(span, t) for t in taken)
        ):
            continue
        found.append(span)
    return found


def _owners_split(ents: Sequence[SpacySpan]) -> list[SpacySpan]:
    """The entities, with a body NER ran into the person it owns cut in two: "Fox News’ Bret
    Baier" (one ORG) is Fox News and Bret Baier, a given name the census lists hold and a
    surname after the possessive."""
    split: list[SpacySpan] = []
    for ent in ents:
        mark = next((t for t in ent if t.tag_ == "POS" or t.text in _POSSESSIVE_MARKS), None)
        if ent.label_ == "ORG" and mark is not None and mark.i > ent.start:
            person = ent.doc[mark.i + 1 : ent.end]
            if (
                len(person) >= 2
                and all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in person)
                and given_name_gender(person.text) is not None
            ):
                split.append(SpacySpan(ent.doc, ent.start, mark.i, label="ORG"))
                split.append(SpacySpan(ent.doc, person.start, person.end, label="PERSON"))
                continue
        split.append(ent)
    return split


_NOT_A_NAMESAKE = frozenset({"GPE", "LOC", "FAC", "ORG", "NORP", "EVENT"})


def _given_words(mentions: list[_Mention]) -> dict[str, set[str]]:
    """The given words each surname is written in full with among the person mentions
    ("trump" -> {"donald", "ivanka"})."""
    given: dict[str, set[str]] = {}
    for m in mentions:
        if m.kind == "person" and m.full and m.words:
            given.setdefault(m.words[-1], set()).add(m.words[0])
    return given


def _full_names_missed(
    doc: Doc, raw: list[_Mention], headlines: list[Span], common: _CommonWords
) -> list[Span]:
    """Full names NER read nowhere of a person it knows only by a surname: "CHICAGO - Rahm
    Emanuel may have thought ..." (no entity) before "Emanuel fired his police chief": a
    capitalised proper noun leaning on the surname, outside any entity and headline, the
    name two words long ("Hillary Rodham Clinton" is not "Rodham Clinton"), the given word
    no title nor a word the article writes in lower case, and opening a sentence only if the
    census lists hold it ("Outside Carrier's plant ...": no one). Also a namesake of a person
    the article writes in full, by another given name written more than once ("Ivanka Trump"
    beside "Donald Trump", NER reading her nowhere in the article).
    Without it the surname files as the registry's dominant person of that name, whoever
    came first."""
    persons = [m for m in raw if m.kind == "person" and not m.headline]
    given_words = _given_words(persons)
    surnames = {m.text for m in persons if len(m.words) == 1}
    surnames |= {m.text.split()[-1] for m in persons if m.full}
    # How often the article writes each pair, and how often NER reads it as a place or a body
    # ("South Korea"): mostly so, it is no one ("Le Pen" read once as a building is still
    # Marine Le Pen).
    written = Counter((t.nbor(-1).text, t.text) for t in doc if t.text in surnames and t.i > 0)
    places = Counter(
        (t.nbor(-1).text, t.text)
        for t in doc
        if t.text in surnames and t.i > 0 and {t.ent_type_, t.nbor(-1).ent_type_} <= _NOT_A_NAMESAKE
    )
    found: list[Span] = []
    for token in doc:
        if token.text not in surnames or token.i < 1 or token.ent_type_ == "PERSON":
            continue
        given = doc[token.i - 1]
        if not (
            given.dep_ == "compound"
            and given.head.i == token.i
            and given.pos_ == "PROPN"
            and given.text[:1].isupper()
            and not given.text.isupper()
            and given.whitespace_
            and given.ent_type_ != "PERSON"
            and not _is_title(given)
            and not common.written_in_lower_case(given.text)
        ):
            continue
        others = given_words.get(_name_key(token.text))
        if others is not None:
            # A namesake of a person the article writes in full, by another given name it
            # writes more than once ("Ivanka Trump" beside "Donald Trump", a name NER read
            # nowhere in the article and the census lists lack).
            pair = (given.text, token.text)
            unread = {token.ent_type_, given.ent_type_} <= {"", "PRODUCT", "WORK_OF_ART"}
            if _name_key(given.text) in others or written[pair] < 2 or not unread:
                continue
            if 2 * places[pair] > written[pair] or common.written_in_lower_case(token.text):
                continue  # a place or a body; a surname the article writes in lower case ("street")
        elif (
            token.ent_type_
            or given.ent_type_
            or (given.is_sent_start and given_name_gender(f"{given.text} {token.text}") is None)
        ):
            continue
        before = doc[given.i - 1] if given.i > 0 else None
        if (
            before is not None
            and before.text[:1].isupper()
            and before.dep_ == "compound"
            and before.head.i == token.i
        ):
            continue
        if any(s <= given.idx < e for s, e in headlines):
            continue
        found.append((given.idx, token.idx + len(token.text)))
    return found


class _CommonWords:
    """One word NER tagged a person that the tagger reads as no proper noun and the article
    gives no full name with: "Nationally, ...", "Conceding that ...", "Coal miners" (tagged
    a person where a "she" after it was Hillary Clinton, and so taken for her). Such a word
    is a name only as part of a full one ("Trump" read as a verb stays while the article
    names Donald Trump; "Sanders" read as a noun is never in lower case)."""

    _NOT_NAMES = frozenset({"VERB", "ADV", "ADJ", "AUX", "INTJ", "X"})

    def __init__(self, doc: Doc) -> None:
        self._doc = doc

    @cached_property
    def _lower_case(self) -> frozenset[str]:
        return frozenset(t.text for t in self._doc if t.text.islower())

    @cached_property
    def _in_full_names(self) -> frozenset[str]:
        return frozenset(t.text for e in self._doc.ents if e.label_ == "PERSON" and len(e) > 1 for t in e)

    def written_in_lower_case(self, word: str) -> bool:
        """Whether the article writes the word in lower case somewhere: a common word, not a
        given name ("Will" of "Will Hurd" is one where the article never writes "will")."""
        return word.lower() in self._lower_case

    def taken_for_a_name(self, token: Token) -> bool:
        if token.pos_ == "PROPN" or token.text in self._in_full_names:
            return False
        return token.pos_ in self._NOT_NAMES or token.text.islower() or token.text.lower() in self._lower_case


def _person_taken_for_a_body(doc: Doc, text: str, span: Span) -> bool:
    """A full name NER tagged ORG is a person's when its given name has a gender and a
    pronoun after it in its clause agrees ("Carly Fiorina threw her support behind ...": spaCy
    tags her ORG wherever she is named). A body named after a person ("Clinton Foundation",
    "Woodrow Wilson Center") is not the subject of a "he" or "she"."""
    if not _is_full_name(text) or len(text.split()) > 3:
        return False
    given = given_name_gender(text)
    return given is not None and gender_cue(doc, span, pronouns=True) == given


def _name_tokens(tokens: list[Token]) -> list[Token]:
    """A person entity without titles in front or stray words at either end."""
    # A title is cut only in front of a name: "King" of "Mr. King" is the name.
    while tokens and (tokens[0].pos_ in _LEADING_POS or (_is_title(tokens[0]) and len(tokens) > 1)):
        tokens = tokens[1:]
    # "Injecting Clinton's marital troubles ...": a gerund opening a sentence, tagged a name.
    if (
        len(tokens) > 1
        and tokens[0].is_sent_start
        and tokens[0].lower_.endswith("ing")
        and len(tokens[0]) > 5
    ):
        tokens = tokens[1:]
    while tokens and (tokens[-1].pos_ in _LEADING_POS or tokens[-1].tag_ == "POS" or tokens[-1].is_space):
        tokens = tokens[:-1]
    # "Obama Seeks", "Trump charges" (headline verbs): a name does not end in a verb or
    # in lower case. A name alone may be mistagged a verb ("Trump" as VB): it stays.
    while len(tokens) > 1 and (tokens[-1].pos_ in _TRAILING_POS or _lower_case_word(tokens[-1])):
        tokens = tokens[:-1]
    if len(tokens) == 1 and tokens[0].text.rstrip(".").casefold() in HONORIFICS:
        return []  # "Mr" alone
    return tokens


def _given_name_before(tokens: list[Token]) -> list[Token]:
    """A name NER began one word late: "Debbie" of "DNC Chair Debbie Wasserman Schultz", whose
    tag begins at "Wasserman". The word before it is the name's when it leans on it and is a
    given name the census lists hold (not "Billie" of "Billie Jean King", which they lack)."""
    first = tokens[0]
    if first.i == 0:
        return tokens
    before = first.doc[first.i - 1]
    leans = before.dep_ == "compound" and before.head.i in {t.i for t in tokens}
    if (
        leans
        and before.pos_ == "PROPN"
        and not before.ent_type_
        and before.text[:1].isupper()
        and before.whitespace_
        and given_name_gender(f"{before.text} {first.text}") is not None
    ):
        return [before, *tokens]
    return tokens


def _epithets_cut(raw: list[_Mention], common: _CommonWords) -> list[_Mention]:
    """A word NER glued before the surname of a person the article writes in full with
    another given name is no namesake: "Fascist Trump" (a protester's shirt) beside "Donald J.
    Trump", "Said Comey" beside "James Comey", "Young Sanders". The word is one the article
    writes in lower case ("fascist salutes") and the census lists lack before that surname; a
    given name that is also a word ("Will Hurd", "Mark Cuban") is in them, and a name the
    article gives no one else ("Win Htein", "Pope Francis") stays whole."""
    given_words = _given_words(raw)
    kept: list[_Mention] = []
    for m in raw:
        words = m.text.split()
        if (
            m.kind == "person"
            and len(words) == 2
            and len(m.words) == 2
            and given_words.get(m.words[-1], set()) - {m.words[0]}
            and common.written_in_lower_case(words[0])
            and given_name_gender(m.text) is None
        ):
            surname = len(m.text) - len(words[1])
            m = replace(m, text=words[1], span=(m.span[0] + surname, m.span[1]))
        kept.append(m)
    return kept


def _lower_case_word(token: Token) -> bool:
    """A word of its own in lower case: "charges", not "moon" of "Ki-moon"."""
    return token.text.islower() and token.i > 0 and bool(token.doc[token.i - 1].whitespace_)


def _is_title(token: Token) -> bool:
    return token.text.rstrip(".").casefold() in TITLES


def _title_case_lines(text: str) -> list[Span]:
    """Lines whose words are nearly all capitalised: headlines, where NER glues words to names."""
    spans: list[Span] = []
    start = 0
    for line in text.split("\n"):
        words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", line) if len(w) > 3]
        if len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words):
            spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans
