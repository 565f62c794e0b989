"""Name keys and filing, on their own: no engine, no NLP."""

from __future__ import annotations

from dataclasses import replace

import pytest

from claimsearch.claimants.names import is_pronoun, name_key, source_words, surname_of
from claimsearch.claimants.registry import (
    MemoryRegistry,
    Overlaid,
    as_held_now,
    descriptions_now_filed,
    file_all,
    file_claims,
    identity_id,
    may_describe,
    rederived,
    roles_gained,
    said_only_before,
    source_forms,
    surnames_joined,
    tallies,
    updated_identities,
)
from claimsearch.model import Article, Claim, Claimant, Content, Cue, EntityMention, claim_id_for


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Mr. Donald J. Trump's", "donald trump"),
        ("DONALD TRUMP", "donald trump"),
        ("Donald Trump Jr.", "donald trump jr"),
        ("the U.S. State Department", "state department"),
        ("the State Department", "state department"),
        ("Ahn Myéong-chul", "ahn myeong chul"),
        ("President Barack Obama", "barack obama"),
        ("Mrs. Clinton", "clinton"),
        ("General Motors", "general motors"),  # not a title before a name
        ("Major Garrett", "major garrett"),
        ("Mr.", "mr"),  # a title alone stays a word, never an empty key
        ("the", ""),
    ],
)
def test_name_keys(name: str, key: str) -> None:
    assert name_key(name) == key


def test_surnames_pronouns_and_source_words() -> None:
    assert surname_of("donald trump jr") == "trump"
    assert surname_of("trump") is None
    assert is_pronoun("who") and is_pronoun("They") and not is_pronoun("US") and not is_pronoun("Trump")
    assert (
        source_words("Len Burman, head of the Tax Policy Center")
        == "len burman head of the tax policy center"
    )
    assert source_words("Donald J. Trump") == "donald trump"


def _claims(article: str, rows: list[tuple[str | None, str, str]]) -> list[Claim]:
    claims = []
    for n, (name, kind, mention) in enumerate(rows):
        cue, spans = (n * 10, n * 10 + 2), [(n * 10 + 3, n * 10 + 9)]
        claims.append(
            Claim(
                id=claim_id_for(article, cue, spans),
                article_id=article,
                content=Content("x", spans, "indirect"),
                cue=Cue("said", cue, "say", "say"),
                claimant=Claimant(mention, (0, 1), name, kind),
                sentence="x",
                sentence_span=(0, 1),
            )
        )
    return claims


ARCHIVE = {
    "a1": [("Donald J. Trump", "person", "Mr. Trump"), ("Donald Trump", "person", "he")],
    "a2": [("Donald Trump", "person", "Donald Trump"), ("Donald Trump", "person", "he")],
    "a3": [("Trump", "person", "Trump")],  # a surname alone: the dominant Trump
    "a4": [("Trump", "person", "Trump"), ("Ivanka Trump", "person", "Ms. Trump")],  # this article's Trump
    "a5": [("he", "person", "he"), ("a spokesman", "person", "a spokesman"), (None, "unattributed", "")],
}


def _rebuild(order: list[str]) -> dict[str, list[str | None]]:
    """Filing as `reindex` does it (`file_all`), the archive read in `order`."""
    articles = {a: Article(a, "x", "t", a) for a in order}
    filed, _ = file_all(lambda: [(articles[a], _claims(a, ARCHIVE[a])) for a in order])
    return {article.id: [c.claimant.id for c in claims] for article, claims in filed}


