"""Claimant identities, one contract over both engines: SQLite FTS5 and a real OpenSearch node.

The corpus is made by hand, so every rule of the registry has a case that could fail:
aliases, case and accent folding, titles and middle initials, people who share a
surname, a surname alone joining the dominant person, organisation variants, pronouns
and unattributed claims, suggestions as a user types, and an identity's activity.
Each article is filed and indexed as ingest does it (`file_claims` against the index).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from claimsearch.claimants.registry import (
    file_claims,
    identities_joined,
    identity_id,
    surnames_joined,
    updated_identities,
)
from claimsearch.clusters.assign import clustered, fingerprint
from claimsearch.index.opensearch import OpenSearchIndex
from claimsearch.index.port import SearchIndex, SearchQuery
from claimsearch.model import Article, Claim, Claimant, Content, Cue, EntityMention, claim_id_for
from tests.integration import opensearch_fixtures

opensearch_client = opensearch_fixtures.opensearch_client
opensearch_prefix = opensearch_fixtures.opensearch_prefix

# (article, published_at, [(claimant name, mention, type, content)])
CORPUS: list[tuple[str, str, list[tuple[str | None, str | None, str, str]]]] = [
    (
        "a1",
        "2016-09-01",
        [
            ("Donald J. Trump", "Mr. Trump", "person", "the election is rigged in many places"),
            ("Donald J. Trump", "he", "person", "Mexico will pay for the wall"),
            ("Donald Trump Jr.", "Donald Trump Jr.", "person", "his father built a great company"),
        ],
    ),
    (
        "a2",
        "2016-09-15",
        [
            ("Donald Trump", "Donald Trump", "person", "the debate moderators were unfair to him"),
            ("Hillary Clinton", "Mrs. Clinton", "person", "her opponent is unfit for office"),
            ("Bill Clinton", "Bill Clinton", "person", "the health care law is crazy"),
            ("Hillary Clinton", "she", "person", "the economy needs fair taxes"),
        ],
    ),
    (
        "a3",
        "2016-10-02",
        [
            # A surname alone, in an article that names no fuller Trump: the dominant Trump.
            ("Trump", "Trump", "person", "the polls are a sad joke"),
            ("Ahn Myéong-chul", "Ahn Myéong-chul", "person", "the money buys luxury goods"),
            (None, "he", "person", "nobody will be spared"),  # a pronoun with no antecedent
            (None, None, "unattributed", "thousands were sent abroad"),
        ],
    ),
    (
        "a4",
        "2016-10-20",
        [
            ("the State Department", "the State Department", "organisation", "workers were sent abroad"),
            ("the US State Department", "the US State Department", "organisation", "wages are siphoned off"),
            ("a spokesman", "a spokesman", "person", "the talks will resume"),  # anonymous: no identity
            # A body named in the source, not the claimant: found by the source's words.
            ("Len Burman", "Len Burman, head of the Tax Policy Center", "person", "the plan helps the rich"),
            # A middle name: the Hillary Clinton the registry already knows.
            ("Hillary Rodham Clinton", "Hillary Rodham Clinton", "person", "the plan creates jobs"),
        ],
    ),
    ("a5", "2016-10-25", [("Edward G. Rendell", "Edward G. Rendell", "person", "the convention is calm")]),
    (
        "a6",
        "2016-10-28",
        [
            # A short given name: the Edward Rendell the registry already knows.
            ("Ed Rendell", "Ed Rendell", "person", "Philadelphia is ready for the crowds"),
            ("Mike Pence", "Mike Pence", "person", "the ticket is united"),  # known by the short form only
        ],
    ),
    (
        "a7",
        "2016-11-02",
        [
            (
                "Harold Bornstein",
                "his doctor, Harold Bornstein",
                "person",
                "the patient is in excellent health",
            ),
            # The article's own misprint, which the extractor read as his name.
            ("Harold Bornstein", "Bornsten's", "person", "he will be the healthiest president ever elected"),
        ],
    ),
    (
        "a9",
        "2016-11-06",
        [
            # A generational suffix where the index knows no namesake without one: the name
            # in full as news style writes it, not a second person.
            (
                "Joseph R. Biden Jr.",
                "Vice President Joseph R. Biden Jr.",
                "person",
                "the deal keeps the peace",
            ),
            ("Joseph R. Biden Jr.", "Mr. Biden", "person", "the senators misled voters"),
            ("John G. Roberts Jr.", "Chief Justice John G. Roberts Jr.", "person", "the court stays neutral"),
            ("Jennifer Roberts", "Jennifer Roberts", "person", "the mayor's race is close"),
        ],
    ),
    (
        "a8",
        "2016-11-05",
        [
            # Descriptions of a person no claim of the article names: filed under no one.
            ("The GOP nominee", "The GOP nominee", "person", "the debate was a disaster"),
            (
                "the party's presidential nominee",
                "the party's presidential nominee",
                "person",
                "the crowds were enormous",
            ),
        ],
    ),
]


def _claims(article: Article, rows: list[tuple[str | None, str | None, str, str]]) -> list[Claim]:
    claims = []
    for n, (name, mention, kind, content) in enumerate(rows):
        cue, spans = (n * 100, n * 100 + 4), [(n * 100 + 5, n * 100 + 5 + len(content))]
        claims.append(
            Claim(
                id=claim_id_for(article.id, cue, spans),
                article_id=article.id,
                content=Content(content, spans, "indirect"),
                cue=Cue("said", cue, "say", "say"),
                claimant=Claimant(mention, None if mention is None else (0, 3), name, kind),
                sentence=f"{mention or 'It'} said {content}",
                sentence_span=(n * 100, n * 100 + 90),
                entities=[EntityMention("Mexico", (0, 1), "Mexico", "place")] if "Mexico" in content else [],
                publisher="Example Times",
                published_at=article.published_at,
            )
        )
    return claims


def _load(index: SearchIndex) -> SearchIndex:
    index.ensure_ready()
    for article_id, published_at, rows in CORPUS:
        article = Article(article_id, "x" * 1000, "t", f"{article_id}.txt", published_at=published_at)
        filed = file_claims(_claims(article, rows), index)
        assert index.index_article(article, filed.claims, updated_identities(filed, index)).ok
    return index


sqlite_index, opensearch_index, engine = opensearch_fixtures.loaded_engines(_load, "claimants")


def _contents(index: SearchIndex, **filters: object) -> set[str]:
    result = index.search(SearchQuery(limit=100, facets=False, **filters))  # type: ignore[arg-type]
    return {h.claim.content.text for h in result.hits}


DONALD = {
    "the election is rigged in many places",
    "Mexico will pay for the wall",
    "the debate moderators were unfair to him",
    "the polls are a sad joke",
}


def test_every_way_of_writing_a_name_gives_the_same_claims(engine: SearchIndex) -> None:
    for name in ("Trump", "donald trump", "Mr. Trump", "Donald J. Trump", "DONALD TRUMP", "Trump's"):
        assert _contents(engine, claimant=name) == DONALD, name


def test_a_name_as_an_article_writes_it_finds_the_person(engine: SearchIndex) -> None:
    # A party label after the name, a title inside a description, a middle name no
    # article of the index gave: the name a user copies from an article.
    for name in (
        "Donald Trump (R-N.Y.)",
        "Republican nominee Donald Trump",
        "New York businessman and Republican nominee Donald J. Trump",
        "Donald John Trump",
        "Donald Trump, who built a great company",
        "New York real estate executive Donald Trump",
        # No title or listed role word: the capitals say where the name starts.
        "longtime Republican provocateur Donald Trump",
        "Fox News' Donald Trump",
        "the Republican nominee, Donald J. Trump",
    ):
        assert _contents(engine, claimant=name) == DONALD, name
    for name in ("Donald John Trump Jr.", "Donald Trump, Jr."):
        assert _contents(engine, claimant=name) == {"his father built a great company"}, name
    assert _contents(engine, claimant="Former Secretary of State Hillary Rodham Clinton") == {
        "her opponent is unfit for office",
        "the economy needs fair taxes",
        "the plan creates jobs",
    }
    # Readings, not guesses: a name spelt otherwise, or a description naming no one, finds nothing;
    # a middle word is dropped only from a person's name (the State Department is a body).
    for name in (
        "Republican nominee Donald Trumpet",
        "Donald John Trumpet",
        "Republican nominee",
        "State Foreign Department",
        "longtime Republican provocateur Donald Trumpet",
    ):
        assert _contents(engine, claimant=name) == set(), name
    # A looser reading only adds a person: the claim whose source names the Tax Policy Center
    # stays found when the name is asked with a title inside.
    assert "the plan helps the rich" in _contents(
        engine, claimant="Len Burman, head of the Tax Policy Center"
    )


def test_a_misprint_of_the_name_an_article_made_finds_the_person(engine: SearchIndex) -> None:
    bornstein = {"the patient is in excellent health", "he will be the healthiest president ever elected"}
    for name in ("Bornsten", "Harold Bornstein", "Bornstein"):
        assert _contents(engine, claimant=name) == bornstein, name
    assert _contents(engine, claimant="Bornstien") == set()  # a misprint no article made


def test_a_given_name_in_either_form_finds_the_person(engine: SearchIndex) -> None:
    rendell = {"the convention is calm", "Philadelphia is ready for the crowds"}
    for name in ("Ed Rendell", "Edward Rendell", "Edward G. Rendell", "Rendell", "Gov. Ed Rendell"):
        assert _contents(engine, claimant=name) == rendell, name
    assert engine.get_claimants([identity_id("edward rendell")])[identity_id("edward rendell")].claims == 2
    for name in ("Michael Pence", "Michael R. Pence", "Gov. Michael Pence", "Mike Pence"):
        assert _contents(engine, claimant=name) == {"the ticket is united"}, name
    assert _contents(engine, claimant="Michelle Pence") == set()  # another name, not another form


def test_case_and_accents_are_ignored(engine: SearchIndex) -> None:
    for name in ("Ahn", "ahn myeong-chul", "AHN MYÉONG-CHUL", "Ahn Myeong Chul"):
        assert _contents(engine, claimant=name) == {"the money buys luxury goods"}, name


def test_invisible_characters_in_a_name_are_ignored(engine: SearchIndex) -> None:
    # Ingest strips them from the text, so the names filed never hold them; a name pasted
    # with one (a soft hyphen, a zero-width space, a C1 control from a mis-decoded page)
    # must still find its claims rather than be cut into two words.
    for name in ("Tr\u00adump", "Donald\u200b Trump", "Do\u200bnald J. Trump"):
        assert _contents(engine, claimant=name) == DONALD, repr(name)
    for name in ("Ahn Myéong\u00ad-chul", "A\x83hn"):
        assert _contents(engine, claimant=name) == {"the money buys luxury goods"}, repr(name)


def test_a_suffix_tells_namesakes_apart_and_is_no_bar_where_there_is_none(engine: SearchIndex) -> None:
    # "Trump" is not Donald Trump Jr. (`DONALD`); "Biden" is Joseph R. Biden Jr., whom the
    # index knows by no name without the suffix, and "Roberts" both Robertses.
    biden = {"the deal keeps the peace", "the senators misled voters"}
    for name in (
        "Biden",
        "Mr. Biden",
        "Joseph Biden",
        "Joseph R. Biden",
        "Vice President Biden",
        "Joseph R. Biden Jr.",
    ):
        assert _contents(engine, claimant=name) == biden, name
    assert _contents(engine, claimant="Roberts") == {"the court stays neutral", "the mayor's race is close"}
    assert _contents(engine, claimant="John Roberts") == {"the court stays neutral"}
    assert _contents(engine, claimant="Donald Trump") == DONALD


def test_people_who_share_a_surname_stay_apart(engine: SearchIndex) -> None:
    assert _contents(engine, claimant="Donald Trump Jr.") == {"his father built a great company"}
    assert _contents(engine, claimant="Bill Clinton") == {"the health care law is crazy"}
    assert _contents(engine, claimant="Hillary Clinton") == {
        "her opponent is unfit for office",
        "the economy needs fair taxes",
        "the plan creates jobs",
    }
    assert len(_contents(engine, claimant="Clinton")) == 4  # the surname asks for both


def test_a_surname_alone_joins_the_dominant_person(engine: SearchIndex) -> None:
    donald = identity_id("donald trump")
    assert _contents(engine, claimant_id=donald) == DONALD
    assert engine.get_claimants([donald])[donald].claims == 4


def test_a_body_named_in_the_source_finds_the_claim(engine: SearchIndex) -> None:
    assert _contents(engine, claimant="Tax Policy Center") == {"the plan helps the rich"}
    assert _contents(engine, claimant="Len Burman") == {"the plan helps the rich"}
    assert _contents(engine, claimant="Policy Tax Center") == set()  # words in order


def test_organisation_variants_are_one_identity(engine: SearchIndex) -> None:
    both = {"workers were sent abroad", "wages are siphoned off"}
    assert _contents(engine, claimant="State Department") == both
    assert _contents(engine, claimant="the U.S. State Department") == both


def test_facets_count_identities_and_never_pronouns(engine: SearchIndex) -> None:
    # The facet lists the ten identities with most claims: those of the first eight articles.
    facet = engine.search(SearchQuery(limit=1, published_to="2016-11-05")).facets["claimant"]
    counts = {f.value: f.count for f in facet}
    assert counts == {
        "Donald J. Trump": 4,
        "Hillary Clinton": 3,
        "US State Department": 2,
        "Ahn Myéong-chul": 1,
        "Bill Clinton": 1,
        "Donald Trump Jr.": 1,
        "Len Burman": 1,
        "Edward G. Rendell": 2,
        "Mike Pence": 1,
        "Harold Bornstein": 2,
    }
    assert all(f.id for f in facet)


def test_unattributed_claims_are_a_filter_of_their_own(engine: SearchIndex) -> None:
    assert _contents(engine, attributed=False) == {"thousands were sent abroad"}
    assert "nobody will be spared" in _contents(engine, attributed=True)


def test_suggestions_as_a_user_types(engine: SearchIndex) -> None:
    names = [(i.name, i.claims) for i in engine.suggest_claimants("tr")]
    assert names == [("Donald J. Trump", 4), ("Donald Trump Jr.", 1)]
    assert [i.name for i in engine.suggest_claimants("donald tr")] == ["Donald J. Trump", "Donald Trump Jr."]
    assert [i.name for i in engine.suggest_claimants("ah")] == ["Ahn Myéong-chul"]
    assert engine.suggest_claimants("mr") == []
    aliases = engine.suggest_claimants("trump")[0].aliases
    assert {"Donald J. Trump", "Donald Trump", "Mr. Trump", "Trump"} <= set(aliases)


def test_a_given_name_typed_in_another_form_is_suggested(engine: SearchIndex) -> None:
    def names(text: str) -> list[str]:
        return [i.name for i in engine.suggest_claimants(text)]

    assert names("mike pen") == names("michael pen") == names("Michael Pence") == ["Mike Pence"]
    assert names("ed ren") == names("edward ren") == ["Edward G. Rendell"]  # aliases hold both
    assert names("michelle pen") == []  # another name, not another form
    assert names("michael") == []  # a given name alone: no one in particular


def test_a_name_typed_one_letter_wrong_is_still_suggested(engine: SearchIndex) -> None:
    def names(text: str) -> list[str]:
        return [i.name for i in engine.suggest_claimants(text)]

    assert names("Clintn") == ["Hillary Clinton", "Bill Clinton"]  # a letter left out
    assert names("hillary clintno") == ["Hillary Clinton"]  # two letters swapped
    assert names("Burmann") == ["Len Burman"]  # a letter too many
    assert names("Myeomg") == ["Ahn Myéong-chul"]  # a letter replaced, accents folded
    assert names("Trmup") == ["Donald J. Trump", "Donald Trump Jr."]
    assert names("Klinton") == []  # the first letter stands
    assert names("Ahm") == []  # too short to read loosely: "Ahm" may be a name of its own
    assert names("Clintom Hillary") == ["Hillary Clinton"]  # whole words, in any order


def test_a_claimant_filter_no_one_goes_by_suggests_who_was_meant(engine: SearchIndex) -> None:
    def answer(**filters: object) -> tuple[int, list[str]]:
        result = engine.search(SearchQuery(limit=10, facets=False, **filters))  # type: ignore[arg-type]
        return result.total, [i.name for i in result.claimant_suggestions]

    # Misspelt: nothing is filed under it, and the suggestions are /claimants?q='s.
    assert answer(claimant="Clintn") == (0, ["Hillary Clinton", "Bill Clinton"])
    assert answer(claimant="hillary clintno", text="taxes") == (0, ["Hillary Clinton"])
    assert answer(claimant="Zqxjv Vjxqz") == (0, [])  # near no one
    # The claimant exists: an empty answer is about the words, not the name.
    assert answer(claimant="Hillary Clinton", text="zqxjv vjxqz") == (0, [])
    assert answer(claimant="Hillary Clinton", published_from="2030-01-01") == (0, [])
    found, suggested = answer(claimant="Hillary Clinton")
    assert found > 0 and suggested == []


def test_activity_by_month_and_entities(engine: SearchIndex) -> None:
    activity = engine.claimant_activity(identity_id("donald trump"))
    assert activity.claims == 4
    assert [(m.value, m.count) for m in activity.months] == [("2016-09", 3), ("2016-10", 1)]
    assert [(e.value, e.count) for e in activity.entities] == [("Mexico", 1)]


def test_a_surname_filed_under_its_dominant_person_keeps_an_id_that_leads_to_him(engine: SearchIndex) -> None:
    # a3's "Trump" alone went to Donald Trump, who dominates the surname: the surname's
    # own id is a pointer to him, so `claimant_id=` with it finds his claims.
    trump, donald = identity_id("trump"), identity_id("donald trump")
    pointer = engine.get_claimants([trump])[trump]
    assert pointer.merged_into == donald and pointer.claims == 0
    assert _contents(engine, claimant_id=trump) == _contents(engine, claimant_id=donald) == DONALD
    assert [i.id for i in engine.suggest_claimants("trump")][:1] == [donald]
    assert trump not in {i.id for i in engine.suggest_claimants("trump")}  # no claims of its own


def test_engines_agree_on_every_identity(sqlite_index: SearchIndex, opensearch_index: SearchIndex) -> None:
    keys = ("donald trump", "hillary clinton", "state department", "ahn myeong chul", "trump")
    ids = [identity_id(k) for k in keys]
    assert sqlite_index.get_claimants(ids) == opensearch_index.get_claimants(ids)


def test_a_surname_filed_alone_joins_its_person_once_an_article_names_them_in_full(
    engine: SearchIndex,
) -> None:
    # "Obama" arrives before any article names Barack Obama in full: an identity of its own.
    # Once one does, ingest files it under him (`surnames_joined`, `move_claimant`), as
    # `reindex` would: the claim records, the filter, the counts and the cluster lookups.
    alone = [
        ("Obama", "Mr. Obama", "person", "the recovery has created millions of new jobs since the crisis"),
        ("Obama", "Obama", "person", "the climate agreement will hold whoever wins the election"),
    ]
    full = [("Barack Obama", "President Barack Obama", "person", "the museum tells an American story")]
    articles = {"o1": alone, "o2": full}
    ingested: dict[str, list[Claim]] = {}
    try:
        for article_id, rows in articles.items():
            article = Article(article_id, "x" * 1000, "t", f"{article_id}.txt", published_at="2016-11-01")
            filed = file_claims(_claims(article, rows), engine)
            filed = replace(filed, claims=clustered(filed.claims, engine))
            assert engine.index_article(article, filed.claims, updated_identities(filed, engine)).ok
            ingested[article_id] = filed.claims
            if article_id == "o1":
                assert {c.claimant.id for c in filed.claims} == {identity_id("obama")}
            for surname_id, person in surnames_joined(filed, engine):
                assert engine.move_claimant(surname_id, person) == 2
        barack = identity_id("barack obama")
        assert {c.claimant.id for c in engine.claims_for_article("o1")} == {barack}
        assert engine.get_claim(ingested["o1"][0].id).claimant.id == barack  # type: ignore[union-attr]
        assert _contents(engine, claimant_id=barack) == {row[3] for row in alone + full}
        # The surname's id leads to him: a partner that stored it still finds the claims.
        assert _contents(engine, claimant_id=identity_id("obama")) == {row[3] for row in alone + full}
        identities = engine.get_claimants([barack, identity_id("obama")])
        assert identities[barack].claims == 3 and identities[identity_id("obama")].claims == 0
        assert identities[identity_id("obama")].merged_into == barack
        assert {"Mr. Obama", "Obama", "Barack Obama"} <= set(identities[barack].aliases)
        assert [(i.name, i.claims) for i in engine.suggest_claimants("obama")] == [("Barack Obama", 3)]
        # A later claim of the same words from him finds the moved claim as a candidate.
        moved = ingested["o1"][0]
        keys = fingerprint(moved).band_keys
        assert moved.id in {m.claim_id for m in engine.cluster_candidates(barack, keys)}
        # Nothing is left to move: a retry changes nothing.
        assert engine.move_claimant(identity_id("obama"), identities[barack]) == 0
    finally:
        for article_id in articles:
            engine.delete_article(article_id)


def test_an_id_leads_on_through_a_surname_and_a_short_given_name(engine: SearchIndex) -> None:
    # "Kaine" arrives alone, then "Tim Kaine" (the surname joins him), then "Timothy Kaine"
    # (the short given name joins him): the surname's id leads on, two pointers deep.
    articles = {
        "k1": [("Kaine", "Kaine", "person", "the running mate will campaign in Ohio")],
        "k2": [("Tim Kaine", "Tim Kaine", "person", "the debate was a success")],
        "k3": [("Timothy Kaine", "Timothy Kaine", "person", "the senate will confirm the judge")],
    }
    contents = {row[3] for rows in articles.values() for row in rows}
    try:
        for article_id, rows in articles.items():
            article = Article(article_id, "x" * 1000, "t", f"{article_id}.txt", published_at="2016-11-02")
            filed = file_claims(_claims(article, rows), engine)
            assert engine.index_article(article, filed.claims, updated_identities(filed, engine)).ok
            for alone, person in identities_joined(filed, engine):
                engine.move_claimant(alone, person)
        timothy = identity_id("timothy kaine")
        assert _contents(engine, claimant_id=timothy) == contents
        identities = engine.get_claimants([identity_id("kaine"), identity_id("tim kaine")])
        assert identities[identity_id("kaine")].merged_into == identity_id("tim kaine")
        assert identities[identity_id("tim kaine")].merged_into == timothy
        for stored in ("kaine", "tim kaine"):
            assert _contents(engine, claimant_id=identity_id(stored)) == contents, stored
    finally:
        for article_id in articles:
            engine.delete_article(article_id)


def _put(engine: SearchIndex, article_id: str, rows: list[tuple[str, str, str | None, str]]) -> list[Claim]:
    """Index an article's claims (name, mention, role, content), filed as ingest files them."""
    article = Article(article_id, "x" * 1000, "t", f"{article_id}.txt", published_at="2016-11-03")
    claims = [
        replace(c, claimant=replace(c.claimant, role=role))
        for c, (_, _, role, _) in zip(
            _claims(article, [(name, mention, "person", content) for name, mention, _, content in rows]),
            rows,
            strict=True,
        )
    ]
    filed = file_claims(claims, engine)
    assert engine.index_article(article, filed.claims, updated_identities(filed, engine)).ok
    for alone, person in identities_joined(filed, engine):
        engine.move_claimant(alone, person)
    return filed.claims


