"""The hostile-input corpus: files an inbox must survive, each with the outcome it must get.

Generated, not committed: some files are megabytes, and a generator says what each
file is better than a blob does. `python -m tests.hostile.generate DIR` writes them
under DIR (keys are paths, some hostile themselves); tests/integration/
test_hostile_inputs.py runs every one through the real ingest path.

`expect` is the rejection's stable reason code, or INGESTED for a file that must
become an article whose claims a search by `claimant` finds.
"""

from __future__ import annotations

import codecs
import gzip
import json
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from claimsearch.documents.limits import DocumentLimits

INGESTED = "ingested"
REPO = Path(__file__).resolve().parents[2]
EXAMPLE_ARTICLE = REPO / "events" / "north-korea-forced-labour.txt"
LIMITS = DocumentLimits()
MiB = 1024 * 1024


@dataclass(frozen=True)
class HostileCase:
    key: str  # the object's key in the inbox
    make: Callable[[], bytes]
    expect: str  # a DocumentError code, or INGESTED
    why: str
    claimant: str | None = None  # INGESTED: a name a claimant search must find
    published_at: str | None = None  # INGESTED: the normalised date the article must carry


def article(name: str) -> str:
    """A short news text in which `name` makes two claims (the real extractor finds both)."""
    surname = name.split()[-1]
    return (
        "Minister warns of higher taxes\n\n"
        f"{name}, the finance minister, said on Monday that taxes would rise next year.\n\n"
        f"“We will not accept any delay,” {surname} told reporters in the capital."
        " Officials said the plan would be published in March.\n"
    )


def html_page(body: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html>\n<html><head>{head}<title>Minister warns of higher taxes</title></head>\n"
        f"<body><article>{body}</article></body></html>\n"
    )


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{line}</p>\n" for line in text.splitlines()[1:] if line.strip())


def news_text(chars: int) -> str:
    """Varied news-like sentences, about `chars` characters, no line longer than a paragraph."""
    rng = random.Random(7)
    people = ["Jane Okafor", "Lars Eriksson", "Keiko Tanaka", "Miguel Ortega", "Helen Park"]
    topics = ["taxes", "rents", "fares", "tariffs", "wages"]
    verbs = ["said", "told reporters", "claimed", "warned", "argued"]
    out: list[str] = []
    size = 0
    while size < chars:
        sentence = (
            f"{rng.choice(people)} {rng.choice(verbs)} that {rng.choice(topics)} would rise by"
            f" {rng.randint(2, 40)} percent in {rng.randint(2001, 2030)}."
        )
        out.append(sentence + ("\n\n" if rng.random() < 0.3 else " "))
        size += len(out[-1])
    return "".join(out)[:chars]


def _json(body: dict[str, object]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _gzip_bomb() -> bytes:
    # 64 MiB of zeros in about 64 kB: small enough to upload, too big to inflate blindly.
    return gzip.compress(bytes(64 * MiB), compresslevel=9)


def _billion_laughs() -> str:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10)
    ]
    return f"<!DOCTYPE html [\n{chr(10).join(entities)}\n]>\n<html><body><p>&lol9;</p></body></html>\n"


def _interleaved(text: str, marks: str) -> str:
    return "".join(c + marks[i % len(marks)] if c.isalpha() else c for i, c in enumerate(text))


_TOO_LONG = LIMITS.max_chars + 100_000
_DEEP_PATH = "/".join(f"section-{i:02d}-" + "x" * 90 for i in range(10))

