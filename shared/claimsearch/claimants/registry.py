"""The claimant registry: every named claimant filed under one identity across articles.

Extraction resolves each claim's claimant within its article ("she" -> "Ahn
Myeong-chul", "Mr. Trump" -> "Donald J. Trump"). Filing takes it across articles:

- the resolved name is keyed by `name_key` (titles, middle initials, diacritics, case,
  possessives, a leading "the" or "US" ignored), and the identity's id is derived from
  that key, so the same name gets the same id in every article, index and rebuild;
- a person named with a middle name ("Hillary Rodham Clinton") joins the person the
  registry knows without it ("Hillary Clinton"), and one named by a short given name ("Ed
  Rendell") the one person it knows by the full one ("Edward G. Rendell": `nicknames`);
  named so before the registry knew that person, it joins them when it does
  (`other_forms_joined`), as `reindex` files it;
- a person named by a surname alone ("Trump", when the article gives no fuller name)
  joins the person with that surname in the same article, unless the mentions say a
  man and the given name a woman ("Mr. Obama" is not "Michelle Obama") or the other way
  round, else the single dominant person with that surname in the registry (at least
  `DOMINANT_SHARE` of the claims of all people of that surname, of the gender the
  mentions say where they say one), else stays an identity
  of its own until an article names the person who comes to dominate it, when ingest
  files its claims under that person (`surnames_joined`), as `reindex` would; the
  surname's id stays in the registry as a pointer to that person (`merged_into`, no
  claims of its own), so an id a partner stored leads to the claims wherever they went
  (and goes with that person's last claim);
- a body's short name joins the one fuller name its article gives it ("the Times" ->
  "The New York Times", "the Post" -> "The New York Post", "the S.E.C." -> "the Securities
  and Exchange Commission", "the Trump campaign" -> "Donald Trump's campaign"; not "the
  House" -> "the White House": `_bodies_in_full`);
- a pronoun, a relative word or a description is never filed (`descriptions.described`): an
  indefinite one of any type ("a spokesman", "a Mexican official", "some Democrats", "a
  new poll"), one owned by a pronoun ("his campaign"), a document with no title or
  publisher ("the report") and a person described with no name ("the official", "the
  Florida senator"):
  such claims keep their mention and have no identity (claim clusters compare them under
  their description: `clusters.assign.cluster_claimant`), unless
- a definite description of a person ("The GOP nominee said ...") fits a person the same
  article files claims under (or its claims mention), by a role that article or the registry gives them
  ("Republican presidential nominee"): filed under that person, the nearest named before
  it (`_people_described`). `reindex` reads every article's roles first, as it reads their
  full names; ingest files it by the roles the index holds when its article arrives, and an
  article giving a role first files the descriptions it fits in articles indexed before
  (`roles_gained`, `descriptions_now_filed`: `claimsearch.refiling`).

Filing decides ids (`file_claims`); `identities_of` gathers what the filed claims say
about each identity (aliases, roles, organisations, type), and `merged` folds that into
what the registry already holds. Counts of claims are kept by the index, which knows
which claims it holds. An edit or a delete takes back what only its claims said: the index
derives each identity they said something of again from what the claims it then holds say
(`said_only_before`, `rederived`: from the index's `tallies` of them, kept as claims come
and go), and removes one it holds none of, so the registry never keeps a role corrected since
or the name of someone only a deleted article named.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol

from claimsearch.claimants.descriptions import SPELLED_OUT, described, description_words
from claimsearch.claimants.given_names import given_name_gender
from claimsearch.claimants.names import (
    FEMALE_PRONOUNS,
    MALE_PRONOUNS,
    TITLES,
    is_pronoun,
    misspells,
    name_key,
    name_words,
    surname_of,
    without_middle_names,
    without_possessive,
)
from claimsearch.claimants.nicknames import formal_form, short_forms
from claimsearch.model import IDENTITY_TYPES, Article, Claim, Claimant, ClaimantIdentity, stable_id

DOMINANT_SHARE = 2 / 3
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
# Marks a name is cut from around ("[Hillary] Clinton", "George (W.) Bush"): see `_finished`.
_STRAY_MARKS = re.compile(r"[\[\](){}\"“”:;]")
# "Trump's", "NFL’s": the "'s"; "Sanders'": the apostrophe.
_TRAILING_POSSESSIVE = re.compile(r"(?:(?<=\w)['’]s|(?<=s)['’])$")
MAX_ALIAS_WORDS = 6  # a mention longer than this is a description, not a way to write the name
# When the same name is seen as several types (NER is not always sure), the identity
# takes the first in IDENTITY_TYPES' order (person, organisation, group, document), so
# the outcome does not depend on the order of articles.
TYPE_PRECEDENCE: tuple[str, ...] = IDENTITY_TYPES


class ClaimantLookup(Protocol):
    """What filing needs to read from a registry."""

    def get_claimants(self, ids: Iterable[str]) -> dict[str, ClaimantIdentity]: ...

    def claimants_with_surname(self, surname: str) -> list[ClaimantIdentity]:
        """Persons named by two words or more whose surname is `surname`."""


class EmptyRegistry:
    """A registry that holds nothing: filing against it uses the article alone."""

    def get_claimants(self, ids: Iterable[str]) -> dict[str, ClaimantIdentity]:
        return {}

    def claimants_with_surname(self, surname: str) -> list[ClaimantIdentity]:
        return []


def identity_id(key: str) -> str:
    """The stable id of the identity filed under `key`."""
    return "p" + stable_id("claimant", key, length=19)


def claimant_key(claimant: Claimant) -> str | None:
    """The key a claimant is filed under; None when it names no one."""
    if not claimant.attributed or claimant.name is None or is_pronoun(claimant.name):
        return None
    if described(claimant.name, claimant.type):
        return None
    return name_key(claimant.name) or None


def _genders_said(filings: Iterable[_Filing]) -> dict[str, str]:
    """Surname alone -> the gender its mentions in the article agree on ("Mr. Obama", "he")."""
    said: dict[str, set[str]] = {}
    for filing in filings:
        words = name_words(filing.mention or "")
        if filing.type == "person" and " " not in filing.key and words and words[0] in _MENTION_GENDERS:
            said.setdefault(filing.key, set()).add(_MENTION_GENDERS[words[0]])
    return {key: genders.pop() for key, genders in said.items() if len(genders) == 1}


@dataclass(frozen=True)
class _Filing:
    key: str
    type: str
    mention: str | None
    name: str = ""  # as the claim resolved it: "The New York Times"


# The first word of a mention that says a man or a woman: "Mr. Obama", "she".
_MENTION_GENDERS = {
    **dict.fromkeys(MALE_PRONOUNS | {"mr"}, "male"),
    **dict.fromkeys(FEMALE_PRONOUNS | {"mrs", "ms", "miss"}, "female"),
}


@dataclass(frozen=True)
class Filed:
    """An article's claims with `claimant.id` set, and the key each id was filed under."""

    claims: list[Claim]
    keys: dict[str, str]  # identity id -> filing key
    # A surname alone filed under the person who dominates it in the registry: its own
    # id, pointing there (`merged_into`), so the surname's id leads to that person.
    pointers: dict[str, ClaimantIdentity] = field(default_factory=dict)


