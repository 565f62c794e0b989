"""The OpenSearch adapter against a real node: schema, writes, queries, rebuild.

Records are built by hand so every expectation is known exactly. The engine-neutral
behaviour shared with SQLite is also covered by test_index_contract.py; this module
covers what only this adapter has (aliases, versioned rebuilds, bulk failures) and
pins its query compilation against the node.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import requests
from opensearchpy import OpenSearch
from opensearchpy.exceptions import SerializationError
from opensearchpy.serializer import JSONSerializer

from claimsearch.claimants.registry import (
    EmptyRegistry,
    file_claims,
    identity_id,
    tallies,
    updated_identities,
)
from claimsearch.errors import IndexUnavailable, InvalidQuery
from claimsearch.index.opensearch import Endpoint, OpenSearchIndex, RebuildFailed, writes
from claimsearch.index.opensearch.client import OrjsonSerializer, connect
from claimsearch.index.port import FacetValue, SearchQuery
from claimsearch.index.text_query import plan_text
from claimsearch.model import (
    Article,
    Claim,
    Claimant,
    Content,
    Cue,
    EntityMention,
    article_id_for,
    claim_id_for,
)
from tests.integration import opensearch_fixtures

pytestmark = pytest.mark.opensearch

# The shared fixtures, bound here so pytest finds them (no conftest needed).
opensearch_client = opensearch_fixtures.opensearch_client
opensearch_prefix = opensearch_fixtures.opensearch_prefix
opensearch_index = opensearch_fixtures.opensearch_index


# -- records -----------------------------------------------------------------------------


def make_article(
    sentences: list[str], publisher: str | None = "Le Café Times", published_at: str | None = "2016-09-12"
) -> Article:
    text = " ".join(sentences)
    return Article(
        id=article_id_for(text),
        text=text,
        title=sentences[0][:40],
        source_key=f"test/{article_id_for(text)}.txt",
        publisher=publisher,
        published_at=published_at,
    )


def make_claim(
    article: Article,
    sentence: str,
    content: str,
    claimant: str,
    cue: str,
    cue_class: str = "say",
    quote_type: str = "direct",
    organization: str | None = None,
    claimant_type: str = "person",
    entities: tuple[tuple[str, str], ...] = (),
) -> Claim:
    """A claim on `sentence` of `article`, with true spans into the article text."""
    start = article.text.index(sentence)
    content_start = article.text.index(content, start)
    cue_start = article.text.index(cue, start)
    content_span = (content_start, content_start + len(content))
    cue_span = (cue_start, cue_start + len(cue))
    mention_start = article.text.find(claimant, start)
    mention_span = (mention_start, mention_start + len(claimant)) if mention_start >= 0 else None
    mentions = []
    for canonical, kind in entities:
        at = article.text.find(canonical, start)
        mentions.append(EntityMention(canonical, (max(at, 0), max(at, 0) + len(canonical)), canonical, kind))
    return Claim(
        id=claim_id_for(article.id, cue_span, [content_span]),
        article_id=article.id,
        content=Content(content, [content_span], quote_type),
        cue=Cue(cue, cue_span, cue.split()[0], cue_class),
        claimant=Claimant(
            mention=claimant if mention_span else "she",
            span=mention_span,
            name=claimant,
            type=claimant_type,
            organization=organization,
        ),
        sentence=sentence,
        sentence_span=(start, start + len(sentence)),
        entities=mentions,
        publisher=article.publisher,
        published_at=article.published_at,
        extractor_version="test",
    )


def _first_corpus() -> tuple[Article, list[Claim]]:
    s1 = "Ahn Myeong-chul said forced labour camps in North Korea hold thousands of prisoners."
    s2 = "Hillary Clinton claimed taxes will rise next year."
    s3 = "José Martínez of Human Rights Watch believes the regime relies on forced labour abroad."
    article = make_article([s1, s2, s3])
    claims = [
        make_claim(
            article,
            s1,
            "forced labour camps in North Korea hold thousands of prisoners",
            "Ahn Myeong-chul",
            "said",
            organization="NK Watch",
            entities=(("North Korea", "place"),),
        ),
        make_claim(
            article,
            s2,
            "taxes will rise next year",
            "Hillary Clinton",
            "claimed",
            cue_class="claim",
            quote_type="indirect",
            entities=(("United States", "place"),),
        ),
        make_claim(
            article,
            s3,
            "the regime relies on forced labour abroad",
            "José Martínez",
            "believes",
            cue_class="believe",
            quote_type="mixed",
            organization="Human Rights Watch",
        ),
    ]
    return article, claims


def _second_corpus() -> tuple[Article, list[Claim]]:
    s1 = "Hillary Clinton said voters support the plan of Kim Jong-un."
    s2 = "The United Nations called for tighter sanctions."
    # An evening in New York is the next day in UTC: filters must use the printed day.
    article = make_article([s1, s2], publisher="The New York Times", published_at="2016-09-25T22:30:00-05:00")
    claims = [
        make_claim(
            article,
            s1,
            "voters support the plan of Kim Jong-un",
            "Hillary Clinton",
            "said",
            entities=(("Kim Jong-un", "person"),),
        ),
        make_claim(
            article,
            s2,
            "tighter sanctions",
            "United Nations",
            "called for",
            cue_class="call_for",
            quote_type="indirect",
            claimant_type="organisation",
        ),
    ]
    return article, claims


def _filed(pair: tuple[Article, list[Claim]]) -> tuple[Article, list[Claim]]:
    """Claims with their claimant ids, as ingest files them (ids derive from the names)."""
    return pair[0], file_claims(pair[1], EmptyRegistry()).claims


FIRST = _filed(_first_corpus())
SECOND = _filed(_second_corpus())
A1, (C1, C2, C3) = FIRST[0], FIRST[1]
A2, (C4, C5) = SECOND[0], SECOND[1]
ALL_IDS = {c.id for c in FIRST[1] + SECOND[1]}


def _load(index: OpenSearchIndex) -> OpenSearchIndex:
    for article, claims in (FIRST, SECOND):
        filed = file_claims(claims, index)
        report = index.index_article(article, filed.claims, updated_identities(filed, index))
        assert report.ok, report.failed
        assert report.indexed == len(claims)
    return index


@pytest.fixture
def loaded(opensearch_index: OpenSearchIndex) -> OpenSearchIndex:
    """Both articles in an index of this test's own: for tests that write."""
    return _load(opensearch_index)


