"""Invisible characters out of the text, before anything points into it.

Zero-width and bidirectional-control characters hide words from search (and can make
a text read differently from what it says); control characters are terminal or
binary debris. They are removed from the text an article stores, so every claim
offset points into the cleaned text and a user sees what was searched. A file made
largely of them is rejected instead: its visible text is not what its author sent.
"""

from __future__ import annotations

from claimsearch.errors import InvisibleCharacters
from claimsearch.invisible import strip_invisible


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