def file_claims(claims: list[Claim], lookup: ClaimantLookup) -> Filed:
    """The claims of one article with `claimant.id` set (None where no one is named)."""
    filings = {
        c.id: _Filing(key, c.claimant.type, c.claimant.mention, c.claimant.name or "")
        for c in claims
        if (key := claimant_key(c.claimant))
    }
    said = _genders_said(filings.values())
    resolved: dict[str, str] = _bodies_in_full(filings.values())
    # Surnames of the people this article names in full: "Trump" -> "donald trump".
    full_names: dict[str, dict[str, int]] = {}
    for filing in filings.values():
        surname = surname_of(filing.key) if filing.type == "person" else None
        if surname:
            counts = full_names.setdefault(surname, {})
            counts[filing.key] = counts.get(filing.key, 0) + 1
    dominated: set[str] = set()  # surnames alone resolved by the registry's dominant person
    # Full names resolved by another form of the name ("ed rendell", "hillary rodham clinton").
    joined_forms: set[str] = set()
    for filing in filings.values():
        if filing.type != "person" or filing.key in resolved:
            continue
        if " " in filing.key:
            known = _known_form(filing.key, lookup)
            if known is not None:
                resolved[filing.key] = known
                joined_forms.add(filing.key)
            continue
        gender = said.get(filing.key)
        in_article = {
            key: count
            for key, count in full_names.get(filing.key, {}).items()
            if gender is None or given_name_gender(key) in (None, gender)
        }
        if in_article:
            # Most claims in this article first; ties to the alphabetically first key.
            resolved[filing.key] = min(in_article, key=lambda k: (-in_article[k], k))
        else:
            # "Mrs. Fiorina" weighs the women of that surname only: Carly, not Frank.
            namesakes = [
                person
                for person in lookup.claimants_with_surname(filing.key)
                if gender is None or given_name_gender(person.key) in (None, gender)
            ]
            dominant = _dominant(namesakes)
            resolved[filing.key] = dominant.key if dominant else filing.key
            if dominant:
                dominated.add(filing.key)
    # A surname resolved to this article's full name goes where that name joins ("Rendell"
    # -> "ed rendell" -> "edward rendell"); a known form resolves no further.
    resolved = {key: resolved.get(to, to) for key, to in resolved.items()}
    described_as = _people_described(claims, filings, resolved, lookup)
    out: list[Claim] = []
    keys: dict[str, str] = {}
    pointers: dict[str, ClaimantIdentity] = {}
    for claim in claims:
        filed = filings.get(claim.id)
        claimant = claim.claimant
        identity: str | None = None
        if filed:
            key = resolved.get(filed.key, filed.key)
            identity = identity_id(key)
            keys[identity] = key
            if filed.key in dominated | joined_forms and claim.claimant.name:
                pointers[identity_id(filed.key)] = _pointer(filed.key, claim.claimant.name, identity)
        elif claim.id in described_as:
            key, name = described_as[claim.id]
            identity = identity_id(key)
            keys[identity] = key
            # Named as a pronoun resolved is: the person's name, the description its mention.
            claimant = replace(claimant, name=name, name_span=None)
        out.append(replace(claim, claimant=replace(claimant, id=identity)))
    return Filed(out, keys, pointers)


