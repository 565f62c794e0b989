"""Names that describe a claimant rather than name one: no identity to file across articles.

"a White House official", "the Florida senator", "his campaign", "the company", "The
poll": another article's "Florida senator" may be another senator, so the registry
files such claimants under no identity (claim clusters compare their claims under the
description itself: `clusters.assign.cluster_claimant`).
"""

from __future__ import annotations

import re

from claimsearch.calendar_words import MONTHS, WEEKDAYS
from claimsearch.claimants.names import ROLE_NOUNS, TITLE_ABBREVIATIONS, TITLES, name_key
from claimsearch.claimants.person_nouns import may_name_people

# Nouns that name a document, a claimant of its own ("the report found", "polls show").
DOCUMENT_NOUNS = frozenset(
    "report reports study studies survey surveys poll polls analysis analyses document documents "
    "statement statements letter letters memo memos paper papers research review investigation "
    "audit data figures findings assessment estimate estimates book article record records filing "
    "lawsuit complaint indictment ruling release transcript email emails tweet post".split()
)
# Titles as written before names read as the nouns a description uses ("Sen." -> senator);
# "GOP" is what "Republican" says of a candidate.
SPELLED_OUT = {short: title.lower() for short, title in TITLE_ABBREVIATIONS.items()} | {
    "gop": "republican",
    "front-runner": "frontrunner",
}
_DESCRIPTION_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
# Those that, capitalised inside a sentence, end the name of a newspaper or a magazine,
# a body: "The Washington Post", "the Post", "National Review", "The Bergen Record".
PUBLICATION_NOUNS = frozenset({"post", "review", "record"})


