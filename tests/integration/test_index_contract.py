"""One contract, both engines: SQLite FTS5 and a real OpenSearch node must agree.

The corpus is the example article plus the PolNeAR dev articles (when the corpus is
present), ingested through the real pipeline. Relevance order is engine-specific
(BM25 parameters and analyzers differ), so the suite compares sets, counts and
paging behaviour, never the order of scored hits. Filter-only queries score every
hit 0 and order by id in both engines, so their pages are compared in order.
"""

from __future__ import annotations

import os
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from claimsearch.claimants.registry import file_claims, updated_identities
from claimsearch.documents.parse import parse_text
from claimsearch.errors import InvalidQuery
from claimsearch.extract.pipeline import extract_claims
from claimsearch.index.port import FACET_FIELDS, SearchIndex, SearchQuery
from claimsearch.index.sqlite import SqliteIndex
from claimsearch.index.text_query import ENGLISH_STOP_WORDS, plan_text
from claimsearch.model import Article, Claim
from tests.conftest import EXAMPLE_ARTICLE, REPO

POLNEAR = Path(os.environ.get("CLAIMSEARCH_POLNEAR_DIR", REPO.parent / "shared" / "data" / "polnear"))
OPENSEARCH_URL = os.environ.get("CLAIMSEARCH_TEST_OPENSEARCH_URL", "http://127.0.0.1:9200")
PUBLISHERS = {"breitbart": "Breitbart", "huff-post": "HuffPost", "nyt": "The New York Times"}


def _polnear_articles() -> list[Article]:
    texts = sorted((POLNEAR / "dev" / "text").glob("*.txt"))
    articles = []
    for path in texts:
        article = parse_text(path.read_text(encoding="utf-8"), path.name)
        publisher_key, date = path.stem.split("_")[:2]
        publisher = PUBLISHERS.get(publisher_key, publisher_key)
        articles.append(replace(article, publisher=publisher, published_at=date))
    return articles


@pytest.fixture(scope="module")
def corpus() -> list[tuple[Article, list[Claim]]]:
    articles = [parse_text(EXAMPLE_ARTICLE.read_text(encoding="utf-8"), EXAMPLE_ARTICLE.name)]
    if (POLNEAR / "dev" / "text").is_dir():
        articles += _polnear_articles()
    else:
        print(f"contract suite: PolNeAR not found at {POLNEAR}; using the example article only")
    return [(a, extract_claims(a)) for a in articles]


def _load(index: SearchIndex, corpus: list[tuple[Article, list[Claim]]]) -> SearchIndex:
    """Each article filed and indexed as ingest does it, in the same order on each engine."""
    index.ensure_ready()
    for article, claims in corpus:
        filed = file_claims(claims, index)
        report = index.index_article(article, filed.claims, updated_identities(filed, index))
        assert report.ok, report.failed
    return index


@pytest.fixture(scope="module")
def sqlite_index(tmp_path_factory: pytest.TempPathFactory, corpus) -> SearchIndex:  # type: ignore[no-untyped-def]
    return _load(SqliteIndex(tmp_path_factory.mktemp("contract") / "claims.sqlite3"), corpus)


@pytest.fixture(scope="module")
def opensearch_index(corpus) -> Iterator[SearchIndex]:  # type: ignore[no-untyped-def]
    from claimsearch.index.opensearch import Endpoint, OpenSearchIndex
    from claimsearch.index.opensearch.client import connect

    client = connect(Endpoint(OPENSEARCH_URL))
    try:
        client.info()
    except Exception as exc:
        message = f"no OpenSearch node at {OPENSEARCH_URL} ({exc}); start one: infra/opensearch/node.sh start"
        if os.environ.get("CLAIMSEARCH_REQUIRE_OPENSEARCH") == "1":
            pytest.fail(message)
        pytest.skip(message)
    prefix = f"contract-{uuid.uuid4().hex[:8]}"
    index = OpenSearchIndex(Endpoint(OPENSEARCH_URL), prefix=prefix)
    yield _load(index, corpus)
    index.drop()


@pytest.fixture(params=["sqlite", "opensearch"])
def engine(request: pytest.FixtureRequest) -> SearchIndex:
    return request.getfixturevalue(f"{request.param}_index")  # type: ignore[no-any-return]


def _all_ids(index: SearchIndex, query: SearchQuery) -> list[str]:
    """Every hit of a query, page by page (limit 7 makes pages end mid-tie)."""
    ids: list[str] = []
    page = replace(query, limit=7, facets=False)
    while True:
        result = index.search(page)
        ids += [h.claim.id for h in result.hits]
        if result.next_after is None:
            return ids
        page = replace(page, after=result.next_after)


