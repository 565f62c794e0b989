"""Dispatch on the file name's suffix; each format has a small parser of its own.

Every format goes the same way: bytes decoded (decoding.py), structure checked before
a parser recurses into it (markup.py), the article text cleaned of invisible
characters (cleaning.py) and held to the limits (limits.py). What is stored, and what
claim offsets point into, is the cleaned text.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from typing import Any

from claimsearch.documents.cleaning import cleaned_field, cleaned_text
from claimsearch.documents.dates import iso_date
from claimsearch.documents.decoding import declared_encoding, decode_text
from claimsearch.documents.furniture import find_furniture
from claimsearch.documents.limits import DocumentLimits, check_text
from claimsearch.documents.markup import check_depth, check_entities, html_depth, json_depth
from claimsearch.errors import (
    DocumentError,
    DocumentTooLarge,
    EmptyDocument,
    InvalidDate,
    NestingTooDeep,
    UnsupportedFormat,
)
from claimsearch.model import Article, article_id_for

SUPPORTED_SUFFIXES = (".txt", ".text", ".html", ".htm", ".json")
_COMPRESSED_SUFFIXES = (".gz", ".gzip", ".zip", ".bz2", ".xz", ".zst", ".7z", ".tgz")


def parse_document(
    data: bytes, filename: str, *, max_bytes: int | None = None, limits: DocumentLimits | None = None
) -> Article:
    """Turn a file's bytes into an `Article`.

    Raises a `DocumentError` subclass naming the file and the reason when the file is
    too large, empty, undecodable, malformed, of an unsupported type or over a limit.
    `limits` default to `DocumentLimits()` (the deployment's come from `wiring.document_limits`);
    `max_bytes`, if given, overrides theirs.
    """
    limits = limits or DocumentLimits()
    limit = limits.max_bytes if max_bytes is None else max_bytes
    if len(data) > limit:
        raise DocumentTooLarge(
            filename, f"{len(data)} bytes is over the limit of {limit} bytes; split the file"
        )
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix in _COMPRESSED_SUFFIXES:
        # Not decompressed: what a small archive inflates to is unbounded.
        raise UnsupportedFormat(
            filename,
            f"compressed files ({suffix}) are not opened; upload the article itself as one of"
            f" {', '.join(SUPPORTED_SUFFIXES)}",
        )
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFormat(
            filename,
            f"unsupported file type {suffix or '(none)'!r}; use one of {', '.join(SUPPORTED_SUFFIXES)}",
        )
    if not data:
        raise EmptyDocument(filename, "the file is empty")
    try:
        if suffix == ".json":
            return _parse_json(data, filename, limits)
        if suffix in (".html", ".htm"):
            return _parse_html(data, filename, limits)
        text = decode_text(data, filename)
        return parse_text(_article_text(text, filename, limits, "the file holds no text"), filename)
    except RecursionError as exc:  # a structure the depth checks did not foresee
        raise NestingTooDeep(filename, "structure nested too deeply to parse") from exc


def parse_text(text: str, source: str) -> Article:
    """Decoded plain text as it is: the first non-empty line is the title.

    Files come through `parse_document`, which cleans and checks the text first; this
    keeps a text unchanged (the evaluation's gold offsets point into the corpus files).
    """
    furniture, publisher = find_furniture(text)
    return Article(
        id=article_id_for(text),
        text=text,
        title=_first_line(text),
        source_key=source,
        publisher=publisher,
        furniture=furniture,
    )


def _parse_html(data: bytes, source: str, limits: DocumentLimits) -> Article:
    """HTML: main text and metadata through trafilatura (boilerplate stays out)."""
    import trafilatura  # imported here: only the ingest path carries it

    html = decode_text(data, source, declared=declared_encoding(data))
    check_entities(html, source)
    # Parsed here, once, so the depth is known before trafilatura walks the tree.
    tree = trafilatura.load_html(html)
    if tree is None:
        raise EmptyDocument(source, "no HTML page found in the file")
    check_depth(html_depth(tree), "HTML elements", source, limits.max_depth)
    extracted = trafilatura.bare_extraction(
        tree, with_metadata=True, include_comments=False, include_tables=False
    )
    if extracted is None:
        meta: dict[str, Any] = {}
    else:
        meta = extracted if isinstance(extracted, dict) else extracted.as_dict()
    text = _article_text(meta.get("text") or "", source, limits, "no article text found in the HTML page")
    # A page's date is metadata its publisher wrote, not ours to correct: one that is
    # not ISO 8601 is dropped and the article kept.
    published = cleaned_field(meta.get("date"))
    return Article(
        id=article_id_for(text),
        text=text,
        title=cleaned_field(meta.get("title")) or _first_line(text),
        source_key=source,
        url=cleaned_field(meta.get("url")),
        publisher=cleaned_field(meta.get("sitename")) or cleaned_field(meta.get("hostname")),
        published_at=iso_date(published) if published else None,
        byline=cleaned_field(meta.get("author")),
    )


_JSON_FIELDS = ("title", "text", "url", "publisher", "published_at", "byline")


def _parse_json(data: bytes, source: str, limits: DocumentLimits) -> Article:
    """JSON: `{title, text, url, publisher, published_at, byline}`; `text` is required.

    UTF-8 only (RFC 8259), so no encoding is guessed.
    """
    raw = decode_text(data, source, detect=False)
    check_depth(json_depth(raw), "JSON values", source, limits.max_depth)
    try:
        parsed = json.loads(raw, parse_int=lambda digits: _json_int(digits, source))
    except json.JSONDecodeError as exc:
        raise DocumentError(source, f"invalid JSON at line {exc.lineno}: {exc.msg}") from exc
    if not isinstance(parsed, dict):
        raise DocumentError(source, "JSON must be an object with a 'text' field")
    for key in _JSON_FIELDS:
        if parsed.get(key) is not None and not isinstance(parsed[key], str):
            raise DocumentError(source, f"field {key!r} must be a string")
    text = _article_text(parsed.get("text") or "", source, limits, "field 'text' is missing or empty")
    published_at = None
    if parsed.get("published_at"):
        # The sender chose this value and can correct it: a non-date is refused, not dropped.
        published_at = iso_date(parsed["published_at"])
        if published_at is None:
            raise InvalidDate(
                source,
                f"published_at {parsed['published_at'][:80]!r} is not an ISO 8601 date"
                " (e.g. 2016-09-12 or 2016-09-12T10:00:00Z)",
            )
    furniture, site_publisher = find_furniture(text)
    return Article(
        id=article_id_for(text),
        text=text,
        title=cleaned_field(parsed.get("title")) or _first_line(text),
        source_key=source,
        url=cleaned_field(parsed.get("url")),
        publisher=cleaned_field(parsed.get("publisher")) or site_publisher,
        published_at=published_at,
        byline=cleaned_field(parsed.get("byline")),
        furniture=furniture,
    )


LONE_CARRIAGE_RETURN = re.compile(r"\r(?!\n)")
MAX_JSON_INT_DIGITS = 4300  # Python's own limit on reading an integer (sys.get_int_max_str_digits)


def _json_int(digits: str, source: str) -> int:
    """An integer of the JSON; one longer than Python reads is the file's fault, refused
    as such (left to `int`, its ValueError would pass for a failure of ours)."""
    length = len(digits.lstrip("-"))
    if length > MAX_JSON_INT_DIGITS:
        raise DocumentError(source, f"invalid JSON: a number of {length} digits, over {MAX_JSON_INT_DIGITS}")
    return int(digits)


def _article_text(text: str, source: str, limits: DocumentLimits, empty: str) -> str:
    """The text an article stores: invisible characters out, old Mac line ends (a lone
    carriage return) made line feeds, then held to the limits."""
    # Paragraphs are read from line feeds (the parse, the model's windows), so a file of
    # lone carriage returns would run its headline into its first sentence. One character
    # for one: no offset moves.
    cleaned = LONE_CARRIAGE_RETURN.sub("\n", cleaned_text(text, source, limits.max_invisible_share))
    if not cleaned.strip():
        raise EmptyDocument(source, empty)
    check_text(cleaned, source, limits)
    return cleaned


def _first_line(text: str) -> str:
    return next(line.strip() for line in text.splitlines() if line.strip())