def test_reindex_files_the_same_ids_whatever_the_order() -> None:
    forward = _rebuild(list(ARCHIVE))
    backward = _rebuild(list(reversed(ARCHIVE)))
    assert forward == backward
    donald, ivanka = identity_id("donald trump"), identity_id("ivanka trump")
    assert forward["a1"] == [donald, donald]
    assert forward["a3"] == [donald]  # dominant: 4 of the 6 claims of full-named Trumps
    assert forward["a4"] == [ivanka, ivanka]  # the Trump this article names in full
    assert forward["a5"] == [None, None, None]  # a pronoun, an anonymous source, no source


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a Mexican official", "person"),  # capitals inside an indefinite description name no one
        ("A Clinton campaign official", "person"),
        ("A spokesman for Mayor Frank G. Jackson of Cleveland", "person"),
        ("The Florida senator", "person"),  # another article's may be another senator
        ("the head of the RNC's powerful rules committee", "person"),
        ("the district GOP Chairman", "person"),  # the head is a title
        ("some Democrats", "group"),
        ("many Republicans", "group"),
        ("54 percent of Democratic registered voters", "group"),
        ("A CNN/ORC poll", "document"),
        ("a report", "document"),
        ("his campaign", "group"),  # whose campaign depends on the article
        ("Her advisers", "group"),
        ("his wife", "person"),
        ("The poll", "document"),  # which poll depends on the article
        ("exit polls", "document"),
        ("House speaker", "person"),  # no capital in the last word: no name
        ("Sanders's campaign manager", "person"),
        ("Mr. Trump's daughter", "person"),
        ("Twenty-four percent", "person"),  # NER's person, a share of a poll
        ("the company", "group"),  # which company depends on the article
        ("The campaign", "group"),
        ("The agency", "organisation"),
        ("going", "group"),  # a lone word in lower case NER took for a body
        ("About four in 10 South Carolina Republican primary voters", "group"),  # a share
        ("two-thirds of Republican primary voters", "group"),
        ("none of his rivals", "group"),
        ("Only two Democrats", "group"),
        ("six in 10", "group"),
        ("Hundreds of pro-Sanders demonstrators", "group"),
        ("Judge", "person"),  # titles and roles alone, from a headline: "Judge rejects ..."
        ("Retired General", "person"),
        ("Lawmaker", "person"),
        ("Mr. President", "person"),
        ("Polls", "document"),  # a headline's capitals on words any document is called by
        ("New Polls", "document"),
        ("Report", "document"),
        ("Exit polls", "document"),  # a sentence's capital
        ("The April survey", "document"),
        ("the party's leaders", "group"),  # which party depends on the article
        ("the candidate’s friends", "group"),
        ("Other Republicans", "group"),
        ("These Republicans", "group"),
        ("the budget office", "organisation"),  # a body named by common nouns alone
        ("the results", "group"),  # a plural for no people
        ("ads", "group"),
        ("the results of nationwide surveys", "group"),
        ("Republican", "person"),  # "Republican seeks new Clinton inquiry": a party's member
        ("one Democrat", "person"),
        ("Q", "person"),  # a transcript's questioner
        (
            "PAC",
            "organisation",
        ),  # "A super PAC supporting Marco Rubio's campaign": which one, the article says
        ("the Super PAC", "organisation"),
    ],
)
def test_a_description_is_no_identity(name: str, kind: str) -> None:
    filed = file_claims(_claims("d1", [(name, kind, name)]), MemoryRegistry())
    assert filed.claims[0].claimant.id is None
    assert filed.claims[0].claimant.mention == name  # the claim keeps who it says


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("An Nguyen", "person"),  # no word in lower case after "an": a name
        ("One Direction", "group"),
        ("No Labels", "organisation"),  # no word in lower case after "no": a name
        ("Five Guys", "organisation"),
        ("the Rev. Al Sharpton", "person"),
        ("former President Bill Clinton", "person"),
        ("The Pope", "person"),  # one at a time: a name
        ("Judge Gonzalo Curiel", "person"),
        ("the State Department", "organisation"),
        ("The Trump campaign", "group"),
        ("Republicans", "group"),
        ("Obama", "person"),
        ("Our Principles PAC", "group"),  # a possessive, then a name
        ("Conservative Solutions PAC", "organisation"),
        ("super PACs", "group"),  # a plural for bodies, as "the unions"
        ("the Pew report", "document"),
        ("comScore", "document"),
        ("The Washington Post", "document"),
        ("Ansar al-Sharia", "person"),  # a capital inside the last word
        ("Ahn Myeong-chul", "person"),
        ("Secretary of State John Kerry", "person"),
        ("officials", "group"),  # a plural: a kind of claimant, one facet value
        ("the critics", "group"),
        ("human rights activists", "group"),
        ("the police", "group"),
        ("women", "group"),
        ("ouest-france.fr", "organisation"),
        ("the news media", "group"),
        ("the unions", "group"),  # a plural for bodies
        ("progressives", "group"),
        ("civil rights groups", "group"),
        ("news outlets", "group"),
        ("supporters of the bill", "group"),  # the head, before its preposition
        ("current and former officials", "group"),
        ("the committee chairmen", "group"),
        ("The Post-SurveyMonkey poll", "document"),  # a publisher among the words
        ("U.S. Census data", "document"),
        ("CBS poll", "document"),
        ("Mrs. Clinton's campaign", "group"),  # owned by a name
        ("Democrats", "group"),
    ],
)
def test_a_name_is_an_identity(name: str, kind: str) -> None:
    filed = file_claims(_claims("d2", [(name, kind, name)]), MemoryRegistry())
    assert filed.claims[0].claimant.id == identity_id(name_key(name))


def test_a_surname_stays_its_own_when_no_one_dominates() -> None:
    registry = MemoryRegistry()
    for article, rows in {
        "b1": [("Bill Clinton", "person", "x")],
        "b2": [("Hillary Clinton", "person", "x")],
    }.items():
        registry.add(file_claims(_claims(article, rows), registry))
    filed = file_claims(_claims("b3", [("Clinton", "person", "Clinton")]), registry)
    assert filed.claims[0].claimant.id == identity_id("clinton")


