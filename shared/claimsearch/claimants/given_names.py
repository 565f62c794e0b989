"""Given names that tell a man from a woman, for the namesakes an article leaves open.

"Mr. Obama" in an article that names only "Michelle Obama" is someone else, and "Mrs.
Clinton" after "Bill Clinton" is not him; the article often gives neither person's gender
in words. The list (`given_names.txt`, from the 1990 US Census first-name lists, built by
training/build_given_names.py) holds only names borne by one gender far more than the other,
and is read only where the article's own words say nothing.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from claimsearch.claimants.names import name_key

GIVEN_NAMES_FILE = Path(__file__).with_name("given_names.txt")
_GENDERS = {"f": "female", "m": "male"}


@lru_cache(maxsize=1)
def _genders() -> dict[str, str]:
    genders: dict[str, str] = {}
    for line in GIVEN_NAMES_FILE.read_text(encoding="ascii").splitlines():
        if line and not line.startswith("#"):
            name, gender = line.split()
            genders[name] = _GENDERS[gender]
    return genders


@lru_cache(maxsize=4096)
def given_name_gender(name: str) -> str | None:
    """ "female" or "male" for a full name as written ("Michelle Obama", "President Bill
    Clinton") by its given name, or None: a name of one word ("Mr. Obama"), a given name the
    list does not hold, or a name written surname first ("Kim Jong-un", "Ahn Myeong-chul": a
    hyphenated given name last)."""
    words = name_key(name).split()
    if len(words) < 2 or "-" in name.split()[-1]:
        return None
    return _genders().get(words[0])
