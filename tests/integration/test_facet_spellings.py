"""Facets count what their filters match, on both engines: one value per folded spelling.

The filters on entity, organisation and publisher ignore case and accents, so a facet
that listed "HIllary Clinton" and "Hillary Clinton" as two values would show two
buttons for one filter, each with a count the filter does not give. Each facet value
here is checked against the total of the same search filtered by it, in every spelling,
and shows the spelling most of its claims use. The corpus is made by hand so that the
minority spelling comes first in code-point order ("HIllary" < "Hillary") and one
claim holds two spellings of one name (it counts once).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from claimsearch.claimants.registry import file_claims, identity_id, updated_identities
from claimsearch.index.port import SearchIndex, SearchQuery
from claimsearch.model import Article, Claim, Claimant, Content, Cue, EntityMention, claim_id_for
from tests.integration import opensearch_fixtures

opensearch_client = opensearch_fixtures.opensearch_client
opensearch_prefix = opensearch_fixtures.opensearch_prefix

# (article, publisher, [entity names of each claim])
CORPUS = [
    (
        "s1",
        "The Reprint Times",
        [["Hillary Clinton", "Republican Party"], ["Hillary Clinton"], ["Donald Trump"]],
    ),
    ("s2", "the reprint times", [["HIllary Clinton", "Republican party"], ["Hillary Clinton"]]),
    ("s3", "Thé Réprint Times", [["HIllary Clinton", "Hillary Clinton"]]),
    ("s4", "Example Post", [["Donald Trump"], ["Donald Trump", "Republican Party"]]),
]
SPELLINGS = {
    "entity": ("Hillary Clinton", "HIllary Clinton", "hillary clinton"),
    "publisher": ("The Reprint Times", "the reprint times", "Thé Réprint Times", "THE REPRINT TIMES"),
    "organization": ("Republican Party", "Republican party", "republican party"),
}
CLAIMANT = "Ann Example"


def _claims(article: Article, rows: list[list[str]]) -> list[Claim]:
    claims = []
    for n, names in enumerate(rows):
        cue, spans = (n * 100, n * 100 + 4), [(n * 100 + 5, n * 100 + 40)]
        claims.append(
            Claim(
                id=claim_id_for(article.id, cue, spans),
                article_id=article.id,
                content=Content(f"the claim number {n} of {article.id}", spans, "indirect"),
                cue=Cue("said", cue, "say", "say"),
                claimant=Claimant(CLAIMANT, (0, 3), CLAIMANT, "person"),
                sentence=f"{CLAIMANT} said the claim number {n}",
                sentence_span=(n * 100, n * 100 + 90),
                entities=[
                    EntityMention(name, (0, 1), name, "organisation" if "Party" in name.title() else "person")
                    for name in names
                ],
                publisher=article.publisher,
            )
        )
    return claims


def _load(index: SearchIndex) -> SearchIndex:
    index.ensure_ready()
    for article_id, publisher, rows in CORPUS:
        article = Article(article_id, "x" * 1000, "t", f"{article_id}.txt", publisher=publisher)
        filed = file_claims(_claims(article, rows), index)
        assert index.index_article(article, filed.claims, updated_identities(filed, index)).ok
    return index


sqlite_index, opensearch_index, engine = opensearch_fixtures.loaded_engines(_load, "spellings")


def _facet(engine: SearchIndex, name: str, query: SearchQuery | None = None) -> dict[str, int]:
    result = engine.search(replace(query or SearchQuery(), limit=1, facets=(name,)))
    return {v.value: v.count for v in result.facets[name]}


def test_a_facet_counts_every_spelling_of_a_value_as_one(engine: SearchIndex) -> None:
    assert _facet(engine, "entity") == {"Hillary Clinton": 5, "Donald Trump": 3, "Republican Party": 3}
    assert _facet(engine, "publisher") == {"The Reprint Times": 6, "Example Post": 2}
    assert _facet(engine, "organization") == {"Republican Party": 3}


@pytest.mark.parametrize("name", sorted(SPELLINGS))
def test_each_facet_value_is_the_total_its_filter_gives_in_any_spelling(
    engine: SearchIndex, name: str
) -> None:
    for query in (SearchQuery(), SearchQuery(article_id="s2"), SearchQuery(text="claim number")):
        for value, count in _facet(engine, name, query).items():
            spellings = SPELLINGS[name] if value == SPELLINGS[name][0] else (value,)
            for spelling in spellings:
                filtered = replace(query, facets=False, **{name: spelling})
                assert engine.search(filtered).total == count, (query, value, spelling)


def test_the_spelling_shown_is_the_one_most_claims_of_the_match_set_use(engine: SearchIndex) -> None:
    # In s2 the two spellings tie (one claim each): the first in code-point order.
    assert _facet(engine, "entity", SearchQuery(article_id="s2")) == {
        "HIllary Clinton": 2,
        "Republican party": 1,
    }
    assert _facet(engine, "publisher", SearchQuery(article_id="s3")) == {"Thé Réprint Times": 1}


def test_an_identitys_profile_counts_the_entities_it_mentions_by_folded_value(engine: SearchIndex) -> None:
    activity = engine.claimant_activity(identity_id(CLAIMANT.lower()))
    assert activity.claims == 8
    assert [(e.value, e.count) for e in activity.entities] == [
        ("Hillary Clinton", 5),
        ("Donald Trump", 3),
        ("Republican Party", 3),
    ]
