import json

import pytest

from claimsearch import wiring
from claimsearch.documents import parse_document
from claimsearch.documents.dates import iso_date
from claimsearch.documents.decoding import declared_encoding
from claimsearch.documents.limits import DocumentLimits
from claimsearch.documents.markup import json_depth
from claimsearch.errors import (
    DocumentError,
    DocumentTooLarge,
    EmptyDocument,
    EntityDeclarations,
    InvalidDate,
    InvisibleCharacters,
    NestingTooDeep,
    TextTooLong,
    TokenTooLong,
    TooFewLetters,
    TooManyLines,
    UndecodableDocument,
    UnsupportedFormat,
)
from tests.conftest import reset_process_caches


def test_text_keeps_file_unchanged_and_takes_first_line_as_title(example_bytes: bytes) -> None:
    article = parse_document(example_bytes, "nk.txt")
    assert article.text == example_bytes.decode("utf-8")
    assert article.title.startswith("Kim Jong-un sends North Korean slaves abroad")
    assert article.publisher == "The Independent"


def test_text_marks_page_furniture(example_bytes: bytes) -> None:
    article = parse_document(example_bytes, "nk.txt")
    furniture = [article.text[s:e] for s, e in article.furniture]
    assert furniture == ["Click to follow", "The Independent Online"]


def test_same_text_is_same_article_whatever_the_name(example_bytes: bytes) -> None:
    assert parse_document(example_bytes, "a.txt").id == parse_document(example_bytes, "b.txt").id


def test_leading_blank_lines_do_not_become_the_title() -> None:
    article = parse_document(b"\n\n  Headline here  \n\nBody.", "x.txt")
    assert article.title == "Headline here"


def test_html_main_text_and_metadata_through_trafilatura() -> None:
    html = b"""<html><head><title>Minister defends plan | Daily Planet</title>
    <meta name="author" content="Jane Doe"><meta property="og:site_name" content="Daily Planet">
    <meta property="article:published_time" content="2020-01-02T10:00:00Z"></head>
    <body><nav>Home | World | Sport</nav><article><h1>Minister defends plan</h1>
    <p>The minister said that taxes would rise next year, according to officials familiar with it.</p>
    <p>Critics claim the rise will hurt families across the country and called for a review.</p>
    </article><footer>Copyright 2020 Daily Planet</footer></body></html>"""
    article = parse_document(html, "story.html")
    assert "taxes would rise next year" in article.text
    assert "Home | World" not in article.text
    assert "Copyright" not in article.text
    assert article.publisher == "Daily Planet"
    assert article.byline == "Jane Doe"
    assert article.published_at == "2020-01-02"


def test_json_fields() -> None:
    body = {
        "title": "T",
        "text": "Body text.",
        "url": "https://x.org/a",
        "publisher": "P",
        "published_at": "2016-09-12",
    }
    article = parse_document(json.dumps(body).encode(), "a.json")
    assert (article.title, article.text, article.url, article.publisher, article.published_at) == (
        "T",
        "Body text.",
        "https://x.org/a",
        "P",
        "2016-09-12",
    )


@pytest.mark.parametrize(
    ("data", "name", "error", "reason"),
    [
        (b"", "empty.txt", EmptyDocument, "empty"),
        (b"  \n\t ", "blank.txt", EmptyDocument, "no text"),
        (b'{"text": "caf\xe9 au lait"}', "latin1.json", UndecodableDocument, "UTF-8"),
        (b"abc\x00def", "binary.txt", UndecodableDocument, "binary"),
        (b"%PDF-1.4", "paper.pdf", UnsupportedFormat, ".pdf"),
        (b"{not json", "bad.json", DocumentError, "invalid JSON"),
        (b'["a list"]', "list.json", DocumentError, "object"),
        (b'{"title": "t"}', "notext.json", EmptyDocument, "text"),
        (b'{"text": "x", "title": 3}', "typed.json", DocumentError, "'title' must be a string"),
        (b'{"text": "x", "published_at": "last week"}', "date.json", InvalidDate, "ISO 8601"),
        (b"\x1f\x8b\x08\x00", "packed.txt", UnsupportedFormat, "gzip"),
        (b"\x1f\x8b\x08\x00", "article.txt.gz", UnsupportedFormat, "compressed"),
        ("T\n\nHe said so.".encode("utf-16-le"), "u16.txt", UndecodableDocument, "byte order mark"),
    ],
)
def test_bad_input_raises_typed_error_naming_file_and_reason(
    data: bytes, name: str, error: type[DocumentError], reason: str
) -> None:
    with pytest.raises(error) as caught:
        parse_document(data, name)
    assert caught.value.source == name
    assert reason in caught.value.reason
    assert name in str(caught.value)