@pytest.fixture(scope="module")
def corpus(opensearch_client: OpenSearch, opensearch_prefix: str) -> Iterator[OpenSearchIndex]:
    """Both articles, loaded once for the tests that only read (each write waits for a refresh)."""
    index = OpenSearchIndex(opensearch_fixtures.endpoint(), prefix=f"{opensearch_prefix}-corpus")
    index.ensure_ready()
    yield _load(index)
    index.drop()


def ids(index: OpenSearchIndex, query: SearchQuery) -> set[str]:
    result = index.search(replace(query, limit=100))
    assert result.total == len(result.hits)
    return {h.claim.id for h in result.hits}


def all_pages(index: OpenSearchIndex, query: SearchQuery) -> list[str]:
    seen: list[str] = []
    while True:
        result = index.search(query)
        assert len(result.hits) <= query.limit
        seen += [h.claim.id for h in result.hits]
        if result.next_after is None:
            return seen
        query = replace(query, after=result.next_after)


# -- schema --------------------------------------------------------------------------------


def test_ensure_ready_is_idempotent(opensearch_client: OpenSearch, opensearch_index: OpenSearchIndex) -> None:
    assert opensearch_index.index_article(*FIRST).ok
    opensearch_index.ensure_ready()
    again = OpenSearchIndex(opensearch_fixtures.endpoint(), prefix=opensearch_index.prefix)
    again.ensure_ready()
    again.ensure_ready()
    aliases = opensearch_client.indices.get_alias(index=f"{opensearch_index.prefix}-*")
    assert aliases == {
        f"{opensearch_index.prefix}-{kind}-v1": {"aliases": {f"{opensearch_index.prefix}-{kind}": {}}}
        for kind in ("claims", "articles", "claimants")
    }
    assert again.count_claims() == 3
    assert opensearch_index.ping()


