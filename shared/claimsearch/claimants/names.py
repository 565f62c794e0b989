"""Names as keys: the rules by which two ways of writing a name are one name.

A reader accepts that "Mr. Trump", "Donald J. Trump" and "donald trump" name the same
man, and "the US State Department" and "the State Department" the same body. These
rules say so in code: case, diacritics, possessives, leading articles and titles,
middle initials and a leading "US" are ignored; everything else (a "Jr.", a first
name) is kept, so "Donald Trump Jr." and "Hillary Clinton" stay apart from "Donald
Trump" and "Bill Clinton". The same function keys the registry and the user's query,
so what is stored and what is asked are compared on equal terms.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from claimsearch.invisible import strip_invisible

# Words before a name that say what someone is, not who: cut from the front of a name.
TITLES = frozenset(
    """
    mr mrs ms miss mx dr prof professor sir rev reverend fr
    president vice pres sen senator rep representative congressman congresswoman gov governor
    lt col gen adm admiral sgt cpl capt captain maj cmdr commander
    mayor judge chief secretary minister prime premier chancellor ambassador
    former late then candidate nominee speaker chairman chairwoman
    attorney ag hon honorable st
    """.split()
)
# Titles as abbreviated before names, spelled out: "Sen." is a senator (a role shown as
# "Senator"; a description's "the senator" is the person introduced as "Sen. ...").
TITLE_ABBREVIATIONS = {
    "sen": "Senator", "rep": "Representative", "gov": "Governor", "pres": "President",
    "gen": "General", "lt": "Lieutenant", "col": "Colonel", "adm": "Admiral", "capt": "Captain",
    "maj": "Major", "sgt": "Sergeant", "cpl": "Corporal", "cmdr": "Commander", "ag": "Attorney General",
    "sec": "Secretary", "secy": "Secretary", "atty": "Attorney", "amb": "Ambassador",
}  # fmt: skip
# Nouns for what a person is or does ("the rapporteur", "a spokesman"): a description with
# one of them at its head names a person; a name made of them and titles alone names no one.
ROLE_NOUNS = frozenset(
    "head chief minister official spokesman spokeswoman spokesperson president director "
    "leader secretary senator governor mayor judge lawyer attorney rapporteur envoy "
    "ambassador analyst expert source aide adviser advisor candidate nominee chairman "
    "chairwoman chair founder executive economist scientist researcher professor activist "
    "member officer commander general king queen prince pope author editor reporter "
    "correspondent witness prosecutor investigator representative congressman congresswoman "
    "lawmaker diplomat manager owner campaigner agent moderator anchor".split()
)
# Left out although they stand before names: words that also begin names or bodies
# ("General Motors", "Major Garrett", "King Abdullah" is kept whole, "Lady Gaga").
# Words after a surname that tell a different person ("Donald Trump Jr.").
GENERATIONAL_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
PRONOUNS = frozenset(
    """
    i me my mine we us our ours you your yours he him his she her hers it its they them their
    theirs who whom whose which that what whoever whatever this these those one ones some someone
    somebody something others other another many most few several all both each either neither
    any anyone anybody none nobody everyone everybody
    """.split()
)
# The pronouns that say a man or a woman ("he said", "Trump's wife said she").
MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})
ARTICLES = frozenset({"the", "a", "an"})
# "US" / "U.S." / "United States" before a body's name: "the US State Department".
_NATIONAL_PREFIXES = (("united", "states"), ("us",))
_POSSESSIVE = re.compile(r"(?<=\w)['’]s?\b")
_TRAILING_POSSESSIVE = re.compile(r"(?<=\w)['’]s?$")
_DOTTED_ACRONYM = re.compile(r"\b(?:\w\.){2,}")
_NON_WORD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """Lowercase, diacritics and invisible characters removed: "Ahn Myéong-Chul" -> "ahn myeong-chul".

    Invisible characters go as ingest removes them from the text ("Hol\u00adlande", with a
    soft hyphen, is "hollande"), so a name pasted with one matches the name as filed.
    """
    decomposed = unicodedata.normalize("NFKD", strip_invisible(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def without_possessive(text: str) -> str:
    """A name as written less a possessive ending: "Trump’s" -> "Trump", "Sanders'" -> "Sanders"."""
    return _TRAILING_POSSESSIVE.sub("", text)


def name_words(text: str) -> list[str]:
    """A name's words, folded, without punctuation or possessive endings."""
    folded = fold(text)
    folded = _POSSESSIVE.sub("", folded)
    folded = _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", ""), folded)
    return [w for w in _NON_WORD.sub(" ", folded).replace("_", " ").split() if w]


