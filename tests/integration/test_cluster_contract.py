"""Claim clusters, one contract over both engines: SQLite FTS5 and a real OpenSearch node.

A hand-made corpus in which the same claim is reported by several articles, in another
order than they were published, next to claims that share most of its words but not its
claimant or its sense. Each article is filed, clustered and indexed as ingest does it
(`file_claims`, then `clustered` against the index), so assignment runs on each engine's
own candidate lookup, and both engines must give the same ids.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from claimsearch.claimants.registry import EmptyRegistry, file_claims, updated_identities
from claimsearch.clusters.assign import cluster_id_for, clustered, with_clusters
from claimsearch.index.opensearch import OpenSearchIndex
from claimsearch.index.port import SearchIndex, SearchQuery, first_seen_key
from claimsearch.index.sqlite import SqliteIndex
from claimsearch.model import Article, Claim, Claimant, Content, Cue, claim_id_for
from tests.integration import opensearch_fixtures

opensearch_client = opensearch_fixtures.opensearch_client
opensearch_prefix = opensearch_fixtures.opensearch_prefix

RIGGED = "the election is rigged in many places across the whole country"
# (article, published_at, [(claimant name, content)]), in the order they are ingested.
CORPUS: list[tuple[str, str | None, list[tuple[str, str]]]] = [
    (
        "a1",
        "2016-09-01",
        [
            ("Donald Trump", RIGGED),
            ("Hillary Clinton", "the economy needs fair taxes for working families everywhere"),
        ],
    ),
    (
        "a2",
        "2016-09-03",
        [
            ("Donald Trump", "Mexico will pay for the great wall on the southern border"),
            ("Donald Trump", RIGGED),
        ],
    ),
    (
        # Published before a1 and a2, ingested after them: it joins their cluster, and is
        # that cluster's first appearance.
        "a3",
        "2016-08-30",
        [
            ("Donald Trump", "the election is being rigged in many places across the whole country"),
            ("Hillary Clinton", "the economy needs fair taxes for working families everywhere"),
        ],
    ),
    (
        "a4",
        None,  # undated: after every dated appearance
        [
            ("Mike Pence", RIGGED),  # the same words from someone else: another claim
            ("Donald Trump", "the election is not rigged in many places across the whole country"),
            ("Donald Trump", RIGGED),
        ],
    ),
]


def _claims(article: Article, rows: list[tuple[str, str]]) -> list[Claim]:
    claims = []
    for n, (name, content) in enumerate(rows):
        cue, spans = (n * 100, n * 100 + 4), [(n * 100 + 5, n * 100 + 5 + len(content))]
        claims.append(
            Claim(
                id=claim_id_for(article.id, cue, spans),
                article_id=article.id,
                content=Content(content, spans, "indirect"),
                cue=Cue("said", cue, "say", "say"),
                claimant=Claimant(name, (0, 3), name, "person"),
                sentence=f"{name} said {content}",
                sentence_span=(n * 100, n * 100 + 90),
                publisher=f"Outlet {article.id}",
                published_at=article.published_at,
            )
        )
    return claims


def _article(article_id: str, published_at: str | None) -> Article:
    return Article(article_id, "x" * 1000, "t", f"{article_id}.txt", published_at=published_at)


def _ingest(index: SearchIndex, article: Article, claims: list[Claim]) -> list[Claim]:
    """What IngestService does between extraction and the archive."""
    filed = file_claims(claims, index)
    filed = replace(filed, claims=clustered(filed.claims, index))
    assert index.index_article(article, filed.claims, updated_identities(filed, index)).ok
    return filed.claims


def _load(index: SearchIndex) -> SearchIndex:
    index.ensure_ready()
    for article_id, published_at, rows in CORPUS:
        article = _article(article_id, published_at)
        _ingest(index, article, _claims(article, rows))
    return index


sqlite_index, opensearch_index, engine = opensearch_fixtures.loaded_engines(_load, "clusters")


def _claim(index: SearchIndex, article_id: str, position: int) -> Claim:
    return index.claims_for_article(article_id)[position]


def test_the_same_claim_in_three_articles_is_one_cluster_founded_by_the_first_ingested(
    engine: SearchIndex,
) -> None:
    first = _claim(engine, "a1", 0)
    assert first.cluster_id == cluster_id_for(first.id)
    repeated = [_claim(engine, "a2", 1), _claim(engine, "a3", 0), _claim(engine, "a4", 2)]
    assert {c.cluster_id for c in repeated} == {first.cluster_id}
    # Clinton's claim in a1 and a3: a cluster of her own.
    clinton = _claim(engine, "a1", 1)
    assert _claim(engine, "a3", 1).cluster_id == clinton.cluster_id != first.cluster_id


def test_other_claimants_other_claims_and_negations_found_clusters_of_their_own(engine: SearchIndex) -> None:
    rigged = _claim(engine, "a1", 0).cluster_id
    for article_id, position in (("a2", 0), ("a4", 0), ("a4", 1)):
        claim = _claim(engine, article_id, position)
        assert claim.cluster_id == cluster_id_for(claim.id) != rigged


def test_both_engines_assign_the_same_ids(sqlite_index: SearchIndex, opensearch_index: SearchIndex) -> None:
    for article_id, _, _ in CORPUS:
        left = [(c.id, c.cluster_id) for c in sqlite_index.claims_for_article(article_id)]
        right = [(c.id, c.cluster_id) for c in opensearch_index.claims_for_article(article_id)]
        assert left == right


def test_a_summary_counts_every_member_and_dates_the_first_appearance(engine: SearchIndex) -> None:
    rigged = _claim(engine, "a1", 0).cluster_id
    assert rigged is not None
    summary = engine.cluster_summaries([rigged, "k-no-such-cluster"])
    assert list(summary) == [rigged]
    assert summary[rigged].size == 4
    assert summary[rigged].first_seen == "2016-08-30"
    assert summary[rigged].first_article_id == "a3"
    assert summary[rigged].first_claim_id == _claim(engine, "a3", 0).id


def test_members_come_in_order_of_appearance_undated_last(engine: SearchIndex) -> None:
    rigged = _claim(engine, "a1", 0).cluster_id
    assert rigged is not None
    assert [m.article_id for m in engine.cluster_members(rigged)] == ["a3", "a1", "a2", "a4"]
    assert [m.article_id for m in engine.cluster_members(rigged, limit=2)] == ["a3", "a1"]
    assert engine.cluster_members("k-no-such-cluster") == []


def test_candidates_are_the_claimants_claims_sharing_a_band_key(engine: SearchIndex) -> None:
    from claimsearch.clusters.assign import fingerprint

    probe = _claim(engine, "a1", 0)
    found = engine.cluster_candidates("pdoes-not-exist", fingerprint(probe).band_keys)
    assert found == []
    assert probe.claimant.id is not None
    found = engine.cluster_candidates(probe.claimant.id, fingerprint(probe).band_keys)
    ids = [m.claim_id for m in found]
    assert ids == sorted(ids)
    assert probe.id in ids
    assert _claim(engine, "a4", 0).id not in ids  # Pence's
    member = next(m for m in found if m.claim_id == probe.id)
    assert (member.cluster_id, member.content) == (probe.cluster_id, RIGGED)


@pytest.mark.parametrize("text", ["election rigged places", None])
def test_collapse_shows_each_cluster_once_across_pages(engine: SearchIndex, text: str | None) -> None:
    query = SearchQuery(text=text, collapse="cluster", limit=1, facets=False)
    whole = engine.search(SearchQuery(text=text, limit=100, facets=False))
    clusters = {h.claim.cluster_id for h in whole.hits}
    seen: list[str | None] = []
    pages = 0
    after = None
    while True:
        page = engine.search(replace(query, after=after))
        assert page.total == len(clusters)
        seen += [h.claim.cluster_id for h in page.hits]
        pages += 1
        if page.next_after is None:
            break
        after = page.next_after
        assert pages < 50
    assert sorted(map(str, seen)) == sorted(map(str, clusters))
    # Each cluster is shown by its first claim in the uncollapsed order.
    first: dict[str | None, str] = {}
    for hit in whole.hits:
        first.setdefault(hit.claim.cluster_id, hit.claim.id)
    collapsed = engine.search(replace(query, limit=100))
    assert [h.claim.id for h in collapsed.hits] == [
        h.claim.id for h in whole.hits if first[h.claim.cluster_id] == h.claim.id
    ]


def test_collapse_keeps_the_filters(engine: SearchIndex) -> None:
    result = engine.search(SearchQuery(text="rigged", claimant="Trump", collapse="cluster", facets=False))
    # The rigged claim (4 reports) and its negation: two clusters, Pence's not among them.
    assert result.total == 2
    assert {h.claim.claimant.name for h in result.hits} == {"Donald Trump"}


def test_both_engines_collapse_alike(sqlite_index: SearchIndex, opensearch_index: SearchIndex) -> None:
    for text in ("election rigged", "taxes", None):
        query = SearchQuery(text=text, collapse="cluster", limit=100, facets=False)
        left, right = sqlite_index.search(query), opensearch_index.search(query)
        assert left.total == right.total
        # Scored order is each engine's BM25 (the index contract never compares it); the
        # claims chosen and, without text, their order are the contract.
        if text is None:
            assert [h.claim.id for h in left.hits] == [h.claim.id for h in right.hits]
        assert {h.claim.id for h in left.hits} == {h.claim.id for h in right.hits}


def test_an_article_ingested_again_keeps_its_clusters(engine: SearchIndex) -> None:
    article_id, published_at, rows = CORPUS[1]
    article = _article(article_id, published_at)
    before = [(c.id, c.cluster_id) for c in engine.claims_for_article(article_id)]
    again = _ingest(engine, article, _claims(article, rows))
    assert [(c.id, c.cluster_id) for c in again] == before


@pytest.mark.parametrize("kind", ["sqlite", "opensearch"])
def test_a_rebuild_restores_every_id_and_a_deleted_first_appearance_moves(
    kind: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> None:
    if kind == "sqlite":
        index: SearchIndex = SqliteIndex(tmp_path_factory.mktemp("rebuild") / "claims.sqlite3")
    else:
        request.getfixturevalue("opensearch_client")  # skips without a node
        prefix = request.getfixturevalue("opensearch_prefix")
        index = OpenSearchIndex(opensearch_fixtures.endpoint(), prefix=f"{prefix}-clusters-rebuild")
    try:
        _load(index)
        pairs = [(_article(a, p), index.claims_for_article(a)) for a, p, _ in CORPUS]
        before = {c.id: c.cluster_id for _, claims in pairs for c in claims}
        index.rebuild(with_clusters(pairs), list)
        after = {c.id: c.cluster_id for a, _, _ in CORPUS for c in index.claims_for_article(a)}
        assert after == before

        rigged = pairs[0][1][0].cluster_id
        assert rigged is not None
        by_size = [(h.claim.id, h.sort_value) for h in index.search(SearchQuery(sort="size", limit=100)).hits]
        index.delete_article("a3")
        summary = index.cluster_summaries([rigged])[rigged]
        assert (summary.size, summary.first_seen, summary.first_article_id) == (3, "2016-09-01", "a1")
        # What the sorts read is recounted for the members left, and was restored by the rebuild.
        assert by_size[:4] == [(c, 4.0) for c, _ in by_size[:4]]
        members = {m.id for m in index.cluster_members(rigged)}
        hits = index.search(SearchQuery(sort="first_seen", limit=100)).hits
        assert {h.sort_value for h in hits if h.claim.id in members} == {first_seen_key("2016-09-01")}
        hits = index.search(SearchQuery(sort="size", limit=100)).hits
        assert {h.sort_value for h in hits if h.claim.id in members} == {3.0}
    finally:
        if isinstance(index, OpenSearchIndex):
            index.drop()


def test_claims_archived_before_clusters_get_the_same_ids_at_every_rebuild() -> None:
    pairs = []
    for article_id, published_at, rows in CORPUS:
        article = _article(article_id, published_at)
        pairs.append((article, file_claims(_claims(article, rows), EmptyRegistry()).claims))
    first = [[c.cluster_id for c in claims] for _, claims in with_clusters(pairs)]
    second = [[c.cluster_id for c in claims] for _, claims in with_clusters(pairs)]
    assert first == second
    assert all(first_ids for first_ids in first)
    # The rigged claim of a1, a2, a3 and a4 (Trump's) in one cluster, founded by a1's.
    assert first[0][0] == first[1][1] == first[2][0] == first[3][2] == cluster_id_for(pairs[0][1][0].id)


def test_candidates_of_many_claims_come_in_one_call_with_the_same_answers(engine: SearchIndex) -> None:
    from claimsearch.clusters.assign import fingerprint

    probe = _claim(engine, "a1", 0)
    assert probe.claimant.id is not None
    keys = fingerprint(probe).band_keys
    asks = [(probe.claimant.id, keys), ("pdoes-not-exist", keys), (probe.claimant.id, ())]
    many = engine.cluster_candidates_many(asks)
    assert many[0] == engine.cluster_candidates(probe.claimant.id, keys) != []
    assert many[1:] == [[], []]
    assert engine.cluster_candidates_many([]) == []


def test_sort_by_size_puts_the_most_reported_claims_first(engine: SearchIndex) -> None:
    result = engine.search(SearchQuery(sort="size", limit=100, facets=False))
    summaries = engine.cluster_summaries(h.claim.cluster_id for h in result.hits if h.claim.cluster_id)
    sizes = [h.sort_value for h in result.hits]
    assert sizes == [summaries[str(h.claim.cluster_id)].size for h in result.hits]
    assert sizes == sorted(sizes, reverse=True) and sizes[:6] == [4, 4, 4, 4, 2, 2]
    rigged = _claim(engine, "a1", 0).cluster_id
    first_four = [h.claim for h in result.hits[:4]]
    assert {c.cluster_id for c in first_four} == {rigged}
    assert [c.id for c in first_four] == sorted(c.id for c in first_four)  # ties by id
    assert all(h.score == 0.0 for h in result.hits)  # no text: nothing to score


def test_sort_by_first_seen_puts_the_earliest_cluster_first_undated_last(engine: SearchIndex) -> None:
    result = engine.search(SearchQuery(text="rigged election", sort="first_seen", limit=100, facets=False))
    summaries = engine.cluster_summaries(h.claim.cluster_id for h in result.hits if h.claim.cluster_id)
    days = [summaries[str(h.claim.cluster_id)].first_seen for h in result.hits]
    dated = [d for d in days if d is not None]
    assert dated == sorted(dated) and days == dated + [None] * (len(days) - len(dated))
    assert days[0] == "2016-08-30"  # the rigged cluster: a3, ingested after a1 and a2
    assert len(dated) < len(days)  # Pence's claim and the negation: a4 only, undated
    assert all(h.score > 0 for h in result.hits)  # the text still scores (and filters)


@pytest.mark.parametrize("sort", ["size", "first_seen"])
@pytest.mark.parametrize("collapse", [None, "cluster"])
@pytest.mark.parametrize("text", [None, "rigged election taxes"])
def test_sorted_pages_never_skip_or_repeat_a_claim(
    engine: SearchIndex, sort: str, collapse: str | None, text: str | None
) -> None:
    query = SearchQuery(text=text, sort=sort, collapse=collapse, limit=100, facets=False)
    whole = engine.search(query)
    paged: list[str] = []
    after = None
    while True:
        page = engine.search(replace(query, limit=2, after=after))
        paged += [h.claim.id for h in page.hits]
        if page.next_after is None:
            break
        after = page.next_after
    assert paged == [h.claim.id for h in whole.hits]
    assert len(paged) == whole.total
    if collapse:
        assert len({h.claim.cluster_id for h in whole.hits}) == len(paged)


def test_both_engines_sort_alike(sqlite_index: SearchIndex, opensearch_index: SearchIndex) -> None:
    for text in (None, "rigged election taxes"):
        for sort in ("size", "first_seen"):
            for collapse in (None, "cluster"):
                query = SearchQuery(text=text, sort=sort, collapse=collapse, limit=100, facets=False)
                left, right = sqlite_index.search(query), opensearch_index.search(query)
                assert [h.claim.id for h in left.hits] == [h.claim.id for h in right.hits], (text, sort)
                assert [h.sort_value for h in left.hits] == [h.sort_value for h in right.hits]


def test_the_same_claim_from_a_described_claimant_in_two_articles_is_one_cluster(engine: SearchIndex) -> None:
    # "a White House official" is no identity (another article's is another official), but
    # the same claim from one in two articles is one claim reported twice; the same words
    # from "a Pentagon official" are another claim.
    said = "the talks with the delegation will resume early next month in Geneva"
    rows = {
        "d1": [("a White House official", said)],
        "d2": [("A White House official", said), ("a Pentagon official", said)],
    }
    try:
        for article_id, claims in rows.items():
            article = _article(article_id, "2016-10-01")
            _ingest(engine, article, _claims(article, claims))
        first, again, other = _claim(engine, "d1", 0), _claim(engine, "d2", 0), _claim(engine, "d2", 1)
        assert first.claimant.id is None and again.claimant.id is None
        assert again.cluster_id == first.cluster_id == cluster_id_for(first.id)
        assert other.cluster_id == cluster_id_for(other.id)
        assert engine.cluster_summaries([first.cluster_id])[first.cluster_id].size == 2
    finally:
        for article_id in rows:
            engine.delete_article(article_id)
