"""Named entities of an article, with variants grouped under one canonical name.

"Kim Jong-un", "Kim Jong Un" and "Jong-un" are one person: a person's shorter
mentions are usually a suffix of the full name (surname, or given name for Korean
names). Organisations and places only group on an exact (normalised) match, since
"Korea" is not "North Korea".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc

from claimsearch.extract.text_spans import overlaps
from claimsearch.model import EntityMention, Span

ENTITY_TYPES = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)


def _key(text: str) -> tuple[str, ...]:
    text = _LEADING_THE.sub("", text)
    return tuple(re.sub(r"[-‐–.]", " ", text).casefold().split())


@dataclass
class _Group:
    type: str
    key: tuple[str, ...]
    surfaces: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)

    def canonical(self) -> str:
        longest = [s for s in self.surfaces if len(_key(s)) == len(self.key)]
        return max(longest, key=lambda s: (self.surfaces[s], -longest.index(s)))


def entity_mentions(doc: Doc, excluded: list[Span]) -> list[EntityMention]:
    """Person, organisation and place mentions in text order, each with its canonical name."""
    raw: list[tuple[str, Span, str]] = []
    for ent in doc.ents:
        kind = ENTITY_TYPES.get(ent.label_)
        if kind is None or "\n" in ent.text:
            continue
        text = _POSSESSIVE.sub("", ent.text).strip()
        start = ent.start_char
        if text.startswith("the "):  # "the New York Times": the article is not the name
            text, start = text[4:], start + 4
        span = (start, start + len(text))
        if not text or any(overlaps(span, ex) for ex in excluded) or not _key(text):
            continue
        raw.append((text, span, kind))

    groups: list[_Group] = []
    assignment: dict[int, _Group] = {}
    # Longest names first, so shorter variants find the full name to join.
    for index in sorted(range(len(raw)), key=lambda i: (-len(_key(raw[i][0])), i)):
        text, _span, kind = raw[index]
        key = _key(text)
        group = next((g for g in groups if _joins(g, text, key, kind)), None)
        if group is None:
            group = _Group(kind, key)
            groups.append(group)
        group.surfaces[text] += 1
        group.types[kind] += 1
        assignment[index] = group
    for group in groups:
        group.type = group.types.most_common(1)[0][0] if group.type != "person" else "person"
    return [
        EntityMention(text, span, assignment[i].canonical(), assignment[i].type)
        for i, (text, span, _kind) in enumerate(raw)
    ]


def _joins(group: _Group, text: str, key: tuple[str, ...], kind: str) -> bool:
    if key == group.key:
        return True
    if group.type != "person" or kind == "place" or len(key) >= len(group.key):
        return False
    if text.isupper():  # an acronym ("UN") is not part of a person's name
        return False
    # A shorter variant must be whole trailing words of a known form: "Jong-un" of
    # "Kim Jong-un", "Trump" of "Donald Trump".
    words = text.casefold().split()
    return any(s.casefold().split()[-len(words) :] == words for s in group.surfaces)