# Names repeat across claims (every claim of a claimant, every article naming them):
# loading an index computed the same keys and words for each of its claims, about a
# quarter of the loader's time. Both functions are pure, their results strings.
NAME_CACHE_SIZE = 65_536


@lru_cache(maxsize=NAME_CACHE_SIZE)
def name_key(text: str) -> str:
    """The normalised form under which a name is filed and looked up ("" when no name is left).

    "Mr. Donald J. Trump's" -> "donald trump"; "the U.S. State Department" -> "state
    department"; "Donald Trump Jr." -> "donald trump jr"; "Ahn Myeong-chul" -> "ahn myeong chul".
    """
    words = name_words(text)
    while words and words[0] in ARTICLES:
        words = words[1:]
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    for prefix in _NATIONAL_PREFIXES:
        if len(words) > len(prefix) and tuple(words[: len(prefix)]) == prefix:
            words = words[len(prefix) :]
            break
    if len(words) >= 3:
        # Middle initials: "donald j trump" is "donald trump" (a first initial stays: "j k rowling").
        words = [words[0]] + [w for w in words[1:-1] if len(w) > 1] + [words[-1]]
    return " ".join(words)


def surname_of(key: str) -> str | None:
    """A person's surname from their key: "donald trump jr" -> "trump"; None for one word."""
    words = key.split()
    while len(words) > 1 and words[-1] in GENERATIONAL_SUFFIXES:
        words = words[:-1]
    return words[-1] if len(words) >= 2 else None


def is_pronoun(text: str) -> bool:
    """ "he", "who", "they", "some": words that refer to a claimant but never name one."""
    if text.isupper() and len(text.strip()) > 1:  # "US", "IT": acronyms, not pronouns
        return False
    words = name_words(text)
    return bool(words) and all(w in PRONOUNS for w in words)


def has_generational_suffix(words: list[str]) -> bool:
    """ "donald trump jr": a name that marks a different person from "donald trump"."""
    return len(words) > 1 and words[-1] in GENERATIONAL_SUFFIXES


@lru_cache(maxsize=NAME_CACHE_SIZE)
def source_words(text: str) -> str:
    """The words naming a claim's source, as `claimant=` matches them: folded, no initials.

    "Len Burman, head of the Tax Policy Center" -> "len burman head of the tax policy center".
    """
    return " ".join(w for w in name_words(text) if len(w) > 1)


def without_middle_names(key: str) -> str:
    """A person's key without the words between first and last name (a generational suffix
    stays): "hillary rodham clinton" -> "hillary clinton"; keys of one or two words as they are."""
    words = key.split()
    suffix = words[-1:] if has_generational_suffix(words) else []
    core = words[: len(words) - len(suffix)]
    return " ".join([core[0], core[-1], *suffix]) if len(core) > 2 else key


def one_edit_apart(typed: str, word: str) -> bool:
    """At most one insertion, deletion, substitution or swap of two neighbouring letters
    turns `typed` into `word`, and the first letter is the same (Lucene's fuzzy terms with
    fuzziness 1, prefix length 1 and transpositions)."""
    if not typed or not word or typed[0] != word[0] or abs(len(typed) - len(word)) > 1:
        return False
    if typed == word:
        return True
    start = 0
    while start < min(len(typed), len(word)) and typed[start] == word[start]:
        start += 1
    a, b = typed[start:], word[start:]
    if len(a) == len(b):  # one substitution, or one swap of neighbours
        return a[1:] == b[1:] or (len(a) >= 2 and a[0] == b[1] and a[1] == b[0] and a[2:] == b[2:])
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return shorter == longer[1:]  # one letter more or less


# A surname written alone one letter off a surname the article gives in full ("Bornsten"
# after "Harold Bornstein"): a misprint, read as that person's when no one is spelt so. Only
# words this long (a shorter one is one letter from too many names: "Cruz", "Crus"), and not
# the plural of either ("the Khans" are not Khizr Khan, `extract.claimant`).
MISSPELT_SURNAME_MIN_LENGTH = 5


def misspells(word: str, surname: str) -> bool:
    """Whether `word` (a name word written alone) is `surname` misprinted by one letter."""
    return (
        len(word) >= MISSPELT_SURNAME_MIN_LENGTH
        and word != surname
        and word not in (surname + "s", surname + "es")
        and surname not in (word + "s", word + "es")
        and one_edit_apart(word, surname)
    )
