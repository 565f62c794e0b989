"""A given name's short forms and the formal names they stand for ("Ed" and "Edward").

News copy names one person "Ed Rendell" in one article and "Edward G. Rendell" in
another; the registry files the short form under the formal one's identity where it
knows the formal one (`registry.file_claims`), and a claimant name asked in either form
finds the identity filed in the other (`index.text_query.looser_readings`). The table
(`nicknames.txt`) holds only forms a reader takes for the same name.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

NICKNAMES_FILE = Path(__file__).with_name("nicknames.txt")


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(short form -> the formal names it stands for, formal name -> its short forms), in
    file order."""
    formal_of: dict[str, list[str]] = {}
    short_of: dict[str, list[str]] = {}
    for line in NICKNAMES_FILE.read_text(encoding="ascii").splitlines():
        if not line or line.startswith("#"):
            continue
        formal, *short = line.split()
        short_of.setdefault(formal, []).extend(short)
        for nick in short:
            formal_of.setdefault(nick, []).append(formal)
    return (
        {nick: tuple(dict.fromkeys(names)) for nick, names in formal_of.items()},
        {formal: tuple(dict.fromkeys(names)) for formal, names in short_of.items()},
    )


def _with_given(key: str, table: dict[str, tuple[str, ...]]) -> list[str]:
    words = key.split()
    if len(words) < 2:
        return []
    return [" ".join([given, *words[1:]]) for given in table.get(words[0], ())]


def formal_forms(key: str) -> list[str]:
    """A person's key with a short given name written in full ("ed rendell" -> ["edward
    rendell"]; "ted cruz" -> ["edward cruz", "theodore cruz"]); [] for a given name that is
    no short form, or one word. One way only, so that filing joins the short form to the
    formal one whatever order the articles come in."""
    return _with_given(key, _table()[0])


def formal_form(key: str) -> str | None:
    """The one formal name a short given name stands for ("ed rendell" -> "edward rendell");
    None where it is no short form, or stands for several names ("ted": Edward or Theodore,
    which tells no one in particular). The registry joins a short form to this alone."""
    formal = formal_forms(key)
    return formal[0] if len(formal) == 1 else None


def short_forms(key: str) -> list[str]:
    """A person's key with a formal given name written short ("leonard burman" -> ["len
    burman", "lenny burman"]); [] for a given name with no short form, or one word."""
    return _with_given(key, _table()[1])


def name_variants(key: str) -> list[str]:
    """A person's key with its given name written each other way, short or formal ("ed
    rendell" -> ["edward rendell"], "william clinton" -> ["bill clinton", "billy clinton"])."""
    return formal_forms(key) + short_forms(key)
