"""User text as the engine-neutral plan both adapters compile: terms and how many must match.

Best-match search (`match=best`) ORs the words and ranks by relevance, but a claim
must hold a minimum number of them so one common word does not flood the answer:
all of one or two words, two of three, three quarters (rounded down) beyond. Strict
search (`match=all`) wants every word, and `match=any` one of them (what a best-match
search falls back to when no claim holds enough: `port.search_claims`). A word counts as
present when any of the claim's text fields holds it (content, sentence, claimant name,
claimant mention); each engine then ranks with its own BM25, weighting content most, then
the sentence, then the claimant, and boosting claims where the words stand together.

The words are cut out here, once, so both engines count the same terms: runs of
letters and digits, possessive "'s" removed, English stop words (Lucene's list,
which OpenSearch's analyzer drops) and one-character words ("U.S." splits
differently in each engine) left out, duplicates folded.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal, get_args

from claimsearch.claimants.names import (
    GENERATIONAL_SUFFIXES,
    TITLES,
    fold,
    has_generational_suffix,
    name_key,
    name_words,
    without_middle_names,
)
from claimsearch.claimants.nicknames import name_variants
from claimsearch.errors import InvalidQuery
from claimsearch.index.normalize import fold_letters
from claimsearch.invisible import strip_invisible
from claimsearch.model import ClaimantIdentity

MatchMode = Literal["best", "all", "any"]
MATCH_MODES: tuple[str, ...] = get_args(MatchMode)
MATCH_DESCRIPTION = (
    "best: ranked best match, a claim holds most of the words (when none does and no claimant is"
    " asked for, claims holding any of them, and the answer says relaxed); all: every word; any:"
    " one word at least"
)
MAX_TERMS = 32  # well under the engines' clause limits once spread over four fields
# Lucene's English stop words, which OpenSearch's english analyzer drops: dropping
# them here too keeps "the forced labour" meaning the same in both engines.
ENGLISH_STOP_WORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their then "
    "there these they this to was will with".split()
)
_WORD = re.compile(r"\w+", re.UNICODE)
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b", re.IGNORECASE)


@dataclass(frozen=True)
class TextQuery:
    terms: tuple[str, ...]  # folded words, in the order given
    minimum: int  # how many of them a claim must hold

    @property
    def phrase(self) -> str:
        return " ".join(self.terms)


def minimum_should_match(terms: int) -> int:
    """All of 1-2 words, 2 of 3, 75 % (rounded down) of 4 or more."""
    if terms <= 2:
        return terms
    if terms == 3:
        return 2
    return math.floor(0.75 * terms)


def plan_text(text: str | None, match: str = "best") -> TextQuery | None:
    """The terms of `text` and the minimum to match; None when `text` holds no word to look up."""
    if match not in MATCH_MODES:
        raise InvalidQuery("match", f"must be one of {', '.join(MATCH_MODES)}, got {match!r}")
    if not text or not text.strip():
        return None
    # Invisible characters go first, as ingest removed them from the text: a soft hyphen
    # or zero-width space must not cut a word in two.
    words = _WORD.findall(_POSSESSIVE.sub("", strip_invisible(text)))
    terms: list[str] = []
    for word in words:
        term = fold_letters(fold(word))  # "Øresund" is "oresund", as both engines index it
        if len(term) > 1 and term not in ENGLISH_STOP_WORDS and term not in terms:
            terms.append(term)
    terms = terms[:MAX_TERMS]
    if not terms:
        return None
    return TextQuery(tuple(terms), _minimum(match, len(terms)))


def _minimum(match: str, terms: int) -> int:
    if match == "all":
        return terms
    if match == "any":
        return 1
    return minimum_should_match(terms)


@dataclass(frozen=True)
class ClaimantTerms:
    """A claimant name as asked: the words an alias, or the words of a claim's source, must
    hold, in order, as whole words."""

    words: tuple[str, ...]
    # Whether a claim whose claimant's name ends in a generational suffix ("Jr.") may match by
    # its source's words: where the name asked holds one, or where the identities it matches
    # do (`match_claimant`: "Trump" is not Donald Trump Jr.).
    suffixed: bool

    @property
    def phrase(self) -> str:
        return " ".join(self.words)

    @property
    def source_phrase(self) -> str:
        """The phrase as looked for among a source's words (`names.source_words`: no initials)."""
        return " ".join(w for w in self.words if len(w) > 1)


# A label after a name, as news writes a politician's party and state: "Lindsey Graham
# (R-S.C.)". No alias holds one (the registry keys the name the parse found).
_TRAILING_LABEL = re.compile(r"\s*\([^()]*\)\s*$")


def _without_label(name: str) -> str:
    return _TRAILING_LABEL.sub("", name) or name


def claimant_terms(name: str) -> ClaimantTerms:
    """A user's claimant name as alias words ("Mr. Trump" -> "trump", "Lindsey Graham (R-S.C.)"
    -> "lindsey graham")."""
    words = name_key(_without_label(name)).split()
    if not words or all(w in TITLES for w in words):  # "the", "Mr.": no one in particular
        raise InvalidQuery("claimant", f"{name!r} holds no name to look up")
    return _terms(words)


