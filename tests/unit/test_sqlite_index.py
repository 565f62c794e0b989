"""The embedded index on hand-made claims: filters, paging, highlights, deletes."""

from __future__ import annotations

import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from claimsearch.claimants.registry import Said, file_claims, updated_identities
from claimsearch.errors import IndexUnavailable, InvalidQuery
from claimsearch.index.port import FacetValue, SearchQuery
from claimsearch.index.sqlite import SqliteIndex
from claimsearch.index.text_query import plan_text
from claimsearch.model import Article, Claim, Claimant, Content, Cue, EntityMention, claim_id_for


def _article(
    article_id: str, publisher: str = "The Independent", published_at: str | None = "2016-09-12"
) -> Article:
    return Article(
        id=article_id,
        text="x" * 1000,
        title="t",
        source_key=f"{article_id}.txt",
        publisher=publisher,
        published_at=published_at,
    )


def _claim(
    article: Article,
    n: int,
    content: str,
    claimant: str = "Ahn Myeong-chul",
    cue_class: str = "say",
    quote: str = "indirect",
    entities: tuple[str, ...] = (),
    organization: str | None = None,
    kind: str = "person",
) -> Claim:
    cue = (n * 10, n * 10 + 4)
    spans = [(n * 10 + 5, n * 10 + 9)]
    return Claim(
        id=claim_id_for(article.id, cue, spans),
        article_id=article.id,
        content=Content(content, spans, quote),
        cue=Cue("said", cue, "say", cue_class),
        claimant=Claimant(claimant, (0, 3), claimant, kind, organization=organization),
        sentence=f"{claimant} said {content}",
        sentence_span=(0, 10),
        entities=[EntityMention(e, (0, 1), e, "place") for e in entities],
        publisher=article.publisher,
        published_at=article.published_at,
    )


def _file(index: SqliteIndex, article: Article, claims: list[Claim]) -> None:
    """Index as ingest does: claimants filed in the registry first."""
    filed = file_claims(claims, index)
    assert index.index_article(article, filed.claims, updated_identities(filed, index)).ok


@pytest.fixture
def index(tmp_path: Path) -> SqliteIndex:
    idx = SqliteIndex(tmp_path / "i.sqlite3")
    idx.ensure_ready()
    a = _article("a1")
    b = _article("b1", publisher="Breitbart", published_at="2016-10-01")
    _file(
        idx,
        a,
        [
            _claim(
                a,
                1,
                "North Korea uses forced labour abroad",
                entities=("North Korea",),
                organization="NK Watch",
            ),
            _claim(a, 2, "The money buys luxury goods", cue_class="believe"),
            # A body of people, as the extractor types it (a person so named would be a
            # description: `claimants.descriptions`).
            _claim(
                a,
                3,
                "Workers received only two days off",
                claimant="Human rights activists",
                quote="direct",
                kind="group",
            ),
        ],
    )
    _file(
        idx,
        b,
        [
            _claim(b, 1, "Labour camps are expanding", claimant="Ahn Myéong-chul"),
            _claim(b, 2, "Taxes will rise", claimant="The minister", entities=("Russia",)),
        ],
    )
    return idx


def _ids(index: SqliteIndex, **kwargs: object) -> set[str]:
    return {h.claim.content.text for h in index.search(SearchQuery(limit=100, **kwargs)).hits}  # type: ignore[arg-type]


def test_full_text_stems_and_highlights(index: SqliteIndex) -> None:
    result = index.search(SearchQuery(text="labours"))
    assert {h.claim.content.text for h in result.hits} == {
        "North Korea uses forced labour abroad",
        "Labour camps are expanding",
    }
    assert all("<mark>" in h.highlights["content"][0] for h in result.hits)


def test_filters_are_case_and_accent_insensitive(index: SqliteIndex) -> None:
    assert len(_ids(index, claimant="AHN MYEONG-CHUL")) == 3
    assert _ids(index, publisher="breitbart") == {"Labour camps are expanding", "Taxes will rise"}
    assert _ids(index, organization="nk watch") == {"North Korea uses forced labour abroad"}
    assert _ids(index, entity="russia") == {"Taxes will rise"}
    assert _ids(index, cue_class="believe") == {"The money buys luxury goods"}
    assert _ids(index, quote_type="direct") == {"Workers received only two days off"}
    assert _ids(index, published_from="2016-09-30") == {"Labour camps are expanding", "Taxes will rise"}
    assert len(_ids(index, published_to="2016-09-12")) == 3
    assert len(_ids(index, article_id="a1")) == 3


