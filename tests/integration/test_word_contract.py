"""What counts as a word in full text, one contract over both engines.

SQLite's FTS5 (unicode61) reads a word as a run of letters and digits; OpenSearch's
standard tokenizer kept words joined by an apostrophe or a period ("o’clock", "U.S.")
whole, so "clock" found a claim on SQLite only. Each content below holds such a word;
each query must give the same claims on both engines, and the ones named.
"""

from __future__ import annotations

import pytest

from claimsearch.index.port import SearchIndex, SearchQuery
from claimsearch.model import Article, Claim, Claimant, Content, Cue, claim_id_for
from tests.integration import opensearch_fixtures

opensearch_client = opensearch_fixtures.opensearch_client
opensearch_prefix = opensearch_fixtures.opensearch_prefix

CONTENTS = [
    "he tweets at three o’clock in the morning",
    "the U.S. economy grew 3.5 percent last year",
    "Trump's wall will not be built",
    "the rock 'n' roll hall of fame won't reopen",
    "the e-mail server was wiped clean",
    # Words whose stem is a stop word's ("one" -> "on", "ate" -> "at", "its" -> "it"), and
    # the stop words themselves: OpenSearch indexes no stop word, and neither must SQLite.
    "only one of its members ate on the train",
    "the plant sits on a hill and it is closed",
    # Letters NFKD keeps whole, which OpenSearch's asciifolding spells in ASCII.
    "the Øresund bridge to Malmö was shut by the Straße office of Łódź",
    # Markup in article text: a highlight gives it back as text, in both engines' escaping.
    "the <img src=x onerror=alert('x')> budget will collapse by March & \"soon\"",
    "the Ærø <b>ferry</b> is late",
]

# (query, the contents it must find)
QUERIES = [
    ("clock morning", {CONTENTS[0]}),
    ("economy 3 5 percent", {CONTENTS[1]}),
    ("trump wall", {CONTENTS[2]}),
    ("Trump's wall", {CONTENTS[2]}),
    ("roll hall fame", {CONTENTS[3]}),
    ("mail server", {CONTENTS[4]}),
    ("u s economy", {CONTENTS[1]}),
    # Invisible characters are not word breaks: ingest removed them from the text.
    ("ser\u00adver wi\u200bped", {CONTENTS[4]}),
    ("one", {CONTENTS[5]}),
    ("ate", {CONTENTS[5]}),
    ("its members", {CONTENTS[5]}),
    ("Øresund bridge", {CONTENTS[7]}),
    ("oresund bridge", {CONTENTS[7]}),
    ("strasse office", {CONTENTS[7]}),
    ("Straße office", {CONTENTS[7]}),
    ("lodz malmo", {CONTENTS[7]}),
]


def _claims(article: Article) -> list[Claim]:
    claims = []
    for n, content in enumerate(CONTENTS):
        cue, spans = (n * 100, n * 100 + 4), [(n * 100 + 5, n * 100 + 5 + len(content))]
        claims.append(
            Claim(
                id=claim_id_for(article.id, cue, spans),
                article_id=article.id,
                content=Content(content, spans, "indirect"),
                cue=Cue("said", cue, "say", "say"),
                claimant=Claimant(None, None, None, "unattributed"),
                sentence=f"It was said that {content}",
                sentence_span=(n * 100, n * 100 + 90),
                publisher=article.publisher,
            )
        )
    return claims


def _load(index: SearchIndex) -> SearchIndex:
    index.ensure_ready()
    article = Article("words", "x" * 1000, "t", "words.txt", publisher="Ærø Tidende")
    assert index.index_article(article, _claims(article), []).ok
    return index


sqlite_index, opensearch_index, _ = opensearch_fixtures.loaded_engines(_load, "words")


def _found(index: SearchIndex, text: str, match: str) -> set[str]:
    result = index.search(SearchQuery(text=text, match=match, limit=20, facets=False))
    return {h.claim.content.text for h in result.hits}


@pytest.mark.parametrize(("text", "expected"), QUERIES)
def test_words_split_at_apostrophes_and_periods_in_both_engines(
    sqlite_index: SearchIndex, opensearch_index: SearchIndex, text: str, expected: set[str]
) -> None:
    for match in ("best", "all"):
        found = _found(sqlite_index, text, match)
        assert expected <= found, (text, match)
        assert _found(opensearch_index, text, match) == found, (text, match)


@pytest.mark.parametrize("text", ["one", "ate", "its"])
def test_a_word_stemmed_as_a_stop_word_finds_only_itself(
    sqlite_index: SearchIndex, opensearch_index: SearchIndex, text: str
) -> None:
    # FTS5 indexed "on", "at" and "it" too: "one" found every claim saying "on".
    for index in (sqlite_index, opensearch_index):
        result = index.search(SearchQuery(text=text, limit=20))
        assert {h.claim.content.text for h in result.hits} == {CONTENTS[5]}, (index, text)
        (marked,) = result.hits[0].highlights["content"]
        assert f"<mark>{text}</mark>" in marked and "<mark>on</mark>" not in marked


@pytest.mark.parametrize(
    ("text", "marked"), [("oresund", "Øresund"), ("strasse", "Straße"), ("Łódź", "Łódź")]
)
def test_a_folded_word_is_marked_as_written(
    sqlite_index: SearchIndex, opensearch_index: SearchIndex, text: str, marked: str
) -> None:
    for index in (sqlite_index, opensearch_index):
        (hit,) = index.search(SearchQuery(text=text, limit=20)).hits
        assert f"<mark>{marked}</mark>" in hit.highlights["content"][0], index
        assert hit.highlights["content"][0].replace("<mark>", "").replace("</mark>", "") == CONTENTS[7]


@pytest.mark.parametrize("publisher", ["Ærø Tidende", "aero tidende", "AERO TIDENDE"])
def test_a_name_filter_folds_letters_as_both_engines_do(
    sqlite_index: SearchIndex, opensearch_index: SearchIndex, publisher: str
) -> None:
    for index in (sqlite_index, opensearch_index):
        assert index.search(SearchQuery(publisher=publisher, facets=False)).total == len(CONTENTS), index


@pytest.mark.parametrize(
    ("text", "marked"),
    [
        (
            "onerror budget",
            "the &lt;img src=x <mark>onerror</mark>=alert(&#x27;x&#x27;)&gt; <mark>budget</mark>"
            " will collapse by March &amp; &quot;soon&quot;",
        ),
        ("ferry", "the Ærø &lt;b&gt;<mark>ferry</mark>&lt;&#x2F;b&gt; is late"),
    ],
)
def test_a_highlight_is_html_whose_only_markup_is_its_marks(
    sqlite_index: SearchIndex, opensearch_index: SearchIndex, text: str, marked: str
) -> None:
    # Article text is anyone's: a partner page that shows a fragment as HTML must show
    # "<img onerror=...>" as text. The second exercises SQLite's path for folded letters.
    for index in (sqlite_index, opensearch_index):
        (hit,) = index.search(SearchQuery(text=text, limit=20)).hits
        assert hit.highlights["content"] == [marked], index