def _people_described(
    claims: list[Claim], filings: dict[str, _Filing], resolved: dict[str, str], lookup: ClaimantLookup
) -> dict[str, tuple[str, str]]:
    """Claim id -> (key, name) of the person a description stands for ("The GOP nominee
    said ...", "the Vermont senator"): one of the people this article files claims under
    or its claims mention by a full name, described so by a role the article or the
    registry gives them ("Republican presidential
    nominee" holds every word of "the GOP nominee"; "Republican vice presidential nominee"
    says "vice" of someone else), the nearest whose claim comes before it, else the only
    one. Extraction files such a description under a person only where its own article
    describes them so (`extract.descriptions`); an article that writes "The GOP nominee"
    of Donald Trump without calling him that finds it here. A bare noun ("the nominee")
    fits too many people; a description with no person of the article fitting stays one."""
    wanted = {
        c.id: words
        for c in claims
        if c.id not in filings and (words := _description_of_a_person(c.claimant)) is not None
    }
    if not wanted:
        return {}
    names: dict[str, Counter[str]] = {}
    places: list[tuple[int, str]] = []
    roles: dict[str, set[frozenset[str]]] = {}
    for claim in claims:
        # The people its claims mention count too ("Donald Trump held a rally ... The GOP
        # nominee told the crowd"), by the fullest name the article gives them.
        for entity in claim.entities:
            key = name_key(entity.canonical) if entity.type == "person" and " " in entity.canonical else ""
            if key:
                key = resolved.get(key, key)
                names.setdefault(key, Counter())
                places.append((entity.span[0], key))
        filing = filings.get(claim.id)
        if filing is None or filing.type != "person":
            continue
        key = resolved.get(filing.key, filing.key)
        names.setdefault(key, Counter())[filing.name] += 1
        places.append((_place(claim), key))
        if claim.claimant.role:
            roles.setdefault(key, set()).add(description_words(claim.claimant.role))
    known = lookup.get_claimants(identity_id(key) for key in names)
    for key in names:
        identity = known.get(identity_id(key))
        given = identity.roles if identity else []
        roles.setdefault(key, set()).update(description_words(r) for r in given)
    places.sort()
    found: dict[str, tuple[str, str]] = {}
    for claim in claims:
        words = wanted.get(claim.id)
        if words is None:
            continue
        fitting = {key for key in names if any(_fits(words, role) for role in roles[key])}
        before = [key for at, key in places if at < _place(claim) and key in fitting]
        if before or len(fitting) == 1:
            person = before[-1] if before else fitting.pop()
            # The name most of its claims in this article give, the longest of those; the
            # registry's for one only mentioned.
            name = max(names[person], key=lambda n: (names[person][n], len(n), n), default=None)
            if name is None:
                name = known[identity_id(person)].name
            found[claim.id] = (person, name)
    return found


def roles_gained(identities: Iterable[ClaimantIdentity], lookup: ClaimantLookup) -> list[frozenset[str]]:
    """The words of each role `identities` give a person (an article's, as `updated_identities`
    makes them) that the registry (`lookup`, read before the article is indexed) did not
    give them: what may now describe that person in an article indexed before ("The GOP
    nominee", unfiled until an article called Donald Trump "Republican presidential nominee")."""
    people = [i for i in identities if i.type == "person" and i.roles]
    known = lookup.get_claimants(i.id for i in people)
    gained: set[frozenset[str]] = set()
    for identity in people:
        held = set(known[identity.id].roles) if identity.id in known else set()
        gained.update(description_words(role) for role in identity.roles if role not in held)
    return sorted((words for words in gained if len(words) >= 2), key=sorted)