def test_mappings_come_from_the_template(
    opensearch_client: OpenSearch, opensearch_index: OpenSearchIndex
) -> None:
    name = f"{opensearch_index.prefix}-claims-v1"
    mapping = opensearch_client.indices.get_mapping(index=name)[name]["mappings"]
    assert mapping["dynamic"] == "strict"
    assert mapping["properties"]["claim"] == {"type": "object", "enabled": False}
    assert mapping["properties"]["claimant"]["normalizer"] == "claims_keyword"
    assert "fields" not in mapping["properties"]["content"]  # nothing reads a whole-content keyword
    assert mapping["properties"]["claimant_id"]["eager_global_ordinals"] is True
    # The facets count folded values and read the spellings under each.
    assert mapping["properties"]["entities"]["eager_global_ordinals"] is True
    assert mapping["properties"]["entities"]["fields"]["raw"]["eager_global_ordinals"] is True
    analyzed = opensearch_client.indices.analyze(
        index=name, body={"normalizer": "claims_keyword", "text": "  Ahn   MYÉONG-chul "}
    )
    assert [t["token"] for t in analyzed["tokens"]] == ["ahn myeong-chul"]


# -- writes and reads ------------------------------------------------------------------------


def test_reads_before_the_first_ingest_find_nothing_and_create_nothing(
    opensearch_client: OpenSearch, opensearch_prefix: str
) -> None:
    # A fresh deployment: the search function (read-only role) answers before anything
    # was ingested. Its reads must not try to create indices or templates.
    prefix = f"{opensearch_prefix}-fresh"
    index = OpenSearchIndex(opensearch_fixtures.endpoint(), prefix=prefix)
    result = index.search(SearchQuery(text="labour", claimant="Ahn Myeong-chul"))
    assert (result.total, result.hits, result.next_after) == (0, [], None)
    assert result.facets == {"claimant": [], "organization": [], "entity": [], "publisher": []}
    assert index.search(SearchQuery(facets=False)).facets == {}
    assert index.get_claim(C1.id) is None
    assert index.get_article(A1.id) is None
    assert index.claims_for_article(A1.id) == []
    assert index.count_claims() == 0
    assert opensearch_client.indices.get(index=f"{prefix}-*", expand_wildcards="all") == {}
    assert (
        opensearch_client.indices.get_index_template(name=f"{prefix}-*", ignore=404).get(
            "index_templates", []
        )
        == []
    )

    report = index.index_article(A1, [C1, C2, C3])  # the first write creates what it needs
    assert report.ok and index.count_claims() == 3
    assert ids(index, SearchQuery()) == {C1.id, C2.id, C3.id}
    index.drop()


def test_index_then_read_back(corpus: OpenSearchIndex) -> None:
    assert corpus.get_article(A1.id) == A1
    assert corpus.get_claim(C3.id) == C3
    assert corpus.claims_for_article(A1.id) == sorted([C1, C2, C3], key=lambda c: (c.cue.span[0], c.id))
    assert corpus.claims_for_article(A2.id) == [C4, C5]
    assert corpus.count_claims() == 5
    assert corpus.get_claim("c-missing") is None
    assert corpus.get_article("a-missing") is None
    assert corpus.claims_for_article("a-missing") == []


def test_reindexing_an_article_replaces_its_claims(loaded: OpenSearchIndex) -> None:
    report = loaded.index_article(A1, [C1, C3])
    assert report.ok and report.indexed == 2
    assert loaded.claims_for_article(A1.id) == [C1, C3]
    assert loaded.get_claim(C2.id) is None
    assert ids(loaded, SearchQuery(text="taxes")) == set()
    assert loaded.count_claims() == 4
    assert loaded.claims_for_article(A2.id) == [C4, C5]  # other articles untouched
    assert loaded.index_article(A1, []).indexed == 0
    assert loaded.claims_for_article(A1.id) == []
    assert loaded.get_article(A1.id) == A1