def test_a_surname_said_of_a_woman_weighs_the_women_of_that_surname() -> None:
    registry = MemoryRegistry()
    for article, rows in {
        "f1": [("Carly Fiorina", "person", "x")] * 3,
        "f2": [("Frank Fiorina", "person", "x")] * 2,
    }.items():
        registry.add(file_claims(_claims(article, rows), registry))
    # 3 of 5 claims: no one dominates "Fiorina"; of the women, Carly alone.
    assert file_claims(_claims("f3", [("Fiorina", "person", "Fiorina")]), registry).claims[
        0
    ].claimant.id == identity_id("fiorina")
    said = file_claims(_claims("f4", [("Fiorina", "person", "Mrs. Fiorina")]), registry)
    assert said.claims[0].claimant.id == identity_id("carly fiorina")
    told = file_claims(_claims("f5", [("Fiorina", "person", "Mr. Fiorina")]), registry)
    assert told.claims[0].claimant.id == identity_id("frank fiorina")


def test_identities_gather_aliases_and_the_fullest_name() -> None:
    registry = MemoryRegistry()
    for article in ("a1", "a2"):
        filed = file_claims(_claims(article, ARCHIVE[article]), registry)
        for identity in updated_identities(filed, registry):
            registry.identities[identity.id] = identity
    donald = registry.identities[identity_id("donald trump")]
    assert donald.name == "Donald J. Trump"
    assert {"Donald J. Trump", "Donald Trump", "Mr. Trump"} <= set(donald.aliases)
    assert "he" not in donald.aliases
    assert donald.surname == "trump" and donald.type == "person"


def test_a_name_cut_from_around_a_bracket_is_shown_only_where_there_is_no_other() -> None:
    # "[Hillary] Clinton" in a quotation gives the source "Hillary] Clinton": the same key,
    # and more characters than "Hillary Clinton", which is still the name to show.
    rows = [("Hillary] Clinton", "person", "x"), ("Hillary Clinton", "person", "x")]
    [identity] = updated_identities(file_claims(_claims("k1", rows), MemoryRegistry()), MemoryRegistry())
    assert identity.name == "Hillary Clinton" and "Hillary] Clinton" in identity.aliases
    rows = [("George (W. Bush", "person", "x")]
    [identity] = updated_identities(file_claims(_claims("k2", rows), MemoryRegistry()), MemoryRegistry())
    assert identity.name == "George (W. Bush"  # written no other way


def test_a_persons_name_is_shown_without_a_title() -> None:
    registry = MemoryRegistry()
    rows = [("President Barack Obama", "person", "President Barack Obama"), ("Barack Obama", "person", "he")]
    filed = file_claims(_claims("c1", rows), registry)
    for identity in updated_identities(filed, registry):
        registry.identities[identity.id] = identity
    obama = registry.identities[identity_id("barack obama")]
    assert obama.name == "Barack Obama"  # the longer form holds a title, which changes
    assert "President Barack Obama" in obama.aliases
    # A body keeps its fullest form, although its key drops the "Governor" as a title.
    rows = [("Governor's Office", "organisation", "x"), ("Office", "organisation", "x")]
    filed = file_claims(_claims("c2", rows), registry)
    assert [i.name for i in updated_identities(filed, registry)] == ["Governor's Office"]


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("Ivana Trump's", "Ivana Trump"),
        ("National Football League’s", "National Football League"),
        ("Bernie Sanders'", "Bernie Sanders"),
        ("Sanders", "Sanders"),  # an "s" that ends the name stays
    ],
)
def test_a_name_seen_only_as_a_possessive_is_shown_without_it(written: str, shown: str) -> None:
    registry = MemoryRegistry()
    filed = file_claims(_claims("p1", [(written, "person", written)]), registry)
    [identity] = updated_identities(filed, registry)
    assert identity.name == shown
    assert written in identity.aliases  # as the article wrote it


def test_a_surname_said_of_a_man_does_not_join_a_woman_of_the_article() -> None:
    registry = MemoryRegistry()
    for article, rows in {
        "d1": [("Barack Obama", "person", "Barack Obama"), ("Barack Obama", "person", "he")],
        "d2": [("Barack Obama", "person", "President Barack Obama")],
    }.items():
        registry.add(file_claims(_claims(article, rows), registry))
    rows = [("Obama", "person", "Mr. Obama"), ("Obama", "person", "he"), ("Michelle Obama", "person", "she")]
    filed = file_claims(_claims("d3", rows), registry)
    barack, michelle = identity_id("barack obama"), identity_id("michelle obama")
    assert [c.claimant.id for c in filed.claims] == [barack, barack, michelle]
    # Without a word that says a man, the surname is this article's Obama, as for "Trump" above.
    rows = [("Obama", "person", "Obama"), ("Michelle Obama", "person", "she")]
    filed = file_claims(_claims("d4", rows), registry)
    assert [c.claimant.id for c in filed.claims] == [michelle, michelle]