def source_forms(role: frozenset[str]) -> frozenset[str]:
    """The words a source describing a person by `role` (its `description_words`) may hold,
    as the index keeps a source's words (`names.source_words`): each word and its short
    forms ("republican": "gop"; "senator": "sen"), split where the index splits them."""
    forms = set(role) | {short for short, full in SPELLED_OUT.items() if full in role}
    return frozenset(w for form in forms for w in name_words(form) if len(w) > 1)


def may_describe(claimant: Claimant, roles: Iterable[frozenset[str]]) -> bool:
    """Whether the claimant is a description of a person filed under no one that one of
    `roles` (`roles_gained`) fits, so that filing its article again may file it."""
    words = _description_of_a_person(claimant)
    return words is not None and any(_fits(words, role) for role in roles)


def descriptions_now_filed(claims: list[Claim], lookup: ClaimantLookup) -> Filed:
    """Of an indexed article's claims, those describing a person that were filed under no
    one and that the registry's roles now file under a person (`_people_described`), as
    `reindex` would file them; the article's other claims are left as they are filed."""
    filed = file_claims(claims, lookup)
    unfiled = {c.id for c in claims if c.claimant.id is None and _description_of_a_person(c.claimant)}
    now = [c for c in filed.claims if c.id in unfiled and c.claimant.id is not None]
    ids = {c.claimant.id for c in now}
    return Filed(now, {i: key for i, key in filed.keys.items() if i in ids})


class Overlaid:
    """The registry of `lookup` as it will be once `identities` are put: what filing reads
    before they are written."""

    def __init__(self, lookup: ClaimantLookup, identities: Iterable[ClaimantIdentity]) -> None:
        self.lookup = lookup
        self.identities = {i.id: i for i in identities}

    def get_claimants(self, ids: Iterable[str]) -> dict[str, ClaimantIdentity]:
        ids = list(ids)
        found = self.lookup.get_claimants(i for i in ids if i not in self.identities)
        found.update((i, self.identities[i]) for i in ids if i in self.identities)
        return found

    def claimants_with_surname(self, surname: str) -> list[ClaimantIdentity]:
        held = [c for c in self.lookup.claimants_with_surname(surname) if c.id not in self.identities]
        return held + [c for c in self.identities.values() if c.surname == surname]


def _description_of_a_person(claimant: Claimant) -> frozenset[str] | None:
    """The words of a definite description of one person, of a claimant filed under no
    name ("The GOP nominee": republican, nominee); None for anything else, and for a bare
    noun ("the nominee")."""
    name = claimant.name
    if claimant.type != "person" or not claimant.attributed or not name:
        return None
    if name.split()[0].lower() not in ("the", "this", "that"):
        return None
    words = description_words(name)
    return words if len(words) >= 2 else None


# Words of a role that say another person than one described without them: "Republican
# vice presidential nominee" is not "the Republican nominee", "former Florida governor"
# not "the Florida governor".
_OTHER_PERSON_WORDS = frozenset({"vice", "former", "deputy", "assistant", "acting", "ex", "associate", "co"})


def _fits(description: frozenset[str], role: frozenset[str]) -> bool:
    return description <= role and not (role - description) & _OTHER_PERSON_WORDS


def _place(claim: Claim) -> int:
    span = claim.claimant.span or (claim.content.spans[0] if claim.content.spans else None)
    return span[0] if span else 0


def _known_form(key: str, lookup: ClaimantLookup) -> str | None:
    """The key of the identity a person's full name joins, where the registry knows the
    person written another way: without a middle name ("Hillary Rodham Clinton" joins
    "Hillary Clinton"), else with a short given name in full ("Ed Rendell" joins "Edward
    Rendell": `nicknames`) where the short form stands for one name and the registry knows a
    person with claims by it. Each goes one way only (never "Hillary Clinton" to "Hillary
    Rodham Clinton", nor "Edward" to "Ed"), so `file_all` files the same archive the same
    way in any order. None: the name is filed under its own key."""
    short = without_middle_names(key)
    formal = formal_form(short)
    forms = [f for f in (short if short != key else None, formal) if f is not None]
    if not forms:
        return None
    found = lookup.get_claimants([identity_id(f) for f in forms])
    if short != key and (known := found.get(identity_id(short))) is not None and known.claims > 0:
        return short
    person = found.get(identity_id(formal)) if formal else None
    return formal if person is not None and person.claims > 0 and person.type == "person" else None


def _pointer(key: str, name: str, to: str) -> ClaimantIdentity:
    """The identity of a surname alone, or of a name written another way (a short given
    name, a middle name), whose claims are filed under `to`."""
    bare = ClaimantIdentity(identity_id(key), key, name, "person", [name], [], merged_into=to)
    return _finished(bare)