def _terms(words: list[str]) -> ClaimantTerms:
    return ClaimantTerms(tuple(words), any(w in GENERATIONAL_SUFFIXES for w in words))


# Words that say what a person does, standing before the name in news copy ("Trump campaign
# manager Kellyanne Conway", "former CIA Director Michael Morell"). Not titles: the registry
# never cuts them (a name may hold one: "Director Films"), so they serve only the readings
# of a name asked for, which accept people alone.
_ROLES = frozenset(
    """
    spokesman spokeswoman spokesperson manager adviser advisor aide director strategist
    pollster analyst economist official head leader founder ceo executive chair lawyer
    consultant correspondent reporter columnist editor anchor host
    operative activist organizer donor supporter critic ally lawmaker legislator lobbyist
    commentator journalist writer author historian researcher scientist expert
    businessman businesswoman billionaire entrepreneur investor actor actress
    """.split()
)


@dataclass(frozen=True)
class Reading:
    """A looser reading of a claimant name, and whether it holds only for a person's name."""

    terms: ClaimantTerms
    people_only: bool


def looser_readings(name: str) -> list[Reading]:
    """Shorter readings of a name as an article writes it, for when no alias holds it whole,
    in the order they are tried. The name before a comma, where what follows describes it
    ("Don Fowler, who helmed the DNC", not "Donald Trump, Jr."). A person described, then
    named: where a title or a role stands inside the name ("Gov.", "manager"), what follows
    the last one, then the last two words ("New Jersey Gov. Chris Christie", "Trump
    campaign manager Kellyanne Conway", "Former Secretary of State Hillary Clinton"). A
    person's first and last name without the middle one, as the registry joins them
    ("Hillary Rodham Clinton" -> "hillary clinton"; "Tax Policy Center" is no "Tax Center":
    only people are read so). Last, each of these with the given name in another form
    ("Ed Rendell" -> "edward rendell": `nicknames`; people only). Each is a rule a reader
    accepts, not a guess at a spelling: a name spelt otherwise finds nothing."""
    asked = claimant_terms(name).words
    text = _without_label(name)
    head, comma, rest = text.partition(",")
    described = bool(comma and name_words(head)) and not set(name_words(rest)) <= GENERATIONAL_SUFFIXES
    words = name_words(head if described else text)
    suffix = words[-1:] if has_generational_suffix(words) else []
    core = [w for w in words[: len(words) - len(suffix)] if len(w) > 1]  # no initials
    titled = [i for i, w in enumerate(core[:-2]) if w in TITLES or w in _ROLES]
    bases = [(words, False)]
    if titled:  # the name after the description first
        bases = [(core[titled[-1] + 1 :] + suffix, True), (core[-2:] + suffix, True), *bases]
    named = [] if titled else _named_after_description(head if described else text)
    if named:  # no title or role word said where the description ends: the capitals do
        bases = [(named, True), *bases]
    readings: list[tuple[list[str], bool]] = []
    for base, people_only in bases:
        key = name_key(" ".join(base))
        reading = key.split()
        readings.append((reading, people_only))
        # The registry's rule, where the words read as first, middle and last name: one
        # middle word, no title first, no stop word between ("sen ted cruz", "bank of america").
        short = without_middle_names(key).split()
        if (
            len(reading) - len(short) == 1
            and reading[0] not in TITLES
            and reading[1] not in ENGLISH_STOP_WORDS
        ):
            readings.append((short, True))
    # The given name in another form, after every other reading, of a first and last name
    # ("Ed Rendell" -> "edward rendell", where the registry has not seen the person so).
    plain = [key for reading, _ in readings if without_middle_names(key := " ".join(reading)) == key]
    readings += [(variant.split(), True) for key in plain for variant in name_variants(key)]
    if described and _capitalised(rest):  # a description before the comma, a name after
        # it ("Trump's running mate, Indiana Gov. Mike Pence"): read as a name of its own,
        # people only; not a description after a name ("Flynn, a former adviser", "David
        # Wasserman, House editor for the Cook Political Report")
        readings.append((name_key(rest).split(), True))
        readings += [(list(r.terms.words), True) for r in looser_readings(rest)]
    unique: dict[tuple[str, ...], Reading] = {}
    for reading, people in readings:
        if reading and tuple(reading) != asked:
            unique.setdefault(tuple(reading), Reading(_terms(reading), people))
    return list(unique.values())