def described(name: str, kind: str) -> bool:
    """Whether the name describes a claimant rather than names one, so that it is no
    identity to file across articles:

    - of any type, an indefinite or anaphoric description ("a Mexican official", "A CNN/ORC
      poll", "some Democrats", "many Republicans", "Other Republicans", "These Republicans",
      "54 percent of voters", "About four in 10 voters", "none of his rivals"): one among
      many, never the same one in another article ("An Nguyen", "One Direction" and "No
      Labels", with no word in lower case after the first, are names);
    - a person described with no name ("a spokesman", "The minister", "the Florida senator",
      "The French minister of environment and energy", "House speaker", "Germany's
      president", a headline's "Judge" or "Retired General": titles and roles alone):
      another article's "Florida senator" may be another senator;
    - of any type, a description owned by a pronoun ("his campaign", "Her advisers", "his
      wife"), unless a capital says a name follows ("Our Principles PAC"), or by a common
      noun ("the party's leaders", "the candidate's friends");
    - a document named by no title and no publisher ("The poll", "the report", "exit polls":
      nothing capitalised but "the"; "the Pew report" and "comScore" are names), nor by
      a headline's or a sentence's capitals on words any document is called by ("Polls",
      "New Polls", "Report", "The April survey": `_GENERIC_DOCUMENT_WORDS`);
    - a body or a thing named by common nouns alone ("the company", "The agency", "the
      budget office", "the results", "the PAC", "a super PAC": `_COMMON_ACRONYMS`) or by a
      lone word in lower case ("of", "going"); a plural for people or bodies ("officials",
      "the critics", "the unions") is a kind of claimant, and stays;
    - a person named as a party's member ("Republican seeks new inquiry", "one Democrat"),
      and a name of one letter ("Q", a transcript's questioner).

    Their claims keep the mention (`claimant=` still finds them by its words); a body named
    by a definite description ("the State Department") is a name.
    """
    words = name.split()
    key = name_key(name)
    if not words or len(key) < 2:
        return True  # "Q", a transcript's label for the questioner
    first, rest = words[0].lower(), words[1:]
    if first in _QUANTIFIERS or first[:1].isdigit():
        return True
    if kind == "person" and key.split()[-1] in _PARTY_MEMBERS:
        return True  # "Republican seeks new inquiry", "one Democrat", "a New Hampshire Republican"
    if first in _SHARES and (
        any(w[:1].islower() or w[:1].isdigit() for w in rest) or (not rest and first in _FRACTIONS)
    ):
        return True  # "About four in 10 voters", "More than half of respondents", "none of his rivals"
    if first in _INDEFINITE and any(w[:1].islower() for w in rest):
        return True
    if first in _POSSESSIVES and not any(w[:1].isupper() for w in rest):
        return True  # "his campaign", "Her advisers": whose depends on the article
    at = 1 if first in _DEMONSTRATIVES else 0  # the owner's word: "the | party's leaders"
    if at < len(words) - 1 and words[at][:1].islower() and _OWNED.search(words[at]):
        return True  # "the party's leaders", "the candidate’s friends": which party, the article says
    if kind == "document":
        # "The poll", "the report", "exit polls": no title, no publisher, nothing capitalised.
        described = rest if first in _DEMONSTRATIVES else words
        if not described:
            return False
        return not any(c.isupper() for w in described for c in w) or _all_in(
            described, _GENERIC_DOCUMENT_WORDS
        )
    if kind in ("group", "organisation"):
        # "the company", "the group", "the agency", "the campaign": which one depends on the
        # article, as for "the poll"; a lone word in lower case that NER took for a body
        # ("of", "going") names no one. A plural for people or bodies is a kind of claimant
        # a reader may facet on ("officials", "the critics", "human rights activists") and
        # stays a name, as does a web address ("ouest-france.fr").
        described = rest if first in _DEMONSTRATIVES else words
        if described and _all_in(described, _COMMON_ACRONYMS):
            return True  # "the PAC", "A super PAC": which committee, the article says
        if not described or any(c.isupper() or c == "." for w in described for c in w):
            return False
        # In lower case: a kind of people or bodies stays ("officials", "human rights
        # activists", "the unions"); one body or a thing named by common nouns alone goes
        # ("the budget office", "the results").
        head = _head_word(described, _DESCRIPTION_ENDS - {"and"})  # "current and former officials"
        return not (_plural(head) and _names_people(head))
    if kind != "person":
        return False
    if first not in _DEMONSTRATIVES and all(
        w in TITLES or w in ROLE_NOUNS or w == "retired" for w in name_key(name).split()
    ):
        return True  # titles and roles alone, as a headline writes them: "Judge", "Retired General"
    if first != "the" and rest and not any(c.isupper() for c in words[-1]):
        # "House speaker", "Sanders's campaign manager", "Twenty-four percent": a name's last
        # word has a capital ("Ansar al-Sharia", "Ahn Myeong-chul"); a description's need not.
        return True
    if not any(w[:1].isupper() for w in rest):
        return first in _INDEFINITE or first == "the" or not words[0][:1].isupper()
    if first != "the":
        return False
    head = _head_word(rest, _DESCRIPTION_ENDS)
    return head[:1].islower() or name_key(head) in TITLES


def _all_in(words: list[str], vocabulary: frozenset[str]) -> bool:
    """Whether every word, whatever its case and the marks at its edges, is in `vocabulary`."""
    return all(w.lower().strip(_EDGE_MARKS) in vocabulary for w in words)


def _head_word(words: list[str], ends: frozenset[str]) -> str:
    """The head of "Florida senator of ...", "supporters of the bill": the last word before
    one of `ends` (a preposition, a clause)."""
    head = words[0]
    for word in words:
        if word.lower() in ends:
            break
        head = word
    return head


def names_people_in_plural(word: str) -> bool:
    """Whether one word is a plural for people or bodies ("Aides", "Latinos", "the Khans"),
    as a sentence's first word or a headline capitalises it."""
    lower = word.lower().strip(_EDGE_MARKS)
    return _plural(lower) and _names_people(lower)


def _plural(word: str) -> bool:
    return (word.endswith("s") and not word.endswith("ss")) or word.endswith("men") or word in _COLLECTIVES