def test_an_edit_or_a_takedown_takes_back_what_only_its_claims_said(engine: SearchIndex) -> None:
    # What the registry says of a person is what the claims the index holds say, as a
    # rebuild files it: an edited role, a mention no longer written and a deleted
    # article's names go with the claims that said them; with the last claim, the person.
    quill, zoe = identity_id("quill"), identity_id("zoe quill")
    try:
        _put(engine, "q1", [("Quill", "Quill", "chief executive", "the merger will close in the spring")])
        _put(engine, "q2", [("Zoe Quill", "Ms. Quill", "founder", "the company will hire a thousand people")])
        held = engine.get_claimants([zoe, quill])
        assert held[quill].merged_into == zoe  # the surname alone joined her
        assert set(held[zoe].roles) == {"chief executive", "founder"}
        assert set(held[zoe].aliases) == {"Quill", "Ms. Quill", "Zoe Quill"}
        # q2 corrected: another role, and the mention no longer written.
        _put(engine, "q2", [("Zoe Quill", "Zoe Quill", "chair", "the company will hire a thousand people")])
        held = engine.get_claimants([zoe])
        assert set(held[zoe].roles) == {"chief executive", "chair"}
        assert set(held[zoe].aliases) == {"Quill", "Zoe Quill"}
        assert held[zoe].claims == 2
        # q1 taken down: only what q2 says is left.
        engine.delete_article("q1")
        held = engine.get_claimants([zoe, quill])
        assert (held[zoe].roles, held[zoe].aliases, held[zoe].claims) == (["chair"], ["Zoe Quill"], 1)
        assert held[quill].merged_into == zoe  # still leads to her claims
        # q2 taken down too: no claims, no identity, no pointer; nothing suggested.
        engine.delete_article("q2")
        assert engine.get_claimants([zoe, quill]) == {}
        assert engine.suggest_claimants("quill") == []
        # A delete retried after it finished changes nothing.
        engine.delete_article("q2")
        assert engine.get_claimants([zoe, quill]) == {}
    finally:
        for article_id in ("q1", "q2"):
            engine.delete_article(article_id)