def _filter_queries(corpus: list[tuple[Article, list[Claim]]]) -> list[SearchQuery]:
    claims = [c for _, cs in corpus for c in cs]
    top = lambda values: [v for v, _ in Counter(values).most_common(3)]  # noqa: E731
    names = [c.claimant.name for c in claims if c.claimant.name and c.claimant.type == "person"]
    queries = [SearchQuery(claimant=v.upper()) for v in top(names)]
    queries += [SearchQuery(claimant=v.split()[-1]) for v in top(n for n in names if " " in n)]
    queries += [SearchQuery(attributed=False), SearchQuery(attributed=True, cue_class="believe")]
    queries += [SearchQuery(organization=v.lower()) for v in top(o for c in claims for o in c.organizations)]
    queries += [SearchQuery(entity=v) for v in top(e.canonical for c in claims for e in c.entities)]
    queries += [SearchQuery(publisher=v) for v in top(a.publisher for a, _ in corpus if a.publisher)]
    queries += [SearchQuery(cue_class=v) for v in ("say", "believe", "call_for")]
    queries += [SearchQuery(quote_type=v) for v in ("direct", "indirect", "mixed")]
    dates = sorted(a.published_at for a, _ in corpus if a.published_at)
    if dates:  # the example article alone has no date
        middle = dates[len(dates) // 2]
        queries += [
            SearchQuery(published_from=middle, published_to=dates[-1]),
            SearchQuery(published_to=middle),
        ]
    queries += [
        SearchQuery(article_id=corpus[0][0].id),
        SearchQuery(cue_class="say", quote_type="direct", publisher=top(a.publisher for a, _ in corpus)[0]),
    ]
    return queries


TEXT_QUERIES = ["forced labour", "Clinton", "taxes", "campaign said", "percent of voters", "Kim Jong-un"]
# Three words and more: best match wants 2 of 3, 3 of 4, so these differ from match=all.
BEST_MATCH_QUERIES = ["forced labour camps abroad", "tax plan middle class", "rigged election polls"]
HOSTILE = [
    "*:*",
    '{"match_all":{}}',
    '"unbalanced quote',
    "OR",
    "AND NOT",
    "title:(a OR b)",
    "labour~2",
    "Ahn Myéong-chul ünïcödé 北朝鮮",
    "forced " * 80,
]


def test_filters_give_the_same_ids_in_both_engines(sqlite_index, opensearch_index, corpus) -> None:  # type: ignore[no-untyped-def]
    for query in _filter_queries(corpus):
        expected = _all_ids(sqlite_index, query)
        assert expected, f"query matches nothing, so it proves nothing: {query}"
        # No text: both engines order by id, so the pages agree in order too.
        assert _all_ids(opensearch_index, query) == expected, query


def test_text_queries_match_the_same_claims(sqlite_index, opensearch_index) -> None:  # type: ignore[no-untyped-def]
    found: dict[tuple[str, str], set[str]] = {}
    for text in [*TEXT_QUERIES, *BEST_MATCH_QUERIES]:
        for match in ("best", "all", "any"):
            query = SearchQuery(text=text, match=match)
            expected = set(_all_ids(sqlite_index, query))
            assert set(_all_ids(opensearch_index, query)) == expected, (text, match)
            found[text, match] = expected
    # The first holds in the example article alone; with PolNeAR the others do too. Best
    # match must find more than match=all somewhere, or the comparison proves nothing.
    assert any(found[t, "best"] > found[t, "all"] for t in BEST_MATCH_QUERIES), found
    assert any(found[t, "any"] > found[t, "best"] for t in BEST_MATCH_QUERIES), found


def test_claimants_are_filed_the_same_in_both_engines(sqlite_index, opensearch_index, corpus) -> None:  # type: ignore[no-untyped-def]
    for article, _ in corpus:
        left = [(c.id, c.claimant.id) for c in sqlite_index.claims_for_article(article.id)]
        right = [(c.id, c.claimant.id) for c in opensearch_index.claims_for_article(article.id)]
        assert left == right, article.id
    ids = {c.claimant.id for a, _ in corpus for c in sqlite_index.claims_for_article(a.id) if c.claimant.id}
    assert sqlite_index.get_claimants(ids) == opensearch_index.get_claimants(ids)


def test_best_match_finds_a_claim_by_its_words_when_one_is_missing(engine: SearchIndex, corpus) -> None:  # type: ignore[no-untyped-def]
    """Four rare words of a claim's content find it in the top ten; with one replaced by a
    word no claim holds, best match still does (3 of 4 must hold), match=all does not."""
    claims = [c for _, cs in corpus for c in cs]
    frequency = Counter(w for c in claims for w in set(_words(c.content.text)))
    sample = [c for c in claims if len(set(_words(c.content.text))) >= 8][::7][:25]
    assert sample
    for claim in sample:
        rare = sorted(set(_words(claim.content.text)), key=lambda w: (frequency[w], w))[:4]
        query = SearchQuery(text=" ".join(rare), limit=10, facets=False)
        assert claim.id in [h.claim.id for h in engine.search(query).hits], rare
        missing = " ".join([*rare[:3], "zqxjv"])
        best = engine.search(replace(query, text=missing))
        assert claim.id in [h.claim.id for h in best.hits], missing
        assert engine.search(replace(query, text=missing, match="all")).total == 0


def test_best_match_ranks_claims_holding_more_words_first(engine: SearchIndex) -> None:
    result = engine.search(SearchQuery(text="forced labour slave regime", limit=5, facets=False))
    assert result.hits
    top = result.hits[0].claim.content.text.lower()
    assert sum(w in top for w in ("forced", "labour", "slave", "regime")) >= 3


def test_best_match_relaxes_to_any_word_when_no_claim_holds_enough(engine: SearchIndex, corpus) -> None:  # type: ignore[no-untyped-def]
    """Two rare words of a claim and two words no claim holds: no claim holds the three of
    four best match wants, so the answer is the claims holding any of them, said so, the
    same claims on every page as match=any gives; match=all stays empty."""
    claims = [c for _, cs in corpus for c in cs]
    frequency = Counter(w for c in claims for w in set(_words(c.content.text)))
    claim = next(c for c in claims if len(set(_words(c.content.text))) >= 8)
    rare = sorted(set(_words(claim.content.text)), key=lambda w: (frequency[w], w))[:2]
    query = SearchQuery(text=" ".join([*rare, "zqxjv", "vjxqz"]), limit=10, facets=False)

    relaxed = engine.search(query)
    assert relaxed.relaxed
    assert claim.id in [h.claim.id for h in relaxed.hits], rare
    any_word = engine.search(replace(query, match="any"))
    assert not any_word.relaxed
    assert relaxed.total == any_word.total > 0
    assert set(_all_ids(engine, query)) == set(_all_ids(engine, replace(query, match="any")))
    page = engine.search(replace(query, limit=1))
    assert page.next_after is None or engine.search(replace(query, limit=1, after=page.next_after)).relaxed

    strict = engine.search(replace(query, match="all"))
    assert (strict.total, strict.relaxed) == (0, False)


def test_best_match_is_not_relaxed_where_it_finds_or_cannot_loosen(engine: SearchIndex) -> None:
    found = engine.search(SearchQuery(text="forced labour slave regime", facets=False))
    assert found.total and not found.relaxed
    lone = engine.search(SearchQuery(text="zqxjv", facets=False))  # one word: nothing looser
    assert (lone.total, lone.relaxed) == (0, False)
    # Loosened and still nothing: an empty answer, not a relaxed one.
    none = engine.search(SearchQuery(text="zqxjv vjxqz jqzxv", facets=False))
    assert (none.total, none.relaxed) == (0, False)
    # Under a claimant filter an empty answer stands: that claimant said nothing so.
    claim = next(h.claim for h in found.hits if h.claim.claimant.id)
    words = " ".join([*_words(claim.content.text)[:1], "zqxjv", "vjxqz"])
    for query in (
        SearchQuery(text=words, claimant_id=claim.claimant.id, facets=False),
        SearchQuery(text=words, claimant=claim.claimant.name, facets=False),
    ):
        answer = engine.search(query)
        assert (answer.total, answer.relaxed) == (0, False), query
        assert engine.search(replace(query, match="any")).total > 0, query


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in ENGLISH_STOP_WORDS]