def test_oversized_input_is_refused_before_decoding() -> None:
    with pytest.raises(DocumentTooLarge) as caught:
        parse_document(b"x" * 101, "big.txt", max_bytes=100)
    assert "101 bytes" in caught.value.reason


def test_utf16_with_bom_is_decoded() -> None:
    article = parse_document("Title\n\nHe said it works.".encode("utf-16"), "u16.txt")
    assert article.title == "Title"


def test_utf32_with_bom_is_decoded() -> None:
    assert parse_document("Title\n\nHe said so.".encode("utf-32"), "u32.txt").title == "Title"


# -- legacy encodings -------------------------------------------------------------------


def test_undeclared_legacy_text_is_detected() -> None:
    assert parse_document(b"caf\xe9 au lait", "latin1.txt").text == "café au lait"
    text = "“Señor Muñoz”, she said, “was right.”\n" * 5
    assert parse_document(text.encode("cp1252"), "w.txt").text == text


def test_html_declaring_windows_1252_is_decoded_as_declared() -> None:
    page = (
        '<html><head><meta charset="windows-1252"><title>Muñoz speaks</title></head><body><article>'
        "<p>José Muñoz said on Monday that “taxes would rise” next year, according to officials.</p>"
        "<p>Critics claim the rise will hurt families across the country and called for a review.</p>"
        "</article></body></html>"
    )
    article = parse_document(page.encode("cp1252"), "page.html")
    assert "José Muñoz said on Monday that “taxes would rise”" in article.text
    assert article.title == "Muñoz speaks"


@pytest.mark.parametrize(
    ("head", "encoding"),
    [
        (b'<meta charset="windows-1252">', "cp1252"),
        (b"<META CHARSET=koi8-r>", "koi8-r"),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">', "shift_jis"),
        (b'<?xml version="1.0" encoding="ISO-8859-2"?>', "iso8859-2"),
        (b'<meta charset="iso-8859-1">', "cp1252"),  # WHATWG: latin-1 labels mean windows-1252
        (b'<meta charset="us-ascii">', "cp1252"),
        (b'<meta charset="utf-16">', None),  # a declaration readable as ASCII is not UTF-16
        (b'<meta charset="utf-7">', None),  # smuggles markup past filters
        (b'<meta charset="no-such-thing">', None),
        (b"<p>no declaration</p>", None),
    ],
)
def test_declared_encoding(head: bytes, encoding: str | None) -> None:
    assert declared_encoding(b"<html><head>" + head + b"</head></html>") == encoding


def test_utf8_wins_over_a_wrong_latin1_declaration() -> None:
    page = '<html><head><meta charset="iso-8859-1"></head><body><article><p>{}</p></article></body></html>'
    text = "Zoë Brontë said the committee would publish its report in March, officials confirmed today."
    assert text in parse_document(page.format(text).encode("utf-8"), "p.html").text


# -- invisible characters ----------------------------------------------------------------


def test_invisible_characters_are_stripped_and_offsets_point_into_the_stored_text() -> None:
    raw = "Head\u200bline\n\nClick to follow\n\nThe mini\u00adster said\u202e it\u202c works.\n"
    article = parse_document(raw.encode(), "x.txt")
    assert article.text == "Headline\n\nClick to follow\n\nThe minister said it works.\n"
    assert article.title == "Headline"
    assert [article.text[s:e] for s, e in article.furniture] == ["Click to follow"]


def test_a_text_made_largely_of_invisible_characters_is_rejected() -> None:
    interleaved = "".join(c + "\u200b" for c in "The minister said taxes would rise.")
    with pytest.raises(InvisibleCharacters) as caught:
        parse_document(interleaved.encode(), "zw.txt")
    assert caught.value.code == "invisible_characters"


def test_terminal_escape_sequences_go_whole() -> None:
    # ESC alone was dropped and "[0;31m" stayed, glued to the name it coloured.
    said = "said the bridge over the river would open again in May, after two years of repairs. " * 6
    raw = f"Sven Ek\x1b[0;31m {said}\n\x1b]8;;https://x.example\x07The council\x1b]8;;\x1b\\ \x1b[2Kagreed.\n"
    article = parse_document(raw.encode(), "ansi.txt")
    assert article.text == f"Sven Ek {said}\nThe council agreed.\n"