_BODIES = frozenset({"organisation", "document"})
# Short names that stand for another body than the fuller name ending in them: "the House"
# is not "the White House", "State" (the department) not "the Islamic State".
_NOT_SHORT_FOR = frozenset({"house", "state"})
# A group named for a person is a body as far as its names go: "The Trump campaign" is
# "Donald Trump's campaign" of the same article. Other groups ("Republicans" beside "House
# Republicans") are not: the shorter name is the wider group.
_GROUPS_NAMED_FOR_SOMEONE = frozenset({"campaign", "administration", "camp", "team"})
# "I.R.S.", "IMF", "the S.E.C.": a name written as an acronym (2 to 8 capitals, dotted or not).
_ACRONYM = re.compile(r"(?:[A-Z]\.?){2,8}")
# Words an acronym may skip: "Securities and Exchange Commission" is the S.E.C.
_ACRONYM_SKIPS = frozenset({"and", "of", "for", "the", "on", "to", "in", "at", "&"})


def _bodies_in_full(filings: Iterable[_Filing]) -> dict[str, str]:
    """A body's short name -> the one fuller name this article gives it, as a surname joins
    its person: "the Times" -> "The New York Times", "the Budget Office" -> "the
    Congressional Budget Office", "The Trump campaign" -> "Donald Trump's campaign", and an
    acronym -> the name it abbreviates: "the S.E.C." -> "the Securities and Exchange
    Commission", "AROS" -> "Alliance to Reclaim Our Schools". The words before the short
    name are a name's, capitalised ("Armenians of Israel" is not Israel); two candidates
    ("the Post" beside "The Washington Post" and "The New York Post") and the words of
    `_NOT_SHORT_FOR` join none."""
    bodies = {f.key: f.name for f in filings if _is_body(f)}
    joined: dict[str, str] = {}
    for key, name in bodies.items():
        if key in _NOT_SHORT_FOR:
            continue
        words = key.split()
        letters = _acronym_letters(name)
        fuller = [
            other
            for other, other_name in bodies.items()
            if (
                len(other.split()) > len(words)
                and other.split()[-len(words) :] == words
                and _capitalised_before(other_name, len(other.split()) - len(words))
            )
            or (letters is not None and other != key and letters in _initials(other_name))
        ]
        if len(fuller) == 1:
            joined[key] = fuller[0]
    return joined


def _is_body(filing: _Filing) -> bool:
    """A body, a group named for someone, or a group named by an acronym ("CNS")."""
    return filing.type in _BODIES or (
        filing.type == "group"
        and (filing.key.split()[-1] in _GROUPS_NAMED_FOR_SOMEONE or _acronym_letters(filing.name) is not None)
    )


def _acronym_letters(name: str) -> str | None:
    """ "the S.E.C." -> "sec", "IMF's" -> "imf"; None for a name not written as an acronym."""
    words = without_possessive(name.strip()).split()
    if words and words[0].lower() == "the":
        words = words[1:]
    if len(words) != 1 or not _ACRONYM.fullmatch(words[0]):
        return None
    return words[0].replace(".", "").lower()


def _initials(name: str) -> set[str]:
    """The acronyms a body's full name can be written as: its capitalised words' first
    letters, with and without the small words between them ("Department of Justice": "dj",
    "doj"); none for a name of fewer than two capitalised words."""
    words = [w for w in re.split(r"[\s-]+", without_possessive(name.strip())) if w]
    while words and not words[0][:1].isupper():  # "the", "the federal"
        words = words[1:]
    if sum(1 for w in words if w[:1].isupper()) < 2:
        return set()
    if any(not w[:1].isupper() and w.lower() not in _ACRONYM_SKIPS for w in words):
        return set()  # "the federal agency": not a name throughout
    capitals = "".join(w[0] for w in words if w[:1].isupper()).lower()
    every = "".join(w[0] for w in words if w != "&").lower()
    return {capitals, every}


def _capitalised_before(name: str, count: int) -> bool:
    """Whether the first `count` words of `name` (a leading "the" aside) are capitalised."""
    words = name.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    return len(words) >= count and all(w[:1].isupper() or w[:1].isdigit() for w in words[:count])


def surnames_joined(filed: Filed, lookup: ClaimantLookup) -> list[tuple[str, ClaimantIdentity]]:
    """Identities of a surname alone that now belong to a person this article names in full:
    (the surname's identity id, the person's identity with the surname's aliases added).

    A surname filed before any article named its person in full ("Obama", when no Barack
    Obama was known) is an identity of its own. Once the person who dominates the surname
    is known (`lookup` read after this article is indexed), `reindex` would file it under
    that person, as `file_claims` files every later claim of the surname alone: ingest
    moves its claims there (`SearchIndex.move_claimant`), so the identities ingest builds
    do not depend on the order in which articles arrive.
    """
    people = {c.claimant.id for c in filed.claims if c.claimant.type == "person"}
    surnames = {s for i, key in filed.keys.items() if i in people and (s := surname_of(key))}
    joined: list[tuple[str, ClaimantIdentity]] = []
    # One read for every surname; the people of a surname only where it stands alone.
    known = lookup.get_claimants(identity_id(s) for s in surnames) if surnames else {}
    for surname in sorted(surnames):
        alone = known.get(identity_id(surname))
        # One with no claims is joined too unless it already points on: a move cut short
        # after its claims went and before its pointer was written is finished so.
        if alone is None or alone.merged_into is not None or alone.type != "person":
            continue
        dominant = _dominant(lookup.claimants_with_surname(surname))
        if dominant is not None and dominant.id != alone.id:
            joined.append((alone.id, merged(dominant, replace(alone, claims=0))))
    return joined