def _registered(articles: dict[str, list[tuple[str | None, str, str]]]) -> MemoryRegistry:
    registry = MemoryRegistry()
    for article, rows in articles.items():
        registry.add(file_claims(_claims(article, rows), registry))
    return registry


def test_a_surname_filed_alone_joins_the_person_who_comes_to_dominate_it() -> None:
    registry = _registered({"s1": [("Obama", "person", "Mr. Obama"), ("Obama", "person", "Obama")]})
    filed = file_claims(_claims("s2", [("Barack Obama", "person", "Barack Obama")]), registry)
    registry.add(filed)
    ((alone, person),) = surnames_joined(filed, registry)
    assert alone == identity_id("obama") and person.id == identity_id("barack obama")
    assert {"Mr. Obama", "Obama", "Barack Obama"} <= set(person.aliases)
    assert person.name == "Barack Obama"


def test_a_surname_alone_stays_while_no_one_dominates_it_or_it_names_no_person() -> None:
    registry = _registered(
        {
            "s1": [("Clinton", "person", "Clinton"), ("Department", "organisation", "Department")],
            "s2": [("Bill Clinton", "person", "Bill Clinton")],
        }
    )
    rows = [("Hillary Clinton", "person", "x"), ("State Department", "organisation", "x")]
    filed = file_claims(_claims("s3", rows), registry)
    registry.add(filed)
    assert surnames_joined(filed, registry) == []  # one claim each: neither has two thirds


def test_a_surname_filed_under_its_dominant_person_leaves_its_id_pointing_there() -> None:
    # "Obama" alone, once Barack Obama dominates the surname: filed under him, and the
    # surname's own id is kept as a pointer to him, so an id stored earlier still leads there.
    registry = _registered({"p1": [("Barack Obama", "person", "Barack Obama")]})
    filed = file_claims(_claims("p2", [("Obama", "person", "Mr. Obama")]), registry)
    barack, obama = identity_id("barack obama"), identity_id("obama")
    assert [c.claimant.id for c in filed.claims] == [barack]
    updated = {i.id: i for i in updated_identities(filed, registry)}
    assert updated[obama].merged_into == barack and updated[obama].claims == 0
    assert updated[barack].merged_into is None and updated[barack].claims == 2
    # A surname joined within its article ("Trump" beside "Ivanka Trump") points nowhere:
    # the article says who it is, not the registry.
    rows = [("Obama", "person", "Obama"), ("Malia Obama", "person", "x")]
    assert file_claims(_claims("p3", rows), registry).pointers == {}


def test_a_pointer_never_hides_an_identity_with_claims_and_claims_clear_it() -> None:
    registry = _registered({"q1": [("Obama", "person", "Obama")]})  # no full name yet: its own
    obama, barack = identity_id("obama"), identity_id("barack obama")
    registry.add(file_claims(_claims("q2", [("Barack Obama", "person", "Barack Obama")] * 3), registry))
    filed = file_claims(_claims("q3", [("Obama", "person", "Obama")]), registry)
    assert filed.pointers[obama].merged_into == barack
    # Ingest moves the surname's claims first (`surnames_joined`); until then it stays as it is.
    assert obama not in {i.id for i in updated_identities(filed, registry)}
    # Once moved it is a pointer; claims filed under its id again (no one dominates the
    # surname in this registry) make it an identity again.
    moved = MemoryRegistry()
    moved.identities[obama] = replace(registry.identities[obama], claims=0, merged_into=barack)
    (again,) = updated_identities(file_claims(_claims("q4", [("Obama", "person", "Obama")]), moved), moved)
    assert again.id == obama and again.merged_into is None and again.claims == 1


def test_reindex_keeps_the_pointer_of_a_surname_whatever_the_order() -> None:
    articles = {
        "r1": [("Obama", "person", "Obama")],
        "r2": [("Barack Obama", "person", "Barack Obama")],
    }
    for order in (["r1", "r2"], ["r2", "r1"]):
        pairs = [(Article(a, "x", "t", a), _claims(a, articles[a])) for a in order]
        filed, registry = file_all(lambda pairs=pairs: pairs)
        list(filed)  # the registry fills as the filed pairs are read
        pointer = registry.identities[identity_id("obama")]
        assert pointer.merged_into == identity_id("barack obama") and pointer.claims == 0
        assert registry.identities[identity_id("barack obama")].claims == 2


