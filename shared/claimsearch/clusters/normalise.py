"""Claim content as words to compare: what two wordings of one claim have in common.

A quote copied by another outlet changes in small ways: curly or straight quotes, a
capital after an ellipsis, "Mrs." or "Mrs", "don't" or "do not", a dropped "that". The
rules here fold those away, so what is left to compare is the words that carry the
proposition:

- case and diacritics are folded and punctuation dropped ("Clinton's" -> "clinton");
- contractions are split into their parts, so "don't" and "do not" meet;
- function words (articles, auxiliaries, pronouns, prepositions) are dropped for matching,
  because two unrelated claims share them by the dozen and they would make any two long
  claims look alike; negations are kept (they are the proposition);
- a plural or third-person "s" is cut, so "tax" / "taxes" and "say" / "says" meet; no
  fuller stemming, which would need a stemmer in the ingest artifact.

`content_words` (every folded word, function words kept) is the measure the labelled
pairs are stratified by; `match_tokens` is what clustering compares.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Claims whose tokens are kept (a claim's content is ~150 characters: ~10 MB at most).
MATCH_TOKENS_CACHE = 32_768
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Contractions split into the words they stand for; the possessive "'s" is dropped.
_CONTRACTIONS = {
    "n't": "not",
    "'re": "are",
    "'ve": "have",
    "'ll": "will",
    "'d": "would",
    "'m": "am",
}
_IRREGULAR_NEGATIONS = {"can't": ["can", "not"], "won't": ["will", "not"], "cannot": ["can", "not"]}
# Words that carry no proposition of their own. Negations ("not", "no", "never") are not
# here on purpose: "will raise taxes" and "will not raise taxes" are different claims.
FUNCTION_WORDS = frozenset(
    """
    a an the and or but if then than so as of to in on at by for from with about into onto
    over under up down out off upon via per this that these those there here it its it's
    i me my we us our you your he him his she her they them their who whom whose which what
    be is are was were been being am do does did done have has had having will would shall
    should can could may might must also just very really even still too only
    """.split()
)
_PLURAL_SAFE_ENDINGS = ("ss", "us", "is", "ous", "ics")


def fold(text: str) -> str:
    """Lowercase, diacritics removed, curly apostrophes made straight."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.replace("’", "'").replace("‘", "'").casefold()


def content_words(text: str) -> list[str]:
    """Every word of a claim's content, folded, contractions split, punctuation dropped."""
    words: list[str] = []
    for match in _WORD.finditer(fold(text)):
        words.extend(_split_contraction(match.group(0)))
    return words


def _split_contraction(word: str) -> list[str]:
    if word in _IRREGULAR_NEGATIONS:
        return _IRREGULAR_NEGATIONS[word]
    for ending, expansion in _CONTRACTIONS.items():
        if word.endswith(ending) and len(word) > len(ending):
            return [word[: -len(ending)], expansion]
    if word.endswith("'s"):
        return [word[:-2]]
    return [word.replace("'", "")]


def _singular(word: str) -> str:
    """ "taxes" -> "tax", "says" -> "say", "jobs" -> "job"; "business", "us" kept."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith(_PLURAL_SAFE_ENDINGS):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("xes", "ches", "shes", "sses", "zes")):
        return word[:-2]
    return word[:-1]


@lru_cache(maxsize=MATCH_TOKENS_CACHE)
def match_tokens(text: str) -> frozenset[str]:
    """The words clustering compares: content words less function words, singular.

    Cached: ingest compares each new claim with earlier claims of its claimant, and a
    prolific claimant's claims come back as candidates article after article.
    """
    return frozenset(_singular(w) for w in content_words(text) if w not in FUNCTION_WORDS)


def word_jaccard(a: str, b: str) -> float:
    """Jaccard of two contents' word sets (function words kept): the labelled set's strata."""
    left, right = set(content_words(a)), set(content_words(b))
    union = left | right
    return len(left & right) / len(union) if union else 0.0