def test_facets_count_all_matches(index: SqliteIndex) -> None:
    facets = index.search(SearchQuery(limit=1)).facets
    claimants = {f.value: f.count for f in facets["claimant"]}
    # One identity for "Ahn Myeong-chul" and "Ahn Myéong-chul"; "The minister" names no one.
    assert claimants == {"Ahn Myeong-chul": 3, "Human rights activists": 1}
    assert {f.value: f.count for f in facets["publisher"]} == {"The Independent": 3, "Breitbart": 2}


def test_paging_returns_every_hit_once(index: SqliteIndex) -> None:
    for text in (None, "labour"):
        seen: list[str] = []
        query = SearchQuery(text=text, limit=2)
        while True:
            result = index.search(query)
            seen += [h.claim.id for h in result.hits]
            if result.next_after is None:
                break
            query = SearchQuery(text=text, limit=2, after=result.next_after)
        assert len(seen) == len(set(seen)) == index.search(SearchQuery(text=text)).total


@pytest.mark.parametrize(
    "text", ["*:*", '{"match_all":{}}', '"unbalanced', "OR", "AND NOT", "NEAR(", "content:taxes"]
)
def test_query_syntax_is_treated_as_text(index: SqliteIndex, text: str) -> None:
    if plan_text(text) is None:  # no word in it: refused as such, never run
        with pytest.raises(InvalidQuery):
            SearchQuery(text=text)
        return
    result = index.search(SearchQuery(text=text))
    assert result.total < 5  # never "everything"


def test_column_filter_syntax_matches_words_only(index: SqliteIndex) -> None:
    # Both words wanted ('content' is in no claim's text), as a column filter would not.
    assert _ids(index, text="content:taxes", match="all") == set()
    assert _ids(index, text="taxes rise") == {"Taxes will rise"}


def test_reindexing_replaces_claims_and_delete_removes(index: SqliteIndex) -> None:
    a = _article("a1")
    index.index_article(a, [_claim(a, 1, "North Korea uses forced labour abroad")])
    assert len(index.claims_for_article("a1")) == 1
    assert index.count_claims() == 3
    assert index.delete_article("b1") == 2
    assert index.get_article("b1") is None
    assert index.count_claims() == 1


def test_rebuild_swaps_in_a_fresh_database(index: SqliteIndex) -> None:
    a = _article("a1")
    index.rebuild([(a, [_claim(a, 9, "Only this claim remains")])])
    assert index.count_claims() == 1
    assert index.get_article("b1") is None


def test_text_plan_keeps_words_only() -> None:
    plan = plan_text('forced "labour" NEAR camps*')
    assert plan is not None and plan.terms == ("forced", "labour", "near", "camps")
    assert plan_text("*:* {}") is None
    assert plan_text("the and of") is None


def test_text_plan_minimum_by_match_mode() -> None:
    words = "forced labour camps abroad regime"
    assert [plan_text(words, m).minimum for m in ("best", "all", "any")] == [3, 5, 1]  # type: ignore[union-attr]
    assert plan_text("forced labour camps", "best").minimum == 2  # type: ignore[union-attr]
    with pytest.raises(InvalidQuery, match="best, all, any"):
        plan_text(words, "some")


def test_hits_with_equal_scores_page_by_id_exactly_once(tmp_path: Path) -> None:
    """Copies of one claim score alike: the id orders them, and the cursor cuts between them."""
    index = SqliteIndex(tmp_path / "copies.sqlite3")
    for n in range(7):
        article = _article(f"copy{n}")
        index.index_article(article, [_claim(article, 1, "Labour camps are expanding")])
    for text in ("labour camps", None):
        query = SearchQuery(text=text, limit=2, facets=False)
        seen: list[str] = []
        while True:
            result = index.search(query)
            assert len({h.score for h in result.hits}) <= 1
            seen += [h.claim.id for h in result.hits]
            if result.next_after is None:
                break
            query = SearchQuery(text=text, limit=2, facets=False, after=result.next_after)
        assert seen == sorted(seen) and len(set(seen)) == 7


def test_facets_are_counted_only_when_asked(index: SqliteIndex) -> None:
    assert index.search(SearchQuery(facets=False)).facets == {}
    some = index.search(SearchQuery(text="labour", facets=("publisher",))).facets
    assert some == {"publisher": [FacetValue("Breitbart", 1), FacetValue("The Independent", 1)]}


def test_one_connection_serves_every_thread(index: SqliteIndex) -> None:
    queries = [SearchQuery(text="labour"), SearchQuery(publisher="breitbart"), SearchQuery(cue_class="say")]
    expected = [index.search(q) for q in queries]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(index.search, queries * 20))
    assert answers == expected * 20


def test_a_rebuild_by_another_process_is_seen_on_the_next_call(index: SqliteIndex) -> None:
    assert index.count_claims() == 5  # the connection is open on the file now
    other = SqliteIndex(index.path)  # as `claimsearch reindex` in another process
    a = _article("a1")
    other.rebuild([(a, [_claim(a, 9, "Only this claim remains")])])
    assert index.count_claims() == 1
    assert [h.claim.content.text for h in index.search(SearchQuery()).hits] == ["Only this claim remains"]
    other.close()


