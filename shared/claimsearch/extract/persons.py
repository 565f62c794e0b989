"""One person, many names: the persons an article names and the rules that tie a written
name to one of them.

People are written many ways in one article: "Donald J. Trump", "Mr. Trump", "Trump",
"Donald". Every person mention is tied to the fullest name the article gives, by the
rules a reader uses (`People`): titles never start a name, middle initials make no
difference, a surname or a given name alone ("Trump", "Jong-un", "Hillary") joins the
full name it ends or starts, and people who share a surname ("Bill Clinton",
"Hillary Clinton", "Donald Trump Jr.") stay apart.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc

from claimsearch.claimants.given_names import given_name_gender
from claimsearch.claimants.names import GENERATIONAL_SUFFIXES, misspells, name_key, name_words
from claimsearch.model import Span

# Titles written before a surname, never a name on their own: "Mr", "Sen".
HONORIFICS = frozenset(
    "mr mrs ms miss mx dr prof sir rev fr sen rep gov lt col gen sgt capt maj adm hon st".split()
)

POSSESSIVE_MARKS = frozenset({"'", "’", "'s", "’s"})


@lru_cache(maxsize=8192)
def cached_name_key(text: str) -> str:
    """`name_key`, remembered: an article writes each name many times and every
    grouping rule keys it again."""
    return name_key(text)


@lru_cache(maxsize=8192)
def name_word_count(text: str) -> int:
    return len(name_words(text))


@dataclass(frozen=True)
class Mention:
    text: str
    span: Span
    kind: str
    headline: bool  # in a title-case line, where NER glues words to names ("Rip Donald Trump")
    gender: str | None = None  # from the words around it: "Mr. Obama", "the first lady, Michelle Obama"

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(cached_name_key(self.text).split())

    @property
    def full(self) -> bool:
        return is_full_name(self.text)


@dataclass
class Person:
    surfaces: Counter[str] = field(default_factory=Counter)
    keys: set[tuple[str, ...]] = field(default_factory=set)
    written_in_full: list[int] = field(default_factory=list)  # where a full name of theirs starts
    genders: set[str] = field(default_factory=set)
    # Every run of trailing words of a key ("trump", "donald trump"): what a short form
    # is looked up in, once per person rather than key by key.
    endings: set[tuple[str, ...]] = field(default_factory=set)

    def add(self, text: str, position: int, full: bool, gender: str | None = None) -> None:
        self.surfaces[text] += 1
        key = tuple(cached_name_key(text).split())
        self.keys.add(key)
        self.endings.update(key[-count:] for count in range(1, len(key) + 1))
        if full:
            self.written_in_full.append(position)
        if gender:
            self.genders.add(gender)

    def canonical(self) -> str:
        """The fullest form ("Donald J. Trump" over "Donald Trump"), then the most frequent."""
        forms = list(self.surfaces)
        return max(forms, key=lambda s: (name_word_count(s), self.surfaces[s], -forms.index(s)))

    def full_keys(self) -> list[tuple[str, ...]]:
        return [k for k in self.keys if len(k) >= 2]

    def gender(self) -> str | None:
        """By the article's words where they agree, else by the given name where it tells."""
        if self.genders:
            return next(iter(self.genders)) if len(self.genders) == 1 else None
        by_name = {given_name_gender(s) for s in self.surfaces if is_full_name(s)} - {None}
        return by_name.pop() if len(by_name) == 1 else None


