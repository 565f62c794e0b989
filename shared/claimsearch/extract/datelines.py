"""Datelines: the place (and agency) that opens a wire story's first paragraph.

"WASHINGTON (AP) — President Obama said ...", "MANCHESTER, N.H. - ...", "New York (AFP) –
...": the parser takes the place for the subject of the first verb ("WASHINGTON ... said")
and the model sometimes runs a source over it ("INDIANAPOLIS - Ted Cruz"). A dateline
names where the story was filed, never who claimed anything.
"""

from __future__ import annotations

import re

from claimsearch.model import Span

# At a paragraph's start: a place in capitals, three words at most ("DES MOINES", "ST.
# LOUIS"; a heading in capitals runs longer), or a place
# written as a name when an agency follows ("New York (AFP)"); then a state or country
# (", N.H.", ", Burma"), a date (", June 10"), an agency ("(Reuters)"), and a dash
# between spaces (a hyphen inside a word, "Anti-", opens no dateline).
_DATELINE = re.compile(
    r"(?:[A-Z][A-Z.'’]+(?: [A-Z][A-Z.'’]+){0,2}|[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}(?= \())"
    r"(?:, [A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)*)?"
    r"(?:, [A-Z][a-z]{2,8}\.? \d{1,2})?"
    r"(?: \([A-Z][A-Za-z]+\))?"
    r"[ \t]+(?:--|[-–—―])[ \t]+"
)


def datelines(text: str) -> list[Span]:
    """Every dateline of the text, dash and spaces included, in text order."""
    found = []
    for paragraph in re.finditer(r"(?:^|\n)[ \t]*", text):
        match = _DATELINE.match(text, paragraph.end())
        if match:
            found.append(match.span())
    return found
