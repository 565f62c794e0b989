"""Which common nouns name a person: "the physician", "a spokesman", not "the photo"; and
which name people or a body without being a person noun ("the union", "the authorities").

A claimant's role and a description's kind turn on it: "Donald Trump, the billionaire" has
a role, "Trump ... steam rolls" does not; "the billionaire said" is a person, "the campaign
said" a body. The list (`person_nouns.txt`, built from WordNet 3.0 by
training/build_person_nouns.py) says it for the nouns WordNet knows; a noun it does not
know ("frontrunner", "councilmember") is taken for a person by its ending ("-er", "-ist").
A plural in lower case is a kind of claimant where its noun names people or a body ("the
unions said"), a description of no one where it names a thing ("the results show").
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from claimsearch.claimants.names import ROLE_NOUNS

PERSON_NOUNS_FILE = Path(__file__).with_name("person_nouns.txt")
# Endings of nouns for people ("campaigner", "strategist", "spokeswoman"), read only for a
# noun WordNet does not know: the list holds the known ones that name no one ("statement").
ENDINGS = ("er", "or", "ist", "ian", "ant", "ent", "man", "woman")
MIN_ENDING_WORD = 5  # "user", "doer": too short to trust the ending


@lru_cache(maxsize=1)
def _kinds() -> dict[str, str]:
    """Each listed noun -> "p" (a person), "g" (people or a body, no person noun) or "n" (neither)."""
    kinds: dict[str, str] = {}
    for line in PERSON_NOUNS_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            kind, word = line.split(" ", 1)
            kinds[word] = kind
    return kinds


def names_a_person(lemma: str, in_a_name: bool = False) -> bool:
    """Whether a noun (its lower-case lemma: "spokesman", "physician") names a person.

    The project's own role nouns first ("head", "source", "chair": WordNet's commonest
    sense of each is not a person, but before a name or as a reporter they are one), then
    WordNet, then a person ending for a noun WordNet lacks. `in_a_name`: the word is part
    of the name of something ("the Miami Herald", "The Apprentice"), where WordNet's
    reading of the word says nothing and only the lists and the endings are asked.
    """
    if lemma in ROLE_NOUNS:
        return True
    kind = _kinds().get(lemma)
    if kind is not None and (kind != "p" or not in_a_name):
        return kind == "p"
    return len(lemma) >= MIN_ENDING_WORD and lemma.endswith(ENDINGS)


def may_name_people(lemma: str) -> bool:
    """Whether a noun names people or a body in one of its two commonest senses, by WordNet:
    "official", "union", "agency", "authority" ("the authorities"); not "result"."""
    return names_a_person(lemma) or _kinds().get(lemma) == "g"