def test_delete_article(loaded: OpenSearchIndex) -> None:
    assert loaded.delete_article(A1.id) == 3
    assert loaded.get_article(A1.id) is None
    assert loaded.claims_for_article(A1.id) == []
    assert loaded.count_claims() == 2
    assert ids(loaded, SearchQuery()) == {C4.id, C5.id}
    assert loaded.delete_article(A1.id) == 0


def test_a_claimant_another_writer_counted_meanwhile_is_not_removed(loaded: OpenSearchIndex) -> None:
    # Deleting A1 removes the identities only its claims named. One whose claims this writer
    # reads none of, but which another writer has just counted a claim for (not yet visible
    # to this writer), stays: a removal holds only where the registry counts none.
    only_first = {c.claimant.id for c in FIRST[1] if c.claimant.id} - {c.claimant.id for c in SECOND[1]}
    assert only_first and loaded.delete_article(A1.id) == 3
    assert loaded.get_claimants(only_first) == {}  # their last claims went: so did they
    other = SECOND[1][0].claimant.id
    assert other is not None
    counted = replace(loaded.get_claimants([other])[other], claims=1)
    loaded.client.index(
        index=loaded.claimants_alias,
        id=counted.id,
        body=writes.claimant_document(counted),
        refresh=True,
    )
    loaded.client.delete_by_query(
        index=loaded.claims_alias, body={"query": {"term": {"claimant_id": counted.id}}}, refresh=True
    )
    loaded._rederive({counted.id})
    assert loaded.get_claimants([counted.id])[counted.id].claims == 1


def test_what_claims_say_is_tallied_by_the_engine_and_read_from_older_documents(
    loaded: OpenSearchIndex,
) -> None:
    # Deriving an identity again reads the engine's tally of what its claims say
    # (`claimant_said`), not each claim; claims indexed before they carried the field (until
    # a reindex) are read one by one, and the two add up to what the claims say.
    claims = FIRST[1] + SECOND[1]
    ids = sorted({c.claimant.id for c in claims if c.claimant.id})
    expected = tallies(c.claimant for c in claims)
    assert loaded._said_under(ids) == expected and len(expected) >= 3
    loaded.client.update_by_query(
        index=loaded.claims_alias,
        body={
            "query": {"term": {"article_id": A1.id}},
            "script": {"lang": "painless", "source": "ctx._source.remove('claimant_said')"},
        },
        refresh=True,
    )
    older = {"query": {"bool": {"must_not": [{"exists": {"field": "claimant_said"}}]}}}
    assert loaded.client.count(index=loaded.claims_alias, body=older)["count"] == len(FIRST[1])
    assert loaded._said_under(ids) == expected


def test_a_rejected_claim_is_reported_and_not_counted(opensearch_index: OpenSearchIndex) -> None:
    bad = replace(C2, published_at="not-a-date")
    report = opensearch_index.index_article(A1, [C1, bad, C3])
    assert not report.ok
    assert report.indexed == 2
    assert set(report.failed) == {C2.id}
    assert "date" in report.failed[C2.id]
    assert opensearch_index.claims_for_article(A1.id) == [C1, C3]
    assert opensearch_index.get_claim(C2.id) is None


def test_a_rejected_article_is_reported(opensearch_index: OpenSearchIndex) -> None:
    report = opensearch_index.index_article(replace(A1, published_at="someday"), FIRST[1])
    assert set(report.failed) == {A1.id}
    assert "date" in report.failed[A1.id]
    assert report.indexed == 0
    assert opensearch_index.count_claims() == 0


