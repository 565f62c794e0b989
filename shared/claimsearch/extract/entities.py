"""Named entities of an article, with variants grouped under one canonical name.

Person mentions are tied to the persons they name (`persons`), once NER's misreadings are
mended (`misread_names`). Organisations and places only group on an exact (normalised)
match, since "Korea" is not "North Korea".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc

from claimsearch.claimants.bodies import is_body_taken_for_a_person
from claimsearch.extract.genders import gender_cue, person_genders
from claimsearch.extract.misread_names import (
    CommonWords,
    epithets_cut,
    full_names_missed,
    given_name_before,
    name_tokens,
    owners_split,
    person_taken_for_a_body,
    surnames_missed,
    surnames_read_as_places,
    title_case_lines,
)
from claimsearch.extract.persons import (
    Mention,
    People,
    Person,
    cached_name_key,
    headline_person,
    is_full_name,
    sentence_numbers,
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


def entity_mentions(doc: Doc, excluded: list[Span]) -> list[EntityMention]:
    """Person, organisation and place mentions in text order, each with its canonical name."""
    raw = _raw_mentions(doc, excluded)
    people = People(sentence_numbers(doc))
    person_of: dict[int, Person] = {}
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
    surnames_placed = surnames_read_as_places(doc, raw)
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
            person, name = headline_person(people, mention)
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


def _raw_mentions(doc: Doc, excluded: list[Span]) -> list[Mention]:
    headlines = title_case_lines(doc.text)
    common = CommonWords(doc)
    raw: list[Mention] = []
    for ent in owners_split(doc.ents):
        kind = ENTITY_TYPES.get(ent.label_)
        # One across lines is a headline run into the text; a line's end after it is not.
        if kind is None or "\n" in ent.text.strip():
            continue
        if kind == "person" and is_body_taken_for_a_person(ent.text):
            kind = "organisation"  # "Politico reported", "Twitter said": no one's name
        if kind == "person":
            tokens = name_tokens(list(ent))
            if not tokens:  # "Mr", "President": a title is not a name
                continue
            if len(tokens) == 1 and common.taken_for_a_name(tokens[0]):
                continue
            tokens = given_name_before(tokens)
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
        if kind == "person" and not cached_name_key(text):
            continue
        headline = any(s <= start < e for s, e in headlines)
        if kind == "organisation" and person_taken_for_a_body(doc, text, span):
            kind = "person"
        gender = gender_cue(doc, span, pronouns=is_full_name(text)) if kind == "person" else None
        raw.append(Mention(text, span, kind, headline, gender))
    for start, end in full_names_missed(doc, raw, headlines, common):
        span = (start, end)
        if not any(overlaps(span, ex) for ex in excluded):
            raw.append(
                Mention(doc.text[start:end], span, "person", False, gender_cue(doc, span, pronouns=True))
            )
    # Epithets cut first: "Fascist Trump" is no full name whose surname a bare word can be.
    raw = epithets_cut(raw, common)
    for span in surnames_missed(doc, raw, headlines, common):
        if not any(overlaps(span, ex) for ex in excluded):
            raw.append(
                Mention(doc.text[span[0] : span[1]], span, "person", False, gender_cue(doc, span, False))
            )
    return sorted(raw, key=lambda m: m.span)


class ArticlePersons:
    """The persons an article's entity mentions name, to look names up in (`named`).

    Built once per article: built per lookup, a claim builder that looks up a name per
    claim would work on every entity for every claim.
    `genders`: `person_genders(doc, entities)`, when the caller has it already.
    """

    def __init__(
        self, doc: Doc, entities: list[EntityMention], genders: dict[str, str] | None = None
    ) -> None:
        self._people = People(sentence_numbers(doc))
        if genders is None:
            genders = person_genders(doc, entities)
        by_canonical: dict[str, Person] = {}
        self._mentions: dict[int, list[EntityMention]] = {}
        for entity in entities:
            if entity.type != "person":
                continue
            person = by_canonical.get(entity.canonical)
            if person is None:
                person = by_canonical[entity.canonical] = Person()
                self._people.persons.append(person)
            person.add(entity.text, entity.span[0], is_full_name(entity.text), genders.get(entity.canonical))
            self._mentions.setdefault(id(person), []).append(entity)

    def named(self, text: str, position: int, gender: str | None = None) -> EntityMention | None:
        """The mention of the person `text` at `position` names, nearest before it (or the
        first one); None if the article names no such person."""
        person = self._people.match(tuple(cached_name_key(text).split()), position, gender)
        if person is None:
            return None
        found = self._mentions[id(person)]
        before = [e for e in found if e.span[1] <= position]
        return before[-1] if before else found[0]