class People:
    """The persons one article names, and the rules that tie a written name to one of them.

    `sentence_of` maps a character offset to its sentence number.
    """

    def __init__(self, sentence_of: Callable[[int], int]) -> None:
        self.persons: list[Person] = []
        self.sentence_of = sentence_of

    def add_full(self, mention: Mention) -> tuple[Person, str]:
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
        person = Person()
        person.add(text, position, True, mention.gender)
        self.persons.append(person)
        return person, text

    def match(self, words: tuple[str, ...], position: int, gender: str | None = None) -> Person | None:
        """The person a short form at `position` refers to, or None.

        A short form is the trailing words of a known name: a surname ("Trump" of
        "Donald Trump", not of "Donald Trump Jr." unless no one else is a Trump), or
        "Jong-un" of "Kim Jong-un". A given name alone ("Hillary") is the one person with
        that given name, if there is exactly one. "Mr." or "Mrs." before a short form rules
        out people known to be of the other gender ("Mr. Obama" is not "the first lady,
        Michelle Obama").

        Namesakes ("Clinton" with Bill and Hillary in the article): the one whose full
        name was written in the same sentence or the one before, the most recent if both
        were; otherwise, among those written in full before it (all, if none was), the one
        named most (in full or not: "Mr. Obama" fifteen times outweighs "Michelle Obama"
        once), then written in full most often, then first.
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

    def _namesake(self, persons: list[Person], position: int) -> Person:
        sentence = self.sentence_of(position)

        def last_near(person: Person) -> int:
            near = [p for p in person.written_in_full if p < position and self.sentence_of(p) >= sentence - 1]
            return max(near, default=-1)

        recent = max(persons, key=last_near)
        if last_near(recent) >= 0:
            return recent
        # Only namesakes already written in full before the mention: a bare surname cannot
        # mean someone the article has not introduced yet. The count below includes earlier
        # guesses, so without this the first "Clinton" of an article about Hillary went to
        # Bill Clinton, named in full more often but only further on, and every later
        # "Clinton" (and "she") followed. With none introduced yet, all are candidates.
        introduced = [p for p in persons if any(q < position for q in p.written_in_full)]
        return max(
            introduced or persons,
            key=lambda p: (
                sum(p.surfaces.values()),
                len(p.written_in_full),
                -min(p.written_in_full, default=0),
            ),
        )

    def add_short(self, mention: Mention) -> Person:
        person = self.match(mention.words, mention.span[0], mention.gender)
        if person is None:
            person = Person()
            self.persons.append(person)
            person.add(mention.text, mention.span[0], False, mention.gender)
        else:
            # A guess between namesakes must not teach the person a gender.
            person.add(mention.text, mention.span[0], False)
        return person


def is_full_name(text: str) -> bool:
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
        if tuple(cached_name_key(tail).split()) == key:
            return tail
    return text


def headline_person(people: People, mention: Mention) -> tuple[Person, str]:
    """A name in a headline is the longest known name in it, at either end.

    Title case glues words to names: "Rip Donald Trump", "Derelict Obama", "Clinton Plan".
    """
    words = mention.text.split()
    for count in range(len(words), 0, -1):
        tail = " ".join(words[-count:])
        person = people.match(tuple(cached_name_key(tail).split()), mention.span[0], mention.gender)
        if person is not None and count == 1 and _given_name_and_surname(words, person):
            # "George Pataki" in a capitalised line of an article that writes "Pataki" only:
            # a given name, not a word glued on ("Derelict Obama"), and the only full name.
            person.add(mention.text, mention.span[0], True)
            return person, mention.text
        if person is not None:
            person.add(tail, mention.span[0] + len(mention.text) - len(tail), is_full_name(tail))
            return person, tail
        head = " ".join(words[:count])
        person = people.match(tuple(cached_name_key(head).split()), mention.span[0], mention.gender)
        if person is not None:
            person.add(head, mention.span[0], is_full_name(head))
            return person, head
    if mention.full:
        return people.add_full(mention)
    return people.add_short(mention), mention.text


def _given_name_and_surname(words: list[str], person: Person) -> bool:
    """Two words, a given name the census lists hold before the surname of a person the
    article writes in no full name."""
    return len(words) == 2 and not person.full_keys() and given_name_gender(" ".join(words)) is not None


def sentence_numbers(doc: Doc) -> Callable[[int], int]:
    starts = [sentence.start_char for sentence in doc.sents]
    return lambda position: bisect_right(starts, position) - 1
