"""Dispatch on the file name's suffix; each format has a small parser of its own."""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from claimsearch.config import settings
from claimsearch.documents.decoding import decode_text
from claimsearch.documents.furniture import find_furniture
from claimsearch.errors import DocumentError, DocumentTooLarge, EmptyDocument, UnsupportedFormat
from claimsearch.model import Article, article_id_for

SUPPORTED_SUFFIXES = (".txt", ".text", ".html", ".htm", ".json")


def parse_document(data: bytes, filename: str, *, max_bytes: int | None = None) -> Article:
    """Turn a file's bytes into an `Article`.

    Raises a `DocumentError` subclass naming the file and the reason when the file
    is too large, empty, undecodable, malformed or of an unsupported type.
    """
    limit = settings().max_document_bytes if max_bytes is None else max_bytes
    if len(data) > limit:
        raise DocumentTooLarge(
            filename, f"{len(data)} bytes is over the limit of {limit} bytes; split the file"
        )
    if not data:
        raise EmptyDocument(filename, "the file is empty")
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix in (".txt", ".text"):
        return parse_text(decode_text(data, filename), filename)
    if suffix in (".html", ".htm"):
        return parse_html(decode_text(data, filename), filename)
    if suffix == ".json":
        return parse_json(decode_text(data, filename), filename)
    raise UnsupportedFormat(
        filename,
        f"unsupported file type {suffix or '(none)'!r}; use one of {', '.join(SUPPORTED_SUFFIXES)}",
    )


def parse_text(text: str, source: str) -> Article:
    """Plain text: the first non-empty line is the title; the text is kept unchanged."""
    title = next(line.strip() for line in text.splitlines() if line.strip())
    furniture, publisher = find_furniture(text)
    return Article(
        id=article_id_for(text),
        text=text,
        title=title,
        source_key=source,
        publisher=publisher,
        furniture=furniture,
    )


def parse_html(html: str, source: str) -> Article:
    """HTML: main text and metadata through trafilatura (boilerplate stays out)."""
    import trafilatura  # imported here: only the ingest path carries it

    extracted = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False
    )
    if extracted is None:
        meta: dict[str, Any] = {}
    else:
        meta = extracted if isinstance(extracted, dict) else extracted.as_dict()
    text = meta.get("text") or ""
    if not text.strip():
        raise EmptyDocument(source, "no article text found in the HTML page")
    title = meta.get("title") or next(line.strip() for line in text.splitlines() if line.strip())
    return Article(
        id=article_id_for(text),
        text=text,
        title=title,
        source_key=source,
        url=meta.get("url"),
        publisher=meta.get("sitename") or meta.get("hostname"),
        published_at=meta.get("date"),
        byline=meta.get("author"),
    )


_JSON_FIELDS = ("title", "text", "url", "publisher", "published_at", "byline")


def parse_json(raw: str, source: str) -> Article:
    """JSON: `{title, text, url, publisher, published_at}`; `text` is required."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise DocumentError(source, f"invalid JSON at line {exc.lineno}: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise DocumentError(source, "JSON must be an object with a 'text' field")
    for key in _JSON_FIELDS:
        if data.get(key) is not None and not isinstance(data[key], str):
            raise DocumentError(source, f"field {key!r} must be a string")
    text = data.get("text") or ""
    if not text.strip():
        raise EmptyDocument(source, "field 'text' is missing or empty")
    title = data.get("title") or next(line.strip() for line in text.splitlines() if line.strip())
    published_at = data.get("published_at")
    if published_at:
        _check_date(published_at, source)
    furniture, site_publisher = find_furniture(text)
    return Article(
        id=article_id_for(text),
        text=text,
        title=title,
        source_key=source,
        url=data.get("url"),
        publisher=data.get("publisher") or site_publisher,
        published_at=published_at,
        byline=data.get("byline"),
        furniture=furniture,
    )


def _check_date(value: str, source: str) -> None:
    from datetime import datetime

    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise DocumentError(
            source, f"published_at {value!r} is not an ISO 8601 date (e.g. 2016-09-12)"
        ) from exc
