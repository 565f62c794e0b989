"""Names that describe a claimant rather than name one: no identity to file across articles.

"a White House official", "the Florida senator", "his campaign", "the company", "The
poll": another article's "Florida senator" may be another senator, so the registry
files such claimants under no identity (claim clusters compare their claims under the
description itself: `clusters.assign.cluster_claimant`).
"""

from __future__ import annotations

from claimsearch.claimants.names import ROLE_NOUNS, TITLES, name_key


def described(name: str, kind: str) -> bool:
    """Whether the name describes a claimant rather than names one, so that it is no
    identity to file across articles:

    - of any type, an indefinite description ("a Mexican official", "A CNN/ORC poll", "some
      Democrats", "many Republicans", "54 percent of voters", "About four in 10 voters", "none
      of his rivals"): one among many, never the same one in another article ("An Nguyen",
      "One Direction" and "No Labels", with no word in lower case after the first, are names);
    - a person described with no name ("a spokesman", "The minister", "the Florida senator",
      "The French minister of environment and energy", "House speaker", "Germany's
      president", a headline's "Judge" or "Retired General": titles and roles alone):
      another article's "Florida senator" may be another senator;
    - of any type, a description owned by a pronoun ("his campaign", "Her advisers", "his
      wife"), unless a capital says a name follows ("Our Principles PAC");
    - a document named by no title and no publisher ("The poll", "the report", "exit polls":
      nothing capitalised but "the"; "the Pew report" and "comScore" are names);
    - a body named by one common noun ("the company", "the campaign", "The agency") or by a
      lone word in lower case ("of", "going"); a plural ("officials", "the critics") is a
      kind of claimant, and stays.

    Their claims keep the mention (`claimant=` still finds them by its words); a body named
    by a definite description ("the State Department") is a name.
    """
    words = name.split()
    if not words:
        return True
    first, rest = words[0].lower(), words[1:]
    if first in _QUANTIFIERS or first[:1].isdigit():
        return True
    if first in _SHARES and (
        any(w[:1].islower() or w[:1].isdigit() for w in rest) or (not rest and first in _FRACTIONS)
    ):
        return True  # "About four in 10 voters", "More than half of respondents", "none of his rivals"
    if first in _INDEFINITE and any(w[:1].islower() for w in rest):
        return True
    if first in _POSSESSIVES and not any(w[:1].isupper() for w in rest):
        return True  # "his campaign", "Her advisers": whose depends on the article
    if kind == "document":
        # "The poll", "the report", "exit polls": no title, no publisher, nothing capitalised.
        described = rest if first in _DEMONSTRATIVES else words
        return bool(described) and not any(c.isupper() for w in described for c in w)
    if kind in ("group", "organisation"):
        # "the company", "the group", "the agency", "the campaign": which one depends on the
        # article, as for "the poll"; a lone word in lower case that NER took for a body
        # ("of", "going") names no one. A plural is a kind of claimant a reader may facet on
        # ("officials", "the critics", "human rights activists") and stays a name, as does
        # a web address ("ouest-france.fr").
        described = rest if first in _DEMONSTRATIVES else words
        if len(described) != 1:
            return False
        word = described[0]
        return not any(c.isupper() for c in word) and not _plural(word) and "." not in word
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
    # The head of "the Florida senator of ...": the last word before a preposition or a clause.
    head = rest[0]
    for word in rest:
        if word.lower() in _DESCRIPTION_ENDS:
            break
        head = word
    return head[:1].islower() or name_key(head) in TITLES


def _plural(word: str) -> bool:
    return (word.endswith("s") and not word.endswith("ss")) or word in _COLLECTIVES


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
    }
)
# The first words of an indefinite description; "a", "an" and "one" only with a word in
# lower case after them (see `described`).
_INDEFINITE = frozenset({"a", "an", "one"})
_DEMONSTRATIVES = frozenset({"the", "this", "that", "these", "those"})
_POSSESSIVES = frozenset({"his", "her", "their", "its", "my", "our", "your"})
_QUANTIFIERS = frozenset({"another", "some", "several", "many", "most", "few", "both", "each", "every"})
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
# Words after which a description's head noun has been given: "the head | of the RNC".
_DESCRIPTION_ENDS = frozenset({"of", "for", "at", "with", "from", "in", "on", "to", "who", "and", ","})