@pytest.mark.parametrize(
    ("rows", "filed_under"),
    [
        # A body's short name joins the one fuller name the article gives, as a surname does.
        ([("The New York Times", "document"), ("the Times", "document")], "new york times"),
        (
            [("the Congressional Budget Office", "organisation"), ("the Budget Office", "organisation")],
            "congressional budget office",
        ),
        # "the House" is not the White House, whatever the words.
        ([("the White House", "organisation"), ("the House", "organisation")], "house"),
        # Two Posts: which one is not said.
        (
            [
                ("The Washington Post", "document"),
                ("The New York Post", "document"),
                ("The Post", "document"),
            ],
            "post",
        ),
        # The words before it are no name's: "Armenians of Israel" is not Israel.
        ([("Armenians of Israel", "organisation"), ("Israel", "organisation")], "israel"),
        # An acronym joins the one name of the article it abbreviates, small words skipped
        # or not, whatever NER typed it.
        (
            [
                ("the federal Securities and Exchange Commission", "organisation"),
                ("the S.E.C.", "organisation"),
            ],
            "federal securities and exchange commission",
        ),
        (
            [("Alliance to Reclaim Our Schools", "organisation"), ("AROS", "group")],
            "alliance to reclaim our schools",
        ),
        ([("the Department of Justice", "organisation"), ("DOJ", "organisation")], "department of justice"),
        (
            [("International Monetary Fund", "organisation"), ("IMF's", "organisation")],
            "international monetary fund",
        ),
        # Not a part of the name: the U.N. is not its Security Council.
        ([("the United Nations Security Council", "organisation"), ("U.N.", "organisation")], "un"),
        # Two names it could stand for: neither.
        (
            [
                ("Christian News Service", "organisation"),
                ("Congressional News Service", "organisation"),
                ("CNS", "group"),
            ],
            "cns",
        ),
        # Not a name throughout ("the federal agency"), nor a person's initials.
        ([("the federal agency", "organisation"), ("FA", "organisation")], "fa"),
        ([("Frank Abagnale", "person"), ("FA", "organisation")], "fa"),
        # A group named for a person joins its fuller name; other groups do not ("Democrats"
        # are more than the Senate's).
        ([("Donald Trump’s campaign", "group"), ("The Trump campaign", "group")], "donald trump campaign"),
        ([("Senate Democrats", "group"), ("Democrats", "group")], "democrats"),
    ],
)
def test_a_bodys_short_name_joins_the_fuller_name_of_its_article(
    rows: list[tuple[str, str]], filed_under: str
) -> None:
    filed = file_claims(_claims("o1", [(name, kind, name) for name, kind in rows]), MemoryRegistry())
    assert filed.claims[-1].claimant.id == identity_id(filed_under)  # the last row is the short name


def test_a_move_cut_short_before_its_pointer_is_joined_again() -> None:
    # The claims went to Barack Obama but the pointer was not written (an engine fault in
    # between): the retry of the article's event joins the surname again, which writes it.
    registry = _registered({"m1": [("Obama", "person", "Obama")], "m2": [("Barack Obama", "person", "x")]})
    obama, barack = identity_id("obama"), identity_id("barack obama")
    registry.identities[obama] = replace(registry.identities[obama], claims=0)
    filed = file_claims(_claims("m3", [("Barack Obama", "person", "Barack Obama")]), registry)
    registry.add(filed)
    assert [(alone, person.id) for alone, person in surnames_joined(filed, registry)] == [(obama, barack)]
    registry.identities[obama] = replace(registry.identities[obama], merged_into=barack)
    assert surnames_joined(filed, registry) == []  # done: nothing to join


def test_a_short_given_name_joins_the_one_person_known_by_the_full_one() -> None:
    registry = _registered(
        {
            "n1": [("Edward G. Rendell", "person", "Edward G. Rendell"), ("Bill Clinton", "person", "x")],
            "n2": [("Patrick Smith", "person", "x"), ("Patricia Smith", "person", "x")],
            "n3": [("Bill Gates", "organisation", "x"), ("William Gates", "organisation", "x")],
        }
    )
    filed = file_claims(
        _claims(
            "n4",
            [
                ("Ed Rendell", "person", "Ed Rendell"),  # short for the Edward known
                ("Ed Rendell", "person", "he"),
                ("Rendell", "person", "Mr. Rendell"),  # this article's Rendell, then where he joins
                ("William J. Clinton", "person", "x"),  # a full name never joins a short one
                ("Pat Smith", "person", "x"),  # short for Patrick and for Patricia: neither
                ("Ted Cruz", "person", "x"),  # no Edward or Theodore Cruz known: his own
                ("Bill Gates", "person", "x"),  # the full name known is no person's
            ],
        ),
        registry,
    )
    keys = ["edward rendell"] * 3 + ["william clinton", "pat smith", "ted cruz", "bill gates"]
    assert [c.claimant.id for c in filed.claims] == [identity_id(key) for key in keys]
    registry.add(filed)
    rendell = registry.get_claimants([identity_id("edward rendell")])[identity_id("edward rendell")]
    assert rendell.name == "Edward G. Rendell" and "Ed Rendell" in rendell.aliases


