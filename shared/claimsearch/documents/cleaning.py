"""Invisible characters out of the text, before anything points into it.

Zero-width and bidirectional-control characters hide words from search (and can make
a text read differently from what it says); control characters are terminal or
binary debris. They are removed from the text an article stores, so every claim
offset points into the cleaned text and a user sees what was searched. A file made
largely of them is rejected instead: its visible text is not what its author sent.
"""

from __future__ import annotations

import re

from claimsearch.errors import InvisibleCharacters

# Tab, line feed, vertical tab, form feed and carriage return stay: they are layout.
# The C0 "information separators" (U+001C-U+001E) go: Python counts them as line breaks.
_INVISIBLE = re.compile(
    "["
    "\x00-\x08\x0e-\x1f\x7f-\x9f"  # C0 and C1 control characters, DEL
    "\u00ad"  # soft hyphen: splits words for search, shows nothing
    "\u061c\u180e"  # Arabic letter mark, Mongolian vowel separator
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers: blank "letters" used to spoof names
    "\u200b-\u200f"  # zero-width space / non-joiner / joiner, left-to-right and right-to-left marks
    "\u202a-\u202e"  # bidi embeddings and overrides
    "\u2060-\u2064"  # word joiner, invisible operators
    "\u2066-\u206f"  # bidi isolates, deprecated format characters
    "\ufeff"  # zero-width no-break space (a byte order mark inside the text)
    "\ufff9-\ufffb"  # interlinear annotation controls
    "\ud800-\udfff"  # lone surrogates (JSON escapes): not encodable, so not storable
    "\U000e0000-\U000e007f"  # tag characters: invisible ASCII ("ASCII smuggling")
    "]+"
)


def strip_invisible(text: str) -> str:
    """`text` without zero-width, bidi-control and control characters."""
    return _INVISIBLE.sub("", text)


def cleaned_text(text: str, source: str, max_share: float) -> str:
    """`text` stripped of invisible characters; rejected if they are over `max_share` of it."""
    cleaned = strip_invisible(text)
    removed = len(text) - len(cleaned)
    if removed and removed > max_share * len(text):
        raise InvisibleCharacters(
            source,
            f"{removed} of {len(text)} characters are invisible (zero-width, bidi-control or"
            f" control characters), over the limit of {max_share:.0%}",
        )
    return cleaned


def cleaned_field(value: str | None) -> str | None:
    """A metadata field (title, byline, ...) stripped the same way; None if nothing is left."""
    if value is None:
        return None
    return strip_invisible(value).strip() or None