def test_an_identity_another_writer_put_since_ingest_read_it_keeps_what_that_writer_did(
    engine: SearchIndex,
) -> None:
    # Ingest merges an article's identities from the registry as it reads it, extracts and
    # files, then writes; another article's write can put the same person in between. What
    # that write added stays, and what it took back is not brought back by the older copy.
    zoe = identity_id("zoe quill")
    try:
        _put(
            engine,
            "w1",
            [("Zoe Quill", "Zoe Quill", "chief executive", "the merger will close in the spring")],
        )
        article = Article("w2", "x" * 1000, "t", "w2.txt", published_at="2016-11-03")
        claims = _claims(
            article, [("Zoe Quill", "Ms. Quill", "person", "the company will hire a thousand people")]
        )
        filed = file_claims(claims, engine)
        read_then = updated_identities(filed, engine)  # she is "chief executive" as ingest reads her
        assert [i.roles for i in read_then] == [["chief executive"]]
        # Meanwhile: w3 gives her another role; w1 is corrected, taking its role back.
        _put(engine, "w3", [("Zoe Quill", "Zoe Quill", "founder", "sales will double next year")])
        _put(engine, "w1", [("Zoe Quill", "Zoe Quill", None, "the merger will close in the spring")])
        assert engine.get_claimants([zoe])[zoe].roles == ["founder"]
        assert engine.index_article(article, filed.claims, read_then).ok
        held = engine.get_claimants([zoe])[zoe]
        assert (held.roles, set(held.aliases), held.claims) == (["founder"], {"Zoe Quill", "Ms. Quill"}, 3)
    finally:
        for article_id in ("w1", "w2", "w3"):
            engine.delete_article(article_id)


