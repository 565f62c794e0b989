"""The embedded index on hand-made claims: filters, paging, highlights, deletes."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimsearch.claimants.registry import file_claims, updated_identities
from claimsearch.index.port import SearchQuery
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
) -> Claim:
    cue = (n * 10, n * 10 + 4)
    spans = [(n * 10 + 5, n * 10 + 9)]
    return Claim(
        id=claim_id_for(article.id, cue, spans),
        article_id=article.id,
        content=Content(content, spans, quote),
        cue=Cue("said", cue, "say", cue_class),
        claimant=Claimant(claimant, (0, 3), claimant, "person", organization=organization),
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
            _claim(
                a, 3, "Workers received only two days off", claimant="Human rights activists", quote="direct"
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
    result = index.search(SearchQuery(text=text))
    assert result.total < 5  # never "everything"


def test_column_filter_syntax_matches_words_only(index: SqliteIndex) -> None:
    assert _ids(index, text="content:taxes") == set()  # 'content' is not in the claim text
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