CASES: list[HostileCase] = [
    # -- nothing there -------------------------------------------------------------------
    HostileCase("inbox/empty.txt", lambda: b"", "empty_document", "no bytes at all"),
    HostileCase("inbox/whitespace.txt", lambda: b" \n\t\r\n  \n", "empty_document", "only whitespace"),
    HostileCase(
        "inbox/invisible-only.txt",
        lambda: ("\u200b\u200d\u2060" * 1000).encode(),
        "invisible_characters",
        "nothing but zero-width characters",
    ),
    # -- not text ------------------------------------------------------------------------
    HostileCase(
        "inbox/binary.txt",
        lambda: random.Random(1).randbytes(64 * 1024),
        "undecodable_document",
        "random bytes (NULs among them)",
    ),
    HostileCase(
        "inbox/image.txt",
        lambda: b"\x89PNG\r\n\x1a\n" + random.Random(2).randbytes(4096),
        "unsupported_format",
        "a PNG named .txt",
    ),
    HostileCase("inbox/paper.pdf", lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "unsupported_format", "a PDF"),
    HostileCase("inbox/README", lambda: article("Jane Okafor").encode(), "unsupported_format", "no suffix"),
    HostileCase(
        "inbox/nul.txt",
        lambda: article("Jane Okafor").replace("taxes", "ta\x00xes").encode(),
        "undecodable_document",
        "NUL characters inside text",
    ),
    HostileCase(
        "inbox/controls.txt",
        lambda: _interleaved(article("Jane Okafor"), "\x07\x1b\x08").encode(),
        "invisible_characters",
        "control characters after every letter",
    ),
    # -- encodings -----------------------------------------------------------------------
    HostileCase(
        "inbox/invalid-utf8.json",
        lambda: b'{"text": "Jane Okafor said taxes would rise \xff\xfe\xfd next year."}',
        "undecodable_document",
        "JSON must be UTF-8 (RFC 8259); no guessing",
    ),
    HostileCase(
        "inbox/utf16-no-bom.txt",
        lambda: article("Jane Okafor").encode("utf-16-le"),
        "undecodable_document",
        "UTF-16 without a byte order mark: NUL bytes, indistinguishable from binary",
    ),
    HostileCase(
        "inbox/windows-1252-declared.html",
        lambda: html_page(_paragraphs(article("José Muñoz")), '<meta charset="windows-1252">').encode(
            "cp1252"
        ),
        INGESTED,
        "the user trial's page: windows-1252 declared in <meta charset>",
        claimant="Muñoz",
    ),
    HostileCase(
        "inbox/latin-1-labelled.html",
        lambda: html_page(
            _paragraphs(article("Renée Dubois")),
            '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
        ).encode("cp1252"),
        INGESTED,
        "labelled ISO-8859-1 but holding windows-1252 quotes (read as windows-1252, as browsers do)",
        claimant="Dubois",
    ),
    HostileCase(
        "inbox/xml-declared.html",
        lambda: (
            '<?xml version="1.0" encoding="windows-1252"?>\n'
            + html_page(_paragraphs(article("Zoë Brontë"))).replace("<!DOCTYPE html>\n", "")
        ).encode("cp1252"),
        INGESTED,
        "XHTML with the encoding in its XML declaration",
        claimant="Brontë",
    ),
    HostileCase(
        "inbox/windows-1252-undeclared.txt",
        lambda: article("Tomás Ibáñez").encode("cp1252"),
        INGESTED,
        "legacy text with no declaration: charset-normalizer's pick",
        claimant="Ibáñez",
    ),
    HostileCase(
        "inbox/utf16-bom.txt",
        lambda: article("Amara Nwosu").encode("utf-16"),
        INGESTED,
        "UTF-16 with a byte order mark",
        claimant="Nwosu",
    ),
    HostileCase(
        "inbox/utf32-bom.txt",
        lambda: article("Lars Eriksson").encode("utf-32"),
        INGESTED,
        "UTF-32 with a byte order mark",
        claimant="Eriksson",
    ),
    HostileCase(
        "inbox/utf8-bom.txt",
        lambda: codecs.BOM_UTF8 + article("Keiko Tanaka").encode(),
        INGESTED,
        "UTF-8 with a byte order mark",
        claimant="Tanaka",
    ),
    # -- size and shape ------------------------------------------------------------------
    HostileCase(
        "inbox/oversized.txt",
        lambda: news_text(LIMITS.max_bytes + 1).encode(),
        "document_too_large",
        "one byte over the upload limit: refused before download",
    ),
    HostileCase(
        "inbox/text-too-long.txt",
        lambda: news_text(_TOO_LONG).encode(),
        "text_too_long",
        "news text under the byte limit but over the character limit",
    ),
    HostileCase(
        "inbox/lines-200k.txt",
        lambda: b"x\n" * 200_000,
        "text_too_long",
        "the user trial's 200,000 short lines: over the character limit before the line limit",
    ),
    HostileCase(
        "inbox/lines-20k.txt",
        lambda: b"x\n" * 20_000,
        "too_many_lines",
        "20,000 one-letter lines: under the character limit, over the line limit",
    ),
    HostileCase(
        "inbox/giant-word.txt",
        lambda: b"a" * MiB,
        "token_too_long",
        "the user trial's 1 MiB single word",
    ),
    HostileCase(
        "inbox/long-token.txt",
        lambda: (article("Jane Okafor") + "https://example.org/" + "q" * 20_000 + "\n").encode(),
        "token_too_long",
        "a normal article with a 20 kB 'URL'",
    ),
    HostileCase(
        "inbox/digits.txt",
        lambda: "\n".join(" ".join(str(i * j) for j in range(12)) for i in range(400)).encode(),
        "too_few_letters",
        "a table of numbers",
    ),
    # -- structure -----------------------------------------------------------------------
    HostileCase(
        "inbox/deep-array.json",
        lambda: b"[" * 100_000 + b"]" * 100_000,
        "nesting_too_deep",
        "the user trial's RecursionError: 100,000 nested arrays",
    ),
    HostileCase(
        "inbox/deep-field.json",
        lambda: (
            '{"text": '
            + json.dumps(article("Jane Okafor"))
            + ', "extra": '
            + '{"a": ' * 5_000
            + "1"
            + "}" * 5_000
            + "}"
        ).encode(),
        "nesting_too_deep",
        "a valid article with a deeply nested extra field",
    ),
    HostileCase(
        "inbox/deep.html",
        lambda: html_page(
            "<div>" * 50_000 + _paragraphs(article("Jane Okafor")) + "</div>" * 50_000
        ).encode(),
        "nesting_too_deep",
        "50,000 nested <div>s (libxml2 would silently drop the text below depth 255)",
    ),
    HostileCase("inbox/not-json.json", lambda: b"{not json", "invalid_document", "malformed JSON"),
    HostileCase(
        "inbox/huge-number.json",
        lambda: _json({"text": article("Jane Okafor")})[:-1] + b', "views": ' + b"9" * 5000 + b"}",
        "invalid_document",
        "a number of 5,000 digits (int() refuses over 4,300; it was retried as our failure)",
    ),
    HostileCase(
        "inbox/terminal-colours.txt",
        lambda: article("Sven Ekberg").replace("Sven Ekberg", "Sven Ekberg\x1b[0;31m").encode(),
        INGESTED,
        "a name coloured by terminal escapes: the sequence goes whole, not just its ESC",
        claimant="Sven Ekberg",
    ),
    HostileCase(
        "inbox/mac-line-ends.txt",
        lambda: article("Nadia Karimi").replace("\n", "\r").encode(),
        INGESTED,
        "old Mac line ends (lone CR): line breaks, so the headline stays out of the first claim",
        claimant="Nadia Karimi",
    ),
    HostileCase(
        "inbox/billion-laughs.html",
        lambda: _billion_laughs().encode(),
        "entity_declarations",
        "entity expansion (billion laughs)",
    ),
    HostileCase(
        "inbox/doctype-only.html",
        lambda: _billion_laughs().split("<html>")[0].encode(),
        "entity_declarations",
        "the user trial's page that is only a DOCTYPE with entity expansion",
    ),
    HostileCase(
        "inbox/xxe.html",
        lambda: (
            b'<?xml version="1.0"?>\n<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            b"<html><body><p>Jane Okafor said &xxe;</p></body></html>\n"
        ),
        "entity_declarations",
        "an external entity (XXE)",
    ),
    # -- compressed ----------------------------------------------------------------------
    HostileCase(
        "inbox/article.txt.gz",
        lambda: gzip.compress(article("Jane Okafor").encode()),
        "unsupported_format",
        "gzip is not opened, however small",
    ),
    HostileCase(
        "inbox/bomb.txt.gz", _gzip_bomb, "unsupported_format", "a gzip bomb (64 MiB of zeros), never inflated"
    ),
    HostileCase(
        "inbox/gzip-named.txt",
        lambda: gzip.compress(article("Jane Okafor").encode()),
        "unsupported_format",
        "gzip bytes behind a .txt name: the signature tells",
    ),
    # -- invisible characters ------------------------------------------------------------
    HostileCase(
        "inbox/zero-width-interleaved.txt",
        lambda: _interleaved(article("Jane Okafor"), "\u200b\u200c\u200d\u2060").encode(),
        "invisible_characters",
        "the user trial's text with zero-width characters between letters",
    ),
    HostileCase(
        "inbox/bidi-runs.txt",
        lambda: _interleaved(article("Jane Okafor"), "\u202e\u202d\u2066\u2069\u200f").encode(),
        "invisible_characters",
        "bidi overrides and isolates through the text",
    ),
    HostileCase(
        "inbox/few-invisible.txt",
        lambda: (
            article("Priya Raman")
            .replace("finance", "fi\u00adnance")
            .replace("Monday", "Mon\u200bday\u200f")
            .replace("capital", "\u202acapital\u202c")
            .encode()
        ),
        INGESTED,
        "a few invisible characters: stripped, offsets into the stripped text",
        claimant="Raman",
    ),
    # -- JSON fields ---------------------------------------------------------------------
    HostileCase(
        "inbox/lone-surrogate.json",
        lambda: (
            '{"title": "Taxes \\ud800", "text": '
            + json.dumps(article("Oliver Grant")).replace("Monday", "Mon\\udc00day")
            + "}"
        ).encode(),
        INGESTED,
        "lone surrogate escapes: stripped (they cannot be stored as UTF-8)",
        claimant="Grant",
    ),
    HostileCase(
        "inbox/basic-date.json",
        lambda: _json({"text": article("Fatima Haddad"), "published_at": "20160912"}),
        INGESTED,
        "ISO 8601 basic format: normalised",
        claimant="Haddad",
        published_at="2016-09-12",
    ),
    HostileCase(
        "inbox/week-date.json",
        lambda: _json({"text": article("Samuel Reyes"), "published_at": "2016-W37-1"}),
        INGESTED,
        "ISO 8601 week date: normalised",
        claimant="Reyes",
        published_at="2016-09-12",
    ),
    HostileCase(
        "inbox/bad-date.json",
        lambda: _json({"text": article("Jane Okafor"), "published_at": "12/09/2016"}),
        "invalid_date",
        "not ISO 8601: which day is it?",
    ),
    # -- file names ----------------------------------------------------------------------
    HostileCase(
        "inbox/ünïcödé – 新闻 article.txt",
        lambda: article("Miguel Ortega").encode(),
        INGESTED,
        "unicode and spaces in the name",
        claimant="Ortega",
    ),
    HostileCase(
        "inbox/sub/../dot-dot.txt",
        lambda: article("Helen Park").encode(),
        INGESTED,
        "'..' inside the key",
        claimant="Park",
    ),
    HostileCase(
        "inbox/../climb.txt",
        lambda: b"\n \n",
        "empty_document",
        "'..' climbing out of the inbox prefix (its rejection record is filed by hash)",
    ),
    HostileCase(
        f"inbox/{_DEEP_PATH}/{'n' * 200}.txt",
        lambda: b"",
        "empty_document",
        "a key of over 1,100 characters (its rejection record is filed by hash)",
    ),
    HostileCase(
        "inbox/new\nline.txt",
        lambda: random.Random(3).randbytes(1024),
        "undecodable_document",
        "a line break in the name",
    ),
    # -- a normal article ----------------------------------------------------------------
    HostileCase(
        "inbox/north-korea-forced-labour.txt",
        EXAMPLE_ARTICLE.read_bytes,
        INGESTED,
        "the example news article, unchanged",
        claimant="Ahn Myeong-chul",
    ),
]


def write_corpus(directory: Path) -> list[Path]:
    """Write every case under `directory`, at its key; return the paths written."""
    paths = []
    for case in CASES:
        path = directory / case.key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(case.make())
        paths.append(path)
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.hostile.generate DIR")
    for written in write_corpus(Path(sys.argv[1])):
        print(written)
