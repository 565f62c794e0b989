"""Bytes to text: a byte order mark, then UTF-8, then a declared or detected legacy encoding.

A file we cannot decode with confidence is rejected, never guessed at blindly: binary
files (a known signature, or NUL bytes) stop here, and the detector
(charset-normalizer) must find an encoding the bytes decode in without mess.
"""

from __future__ import annotations

import codecs
import re

from claimsearch.errors import UndecodableDocument, UnsupportedFormat

# UTF-32 first: its little-endian mark begins with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Files that are not text at all, named so the rejection says what was sent. Archives
# are not opened: a small .gz can inflate to gigabytes (a "gzip bomb").
_SIGNATURES = (
    (b"\x1f\x8b", "a gzip archive"),
    (b"PK\x03\x04", "a zip archive (or a .docx, .xlsx, .epub)"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (b"%PDF-", "a PDF"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
)
# `<meta charset="...">`, `<meta http-equiv="Content-Type" content="...; charset=...">`
# and `<?xml ... encoding="..."?>`, looked for near the top as browsers do.
_DECLARATION = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)""",
    re.IGNORECASE,
)
DECLARATION_WINDOW = 8192
# The WHATWG encoding standard (what browsers do): these labels mean windows-1252, a
# superset whose extra letters (curly quotes, dashes) pages labelled so do contain.
_WINDOWS_1252_ALIASES = frozenset({"ascii", "latin_1", "iso8859_1", "cp1252"})


def sniff_binary(data: bytes, source: str) -> None:
    """Refuse a file whose first bytes say it is an archive, a PDF or an image."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            raise UnsupportedFormat(
                source,
                f"this is {kind}, not text; compressed or binary files are not opened:"
                " upload the article itself as .txt, .html or .json",
            )


def declared_encoding(data: bytes) -> str | None:
    """The Python codec an HTML/XML file declares near its top (None: none, or unusable).

    Declarations that cannot describe the bytes they are written in (UTF-16/32: the
    declaration itself was readable as ASCII) or that smuggle markup (UTF-7) are ignored.
    """
    found = _DECLARATION.search(data[:DECLARATION_WINDOW])
    if found is None:
        return None
    label = (found.group(1) or found.group(2)).decode("ascii", "replace")
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name.startswith(("utf-16", "utf-32", "utf-7")):
        return None
    return "cp1252" if name.replace("-", "_") in _WINDOWS_1252_ALIASES else name


def decode_text(data: bytes, source: str, *, declared: str | None = None, detect: bool = True) -> str:
    """Decode a file; raise a typed error naming `source`.

    Order: a byte order mark; UTF-8 (a legacy file with any non-ASCII byte is almost
    never valid UTF-8, while pages declared "iso-8859-1" often are UTF-8); the
    `declared` encoding; then, if `detect`, charset-normalizer's best match.
    """
    sniff_binary(data, source)
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _checked(_decode(data, name, source), source)
    if b"\x00" in data:
        raise UndecodableDocument(
            source,
            "contains NUL bytes: this looks like a binary file"
            " (a UTF-16 text needs a byte order mark; better, save it as UTF-8)",
        )
    try:
        return _checked(data.decode("utf-8"), source)
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if declared is not None:
        try:
            return _checked(data.decode(declared), source)
        except UnicodeDecodeError:
            pass  # the declaration is wrong: fall through to detection
    encoding = _detected(data) if detect else None
    if encoding is None:
        start = utf8_error.start
        raise UndecodableDocument(
            source,
            f"not valid UTF-8 (byte {start}: {data[start : start + 1]!r})"
            + (f" nor {declared}" if declared else "")
            + ("" if not detect else ", and no other encoding fits it")
            + "; save the file as UTF-8 and upload it again",
        ) from utf8_error
    return _checked(_decode(data, encoding, source), source)


def _detected(data: bytes) -> str | None:
    """charset-normalizer's best encoding; ties go to windows-1252 (the web's default for
    undeclared Western text), which the detector otherwise breaks arbitrarily (cp1250
    turns "Muñoz" into "Muńoz")."""
    from charset_normalizer import from_bytes  # imported here: only the ingest path needs it

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    if any("cp1252" in m.could_be_from_charset for m in tied):
        return "cp1252"
    return best.encoding


def _decode(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UndecodableDocument(
            source,
            f"not valid {encoding} (byte {exc.start}: {data[exc.start : exc.start + 1]!r});"
            " save the file as UTF-8 and upload it again",
        ) from exc


def _checked(text: str, source: str) -> str:
    if "\x00" in text:
        raise UndecodableDocument(source, "contains NUL characters: this looks like a binary file")
    return text