def test_an_escape_that_opens_no_sequence_loses_only_its_escape() -> None:
    # An unended title sequence must not swallow the text after it.
    said = "the plan would fail, and the board agreed.\n"
    assert parse_document(f"Ann Lee said \x1b]{said}".encode(), "esc.txt").text == f"Ann Lee said ]{said}"


def test_lone_carriage_returns_are_line_breaks_and_keep_offsets() -> None:
    # Old Mac line ends: the headline ran into the first sentence.
    said = "Tom Hargrove said the bridge would reopen in May."
    raw = f"Bridge to reopen\r{said}\r\nThe council agreed.\r"
    article = parse_document(raw.encode(), "mac.txt")
    assert article.text == f"Bridge to reopen\n{said}\r\nThe council agreed.\n"
    assert len(article.text) == len(raw) and article.title == "Bridge to reopen"


def test_a_json_number_too_long_to_read_is_the_files_error() -> None:
    # int() refused it with a bare ValueError, which ingest took for a failure of its own.
    data = b'{"text": "Ann Lee said the plan works.", "views": ' + b"9" * 5000 + b"}"
    with pytest.raises(DocumentError) as caught:
        parse_document(data, "big.json")
    assert caught.value.reason == "invalid JSON: a number of 5000 digits, over 4300"
    assert parse_document(b'{"text": "Ann Lee said the plan works.", "views": -12}', "ok.json").text


def test_lone_surrogates_from_json_escapes_are_stripped() -> None:
    article = parse_document(b'{"title": "T\\ud800", "text": "He said\\udc00 so."}', "s.json")
    assert (article.title, article.text) == ("T", "He said so.")
    article.text.encode("utf-8")  # storable


# -- limits ------------------------------------------------------------------------------

SMALL = DocumentLimits(max_chars=200, max_lines=5, max_token_chars=20, max_depth=4)
PROSE = "The minister said that taxes would rise.\n"


@pytest.mark.parametrize(
    ("text", "error", "reason"),
    [
        (PROSE * 6, TextTooLong, "characters"),
        ("A\n" * 6, TooManyLines, "6 lines"),
        (PROSE + "x" * 21, TokenTooLong, "21 characters"),
        ("x" * 300, TokenTooLong, "300 characters"),  # the shape is told before the size
        ("Ann said: " + "12 34 56 78 90 " * 4, TooFewLetters, "letters"),
    ],
)
def test_text_limits(text: str, error: type[DocumentError], reason: str) -> None:
    with pytest.raises(error) as caught:
        parse_document(text.encode(), "t.txt", limits=SMALL)
    assert reason in caught.value.reason


def test_text_at_the_limits_is_accepted() -> None:
    text = (PROSE * 5)[:200]
    assert parse_document(text.encode(), "t.txt", limits=SMALL).text == text


def test_limits_come_from_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMSEARCH_MAX_TEXT_CHARS", "100")
    reset_process_caches()
    try:
        limits = wiring.document_limits()
        assert limits.max_chars == 100
        with pytest.raises(TextTooLong):
            parse_document((PROSE * 3).encode(), "t.txt", limits=limits)
        parse_document((PROSE * 3).encode(), "t.txt")  # the defaults when none are given
    finally:
        monkeypatch.delenv("CLAIMSEARCH_MAX_TEXT_CHARS")
        reset_process_caches()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "deep.json"),
        (b'{"text": "He said so.", "extra": ' + b'{"a": ' * 5 + b"1" + b"}" * 6, "field.json"),
        (
            b"<html><body>" + b"<div>" * 10 + b"<p>He said so.</p>" + b"</div>" * 10 + b"</body></html>",
            "d.html",
        ),
        (b"<html><body>" + b"<b>" * 50_000 + b"<p>He said so.</p></body></html>", "b.html"),
    ],
)
def test_nesting_over_the_limit_is_refused_before_parsing(data: bytes, name: str) -> None:
    with pytest.raises(NestingTooDeep):
        parse_document(data, name, limits=SMALL)


def test_json_depth_ignores_brackets_in_strings_and_survives_broken_input() -> None:
    assert json_depth('{"text": "[[[[{{{{", "a": [1, [2]]}') == 3
    # Invalid JSON: its brackets count (json.loads refuses it anyway), and quickly.
    assert json_depth('{"text": "unterminated [[[' + "x" * 100_000) == 4
    assert json_depth("]]]") == 0