def _names_people(plural: str) -> bool:
    """ "officials", "the police", "unions", "authorities": a plural for people or bodies, not
    "results" or "ads"."""
    if plural in _COLLECTIVES or plural in _BODIES_ELSEWHERE:
        return True
    if plural.endswith("men"):
        singulars = [plural[:-3] + "man"]  # "chairmen"
    elif plural.endswith("ies"):
        singulars = [plural[:-3] + "y"]  # "authorities"
    elif plural.endswith("es"):
        singulars = [plural[:-1], plural[:-2]]  # "advocates", "businesses"
    else:
        singulars = [plural[:-1]]
    return any(may_name_people(s) for s in singulars if s)


# Nouns that name a kind of people without a plural "s": "people said", "the police said".
_COLLECTIVES = frozenset(
    {
        "people",
        "police",
        "media",
        "public",
        "press",
        "staff",
        "military",
        "clergy",
        "women",
        "men",
        "children",
        "personnel",
    }
)
# Plurals of nouns for bodies that WordNet files under another kind first ("group" at its
# top level, "outlet" an artifact): "civil rights groups", "news outlets".
_BODIES_ELSEWHERE = frozenset({"groups", "outlets"})
# The first words of an indefinite description; "a", "an" and "one" only with a word in
# lower case after them (see `described`).
_INDEFINITE = frozenset({"a", "an", "one"})
_DEMONSTRATIVES = frozenset({"the", "this", "that", "these", "those"})
_POSSESSIVES = frozenset({"his", "her", "their", "its", "my", "our", "your"})
_QUANTIFIERS = frozenset(
    {"another", "some", "several", "many", "most", "few", "both", "each", "every", "other", "these", "those"}
)
# A member of a party, said of one person: a description whoever it is ("a Republican").
_PARTY_MEMBERS = frozenset({"republican", "democrat", "libertarian"})
# Words that open a share or a count of people ("About four in 10", "Only two Democrats",
# "two-thirds of Republican primary voters", "six in 10", "as many as three-fourths of
# them"); only with a word in lower case or a number after them, as for the indefinite
# article, so that "No Labels" and "Five Guys" stay names (a fraction alone is a share).
_FRACTIONS = frozenset("half one-third two-thirds three-quarters three-fourths".split())
_SHARES = _FRACTIONS | frozenset(
    "about more fewer less nearly almost roughly approximately over under plenty none much all any no "
    "just only at as two three four five six seven eight nine ten eleven twelve fifteen twenty thirty "
    "forty fifty sixty seventy eighty ninety hundred dozens hundreds thousands millions".split()
)
# Common nouns written in capitals: a political action committee is "the PAC", "a super
# PAC" in every article about one, as a company is "the company" ("super PACs", a kind of
# body, stays, as "the unions" does).
_COMMON_ACRONYMS = frozenset({"pac", "super"})
# Words a document of any publisher may be called by, which a headline or the start of a
# sentence capitalises ("Polls Show Clinton Ahead", "New research connects ..."): a
# document named by these alone is described, not named.
_GENERIC_DOCUMENT_WORDS = (
    (DOCUMENT_NOUNS - PUBLICATION_NOUNS)
    | frozenset(
        "new latest recent early earlier initial other multiple separate additional previous final "
        "preliminary updated internal official public leaked released newly opinion exit news media "
        "press national state annual weekly monthly daily".split()
    )
    | MONTHS
    | WEEKDAYS
)
_OWNED = re.compile(r"\w['’]s?$")  # "party's", "states'"
_EDGE_MARKS = "\"'“”‘’:;,."
# Words after which a description's head noun has been given: "the head | of the RNC".
_DESCRIPTION_ENDS = frozenset({"of", "for", "at", "with", "from", "in", "on", "to", "who", "and", ","})


def description_words(text: str) -> frozenset[str]:
    """The words a description ("The GOP nominee") or a role ("Republican presidential
    nominee", "Sen.") says a person is, as the one is matched against the other: in lower
    case, titles spelled out ("sen" -> senator, "gop" -> republican), without "the"."""
    words = (m.group().lower().rstrip(".") for m in _DESCRIPTION_WORD.finditer(text))
    return frozenset(SPELLED_OUT.get(w, w) for w in words if w not in _DEMONSTRATIVES)
