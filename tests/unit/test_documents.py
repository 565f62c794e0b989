import json

import pytest

from claimsearch.documents import parse_document
from claimsearch.errors import (
    DocumentError,
    DocumentTooLarge,
    EmptyDocument,
    UndecodableDocument,
    UnsupportedFormat,
)


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
        (b"caf\xe9 au lait", "latin1.txt", UndecodableDocument, "UTF-8"),
        (b"abc\x00def", "binary.txt", UndecodableDocument, "binary"),
        (b"%PDF-1.4", "paper.pdf", UnsupportedFormat, ".pdf"),
        (b"{not json", "bad.json", DocumentError, "invalid JSON"),
        (b'["a list"]', "list.json", DocumentError, "object"),
        (b'{"title": "t"}', "notext.json", EmptyDocument, "text"),
        (b'{"text": "x", "title": 3}', "typed.json", DocumentError, "'title' must be a string"),
        (b'{"text": "x", "published_at": "last week"}', "date.json", DocumentError, "ISO 8601"),
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