# -- filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (SearchQuery(claimant="AHN MYEONG-CHUL"), {C1.id}),
        (SearchQuery(claimant="jose martinez"), {C3.id}),  # accents ignored
        (SearchQuery(claimant="  hillary   CLINTON "), {C2.id, C4.id}),  # spacing ignored
        (SearchQuery(claimant="Hillary"), {C2.id, C4.id}),  # a whole word of the name
        (SearchQuery(claimant="Hill"), set()),  # not part of a word
        (SearchQuery(organization="human rights watch"), {C3.id}),
        (SearchQuery(organization="NK WATCH"), {C1.id}),
        (SearchQuery(organization="united nations"), {C5.id}),  # organisation claimant
        (SearchQuery(entity="north korea"), {C1.id}),
        (SearchQuery(entity="Kim Jong-un"), {C4.id}),
        (SearchQuery(publisher="le cafe times"), {C1.id, C2.id, C3.id}),
        (SearchQuery(publisher="The New York Times"), {C4.id, C5.id}),
        (SearchQuery(cue_class="say"), {C1.id, C4.id}),
        (SearchQuery(cue_class="call_for"), {C5.id}),
        (SearchQuery(quote_type="indirect"), {C2.id, C5.id}),
        (SearchQuery(quote_type="mixed"), {C3.id}),
        (SearchQuery(published_from="2016-09-12", published_to="2016-09-12"), {C1.id, C2.id, C3.id}),
        (SearchQuery(published_from="2016-09-13"), {C4.id, C5.id}),
        (SearchQuery(published_to="2016-09-25"), ALL_IDS),  # 22:30 -05:00 is still the 25th
        (SearchQuery(published_from="2016-09-26"), set()),
        (SearchQuery(article_id=A2.id), {C4.id, C5.id}),
        (SearchQuery(cue_class="say", publisher="the new york times"), {C4.id}),
        (SearchQuery(), ALL_IDS),
    ],
)
def test_filters(corpus: OpenSearchIndex, query: SearchQuery, expected: set[str]) -> None:
    result = corpus.search(query)
    assert result.total == len(expected)
    assert {h.claim.id for h in result.hits} == expected
    assert all(h.score == 0.0 and h.highlights == {} for h in result.hits)
    assert [h.claim.id for h in result.hits] == sorted(expected)  # no text: id order


# -- full text -------------------------------------------------------------------------------


def test_full_text_ranks_and_highlights(corpus: OpenSearchIndex) -> None:
    result = corpus.search(SearchQuery(text="forced labour"))
    assert {h.claim.id for h in result.hits} == {C1.id, C3.id}
    assert all(h.score > 0 for h in result.hits)
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)
    for hit in result.hits:
        assert set(hit.highlights) == {"content", "sentence"}
        content = hit.highlights["content"][0].lower()
        assert "<mark>forced</mark>" in content and "<mark>labour</mark>" in content


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("taxes", {C2.id}),
        ("tax", {C2.id}),  # stemmed
        ("LABOURS", {C1.id, C3.id}),
        ("Martinez", {C3.id}),  # accent-folded, from the claimant
        ("Clinton taxes", {C2.id}),  # every word must match, in any field
        ("the forced labour", {C1.id, C3.id}),  # stop words ignored
        ("said", {C1.id, C4.id}),
        ("she", set()),
    ],
)
def test_full_text_matching(corpus: OpenSearchIndex, text: str, expected: set[str]) -> None:
    assert ids(corpus, SearchQuery(text=text)) == expected


def test_text_and_filters_combine(corpus: OpenSearchIndex) -> None:
    assert ids(corpus, SearchQuery(text="forced labour", quote_type="mixed")) == {C3.id}
    assert ids(corpus, SearchQuery(text="Clinton", published_from="2016-09-20")) == {C4.id}