def test_a_file_of_this_version_gets_indexes_added_since(index: SqliteIndex) -> None:
    index.close()
    with sqlite3.connect(index.path) as db:
        db.execute("DROP INDEX claims_cue_class")
    reopened = SqliteIndex(index.path)
    assert _ids(reopened, cue_class="believe") == {"The money buys luxury goods"}
    with sqlite3.connect(index.path) as db:
        assert (
            db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'claims_cue_class'").fetchone()[0]
            == 1
        )
    reopened.close()


def test_a_file_of_an_older_version_asks_for_a_reindex_which_replaces_it(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:  # version 2 kept the claim JSON in `claims`
        db.execute("CREATE TABLE claims (rowid INTEGER PRIMARY KEY, id TEXT, data TEXT)")
        db.execute("PRAGMA user_version = 2")
    old = SqliteIndex(path)
    with pytest.raises(IndexUnavailable, match="reindex"):
        old.search(SearchQuery())
    a = _article("a1")
    old.rebuild([(a, [_claim(a, 1, "Labour camps are expanding")])])
    assert [h.claim.content.text for h in old.search(SearchQuery()).hits] == ["Labour camps are expanding"]
    old.close()


def test_a_file_of_version_5_gets_its_full_text_fts_copy_in_place(tmp_path: Path) -> None:
    # Version 5 gave FTS5 every word, so "one" (stemmed "on") found every claim saying "on".
    path = tmp_path / "v5.sqlite3"
    index = SqliteIndex(path)
    a = _article("a1")
    index.index_article(a, [_claim(a, 1, "Camps run on forced labour"), _claim(a, 2, "One camp closed")])
    index.close()
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM claims_fts")
        db.execute(
            "INSERT INTO claims_fts (rowid, content, sentence, claimant, claimant_mention)"
            " SELECT rowid, json_extract(data, '$.content.text'), json_extract(data, '$.sentence'), '', ''"
            " FROM claim_data"
        )
        db.execute("PRAGMA user_version = 5")
    with sqlite3.connect(path) as db:
        # "on" and "One" (porter: "on") both: what version 5 answered a search for "one".
        assert db.execute("SELECT count(*) FROM claims_fts WHERE claims_fts MATCH 'one'").fetchone()[0] == 2
    reopened = SqliteIndex(path)
    found = reopened.search(SearchQuery(text="one"))
    assert [h.claim.content.text for h in found.hits] == ["One camp closed"]
    assert found.hits[0].highlights["content"] == ["<mark>One</mark> camp closed"]
    reopened.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 6


def _publisher_facet(index: SqliteIndex, **kwargs: object) -> dict[str, int]:
    result = index.search(SearchQuery(facets=("publisher",), **kwargs))  # type: ignore[arg-type]
    return {f.value: f.count for f in result.facets["publisher"]}


def test_facets_follow_writes_of_this_index_and_of_other_connections(index: SqliteIndex) -> None:
    assert _publisher_facet(index) == {"The Independent": 3, "Breitbart": 2}  # facet values now in memory
    c = _article("c1", publisher="Le Monde")
    index.index_article(c, [_claim(c, 1, "Taxes will fall")])
    assert _publisher_facet(index) == {"The Independent": 3, "Breitbart": 2, "Le Monde": 1}
    assert index.delete_article("b1") == 2
    assert _publisher_facet(index) == {"The Independent": 3, "Le Monde": 1}
    assert _publisher_facet(index, text="taxes") == {"Le Monde": 1}
    other = SqliteIndex(index.path)  # another process
    d = _article("d1", publisher="Breitbart")
    other.index_article(d, [_claim(d, 1, "Taxes will rise again")])
    other.close()
    assert _publisher_facet(index, text="taxes") == {"Breitbart": 1, "Le Monde": 1}


def _tallies(path: Path) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """What the index's tally holds, and what the claim records it holds say, per identity."""
    with sqlite3.connect(path) as db:
        stored: dict[str, dict[str, int]] = {}
        for identity, said, claims in db.execute("SELECT identity, said, claims FROM claimant_said"):
            stored.setdefault(identity, {})[said] = claims
        records = [
            Claimant.from_dict(json.loads(r[0])["claimant"])
            for r in db.execute("SELECT data FROM claim_data")
        ]
    counted: dict[str, dict[str, int]] = {}
    for claimant in records:
        said = Said.of(claimant)
        if claimant.id is not None and said is not None:
            row = counted.setdefault(claimant.id, {})
            row[said.key()] = row.get(said.key(), 0) + 1
    return stored, counted


def test_the_tally_of_what_claims_say_follows_every_write(index: SqliteIndex) -> None:
    # What `rederive_claimants` reads in place of every claim of an identity: it must hold
    # what the claims held say after each kind of write, or an identity derived again would
    # keep a role taken back or lose one still said.
    stored, counted = _tallies(index.path)
    assert stored == counted and len(counted) == 2  # Ahn (three claims, two spellings), the activists
    ahn, activists = (c.claimant.id for c in index.claims_for_article("a1")[1:3])
    assert ahn is not None and activists is not None and ahn != activists
    assert sum(counted[ahn].values()) == 3
    a = _article("a1")
    _file(index, a, [_claim(a, 1, "North Korea uses forced labour abroad", organization="UN")])  # an edit
    stored, counted = _tallies(index.path)
    assert stored == counted and sum(counted[ahn].values()) == 2 and activists not in counted
    assert index.get_claimants([ahn])[ahn].organizations == ["UN"]  # NK Watch was said by a1 alone
    index.move_claimant(ahn, index.get_claimants([ahn])[ahn])  # a move onto itself changes nothing
    assert _tallies(index.path) == (stored, counted)
    b = _article("b1")
    _file(
        index,
        b,
        [_claim(b, 1, "Labour camps are expanding", claimant="Human rights activists", kind="group")],
    )
    registry = index.get_claimants([activists])
    assert index.move_claimant(ahn, registry[activists]) == 1  # refiled: the tally moves with the claim
    stored, counted = _tallies(index.path)
    assert stored == counted and ahn not in counted and sum(counted[activists].values()) == 2
    assert index.delete_article("b1") == 1 and index.delete_article("a1") == 1
    assert _tallies(index.path) == ({}, {})
    assert index.get_claimants([ahn, activists]) == {}


def test_a_file_of_this_version_gets_the_tally_of_the_claims_it_holds(index: SqliteIndex) -> None:
    # A file written before the tally existed: opened, it gains the table, filled from the
    # claims it holds, and writes keep it from then on.
    index.close()
    with sqlite3.connect(index.path) as db:
        db.execute("DROP TABLE claimant_said")
    reopened = SqliteIndex(index.path)
    assert reopened.count_claims() == 5
    stored, counted = _tallies(index.path)
    assert stored == counted and len(counted) == 2
    assert reopened.delete_article("b1") == 2
    stored, counted = _tallies(index.path)
    assert stored == counted and len(counted) == 2
    reopened.close()


def _key_rows(path: Path) -> tuple[list[tuple[int, str, str]], list[tuple[int, str]]]:
    with sqlite3.connect(path) as db:
        keys = sorted(db.execute("SELECT rowid, key, identity FROM claimant_keys"))
        rows = sorted(db.execute("SELECT rowid, identity FROM claimant_key_rows"))
    return keys, rows


def test_an_identitys_keys_are_found_by_their_rows_and_replaced_whole(index: SqliteIndex) -> None:
    # An identity put again replaces its alias keys through the rows that list them (a
    # delete by the keys' UNINDEXED identity column read every key of the registry).
    keys, rows = _key_rows(index.path)
    assert [(r, i) for r, _, i in keys] == rows and len({i for _, i in rows}) == 2
    ahn = index.claims_for_article("a1")[0].claimant.id
    assert ahn is not None
    held = index.get_claimants([ahn])[ahn]
    b = _article("b1")
    _file(index, b, [_claim(b, 1, "Labour camps are expanding", claimant="Mr. Ahn Myeong-chul")])
    keys, rows = _key_rows(index.path)
    assert [(r, i) for r, _, i in keys] == rows
    assert sorted(k for _, k, i in keys if i == ahn) == sorted(index.get_claimants([ahn])[ahn].keys)
    assert len([k for _, k, i in keys if i == ahn]) == len(held.keys)  # the same keys, once each
    assert index.delete_article("a1") == 3 and index.delete_article("b1") == 1
    assert _key_rows(index.path) == ([], [])
    assert index.suggest_claimants("ahn") == []


def test_a_file_of_this_version_gets_the_rows_of_the_keys_it_holds(index: SqliteIndex) -> None:
    index.close()
    with sqlite3.connect(index.path) as db:
        db.execute("DROP TABLE claimant_key_rows")
    reopened = SqliteIndex(index.path)
    assert [c.name for c in reopened.suggest_claimants("ahn")] == ["Ahn Myeong-chul"]
    keys, rows = _key_rows(index.path)
    assert [(r, i) for r, _, i in keys] == rows and len(rows) >= 2
    assert reopened.delete_article("a1") == 3 and reopened.delete_article("b1") == 2
    assert _key_rows(index.path) == ([], [])
    reopened.close()
