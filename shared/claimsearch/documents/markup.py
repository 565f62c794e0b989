"""Structure checks of HTML and JSON, made before any parser recurses into the structure."""

from __future__ import annotations

import re
from itertools import accumulate
from typing import TYPE_CHECKING

from claimsearch.errors import EntityDeclarations, NestingTooDeep

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# A document type declaration with an internal subset declaring entities: the shape of
# "billion laughs" (entities expanding to entities) and of external entities (XXE:
# SYSTEM "file:///etc/passwd"). No article needs one, so none is parsed.
_ENTITY_DECLARATION = re.compile(r"<!ENTITY\b", re.IGNORECASE)
_EXTERNAL = re.compile(r"<!ENTITY\s+%?\s*[^\s>]+\s+(?:SYSTEM|PUBLIC)\b", re.IGNORECASE)
# JSON strings (their brackets are text), possessive so that an unterminated one cannot
# make the scan backtrack.
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def check_entities(html: str, source: str) -> None:
    """Refuse markup that declares entities, internal or external."""
    if _ENTITY_DECLARATION.search(html):
        kind = "external entities (XXE)" if _EXTERNAL.search(html) else "entities"
        raise EntityDeclarations(
            source, f"the document type declares {kind}; pages with entity declarations are not read"
        )


def json_depth(raw: str) -> int:
    """How deep arrays and objects nest in `raw` (JSON text, valid or not), in linear time."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", raw))
    return max(0, max(accumulate(map(_STEP.__getitem__, brackets)), default=0))


def html_depth(tree: HtmlElement) -> int:
    """How deep elements nest below the root of a parsed page (counted, not recursed)."""
    from lxml import etree

    depth = deepest = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest - 1


def check_depth(depth: int, what: str, source: str, limit: int) -> None:
    if depth > limit:
        raise NestingTooDeep(
            source, f"{what} nested {depth} levels deep is over the limit of {limit}: this is not an article"
        )