@pytest.mark.parametrize(
    "text",
    [
        "*:*",
        '{"match_all":{}}',
        '"unbalanced',
        "OR",
        "AND NOT",
        "forced | taxes",
        "title:(a OR b)",
        "claimant:*",
        "x" * 500,
        " ".join(f"word{i}" for i in range(100)),
    ],
)
def test_query_syntax_in_user_text_is_plain_text(corpus: OpenSearchIndex, text: str) -> None:
    if plan_text(text) is None:  # no word in it ("*:*", "OR"): refused as such, never run
        with pytest.raises(InvalidQuery):
            SearchQuery(text=text)
        return
    # Every word wanted: an operator read as one ("|" as OR) would find claims.
    assert corpus.search(SearchQuery(text=text, match="all")).total == 0
    result = corpus.search(SearchQuery(text=text))
    assert result.total < len(ALL_IDS)
    # Best match finds nothing either, unless it relaxed to any word ("forced | taxes").
    assert result.total == 0 or (result.relaxed and text == "forced | taxes")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("labour~2", "labour"),  # "~" is no operator, and "2" too short a word to look up
        ("Ahn Myéong-chul ünïcödé 北朝鮮 🚀", "ahn myeong chul unicode 北朝鮮"),  # 3 of the 5 words hold
    ],
)
def test_user_text_means_its_words(corpus: OpenSearchIndex, text: str, words: str) -> None:
    found = ids(corpus, SearchQuery(text=text))
    assert found and found == ids(corpus, SearchQuery(text=words))
    assert len(found) < len(ALL_IDS)


def test_operator_characters_are_words(corpus: OpenSearchIndex) -> None:
    # Were "-" NOT or '"' a phrase, these would differ from plain "forced labour".
    assert ids(corpus, SearchQuery(text="forced -labour")) == {C1.id, C3.id}
    assert ids(corpus, SearchQuery(text='"forced labour')) == {C1.id, C3.id}
    assert ids(corpus, SearchQuery(text="forced +labour*")) == {C1.id, C3.id}


def test_blank_text_is_no_text(corpus: OpenSearchIndex) -> None:
    assert ids(corpus, SearchQuery(text="   ")) == ALL_IDS


# -- facets ----------------------------------------------------------------------------------


def test_facets_count_the_matching_claims(corpus: OpenSearchIndex) -> None:
    facets = corpus.search(SearchQuery(limit=1)).facets
    assert facets["claimant"] == sorted(
        [
            FacetValue("Hillary Clinton", 2, identity_id("hillary clinton")),
            FacetValue("Ahn Myeong-chul", 1, identity_id("ahn myeong chul")),
            FacetValue("José Martínez", 1, identity_id("jose martinez")),
            FacetValue("United Nations", 1, identity_id("united nations")),
        ],
        key=lambda f: (-f.count, f.id or ""),  # identities are counted by id: ties go by id
    )
    assert facets["publisher"] == [FacetValue("Le Café Times", 3), FacetValue("The New York Times", 2)]
    assert facets["organization"] == [
        FacetValue("Human Rights Watch", 1),
        FacetValue("NK Watch", 1),
        FacetValue("United Nations", 1),
    ]
    assert facets["entity"] == [
        FacetValue("Kim Jong-un", 1),
        FacetValue("North Korea", 1),
        FacetValue("United States", 1),
    ]
    narrowed = corpus.search(SearchQuery(text="forced labour")).facets
    assert narrowed["publisher"] == [FacetValue("Le Café Times", 2)]
    assert corpus.search(SearchQuery(facets=False)).facets == {}


def _request_cache(client: OpenSearch, index: OpenSearchIndex) -> tuple[int, int]:
    stats = client.indices.stats(index=index.claims_alias, metric="request_cache")
    cache = stats["_all"]["primaries"]["request_cache"]
    return int(cache["hit_count"]), int(cache["miss_count"])


def test_facet_counts_are_kept_until_a_write_changes_the_claims(
    opensearch_client: OpenSearch, loaded: OpenSearchIndex
) -> None:
    query = SearchQuery(text="forced labour", facets=("publisher", "entity"))
    first = loaded.search(query)
    hits, misses = _request_cache(opensearch_client, loaded)
    again = loaded.search(query)
    assert again == first
    # Both facets answered from the cache; the page of hits (with highlights) is not cached.
    assert _request_cache(opensearch_client, loaded) == (hits + 2, misses)
    article, claims = FIRST
    assert loaded.index_article(article, claims[:1]).ok  # a write refreshes the claims
    changed = loaded.search(query)
    # Counted again, not served stale: no hit, a miss for each facet (and for the claimant
    # counts the write itself asked for, and its tally of what the claims of the identities
    # it took something back from say).
    assert _request_cache(opensearch_client, loaded) == (hits + 2, misses + 4)
    assert changed.total < first.total
    assert sum(v.count for v in changed.facets["publisher"]) == changed.total