def _named_after_description(text: str) -> list[str]:
    """The name a written description ends on, as its capitals show: the words after the
    last one written in lower case (not a function word) or owning the rest ("longtime
    Clinton confidant Robby Mook", "MSNBC's Chris Matthews", "rival Ted Cruz"), two at
    least, so a role word not in `_ROLES` still leaves the person. [] when nothing precedes
    them or too little is left."""
    written = text.split()
    # A lower-case function word is part of a body's name ("Citizens for Tax Justice").
    described = [w[:1].islower() and w.lower() not in ENGLISH_STOP_WORDS for w in written]
    cut = max((i for i, w in enumerate(written) if described[i] or w.endswith(_OWNING)), default=-1)
    tail = written[cut + 1 :]
    while tail and tail[0][:1].islower():  # "... confidant of | Robby Mook"
        tail = tail[1:]
    if cut < 0 or len(tail) < 2 or any(w[:1].islower() for w in tail):
        return []  # nothing described, too little left, or not a name ("in the British ...")
    return name_key(" ".join(tail)).split()


_OWNING = ("'s", "’s", "s'", "s’")


def _capitalised(text: str) -> bool:
    """Every word capitalised but function words, as a name and its titles are written."""
    words = text.split()
    return bool(words) and all(
        w[:1].isupper() or not w[:1].isalpha() or (i and w.lower() in ENGLISH_STOP_WORDS)
        for i, w in enumerate(words)
    )


# An engine's lookup of identities by alias words (suffixed identities included), each
# with whether its key ends in a generational suffix; and what it holds of some identities:
# id -> (type, key).
FindIdentities = Callable[[ClaimantTerms], list[tuple[str, bool]]]
HeldIdentities = Callable[[list[str]], dict[str, tuple[str, str]]]


def match_claimant(
    name: str, identities: FindIdentities, held: HeldIdentities
) -> tuple[ClaimantTerms, list[str]]:
    """The terms of a `claimant=` name, whose words a claim's source must hold to match, and
    the identities it matches: those whose aliases hold the name as asked, else those of the
    first looser reading that finds any. A looser reading only adds identities, so a name
    matches every claim it matched as asked.

    A generational suffix tells namesakes apart: "Trump" and "Donald Trump" do not ask for
    Donald Trump Jr. where the index knows a Donald Trump. Where it knows none, the suffix is
    only the way the name is written in full: "Biden", "Mr. Biden" find Joseph R. Biden Jr.,
    and the terms then let a claim's source hold a suffixed name too."""
    terms = claimant_terms(name)
    for reading in [Reading(terms, False), *looser_readings(name)]:
        found = identities(reading.terms)
        if not found:
            continue
        suffixed = [i for i, s in found if s]
        ids = [i for i, _ in found]
        kinds = held(ids) if reading.people_only or (suffixed and not terms.suffixed) else {}
        if suffixed and not terms.suffixed:
            ids = _without_namesakes(ids, suffixed, kinds)
        if reading.people_only:
            ids = [i for i in ids if kinds.get(i, ("", ""))[0] == "person"]
        if ids:
            suffix_kept = not terms.suffixed and any(i in ids for i in suffixed)
            return (replace(terms, suffixed=True) if suffix_kept else terms), sorted(ids)
    return terms, []


def _without_namesakes(ids: list[str], suffixed: list[str], kinds: dict[str, tuple[str, str]]) -> list[str]:
    """`ids` less the suffixed identities that share their name with one found without a
    suffix ("donald trump jr" beside "donald trump"; middle names aside)."""
    plain = {without_middle_names(kinds[i][1]) for i in ids if i not in suffixed and i in kinds}
    namesakes = {
        i
        for i in suffixed
        if i in kinds and without_middle_names(" ".join(kinds[i][1].split()[:-1])) in plain
    }
    return [i for i in ids if i not in namesakes]


def suggestion_terms(text: str) -> list[str]:
    """What a user has typed so far as key words; the last one may be unfinished."""
    return name_key(text).split()


Suggest = Callable[[list[str]], list[ClaimantIdentity]]


def suggestions_in_turn(text: str, spelt: Suggest, near: Suggest) -> list[ClaimantIdentity]:
    """Claimant suggestions for what a user has typed, the first tries that find any, the same
    on both engines: the words as typed (`spelt`: every word a whole word of an alias, the
    last a prefix); then, where a given name comes first and more follows, the given name in
    its other forms ("michael pen" -> "mike pen": `nicknames`); then the words one letter
    off (`near`: each word of NEAR_WORD_MIN_LENGTH letters or more also as the alias words
    one edit away, all whole)."""
    words = suggestion_terms(text)
    if not words:
        return []
    forms = [variant.split() for variant in name_variants(" ".join(words))] if len(words) >= 2 else []
    for spelling in [words, *forms]:
        if found := spelt(spelling):
            return found
    return near(words) if any(may_be_near(w) for w in words) else []


# A name typed one letter wrong ("Bornsten", "Brinkly", "Pnce") still finds its person
# among the suggestions, when nothing is spelt so. Only words this long are read loosely (a
# shorter one is one edit from too many names: "Lee" from "Le", "Leo", "Lew", "Lea") and
# the first letter must stand: OpenSearch's fuzzy query with prefix_length 1.
NEAR_WORD_MIN_LENGTH = 4


def may_be_near(word: str) -> bool:
    """Whether a suggestion may match `word` by a word one edit away from it."""
    return len(word) >= NEAR_WORD_MIN_LENGTH