def identities_joined(filed: Filed, lookup: ClaimantLookup) -> list[tuple[str, ClaimantIdentity]]:
    """Every identity filed before this article that now belongs to a person it names, as
    `reindex` would file it: a surname alone (`surnames_joined`) and a name written another
    way (`other_forms_joined`). Ingest moves their claims (`SearchIndex.move_claimant`)."""
    return [*surnames_joined(filed, lookup), *other_forms_joined(filed, lookup)]


def other_forms_joined(filed: Filed, lookup: ClaimantLookup) -> list[tuple[str, ClaimantIdentity]]:
    """Identities of a name written another way that now belong to the name this article
    gives a person: (that identity's id, the person's identity with its aliases added).
    "Len Burman" or "Hillary Rodham Clinton", filed before any article named Leonard Burman
    or Hillary Clinton, is an identity of its own; `reindex` would file it under them
    (`_known_form`), so ingest moves its claims there once they are known, as it does for a
    surname alone (`surnames_joined`)."""
    people = {c.claimant.id for c in filed.claims if c.claimant.type == "person"}
    names = {i: key for i, key in filed.keys.items() if i in people and " " in key}
    if not names:
        return []
    # The short given names that stand for this name alone, by id; the middle-name forms
    # among the people of its surname (one read a surname; a name with a middle name of
    # its own is no other name's short form).
    forms: dict[str, str] = {}
    by_surname: dict[str, dict[str, str]] = {}
    for i, key in names.items():
        forms.update((identity_id(f), i) for f in short_forms(key) if formal_form(f) == key)
        if (surname := surname_of(key)) and without_middle_names(key) == key:
            by_surname.setdefault(surname, {})[key] = i
    for surname, keys in sorted(by_surname.items()):
        for other in lookup.claimants_with_surname(surname):
            to = keys.get(without_middle_names(other.key))
            if to is not None and other.key not in keys:
                forms[other.id] = to
    found = lookup.get_claimants([*forms, *names])
    joined: list[tuple[str, ClaimantIdentity]] = []
    for form_id, to in sorted(forms.items()):
        form, person = found.get(form_id), found.get(to)
        if form is None or form.merged_into is not None or form.type != "person" or person is None:
            continue
        joined.append((form.id, merged(person, replace(form, claims=0))))
    return joined


def _dominant(candidates: list[ClaimantIdentity]) -> ClaimantIdentity | None:
    people = [c for c in candidates if c.claims > 0]
    if not people:
        return None
    top = max(people, key=lambda c: (c.claims, c.key))
    return top if top.claims >= DOMINANT_SHARE * sum(c.claims for c in people) else None


def identities_of(filed: Filed) -> dict[str, ClaimantIdentity]:
    """What filed claims say about their identities: one identity per id.

    `claims` counts the claims given here; the index replaces it with the count it holds.
    """
    found: dict[str, ClaimantIdentity] = {}
    for claim in filed.claims:
        claimant = claim.claimant
        said = Said.of(claimant)
        if claimant.id is None or said is None:
            continue
        found[claimant.id] = merged(
            found.get(claimant.id), said.fragment(claimant.id, filed.keys[claimant.id])
        )
    return found


