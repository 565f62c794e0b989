"""Page furniture in plain-text captures of web pages.

Text files saved from news sites carry lines that are not the article: social
buttons ("Click to follow"), site names ("The Independent Online"), newsletter
prompts. They stay in `Article.text` (offsets must match the file) but are marked
so that extraction never reads a claim out of them; a site-name line also tells
us the publisher.
"""

from __future__ import annotations

import re

from claimsearch.model import Span

# Whole-line patterns, matched case-insensitively against a stripped line.
_FURNITURE_LINES = [
    r"click to follow",
    r"follow (us|me)( on \w+)?",
    r"share (this|on) .{0,40}",
    r"(sign up|subscribe)( now)?( to| for)? .{0,60}newsletter.{0,20}",
    r"advertisement",
    r"read more:?.{0,80}",
    r"comments?( \(\d+\))?",
    r"getty images?",
    r"(photo|image) ?(credit)?:.{0,60}",
    r"more about:?.{0,80}",
    r"reuse content",
]
_FURNITURE_RE = re.compile(r"^(?:" + "|".join(_FURNITURE_LINES) + r")$", re.IGNORECASE)
# "The Independent Online", "Guardian Online": a site name standing alone on a line.
_SITE_NAME_RE = re.compile(r"^((?:The )?[A-Z][\w&'.-]*(?: [A-Z][\w&'.-]*){0,3}) Online$")


def find_furniture(text: str) -> tuple[list[Span], str | None]:
    """Spans of furniture lines in `text`, and the publisher a site-name line gives."""
    spans: list[Span] = []
    publisher: str | None = None
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            start = offset + line.index(stripped)
            site = _SITE_NAME_RE.match(stripped)
            if site or _FURNITURE_RE.match(stripped):
                spans.append((start, start + len(stripped)))
            if site and publisher is None:
                publisher = site.group(1)
        offset += len(line)
    return spans, publisher