def test_reindex_joins_a_short_given_name_whatever_the_order() -> None:
    archive = {
        "r1": [("Ed Rendell", "person", "Ed Rendell")],
        "r2": [("Edward G. Rendell", "person", "Edward G. Rendell"), ("Ted Cruz", "person", "x")],
        "r3": [("Edward Rendell", "person", "he"), ("Theodore Cruz", "person", "x")],
    }
    articles = {a: Article(a, "x", "t", a) for a in archive}
    for order in (list(archive), list(reversed(archive))):
        filed, _ = file_all(lambda order=order: [(articles[a], _claims(a, archive[a])) for a in order])  # type: ignore[misc]
        ids = {a.id: [c.claimant.id for c in claims] for a, claims in filed}
        assert ids["r1"] == ids["r2"][:1] == ids["r3"][:1] == [identity_id("edward rendell")], order
        # "Ted" is short for Edward and for Theodore: with a Theodore Cruz known, it stays its own.
        assert ids["r2"][1] == identity_id("ted cruz") and ids["r3"][1] == identity_id("theodore cruz")


def test_a_surname_goes_where_its_articles_full_name_joins() -> None:
    registry = _registered({"m1": [("Hillary Clinton", "person", "Hillary Clinton")]})
    filed = file_claims(
        _claims("m2", [("Hillary Rodham Clinton", "person", "x"), ("Clinton", "person", "Mrs. Clinton")]),
        registry,
    )
    assert [c.claimant.id for c in filed.claims] == [identity_id("hillary clinton")] * 2


# -- a description of a person the article names, by the roles the registry knows ------------


def _described(article: str, rows: list[tuple[str, str | None]]) -> list[Claim]:
    """Claims of `article`, each (the claimant's name, its role), the nth standing at n*10."""
    claims = _claims(article, [(name, "person", name) for name, _ in rows])
    return [
        replace(c, claimant=replace(c.claimant, span=(n * 10, n * 10 + 1), role=role))
        for n, (c, (_, role)) in enumerate(zip(claims, rows, strict=True))
    ]


DESCRIBED = {
    # Another article calls him the Republican presidential nominee ...
    "r1": [
        ("Donald Trump", "Republican presidential nominee"),
        ("Mike Pence", "Republican vice presidential nominee"),
    ],
    # ... this one names him and then writes only "The GOP nominee".
    "r2": [
        ("Mike Pence", None),
        ("Donald Trump", None),
        ("The GOP nominee", "nominee"),
        ("the nominee", "nominee"),
    ],
}


def test_a_description_is_filed_under_the_person_the_registry_knows_by_it() -> None:
    donald = identity_id("donald trump")
    for order in (["r1", "r2"], ["r2", "r1"]):
        pairs, registry = file_all(
            lambda order=order: [(Article(a, "x", "t", a), _described(a, DESCRIBED[a])) for a in order]
        )
        filed = {article.id: claims for article, claims in pairs}
        described, bare = filed["r2"][2].claimant, filed["r2"][3].claimant
        # Filed as a pronoun resolved is: his name, the description its mention; not under Mike
        # Pence, whose "vice presidential nominee" is someone else's description, nor a bare
        # noun, which fits too many people.
        assert (described.id, described.name, described.mention) == (
            donald,
            "Donald Trump",
            "The GOP nominee",
        )
        assert bare.id is None
        trump = registry.identities[donald]
        assert trump.claims == 3 and "The GOP nominee" not in trump.aliases
    # Ingest files it by what the registry knows when the article comes: nothing yet here.
    alone = file_claims(_described("r2", DESCRIBED["r2"]), MemoryRegistry())
    assert alone.claims[2].claimant.id is None
    known = MemoryRegistry()
    known.add(file_claims(_described("r1", DESCRIBED["r1"]), known))
    assert file_claims(_described("r2", DESCRIBED["r2"]), known).claims[2].claimant.id == donald


def test_a_description_two_people_fit_is_the_nearest_named_before_it() -> None:
    rows = [
        ("Ted Cruz", "Republican presidential candidate"),
        ("The GOP presidential candidate", "candidate"),
        ("Marco Rubio", "Republican presidential candidate"),
        ("The GOP presidential candidate", "candidate"),
    ]
    claims = file_claims(_described("c1", rows), MemoryRegistry()).claims
    assert [c.claimant.name for c in claims] == ["Ted Cruz", "Ted Cruz", "Marco Rubio", "Marco Rubio"]
    # Before anyone fitting is named: the one person fitting, if only one does.
    first = file_claims(_described("c2", [rows[1], rows[0]]), MemoryRegistry()).claims
    assert first[0].claimant.id == identity_id("ted cruz")
    both_after = file_claims(_described("c3", [rows[1], rows[0], rows[2]]), MemoryRegistry()).claims
    assert both_after[0].claimant.id is None