@dataclass(frozen=True)
class Said:
    """What one claim filed under an identity says about it. The index keeps, per identity,
    how many of its claims say each (`tallies`), so that deriving an identity again reads a
    few dozen of these, not the thousands of claims of a much-quoted person."""

    # In the order of the stored form (`key`).
    name: str
    mention: str | None
    role: str | None
    organization: str | None
    type: str

    @classmethod
    def of(cls, claimant: Claimant) -> Said | None:
        """What the claimant says of its identity; None for one with no name."""
        if claimant.name is None:
            return None
        return cls(claimant.name, claimant.mention, claimant.role, claimant.organization, claimant.type)

    def key(self) -> str:
        """The stored form: a JSON array of the fields in order."""
        fields = [self.name, self.mention, self.role, self.organization, self.type]
        return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_key(cls, key: str) -> Said:
        name, mention, role, organization, kind = json.loads(key)
        return cls(name, mention, role, organization, kind)

    def fragment(self, identity_id: str, key: str, claims: int = 1) -> ClaimantIdentity:
        """The identity as this alone says it, for `merged` to fold in (`claims`: said so by that many)."""
        aliases = [self.name]
        # A person's mention is often a possessive ("Trump’s plan would ..."): an alias is the
        # name as a reader types it. A body's may end so as written ("McDonald's").
        mention = without_possessive(self.mention) if self.mention and self.type == "person" else self.mention
        if mention and mention != self.name and _writes_the_name(mention, key):
            aliases.append(mention)
        return ClaimantIdentity(
            id=identity_id,
            key=key,
            name=self.name,
            type=self.type if self.type in IDENTITY_TYPES else "group",
            aliases=aliases,
            keys=[],
            roles=[self.role] if self.role else [],
            organizations=[self.organization] if self.organization else [],
            claims=claims,
        )


def said_only_before(before: Iterable[Claimant], after: Iterable[Claimant]) -> set[str]:
    """The identities an article's claims as the index held them (`before`) said something
    about that its claims now (`after`; none for a delete) do not say: a name, a mention, a
    role, an organisation or a type. What went may now be said by no claim at all, so each
    is derived again from the claims the index then holds (`rederived`); the others are
    what merging with `after` already makes them. An edit that changes nothing of the
    claimants (most re-extractions) costs nothing more."""

    def said(claimants: Iterable[Claimant]) -> dict[str, set[tuple[str, str]]]:
        facts: dict[str, set[tuple[str, str]]] = {}
        for claimant in claimants:
            if claimant.id is not None and claimant.name is not None:
                fields = {
                    "name": claimant.name,
                    "mention": claimant.mention,
                    "role": claimant.role,
                    "organization": claimant.organization,
                    "type": claimant.type,
                }
                facts.setdefault(claimant.id, set()).update((k, v) for k, v in fields.items() if v)
        return facts

    now = said(after)
    return {i for i, facts in said(before).items() if not facts <= now.get(i, set())}


def tallies(claimants: Iterable[Claimant]) -> dict[str, Counter[Said]]:
    """Per identity, how many of the claimants filed under it say each thing of it (those
    with a name): what `rederived` reads."""
    found: dict[str, Counter[Said]] = {}
    for claimant in claimants:
        said = Said.of(claimant)
        if claimant.id is not None and said is not None:
            found.setdefault(claimant.id, Counter())[said] += 1
    return found


def rederived(identity: ClaimantIdentity, said: Mapping[Said, int]) -> ClaimantIdentity | None:
    """`identity` as the claims filed under it say it (`said`: how many of every claim the
    index holds under it say each thing, from `tallies`), as a rebuild would file it: their names,
    mentions, roles, organisations and type, nothing an edited or deleted article alone
    said. None where no claim is filed under it any more: the registry keeps no one the
    index holds nothing from (a takedown takes the names and roles it brought). A pointer
    (`merged_into`) holds no claims by design and is kept as it is."""
    if identity.merged_into:
        return identity
    fragments = [one.fragment(identity.id, identity.key, count) for one, count in said.items() if count > 0]
    if not fragments:
        return None
    # What folding them with `merged` one by one gives, finished once.
    return _finished(
        replace(
            fragments[0],
            type=min((f.type for f in fragments), key=_type_rank),
            aliases=_union([], [a for f in fragments for a in f.aliases]),
            roles=_union([], [r for f in fragments for r in f.roles]),
            organizations=_union([], [o for f in fragments for o in f.organizations]),
            claims=sum(f.claims for f in fragments),
        )
    )


def as_held_now(
    given: ClaimantIdentity, held: ClaimantIdentity | None, own: Mapping[Said, int]
) -> ClaimantIdentity:
    """The identity to write for `given` (what ingest merged from the registry as it read it,
    `updated_identities`) now that the registry holds `held`: `held` with what this article's
    claims filed under it say (`own`, from `tallies`). Another writer may have put the identity
    between ingest's read and this write: what it added stays, and what it took back is not
    brought back by `given`'s older copy. With no writer between, this is `given`."""
    if held is None:
        return given
    said = rederived(given, own)
    return merged(held, said) if said is not None and not given.merged_into else given


def _writes_the_name(mention: str, key: str) -> bool:
    """'Mr. Trump' writes 'donald trump', and so does 'Bornsten' 'harold bornstein' (an article's
    misprint, which the extractor read as his name); 'she' and 'the head of NK Watch' do not."""
    if is_pronoun(mention) or len(mention.split()) > MAX_ALIAS_WORDS:
        return False
    words = name_key(mention).split()
    target = key.split()
    if len(words) == 1 and len(target) > 1 and misspells(words[0], target[-1]):
        return True
    return bool(words) and all(w in target for w in words)