def test_facet_counts_agree(sqlite_index, opensearch_index, corpus) -> None:  # type: ignore[no-untyped-def]
    for query in [SearchQuery(), *_filter_queries(corpus)[:6], SearchQuery(text="said")]:
        left = sqlite_index.search(replace(query, limit=1)).facets
        right = opensearch_index.search(replace(query, limit=1)).facets
        assert left == right, query


def test_totals_agree(sqlite_index, opensearch_index, corpus) -> None:  # type: ignore[no-untyped-def]
    for query in [SearchQuery(), *_filter_queries(corpus)]:
        assert sqlite_index.search(query).total == opensearch_index.search(query).total, query


def test_paging_returns_every_hit_exactly_once(engine: SearchIndex) -> None:
    for query in (SearchQuery(), SearchQuery(text="said"), SearchQuery(cue_class="say")):
        ids = _all_ids(engine, query)
        assert len(ids) == len(set(ids)) == engine.search(query).total


def test_highlights_mark_the_query_terms(engine: SearchIndex) -> None:
    result = engine.search(SearchQuery(text="forced labour", limit=5))
    assert result.hits
    for hit in result.hits:
        marked = " ".join(f for fragments in hit.highlights.values() for f in fragments).lower()
        assert "<mark>forced</mark>" in marked and "<mark>labour</mark>" in marked