class _PutBetween:
    """Runs `between` once, when the adapter's client is about to send the `nth` bulk that
    puts `identity` in the registry: after the adapter has read it, before its put lands.
    That is the window a second writer (another ingest function) has in production."""

    def __init__(
        self, index: OpenSearchIndex, identity: str, between: Callable[[], object], nth: int = 1
    ) -> None:
        self.bulk, self.identity, self.between, self.ran = index.client.bulk, identity, between, False
        self.alias, self.left = index.claimants_alias, nth

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        body = kwargs.get("body") or args[0]  # opensearch-py's helpers send one string
        lines = (body.decode() if isinstance(body, bytes) else str(body)).splitlines()
        puts = any(
            ('{"index"' in line or '{"create"' in line) and self.alias in line and self.identity in line
            for line in lines
        )
        self.left -= puts
        if puts and not self.left:
            self.ran = True
            self.between()
        return self.bulk(*args, **kwargs)


@pytest.mark.parametrize("change", ["index", "delete"])
def test_a_put_another_writer_overtook_is_made_again_from_what_it_put(
    opensearch_index: OpenSearchIndex, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    # Between this writer's read of an identity and its put, a second writer (its own
    # client, as another ingest function is) puts the same person with a role of its
    # own. The first put must not overwrite it: it is refused, read and made again.
    zoe = identity_id("zoe quill")
    other = OpenSearchIndex(opensearch_fixtures.endpoint(), prefix=opensearch_index.prefix)
    try:
        _put(opensearch_index, "r0", [("Zoe Quill", "Zoe Quill", None, "profits will rise this year")])
        _put(opensearch_index, "r1", [("Zoe Quill", "Zoe Quill", "chief executive", "the merger will close")])
        between = _PutBetween(
            opensearch_index,
            zoe,
            lambda: _put(other, "r3", [("Zoe Quill", "Zoe Quill", "founder", "sales will double next year")]),
        )
        monkeypatch.setattr(opensearch_index.client, "bulk", between)
        if change == "index":  # an article naming her as "Ms. Quill", put as ingest read her
            _put(opensearch_index, "r2", [("Zoe Quill", "Ms. Quill", None, "the company will hire many")])
            expected = (["chief executive", "founder"], {"Zoe Quill", "Ms. Quill"}, 4)
        else:  # the takedown of r1 derives her again, taking "chief executive" back
            opensearch_index.delete_article("r1")
            expected = (["founder"], {"Zoe Quill"}, 2)
        monkeypatch.undo()
        assert between.ran
        held = opensearch_index.get_claimants([zoe])[zoe]
        assert (sorted(held.roles), set(held.aliases), held.claims) == expected
    finally:
        monkeypatch.undo()
        for article_id in ("r0", "r1", "r2", "r3"):
            opensearch_index.delete_article(article_id)


def test_a_move_another_writer_overtook_puts_the_person_as_their_claims_say(
    opensearch_index: OpenSearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A surname filed alone joins the person an article names (`move_claimant`); a second
    # writer puts that person, with a role of its own, between the move's read and put.
    quill, zoe = identity_id("quill"), identity_id("zoe quill")
    other = OpenSearchIndex(opensearch_fixtures.endpoint(), prefix=opensearch_index.prefix)
    try:
        _put(opensearch_index, "m0", [("Quill", "Quill", None, "profits will rise this year")])
        between = _PutBetween(
            opensearch_index,
            zoe,
            lambda: _put(other, "m2", [("Zoe Quill", "Zoe Quill", "founder", "sales will double next year")]),
            nth=2,  # the article's write puts her first, then the move
        )
        monkeypatch.setattr(opensearch_index.client, "bulk", between)
        _put(opensearch_index, "m1", [("Zoe Quill", "Zoe Quill", "chief executive", "the merger will close")])
        monkeypatch.undo()
        assert between.ran
        held = opensearch_index.get_claimants([zoe, quill])
        assert (sorted(held[zoe].roles), held[zoe].claims) == (["chief executive", "founder"], 3)
        assert {"Zoe Quill", "Quill"} <= set(held[zoe].aliases)
        assert (held[quill].merged_into, held[quill].claims) == (zoe, 0)
    finally:
        monkeypatch.undo()
        for article_id in ("m0", "m1", "m2"):
            opensearch_index.delete_article(article_id)


def test_claims_filed_under_no_one_are_found_by_two_words_of_one_set(engine: SearchIndex) -> None:
    nominee = {"republican", "gop", "presidential", "nominee"}
    found = engine.unfiled_claims([{"spokesman", "campaign"}, nominee])
    assert [c.content.text for c in found] == sorted(
        ["the debate was a disaster", "the crowds were enormous"],
        key=lambda text: next(c.id for c in found if c.content.text == text),
    )
    assert [c.id for c in found] == sorted(c.id for c in found)
    assert all(c.claimant.id is None and c.claimant.attributed for c in found)
    assert engine.unfiled_claims([nominee], limit=1) == found[:1]
    # One word of a set is not enough ("a spokesman": "spokesman"), nor two of two sets.
    assert engine.unfiled_claims([{"spokesman", "campaign"}, {"gop", "senator"}]) == []
    # Filed claims are not returned however many words their source holds.
    assert engine.unfiled_claims([{"donald", "trump", "mr"}]) == []
    assert engine.unfiled_claims([]) == []