# -- paging ----------------------------------------------------------------------------------


def test_cursor_paging_returns_every_hit_once(loaded: OpenSearchIndex) -> None:
    s = "Officials said the plan works."
    article = make_article([f"{s} ({i})" for i in range(7)], publisher="Wire", published_at="2016-10-01")
    # Seven claims with the same words score the same: only the id orders them.
    tied = [make_claim(article, f"{s} ({i})", "the plan works", "Officials", "said") for i in range(7)]
    tied = [replace(c, sentence=s) for c in tied]
    assert loaded.index_article(article, tied).ok
    for query in (
        SearchQuery(limit=2),
        SearchQuery(text="plan", limit=2),
        SearchQuery(text="said", limit=2),
        SearchQuery(publisher="wire", limit=2),
    ):
        pages = all_pages(loaded, query)
        everything = loaded.search(replace(query, limit=100))
        assert len(pages) == len(set(pages)) == everything.total
        assert pages == [h.claim.id for h in everything.hits]
    tied_ids = [c.id for c in tied]
    assert all_pages(loaded, SearchQuery(text="works", limit=2)) == sorted(tied_ids)
    last = loaded.search(SearchQuery(limit=100))
    assert last.next_after is None


# -- rebuild ---------------------------------------------------------------------------------


def _serving(client: OpenSearch, prefix: str) -> dict[str, list[str]]:
    found = client.indices.get_alias(index=f"{prefix}-*")
    return {name: sorted(info["aliases"]) for name, info in found.items()}


def test_rebuild_switches_the_alias(opensearch_client: OpenSearch, opensearch_index: OpenSearchIndex) -> None:
    index, prefix = opensearch_index, opensearch_index.prefix
    assert index.index_article(*FIRST).ok
    during: list[set[str]] = []

    def pairs() -> Iterator[tuple[Article, list[Claim]]]:
        # While the new version loads, searches are served by the old one.
        during.append(ids(index, SearchQuery()))
        yield SECOND
        during.append(ids(index, SearchQuery()))

    assert index.rebuild(pairs()) == f"{prefix}-claims-v2"
    assert during == [{C1.id, C2.id, C3.id}] * 2
    assert _serving(opensearch_client, prefix) == {
        f"{prefix}-{kind}-v2": [f"{prefix}-{kind}"] for kind in ("claims", "articles", "claimants")
    }
    assert ids(index, SearchQuery()) == {C4.id, C5.id}
    assert index.get_article(A2.id) == A2
    assert index.get_article(A1.id) is None
    # The rebuilt index is a normal one: it takes writes and refreshes.
    assert index.index_article(*FIRST).ok
    assert ids(index, SearchQuery(text="forced")) == {C1.id, C3.id}
    assert index.rebuild(iter([FIRST])) == f"{prefix}-claims-v3"
    assert ids(index, SearchQuery()) == {C1.id, C2.id, C3.id}


def test_a_failed_rebuild_leaves_the_old_index_serving(
    opensearch_client: OpenSearch,
    opensearch_index: OpenSearchIndex,
) -> None:
    index, prefix = opensearch_index, opensearch_index.prefix
    assert index.index_article(*FIRST).ok
    before = _serving(opensearch_client, prefix)

    def broken() -> Iterator[tuple[Article, list[Claim]]]:
        yield SECOND
        raise RuntimeError("archive unreadable")

    with pytest.raises(RuntimeError, match="archive unreadable"):
        index.rebuild(broken())
    assert _serving(opensearch_client, prefix) == before  # and the half-built v2 is gone

    rejected = (A2, [C4, replace(C5, published_at="not-a-date")])
    with pytest.raises(RebuildFailed, match="1 documents rejected"):
        index.rebuild(iter([FIRST, rejected]))
    assert _serving(opensearch_client, prefix) == before
    assert ids(index, SearchQuery()) == {C1.id, C2.id, C3.id}