def merged(old: ClaimantIdentity | None, new: ClaimantIdentity) -> ClaimantIdentity:
    """`old` with what `new` adds: aliases, roles and organisations unioned, claims summed.

    The key (and so the id) is the one the identity was filed under: a surname that
    joined a full name adds an alias, not a new key.
    """
    if old is None:
        return _finished(new)
    combined = replace(
        old,
        type=min(old.type, new.type, key=_type_rank),
        aliases=_union(old.aliases, new.aliases),
        roles=_union(old.roles, new.roles),
        organizations=_union(old.organizations, new.organizations),
        claims=old.claims + new.claims,
        # A pointer is what `new` says: claims filed under the id again clear it.
        merged_into=new.merged_into,
    )
    return _finished(combined)


def _finished(identity: ClaimantIdentity) -> ClaimantIdentity:
    """Fields derived from the key and the aliases: keys, surname, canonical name."""
    filing_key = identity.key
    keys = sorted({name_key(a) for a in identity.aliases} | {filing_key} - {""})
    full = [a for a in identity.aliases if name_key(a) == filing_key] or identity.aliases
    # The fullest form, without a leading article ("US State Department") or a possessive
    # ending (a source written "Ivana Trump's" only, as in "Ivana Trump's claim"): a person's
    # name without a title before it ("Barack Obama", not "President Barack Obama": titles
    # change), most characters, a form that is not all capitals, then alphabetical.
    bare = [_TRAILING_POSSESSIVE.sub("", _LEADING_ARTICLE.sub("", a) or a) or a for a in full]
    person = identity.type == "person"
    # A form cut from around a bracket or a quotation mark ("Hillary] Clinton" of "[Hillary]
    # Clinton", "George (W. Bush") only where the name is written no other way.
    name = min(
        bare, key=lambda a: (bool(_STRAY_MARKS.search(a)), person and _titled(a), a.isupper(), -len(a), a)
    )
    surname = surname_of(filing_key) if identity.type == "person" else None
    return replace(identity, keys=keys, name=name, surname=surname)


def _titled(name: str) -> bool:
    words = name_words(name)
    return len(words) > 1 and words[0] in TITLES


def _type_rank(kind: str) -> int:
    return TYPE_PRECEDENCE.index(kind) if kind in TYPE_PRECEDENCE else len(TYPE_PRECEDENCE)


def _union(old: list[str], new: list[str]) -> list[str]:
    return sorted(set(old) | set(new), key=lambda v: (v.casefold(), v))


class MemoryRegistry:
    """A registry held in memory: used by `reindex`, which files the whole archive at once."""

    def __init__(self) -> None:
        self.identities: dict[str, ClaimantIdentity] = {}

    def get_claimants(self, ids: Iterable[str]) -> dict[str, ClaimantIdentity]:
        return {i: self.identities[i] for i in ids if i in self.identities}

    def claimants_with_surname(self, surname: str) -> list[ClaimantIdentity]:
        return [c for c in self.identities.values() if c.surname == surname]

    def add(self, filed: Filed) -> None:
        self.identities.update((i.id, i) for i in updated_identities(filed, self))


def updated_identities(filed: Filed, lookup: ClaimantLookup) -> list[ClaimantIdentity]:
    """The registry's identities for the filed claims, with what this article adds, and
    the pointers of the surnames it filed under their dominant person (not over an
    identity that still holds claims: ingest moves those first, `surnames_joined`)."""
    fragments = identities_of(filed)
    existing = lookup.get_claimants([*fragments, *filed.pointers])
    updated = {i: merged(existing.get(i), fragment) for i, fragment in fragments.items()}
    for i, pointer in filed.pointers.items():
        old = existing.get(i)
        if i not in updated and (old is None or old.claims == 0):
            updated[i] = merged(old, pointer)
    return [updated[i] for i in sorted(updated)]


Pairs = Iterable[tuple[Article, list[Claim]]]


def file_all(read: Callable[[], Pairs]) -> tuple[Iterator[tuple[Article, list[Claim]]], MemoryRegistry]:
    """File a whole archive: the filed pairs, and the registry they fill as they are consumed.

    `read` is called twice. The first pass gathers the full names each article gives on
    its own; the second files every claim against them, so a surname alone joins the
    person who dominates that surname across the whole archive, whatever order the
    articles come in: the same archive always gives the same identities.
    """
    full_names = MemoryRegistry()
    for _, claims in read():
        full_names.add(file_claims(claims, EmptyRegistry()))
    registry = MemoryRegistry()

    def filed() -> Iterator[tuple[Article, list[Claim]]]:
        for article, claims in read():
            result = file_claims(claims, full_names)
            registry.add(result)
            yield article, result.claims

    return filed(), registry