@pytest.mark.parametrize("text", HOSTILE)
def test_query_syntax_in_user_text_is_never_executed(engine: SearchIndex, text: str) -> None:
    everything = engine.search(SearchQuery()).total
    if plan_text(text) is None:
        # No word in it ("*:*", "OR"): refused as such, never run as a query of its own.
        with pytest.raises(InvalidQuery) as refused:
            SearchQuery(text=text)
        assert refused.value.parameter == "q"
        return
    result = engine.search(SearchQuery(text=text))
    assert result.total < everything


def test_deleting_an_article_removes_its_claims(engine: SearchIndex, corpus) -> None:  # type: ignore[no-untyped-def]
    article = corpus[-1][0]
    claims = engine.claims_for_article(article.id)
    before = engine.count_claims()
    assert engine.delete_article(article.id) == len(claims)
    try:
        assert engine.search(SearchQuery(article_id=article.id)).total == 0
        assert engine.get_article(article.id) is None
        assert engine.count_claims() == before - len(claims)
    finally:
        assert engine.index_article(article, claims).ok


# -- facets only when asked ------------------------------------------------------------------


def test_facets_are_counted_only_when_asked(engine: SearchIndex) -> None:
    for base in (
        SearchQuery(text="said", limit=3),
        SearchQuery(cue_class="say", limit=3),
        SearchQuery(limit=3),
    ):
        every = engine.search(base)
        assert list(every.facets) == list(FACET_FIELDS)
        some = engine.search(replace(base, facets=("entity", "claimant")))
        assert list(some.facets) == ["claimant", "entity"]  # in FACET_FIELDS order, whatever the asking order
        assert some.facets == {name: every.facets[name] for name in some.facets}
        for off in (False, ()):
            none = engine.search(replace(base, facets=off))
            assert none.facets == {}
            # The hits and the total do not depend on the facets asked for.
            assert none.total == some.total == every.total
            assert [h.claim.id for h in none.hits] == [h.claim.id for h in every.hits]
            assert none.next_after == every.next_after


def test_facets_of_a_later_page_count_the_whole_match_set(engine: SearchIndex) -> None:
    # Pages of one: every claim (always several), and a text query where the indexed
    # articles (with or without PolNeAR's) give it more than one match.
    for base in (SearchQuery(limit=1), SearchQuery(text="said", limit=1)):
        first = engine.search(replace(base, facets=False))
        if base.text is not None and first.total < 2:
            continue
        assert first.next_after is not None
        later = engine.search(replace(base, after=first.next_after, facets=("publisher", "claimant")))
        whole = engine.search(replace(base, limit=1)).facets
        assert later.facets == {"claimant": whole["claimant"], "publisher": whole["publisher"]}


def test_a_query_matching_nothing_has_empty_facets_of_the_names_asked(engine: SearchIndex) -> None:
    for text in ("zqxjvzqxjv", "qqqq zzzz"):  # one word, and two (relaxed to any word, still none)
        result = engine.search(SearchQuery(text=text, facets=("publisher",)))
        assert (result.total, result.facets) == (0, {"publisher": []})


def test_facet_subsets_agree(sqlite_index, opensearch_index, corpus) -> None:  # type: ignore[no-untyped-def]
    for query in [SearchQuery(), *_filter_queries(corpus)[:4], SearchQuery(text="said")]:
        for names in (("claimant",), ("organization", "publisher"), ("entity",)):
            asked = replace(query, limit=1, facets=names)
            assert sqlite_index.search(asked).facets == opensearch_index.search(asked).facets, asked


def test_unknown_facet_names_are_refused() -> None:
    assert SearchQuery.parse_facets("claimant, Entity,claimant") == ("claimant", "entity")
    assert SearchQuery.parse_facets("") == SearchQuery.parse_facets("none") == ()
    for bad in ("colour", "claimant,colour", "none,claimant"):
        with pytest.raises(InvalidQuery) as caught:
            SearchQuery.parse_facets(bad)
        assert caught.value.parameter == "facets"
    with pytest.raises(InvalidQuery):
        SearchQuery(facets=("claimant", "colour"))