def test_a_load_in_many_batches_holds_every_claim(
    opensearch_index: OpenSearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches of 2 actions from 3 senders: the documents go as text, in any order.
    monkeypatch.setattr(writes, "LOAD_BATCH_ACTIONS", 2)
    index = opensearch_index
    index.rebuild(iter([FIRST, SECOND]))
    assert index.count_claims() == 5
    assert index.claims_for_article(A1.id) == [C1, C2, C3]
    assert index.claims_for_article(A2.id) == [C4, C5]
    assert index.get_article(A2.id) == A2
    assert ids(index, SearchQuery(text="forced labour", claimant="José Martínez")) == {C3.id}


def test_batches_wait_as_text() -> None:
    serializer = OrjsonSerializer()
    action = {"_op_type": "index", "_index": "x", "_id": C3.id, "_source": writes.claim_document(C3)}
    waiting = writes._serialized(action, serializer)
    assert isinstance(waiting["_source"], str)
    assert serializer.loads(waiting["_source"]) == writes.claim_document(C3)
    assert {k: v for k, v in waiting.items() if k != "_source"} == {
        k: v for k, v in action.items() if k != "_source"
    }
    delete = {"_op_type": "delete", "_index": "x", "_id": C3.id}
    assert writes._serialized(delete, serializer) is delete


def test_the_writes_send_the_json_opensearch_py_would() -> None:
    ours, theirs = OrjsonSerializer(), JSONSerializer()
    documents = [writes.claim_document(c) for c in FIRST[1] + SECOND[1]]
    documents += [writes.article_document(A1, recount=["c1"]), {"a": [1, 2.5, None, True], 7: "int key"}]
    documents += [{"at": datetime(2016, 9, 25, 22, 30, tzinfo=UTC), "n": Decimal("2.5")}]
    for document in documents:
        text = ours.dumps(document)
        assert text == theirs.dumps(document)
        assert ours.loads(text) == theirs.loads(text)
        assert ours.loads(text.encode("utf-8")) == theirs.loads(text)
    assert "José Martínez" in ours.dumps(writes.claim_document(C3))  # UTF-8, not \u escapes
    assert ours.dumps('{"already": "a body"}') == '{"already": "a body"}'
    with pytest.raises(SerializationError):
        ours.dumps({"what": object()})
    with pytest.raises(SerializationError):
        ours.loads('{"cut": ')


# -- connection ------------------------------------------------------------------------------


def test_an_unreachable_node_is_reported_as_unavailable(opensearch_prefix: str) -> None:
    index = OpenSearchIndex(
        Endpoint("http://127.0.0.1:9", timeout=2, max_retries=0), prefix=opensearch_prefix
    )
    assert not index.ping()
    with pytest.raises(IndexUnavailable):
        index.search(SearchQuery())


def test_connect_takes_credentials_from_the_url(opensearch_client: OpenSearch) -> None:
    url = opensearch_fixtures.opensearch_url().replace("://", "://reader:p%40ss@", 1)
    client = connect(Endpoint(url))
    connection = client.transport.connection_pool.connections[0]
    assert "reader" not in connection.host
    assert connection.headers["authorization"] == "Basic cmVhZGVyOnBAc3M="  # reader:p@ss
    assert client.ping()  # the local node has no security plugin: credentials are ignored


def test_connect_signs_requests_with_sigv4(
    opensearch_client: OpenSearch, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The signer takes the boto3 default credentials (the Lambda role in AWS) and the
    # service name; the local node has no security plugin, so it ignores the signature
    # but proves the signed connection class sends working requests.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    for service in ("es", "aoss"):
        client = connect(
            Endpoint(opensearch_fixtures.opensearch_url(), aws_region="eu-west-1", aws_service=service)
        )
        connection = client.transport.connection_pool.connections[0]
        request = requests.Request("GET", f"{connection.host}/").prepare()
        signed = connection.session.auth(request)
        authorization = signed.headers["Authorization"]
        assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
        assert f"/eu-west-1/{service}/aws4_request" in authorization
        assert client.info()["version"]["number"].startswith("2.")