def test_a_description_may_stand_for_a_person_the_articles_claims_only_mention() -> None:
    known = MemoryRegistry()
    known.add(file_claims(_described("r1", DESCRIBED["r1"]), known))
    claims = _described("m1", [("Hillary Clinton", None), ("The GOP nominee", "nominee")])
    trump = EntityMention("Trump", (3, 8), "Donald Trump", "person")  # "Clinton attacked Trump ..."
    claims[0] = replace(claims[0], entities=[trump])
    described = file_claims(claims, known).claims[1].claimant
    assert (described.id, described.name) == (identity_id("donald trump"), "Donald Trump")
    # Mentioned by a surname alone, no one: the article's fullest name is what the key reads.
    claims[0] = replace(claims[0], entities=[replace(trump, canonical="Trump")])
    assert file_claims(claims, known).claims[1].claimant.id is None


def test_the_roles_an_article_gives_first_are_what_ingest_files_earlier_descriptions_by() -> None:
    earlier = MemoryRegistry()
    earlier.add(file_claims(_described("r2", DESCRIBED["r2"]), earlier))  # no role for him yet
    r1 = updated_identities(file_claims(_described("r1", DESCRIBED["r1"]), earlier), earlier)
    gained = roles_gained(r1, earlier)
    assert gained == sorted(
        [
            frozenset({"republican", "presidential", "nominee"}),
            frozenset({"republican", "vice", "presidential", "nominee"}),
        ],
        key=sorted,
    )
    # Known already, or a role of one word, which holds no description of two: none.
    known = Overlaid(earlier, r1)
    assert roles_gained(r1, known) == []
    senator = updated_identities(
        file_claims(_described("s1", [("Bernie Sanders", "Sen.")]), earlier), earlier
    )
    assert roles_gained(senator, earlier) == []
    # How a source may write them, as the index keeps a source's words.
    assert source_forms(frozenset({"republican", "frontrunner"})) == {
        "republican",
        "gop",
        "frontrunner",
        "front",
        "runner",
    }
    assert source_words("The GOP front-runner").split()[1:] == ["gop", "front", "runner"]
    # Which unfiled claimants one of them may describe: a description of a person of two
    # words or more that the role holds, and nothing filed or bare.
    r2 = file_claims(_described("r2", DESCRIBED["r2"]), earlier).claims
    assert [may_describe(c.claimant, gained) for c in r2] == [False, False, True, False]


def test_an_indexed_articles_descriptions_are_filed_as_reindex_would_and_nothing_else_moves() -> None:
    registry = MemoryRegistry()
    held = file_claims(_described("r2", DESCRIBED["r2"]), registry)
    registry.add(held)
    # Before any article gives him the role: nothing to file.
    assert descriptions_now_filed(held.claims, registry).claims == []
    r1 = updated_identities(file_claims(_described("r1", DESCRIBED["r1"]), registry), registry)
    ahead = Overlaid(registry, r1)  # the registry as it will be once r1 is indexed
    now = descriptions_now_filed(held.claims, ahead)
    donald = identity_id("donald trump")
    assert [(c.id, c.claimant.id, c.claimant.name) for c in now.claims] == [
        (held.claims[2].id, donald, "Donald Trump")
    ]
    assert now.keys == {donald: "donald trump"}
    # The same claim as `reindex` files it from both articles.
    pairs, _ = file_all(
        lambda: [(Article(a, "x", "t", a), _described(a, DESCRIBED[a])) for a in ("r2", "r1")]
    )
    assert now.claims[0] == {a.id: claims for a, claims in pairs}["r2"][2]
    # Filed already: nothing more.
    again = [now.claims[0] if c.id == now.claims[0].id else c for c in held.claims]
    assert descriptions_now_filed(again, ahead).claims == []


def test_the_overlaid_registry_reads_the_identities_about_to_be_put_first() -> None:
    registry = _registered({"o1": [("Barack Obama", "person", "Barack Obama")]})
    new = updated_identities(
        file_claims(_claims("o2", [("Michelle Obama", "person", "Michelle Obama")]), registry), registry
    )
    ahead = Overlaid(registry, new)
    barack, michelle = identity_id("barack obama"), identity_id("michelle obama")
    assert set(ahead.get_claimants([barack, michelle, "p-none"])) == {barack, michelle}
    assert sorted(c.id for c in ahead.claimants_with_surname("obama")) == sorted([barack, michelle])
    assert [c.id for c in registry.claimants_with_surname("obama")] == [barack]


