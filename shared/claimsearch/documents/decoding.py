"""Bytes to text, strictly: a file we cannot decode is rejected, never guessed at."""

from __future__ import annotations

import codecs

from claimsearch.errors import EmptyDocument, UndecodableDocument

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, source: str) -> str:
    """Decode UTF-8 (or BOM-marked UTF-16); raise a typed error naming `source`."""
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UndecodableDocument(
            source,
            f"not valid {encoding.upper()} (byte {exc.start}: {data[exc.start : exc.start + 1]!r});"
            " save the file as UTF-8 and upload it again",
        ) from exc
    if "\x00" in text:
        raise UndecodableDocument(source, "contains NUL characters: this looks like a binary file")
    if not text.strip():
        raise EmptyDocument(source, "the file holds no text")
    return text
