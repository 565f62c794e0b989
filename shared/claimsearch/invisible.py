"""Invisible characters: what the stored text never holds, so neither may what is looked up in it.

Zero-width and bidirectional-control characters hide words from search (and can make a
text read differently from what it says); control characters are terminal or binary
debris. Ingest removes them from an article's text (`documents.cleaning`), and a query's
words and names are read without them (`index.text_query`, `claimants.names.fold`): a
name pasted with a soft hyphen or a zero-width space inside finds what the text says.
"""

from __future__ import annotations

import re

# Tab, line feed, vertical tab, form feed and carriage return stay: they are layout.
# The C0 "information separators" (U+001C-U+001E) go: Python counts them as line breaks.
_INVISIBLE = re.compile(
    # Terminal escape sequences whole, so that no "[0;31m" is left once ESC goes: colours
    # and cursor moves (ESC [ ... a letter), titles and links (ESC ] ... ended by BEL or by
    # ESC and a backslash, on one line and short; one not ended loses its ESC alone).
    "\x1b\\[[0-?]*[ -/]*[@-~]"
    "|\x1b\\][^\x07\x1b\n]{0,512}(?:\x07|\x1b\\\\)"
    "|["
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