def _filed(article: str, rows: list[tuple[str, str | None]]) -> list[Claim]:
    """`_described`'s claims filed on their own (each name its own identity)."""
    return file_claims(_described(article, rows), MemoryRegistry()).claims


def test_what_an_edit_takes_back_is_what_only_the_replaced_claims_said() -> None:
    before = _filed("e1", [("Donald Trump", "Republican nominee"), ("Mike Pence", None)])
    donald, mike = identity_id("donald trump"), identity_id("mike pence")
    same = _filed("e1", [("Mike Pence", None), ("Donald Trump", "Republican nominee")])
    assert said_only_before((c.claimant for c in before), (c.claimant for c in same)) == set()
    # A role no claim gives now, a mention written another way, a claimant gone.
    retitled = _filed("e1", [("Donald Trump", "businessman"), ("Mike Pence", None)])
    assert said_only_before((c.claimant for c in before), (c.claimant for c in retitled)) == {donald}
    renamed = [replace(c, claimant=replace(c.claimant, mention="Mr. Pence")) for c in before]
    assert said_only_before((c.claimant for c in before), (c.claimant for c in renamed)) == {donald, mike}
    assert said_only_before((c.claimant for c in before), ()) == {donald, mike}  # a delete
    # More said now than before: merging already holds it.
    more = _filed("e1", [("Donald Trump", "Republican nominee"), ("Mike Pence", "governor")])
    assert said_only_before((c.claimant for c in before), (c.claimant for c in more)) == set()


def test_an_identity_derived_again_is_what_its_claims_say_and_none_without_claims() -> None:
    registry = MemoryRegistry()
    for article, rows in [("e1", [("Donald Trump", "Republican nominee")]), ("e2", [("Donald Trump", None)])]:
        registry.add(file_claims(_described(article, rows), registry))
    donald = identity_id("donald trump")
    held = registry.identities[donald]
    assert held.roles == ["Republican nominee"]
    # e1's claim edited to another role: what a registry filed from the claims now held gives.
    now = [*_filed("e1", [("Donald Trump", "businessman")]), *_filed("e2", [("Donald Trump", None)])]
    again = rederived(held, tallies(c.claimant for c in now)[donald])
    fresh = MemoryRegistry()
    for article in ("e1", "e2"):
        fresh.add(file_claims([c for c in now if c.article_id == article], fresh))
    assert again == fresh.identities[donald]
    assert again is not None and again.roles == ["businessman"]
    # No claim left: no identity; a pointer holds none by design and stays.
    assert rederived(held, {}) is None
    pointer = replace(held, id=identity_id("trump"), merged_into=donald, claims=0)
    assert rederived(pointer, {}) == pointer


def test_an_identity_put_as_held_now_is_the_one_given_when_no_writer_came_between() -> None:
    registry = MemoryRegistry()
    registry.add(
        file_claims(_described("h1", [("Donald Trump", "businessman"), ("Mike Pence", None)]), registry)
    )
    filed = file_claims(
        _described("h2", [("Donald Trump", "Republican nominee"), ("Mike Pence", "governor")]), registry
    )
    given = updated_identities(filed, registry)
    own = tallies(c.claimant for c in filed.claims)
    held = registry.get_claimants([i.id for i in given])
    assert [as_held_now(i, held.get(i.id), own.get(i.id, {})) for i in given] == given
    # Another writer took "businessman" back and gave "candidate" meanwhile: held now says so.
    donald = identity_id("donald trump")
    now = replace(held[donald], roles=["candidate"])
    put = as_held_now(next(i for i in given if i.id == donald), now, own[donald])
    assert put.roles == ["candidate", "Republican nominee"]


def test_a_persons_alias_is_the_name_without_the_possessive_its_mention_was_written_with() -> None:
    # "Trump’s plan would ...", "Sanders' campaign said": the source as written is a possessive;
    # the alias is the name a reader types. A body's mention may end so ("McDonald's").
    rows = [
        ("Donald Trump", "person", "Donald Trump"),
        ("Donald Trump", "person", "Trump’s"),
        ("Donald Trump", "person", "Mr. Trump's"),
        ("Bernie Sanders", "person", "Sanders'"),
        ("McDonald's Corporation", "organisation", "McDonald's"),
    ]
    identities = updated_identities(file_claims(_claims("p1", rows), MemoryRegistry()), MemoryRegistry())
    aliases = {identity.name: set(identity.aliases) for identity in identities}
    assert aliases["Donald Trump"] == {"Donald Trump", "Trump", "Mr. Trump"}
    assert aliases["Bernie Sanders"] == {"Bernie Sanders", "Sanders"}
    assert "McDonald's" in aliases["McDonald's Corporation"]