def test_html_within_the_depth_limit_is_read() -> None:
    page = b"<html><body><article><p>The minister said that taxes would rise next year, officials said.</p>"
    page += b"<p>Critics claim the rise will hurt families across the country.</p></article></body></html>"
    assert "taxes would rise" in parse_document(page, "ok.html", limits=SMALL).text


@pytest.mark.parametrize(
    ("prolog", "reason"),
    [
        ('<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>', "declares entities"),
        ('<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "external entities"),
        ('<!doctype html [<!entity % p PUBLIC "x" "http://evil.example/x.dtd">]>', "external entities"),
    ],
)
def test_entity_declarations_are_refused(prolog: str, reason: str) -> None:
    page = prolog + "<html><body><p>The minister said &b; &xxe; taxes would rise.</p></body></html>"
    with pytest.raises(EntityDeclarations) as caught:
        parse_document(page.encode(), "e.html")
    assert reason in caught.value.reason


def test_new_reason_codes_are_stable() -> None:
    assert {
        cls.__name__: cls.code
        for cls in (
            TextTooLong,
            TooManyLines,
            TokenTooLong,
            TooFewLetters,
            InvisibleCharacters,
            NestingTooDeep,
            EntityDeclarations,
            InvalidDate,
        )
    } == {
        "TextTooLong": "text_too_long",
        "TooManyLines": "too_many_lines",
        "TokenTooLong": "token_too_long",
        "TooFewLetters": "too_few_letters",
        "InvisibleCharacters": "invisible_characters",
        "NestingTooDeep": "nesting_too_deep",
        "EntityDeclarations": "entity_declarations",
        "InvalidDate": "invalid_date",
    }


# -- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2016-09-12", "2016-09-12"),
        ("20160912", "2016-09-12"),  # ISO basic format: normalised, OpenSearch refuses it
        ("2016-W37-1", "2016-09-12"),  # ISO week date: normalised too
        (" 2016-09-12 ", "2016-09-12"),
        ("2016-09-12T10:00:00Z", "2016-09-12T10:00:00Z"),
        ("2016-09-12T10:00:00+00:00", "2016-09-12T10:00:00Z"),
        ("2016-09-12 10:00", "2016-09-12T10:00:00"),
        ("2016-09-12T10:00:00.5+05:30", "2016-09-12T10:00:00.500000+05:30"),
        ("last week", None),
        ("12/09/2016", None),
        ("2016-13-01", None),
        ("2016", None),
        ("", None),
        ("2016-09-12" + "0" * 100, None),
    ],
)
def test_dates_are_normalised_to_what_the_index_accepts(value: str, expected: str | None) -> None:
    assert iso_date(value) == expected


def test_json_date_is_normalised_at_parse_time() -> None:
    body = json.dumps({"text": "He said so.", "published_at": "2016-W37-1"}).encode()
    assert parse_document(body, "d.json").published_at == "2016-09-12"


# -- the text extraction parses, in pieces -----------------------------------------------


def test_line_chunks_rejoin_and_keep_line_break_runs_whole() -> None:
    from claimsearch.extract.nlp import line_chunks  # here: the rest of this file needs no spaCy

    text = "First paragraph here.\n\n\nSecond one.\r\n\r\nThird " + "word " * 30
    for size in (5, 10, 23, 24, 40, 1000):
        chunks = list(line_chunks(text, size))
        assert "".join(chunks) == text
        assert all(len(c) <= size for c in chunks)
    assert list(line_chunks(text, 24))[:2] == ["First paragraph here.\n\n\n", "Second one.\r\n\r\n"]
    assert next(line_chunks(text, 23)) == "First paragraph "  # the break run would be cut: a space
    assert list(line_chunks("x" * 10, 4)) == ["xxxx", "xxxx", "xx"]


def test_parse_in_pieces_is_one_doc_over_the_whole_text(example_bytes: bytes) -> None:
    from claimsearch.extract.nlp import parse

    text = example_bytes.decode()
    whole, pieces = parse(text), parse(text, chunk_chars=400)
    assert pieces.text is text
    assert [(t.text, t.idx, t.whitespace_) for t in pieces] == [(t.text, t.idx, t.whitespace_) for t in whole]
    assert [s.start for s in pieces.sents] == [s.start for s in whole.sents]
