"""Within-article claimant resolution, on real sentences through the real spaCy pipeline.

Each test gives the resolver the spans an attribution finder would (source, cue,
content), so what is tested is the resolution, not the finder.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from spacy.tokens import Doc

from claimsearch.extract.claimant import ClaimantResolver
from claimsearch.extract.entities import entity_mentions
from claimsearch.extract.genders import person_genders
from claimsearch.extract.nlp import parse
from claimsearch.extract.noun_phrases import head_of
from claimsearch.model import Claimant, EntityMention, Span


@dataclass(frozen=True)
class Said:
    """One attribution, by its words: `source` (the nth occurrence of it), cue, content."""

    source: str
    cue: str
    content: str
    nth: int = 0


def _span(text: str, words: str, nth: int = 0, after: int = 0) -> Span:
    start = after - 1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return (start, start + len(words))


def resolve_all(text: str, *attributions: Said) -> list[Claimant]:
    """The claimants of the attributions, resolved in order as `build_claims` does."""
    doc = parse(text)
    resolver = ClaimantResolver(doc, entity_mentions(doc, []))
    claimants = []
    for said in attributions:
        source = _span(text, said.source, said.nth)
        cue = _span(text, said.cue, after=source[0]) if said.cue else None
        content = _span(text, said.content)
        claimants.append(resolver.resolve([source], cue, [content]))
    return claimants


def resolve(text: str, source: str, cue: str, content: str, nth: int = 0) -> Claimant:
    return resolve_all(text, Said(source, cue, content, nth))[-1]


def canonicals(text: str) -> dict[str, set[str]]:
    """Each person mention's text -> the canonical names it was given."""
    found: dict[str, set[str]] = {}
    mentions: list[EntityMention] = entity_mentions(parse(text), [])
    for mention in mentions:
        if mention.type == "person":
            found.setdefault(mention.text, set()).add(mention.canonical)
    return found


# -- 1. a pronoun or relative word is never a name --------------------------------------


@pytest.mark.parametrize(
    ("text", "source", "kind"),
    [
        ("He said the plan would fail.", "He", "person"),
        ("She told reporters the vote was rigged.", "She", "person"),
        ("I believe the plan will fail.", "I", "person"),
        ("They said the plan would fail.", "They", "group"),
        ("We know the plan will fail.", "We", "group"),
        ("Some said the plan would fail.", "Some", "group"),
    ],
)
def test_unresolved_pronoun_has_no_name(text: str, source: str, kind: str) -> None:
    claimant = resolve(text, source, text.split()[1], "the plan" if "plan" in text else "the vote")
    assert claimant.name is None
    assert claimant.mention == source
    assert claimant.span == (0, len(source))
    assert claimant.type == kind


@pytest.mark.parametrize("source", ["There", "This"])
def test_function_word_alone_is_no_name(source: str) -> None:
    text = f"{source} is still no evidence about the plan, the senator said."
    claimant = resolve(text, source, "is", "no evidence about the plan")
    assert claimant.name is None
    assert claimant.mention == source


def test_mention_cut_to_an_article_is_named_by_its_noun() -> None:
    # An attribution finder may give "The" of "The director" as the source.
    text = "The director said the film was about American history."
    claimant = resolve(text, "The", "said", "the film was about American history")
    assert claimant.name == "The director"
    assert claimant.mention == "The"


def test_mention_cut_to_a_title_is_named_by_the_person() -> None:
    text = "Barack Obama spoke in Chicago on Monday. Later, Mr. Obama said the climate deal would hold."
    source = _span(text, "Mr. Obama")
    doc = parse(text)
    claimant = ClaimantResolver(doc, entity_mentions(doc, [])).resolve([(source[0], source[0] + 2)])
    assert claimant.mention == "Mr"
    assert claimant.name == "Barack Obama"


@pytest.mark.parametrize(
    ("text", "source", "cue", "content"),
    [
        (
            "The aircraft was insured at a value of $35 million in 2011, records show, and it flies.",
            "records",
            "show",
            "The aircraft was insured at a value of $35 million in 2011",
        ),
        (
            "A company gave $5,000 to the PAC on June 27, 2014, campaign finance records show.",
            "campaign finance records",
            "show",
            "A company gave $5,000 to the PAC on June 27, 2014",
        ),
        (
            "This year is different, conventional wisdom dictates, because voters are angry.",
            "conventional wisdom",
            "dictates",
            "This year is different",
        ),
    ],
)
def test_a_name_never_takes_in_the_cue(text: str, source: str, cue: str, content: str) -> None:
    # The parser reads "records show" as one noun phrase headed by "show": the source is
    # "records", and "show" is what they do, not part of who they are.
    claimant = resolve(text, source, cue, content)
    cue_at = _span(text, cue, after=text.index(source))
    assert claimant.name_span is None or claimant.name_span[1] <= cue_at[0]
    assert claimant.name is None or cue not in claimant.name.split()


@pytest.mark.parametrize(
    ("text", "source", "cue", "content", "name"),
    [
        # The parser hangs "The", "Sanders" and "campaign" on "projects": the description is
        # the mention's words, not the cue's noun phrase.
        (
            "The Sanders campaign projects that it will win the state by ten points.",
            "The Sanders campaign",
            "projects",
            "it will win the state by ten points",
            "The Sanders campaign",
        ),
        # An adjective leaning on a noun cue is what the cue is about, not who: no name.
        (
            "The European reluctance to act on refugees is clear to everyone.",
            "European",
            "reluctance",
            "to act on refugees",
            None,
        ),
    ],
)
def test_a_mention_leaning_on_its_cue_is_named_by_its_own_words(
    text: str, source: str, cue: str, content: str, name: str | None
) -> None:
    assert resolve(text, source, cue, content).name == name


# -- 2. relative pronouns and appositives resolve to their antecedent -------------------


def test_who_resolves_to_the_person_it_follows() -> None:
    text = "The bill was opposed by Senator Elizabeth Warren, who said it would hurt consumers."
    claimant = resolve(text, "who", "said", "it would hurt consumers")
    assert claimant.name == "Elizabeth Warren"
    assert claimant.type == "person"
    assert claimant.mention == "who"
    assert text[slice(*claimant.span)] == "who"  # the span stays the source's


@pytest.mark.parametrize(
    ("text", "cue", "content", "name"),
    [
        # The second of two relative clauses, coordinated with the first.
        (
            "Senator Ted Cruz of Texas, who last year threatened to shut down the government, and who"
            " has been hoping to win evangelicals, said he would run.",
            "has been hoping",
            "to win evangelicals",
            "Ted Cruz",
        ),
        # "who" hung on the auxiliary.
        (
            "That could be a strong argument for the elder Mr. Murdoch, who is by all accounts"
            " enjoying his new life.",
            "is by all accounts enjoying",
            "his new life",
            "Murdoch",
        ),
    ],
)
def test_who_resolves_to_the_person_wherever_the_parser_hangs_it(
    text: str, cue: str, content: str, name: str
) -> None:
    who = text.count("who") - 1
    claimant = resolve(text, "who", cue, content, nth=who)
    assert (claimant.name, claimant.type) == (name, "person")


@pytest.mark.parametrize(
    ("text", "relative", "nth", "cue", "content", "name"),
    [
        # The parser joins "who hoped" to "that killed", the clause of "the raid": no one.
        (
            "A president who authorized the raid that killed Osama bin Laden and who hoped to leave"
            " office having ended two wars has unsettled many.",
            "who",
            1,
            "hoped",
            "to leave office having ended two wars",
            None,
        ),
        # A relative clause after a preposition is no part of the antecedent's name.
        (
            "The advocacy group Campaign for an Independent and Neutral Switzerland, or AUNS, in which"
            " Blocher played a founding role, and which supported his rise, is planning a referendum.",
            "which",
            1,
            "supported",
            "his rise",
            "The advocacy group Campaign for an Independent and Neutral Switzerland, or AUNS",
        ),
    ],
)
def test_what_a_second_relative_clause_stands_for(
    text: str, relative: str, nth: int, cue: str, content: str, name: str | None
) -> None:
    assert resolve(text, relative, cue, content, nth=nth).name == name


def test_which_resolves_to_the_document_it_follows() -> None:
    text = "The committee published a report, which found that wages had fallen sharply."
    claimant = resolve(text, "which", "found", "wages had fallen sharply")
    assert claimant.name == "a report"
    assert claimant.type == "document"


@pytest.mark.parametrize(
    ("text", "relative", "cue", "content", "name"),
    [
        (
            '"It was a great day," said Alan Berger, a gynecologist from Englewood, New Jersey, who'
            " said he is friends with Trump.",
            "who",
            "said",
            "he is friends with Trump",
            "Alan Berger",
        ),
        (
            "That is not good enough, said Howard Rubel, a senior analyst at Jefferies, who notes"
            " that the costs are rising.",
            "who",
            "notes",
            "the costs are rising",
            "Howard Rubel",
        ),
        (
            "The case drew First Amendment activists, including the ACLU of Oregon, which released"
            " a statement saying the arrest was wrong.",
            "which",
            "released a statement saying",
            "the arrest was wrong",
            "ACLU",
        ),
        # A place of its own, after no preposition, stays the place.
        ("The campaign sent its staff to Iowa, which said the race was close.", "which", "said",
         "the race was close", "Iowa"),
        # After a time, no one.
        ("Republicans in Ohio are keen to re-elect Sen. Rob Portman this year, who endorsed Trump"
         " in May.", "who", "endorsed", "Trump", None),
    ],
)  # fmt: skip
def test_a_relative_after_a_place_stands_for_whom_the_place_describes(
    text: str, relative: str, cue: str, content: str, name: str | None
) -> None:
    assert resolve(text, relative, cue, content).name == name


def test_a_source_that_is_a_clause_names_its_subject() -> None:
    text = (
        "There is a lot of chatter about Perez, who is the most animated on stage this morning,"
        ' saying "Zip codes should not determine destiny."'
    )
    claimant = resolve(text, "who is the most animated on stage this morning", "saying", "Zip codes")
    assert claimant.name == "Perez"
    assert claimant.mention == "who is the most animated on stage this morning"


def test_a_source_opening_on_a_preposition_names_its_object() -> None:
    text = "Evangelicals are uniting around the campaign of Sen. Ted Cruz, whose aides say he will win."
    assert resolve(text, "of Sen. Ted Cruz", "", "he will win").name == "Ted Cruz"


def test_a_source_opening_on_a_conjunction_names_what_follows() -> None:
    text = "Reps. Chris Collins and Duncan Hunter on Wednesday endorsed Donald Trump, saying he would win."
    assert resolve(text, "and Duncan Hunter", "", "he would win").name == "Duncan Hunter"


def test_many_named_in_their_own_apposition_are_filed_under_the_first() -> None:
    text = "Two objectors, Lawrence Joyce and William Graham, had challenged his eligibility to run."
    source = "Two objectors, Lawrence Joyce and William Graham"
    assert resolve(text, source, "had challenged", "his eligibility").name == "Lawrence Joyce"


def test_a_pronoun_is_not_the_one_who_asked_it_a_question() -> None:
    text = (
        "Donald Trump spoke first. When pressed by Holt about how he would bring jobs back, his"
        " best response was to say he would stop companies from leaving."
    )
    asker = resolve_all(
        text,
        Said("Holt", "", "about how he would bring jobs back"),
        Said("his", "best response was to say", "he would stop companies from leaving"),
    )
    assert [c.name for c in asker] == ["Holt", "Donald Trump"]


@pytest.mark.parametrize(
    ("words", "heads", "deps", "pos", "mention", "head"),
    [
        # A noun phrase read as a verb and its object: "leaked documents from his tax return".
        (
            ["leaked", "documents", "from", "his", "tax", "return", "show", "a", "loss"],
            [6, 0, 1, 5, 5, 2, 6, 8, 6],
            ["csubj", "dobj", "prep", "poss", "compound", "pobj", "ROOT", "det", "dobj"],
            ["VERB", "NOUN", "ADP", "PRON", "NOUN", "NOUN", "VERB", "DET", "NOUN"],
            (0, 6),
            "documents",
        ),
        # An owner read as a subject: "The Republican Party's presumed nominee".
        (
            ["The", "Party", "'s", "presumed", "nominee", "won"],
            [1, 3, 1, 5, 3, 5],
            ["det", "nsubj", "case", "ccomp", "dobj", "ROOT"],
            ["DET", "PROPN", "PART", "VERB", "NOUN", "VERB"],
            (0, 5),
            "nominee",
        ),
        # A source opening on "such as".
        (
            ["supporters", "such", "as", "Bob", "Corker", "said"],
            [5, 2, 0, 4, 2, 5],
            ["nsubj", "amod", "prep", "compound", "pobj", "ROOT"],
            ["NOUN", "ADJ", "ADP", "PROPN", "PROPN", "VERB"],
            (1, 5),
            "Corker",
        ),
        # A gerund with an owner ("Clinton's framing glosses over ..."): what is owned is the
        # mention, its owner its author.
        (
            ["Clinton", "'s", "framing", "glosses"],
            [2, 0, 3, 3],
            ["nsubj", "case", "csubj", "ROOT"],
            ["PROPN", "PART", "VERB", "VERB"],
            (0, 3),
            "framing",
        ),
        # A verb alone heads no name.
        (
            ["rolling", "shows", "gains"],
            [1, 1, 1],
            ["csubj", "ROOT", "dobj"],
            ["VERB", "VERB", "NOUN"],
            (0, 1),
            None,
        ),
    ],
)
def test_the_head_of_a_mention_the_parser_misread(
    words: list[str],
    heads: list[int],
    deps: list[str],
    pos: list[str],
    mention: tuple[int, int],
    head: str | None,
) -> None:
    # Sentences as the parser read them in their articles (its parse of them alone differs).
    doc = Doc(parse("x").vocab, words=words, heads=heads, deps=deps, pos=pos)
    found = head_of(list(doc[mention[0] : mention[1]]))
    assert (found.text if found is not None else None) == head


def test_a_description_after_a_name_and_its_comma_is_that_person() -> None:
    # The parser reads "the chairwoman" as the subject and the name as a loose modifier.
    text = (
        "“He looked me right in the eye and said you need to tell me what does it take to win in"
        " this county,” Deborah Tamargo, the chairwoman of Florida’s Hillsborough County GOP,"
        " recalled of a June conversation she had with Trump."
    )
    source = "the chairwoman of Florida’s Hillsborough County GOP"
    assert resolve(text, source, "recalled", "He looked me right in the eye").name == "Deborah Tamargo"


def test_a_description_after_a_name_with_a_part_of_its_own_is_not_that_person() -> None:
    text = "In a letter to Senator John Smith, the attorney general wrote that the law was void."
    claimant = resolve(text, "the attorney general", "wrote", "the law was void")
    assert claimant.name == "the attorney general"
    text = (
        "In an interview with Morning Joe hosts Joe Scarborough and Mika Brzezinski, the Democratic"
        " presidential candidate stated that the comments did not fit."
    )
    claimant = resolve(text, "the Democratic presidential candidate", "stated", "the comments")
    assert claimant.name != "Mika Brzezinski"


def test_many_described_beside_a_name_are_not_that_person() -> None:
    text = "Supporters of her opponent, Sen. Bernie Sanders, said the primary had been rigged."
    claimant = resolve(text, "Supporters of her opponent, Sen. Bernie Sanders", "said", "the primary")
    assert claimant.name != "Bernie Sanders"
    assert claimant.type == "group"


def test_name_in_apposition_after_a_role_names_the_claimant() -> None:
    text = "The head of NK Watch, Ahn Myeong-chul, said the money was spent on luxury goods."
    claimant = resolve(text, "The head of NK Watch, Ahn Myeong-chul", "said", "the money was spent")
    assert claimant.name == "Ahn Myeong-chul"
    assert claimant.type == "person"


TRUMP_SPOKE = "Donald Trump spoke in Ohio on Monday. "


@pytest.mark.parametrize(
    ("text", "said", "name", "kind"),
    [
        (
            TRUMP_SPOKE + "Trump's plan would cut taxes for every family, aides said.",
            Said("Trump's plan", "would cut", "taxes for every family"),
            "Donald Trump",
            "person",
        ),
        (
            "Ouisa Davis' commentary says there are conflicting stories about the visa.",
            Said("Ouisa Davis' commentary", "says", "there are conflicting stories about the visa"),
            "Ouisa Davis",
            "person",
        ),
        (
            "The GOP's complaint to the bar argues that the lawyer broke its rules.",
            Said("The GOP's complaint to the bar", "argues", "the lawyer broke its rules"),
            "GOP",
            "organisation",
        ),
    ],
)
def test_a_work_claims_what_its_named_author_does(text: str, said: Said, name: str, kind: str) -> None:
    claimant = resolve_all(text, said)[-1]
    assert (claimant.name, claimant.type) == (name, kind)
    assert claimant.mention == said.source  # the words stay the text's


@pytest.mark.parametrize(
    "said",
    [
        Said("Donald Trump's spokesman", "said", "the report was false"),
        Said("Donald Trump's campaign", "said", "the report was false"),
        Said("Mr. Trump's returns", "show", "the report was false"),
    ],
)
def test_people_and_things_a_name_owns_are_not_that_name(said: Said) -> None:
    """A spokesman or a campaign speaks for itself, and returns are about their owner more
    than by them: none of them is filed under the owner."""
    text = f"{TRUMP_SPOKE}{said.source} {said.cue} that {said.content}."
    claimant = resolve_all(text, said)[-1]
    assert claimant.name is not None
    assert claimant.name not in ("Donald Trump", "Trump")


@pytest.mark.parametrize(
    ("text", "source", "name"),
    [
        (
            "Commentary's Noah Rothman wrote that the race was over.",
            "Commentary's Noah Rothman",
            "Noah Rothman",
        ),
        ("Spokeswoman Haley Morris said the plan was final.", "Spokeswoman Haley Morris", "Haley Morris"),
        ("Phoenix Mayor Greg Stanton said the city was ready.", "Phoenix Mayor Greg Stanton", "Greg Stanton"),
    ],
)
def test_a_given_name_after_an_owner_or_a_role_names_a_person(text: str, source: str, name: str) -> None:
    """NER reads these as a body or nothing; a census given name and a surname say a person."""
    cue = "wrote" if "wrote" in text else "said"
    claimant = resolve(text, source, cue, text.split(f"{cue} ")[1].rstrip("."))
    assert (claimant.name, claimant.type) == (name, "person")
    assert claimant.organization is None or name not in claimant.organization


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("The Orlando Sentinel said the city was ready.", "The Orlando Sentinel"),  # a given name, a body
        # "campaign", a noun the article writes in lower case too: no surname
        (
            "The Clinton Campaign said the city was ready. The campaign planned a visit.",
            "The Clinton Campaign",
        ),
    ],
)
def test_a_body_named_with_a_given_name_stays_a_body(text: str, source: str) -> None:
    claimant = resolve(text, source, "said", "the city was ready")
    assert claimant.type != "person"


def test_an_acronym_read_as_a_body_is_no_ones_surname() -> None:
    # NER reads "Junge SVP" (the party's youth wing) as a person; "the SVP" is the party.
    party = resolve(
        "The SVP led a series of referenda against proposals to allow foreigners to vote. In"
        " 2013, its youth wing, Junge SVP, went a step further. The Junge SVP launched a"
        " referendum in Bern. Moreover, the SVP has called a referendum against the"
        " government's refugee proposals.",
        "the SVP",
        "has called",
        "a referendum against the government's refugee proposals",
    )
    # "U.N." keyed is "un", the last word of Kim Jong Un.
    united_nations = resolve(
        "North Korea's leader, Kim Jong Un, ordered the test. The U.N. imposed sanctions in"
        " March. The U.N., which in March imposed the harshest sanctions ever, called the"
        " test a violation.",
        "The U.N.",
        "called",
        "the test a violation",
    )
    assert (party.name, party.type) == ("SVP", "organisation")
    assert (united_nations.name, united_nations.type) == ("U.N.", "organisation")


# -- 3. every mention chains to the fullest name the article gives ----------------------

TRUMP = (
    "Donald J. Trump spoke at a rally in Ohio on Monday. Donald Trump later flew to Florida. "
    "There, Mr. Trump said the election was rigged. Trump also said that trade deals were bad. "
    "He said the polls were wrong."
)


def test_title_and_surname_chain_to_the_fullest_name() -> None:
    mr_trump, trump, he = resolve_all(
        TRUMP,
        Said("Mr. Trump", "said", "the election was rigged"),
        Said("Trump", "said", "trade deals were bad", nth=3),
        Said("He", "said", "the polls were wrong"),
    )
    assert mr_trump.name == "Donald J. Trump"
    assert trump.name == "Donald J. Trump"
    assert he.name == "Donald J. Trump"
    assert {mr_trump.type, trump.type, he.type} == {"person"}


def test_middle_initial_makes_no_difference_and_titles_are_cut() -> None:
    found = canonicals(TRUMP)
    assert found["Donald Trump"] == {"Donald J. Trump"}
    assert found["Trump"] == {"Donald J. Trump"}  # "Mr." is not part of the mention
    assert canonicals("Sen. Ted Cruz spoke on Monday. Cruz said he would vote.")["Cruz"] == {"Ted Cruz"}


def test_bare_surname_resolves_to_the_full_name() -> None:
    text = (
        "Attorney General Loretta E. Lynch spoke to reporters on Tuesday about the inquiry. "
        "Lynch said the department would review the case."
    )
    claimant = resolve(text, "Lynch", "said", "the department would review the case", nth=1)
    assert claimant.name == "Loretta E. Lynch"
    assert claimant.type == "person"


def test_given_name_alone_joins_the_one_person_with_it() -> None:
    text = "Hillary Clinton spoke in Ohio on Monday. Voters cheered when Hillary said she would win."
    claimant = resolve(text, "Hillary", "said", "she would win", nth=1)
    assert claimant.name == "Hillary Clinton"


def test_epithet_glued_to_a_known_name_is_cut() -> None:
    text = (
        "Hillary Clinton spoke in Ohio on Monday. Hillary Clinton then flew to Iowa. "
        "Trump wrote that he had beaten Crooked Hillary Clinton in the debate."
    )
    assert canonicals(text)["Hillary Clinton"] == {"Hillary Clinton"}
    assert "Crooked Hillary Clinton" not in {c for names in canonicals(text).values() for c in names}


def test_a_surname_ner_reads_as_a_place_is_the_person_named_in_full() -> None:
    # spaCy tags "Kasich" GPE (110 times in one article); "in Washington" is still a place
    # beside Kerry Washington.
    text = (
        "On a snowy final day of campaigning in New Hampshire, John Kasich is reflecting on"
        " lessons from his parents’ death in 1987.\n\nKasich has taken to urging voters to slow"
        " down in their everyday lives.\n\nKasich’s parents died in a car crash in 1987."
    )
    assert canonicals(text)["Kasich"] == {"John Kasich"}
    text = "Kerry Washington spoke at the convention. She then flew back to Washington."
    assert "Washington" not in canonicals(text)


# -- 4. people who share a surname stay apart -------------------------------------------


def test_junior_stays_apart_from_his_father() -> None:
    text = (
        "Donald Trump Jr. spoke at a rally in Ohio. His father, Donald Trump, spoke in Florida. "
        "Trump Jr. said the campaign was strong. Trump said the polls were wrong."
    )
    junior, father = resolve_all(
        text,
        Said("Trump Jr.", "said", "the campaign was strong"),
        Said("Trump", "said", "the polls were wrong", nth=3),
    )
    assert junior.name == "Donald Trump Jr."
    assert father.name == "Donald Trump"


def test_a_surname_is_the_one_person_the_article_names_with_a_suffix() -> None:
    # No one else in the article is a Biden: the suffix tells namesakes apart, and there is none.
    text = (
        "Vice President Joseph R. Biden Jr. spoke at the rally in Scranton. "
        "Mr. Biden said the economy was getting stronger."
    )
    claimant = resolve(text, "Mr. Biden", "said", "the economy was getting stronger")
    assert (claimant.name, claimant.type) == ("Joseph R. Biden Jr.", "person")
    assert canonicals(text)["Biden"] == {"Joseph R. Biden Jr."}


def test_namesake_just_written_in_full_takes_the_bare_surname() -> None:
    text = (
        "Hillary Clinton campaigned in Ohio on Monday. Bill Clinton visited a school in Iowa. "
        "Clinton said the schools needed more money."
    )
    claimant = resolve(text, "Clinton", "said", "the schools needed more money", nth=2)
    assert claimant.name == "Bill Clinton"
    assert canonicals(text)["Hillary Clinton"] == {"Hillary Clinton"}


def test_namesake_written_in_full_most_often_takes_a_distant_bare_surname() -> None:
    text = (
        "Hillary Clinton campaigned in Ohio on Monday. Bill Clinton visited a school in Iowa. "
        "Hillary Clinton then spoke in Iowa. The weather was cold. Many voters stayed at home. "
        "Turnout was low across the state. Clinton said the schools needed more money."
    )
    claimant = resolve(text, "Clinton", "said", "the schools needed more money", nth=3)
    assert claimant.name == "Hillary Clinton"


@pytest.mark.parametrize(
    ("text", "said", "name"),
    [
        # Her husband is named in full three times, but only after her bare surname.
        (
            "Betsy Ebeling grew up in Park Ridge, Illinois. The town was quiet then. "
            "Most families there voted Republican. Ebeling said she had been a Goldwater girl. "
            "The rally ran late. Tom Ebeling, her husband, stood near the stage. "
            "Tom Ebeling waved to the crowd. Tom Ebeling said the speech was long.",
            Said("Ebeling", "said", "she had been a Goldwater girl", nth=1),
            "Betsy Ebeling",
        ),
        (
            "Hillary Clinton spoke in Ohio on Monday. The hall was full. Many voters had waited "
            "for hours. Clinton said the plan would create jobs. The crowd cheered. Bill Clinton "
            "spoke next. Bill Clinton thanked the crowd. Bill Clinton said the race was close.",
            Said("Clinton", "said", "the plan would create jobs", nth=1),
            "Hillary Clinton",
        ),
    ],
)  # fmt: skip
def test_a_bare_surname_is_no_namesake_named_in_full_only_after_it(text: str, said: Said, name: str) -> None:
    # A bare surname cannot mean someone the article has not introduced yet, however often
    # it names them later.
    assert resolve_all(text, said)[0].name == name


# -- 5. a bare surname with no full name stays a person's surname -----------------------


def test_bare_surname_without_a_full_name_is_a_person() -> None:
    text = "The race is close. Barabak wrote that the race was close."
    claimant = resolve(text, "Barabak", "wrote", "the race was close", nth=0)
    assert claimant.name == "Barabak"
    assert claimant.type == "person"


# -- pronouns ---------------------------------------------------------------------------


def test_first_person_in_a_quotation_is_its_speaker() -> None:
    text = '"I think the deal is bad for workers," Senator Tom Smith said on Monday.'
    speaker, inner = resolve_all(
        text,
        Said("Senator Tom Smith", "said", "I think the deal is bad for workers"),
        Said("I", "think", "the deal is bad for workers"),
    )
    assert speaker.name == "Tom Smith"
    assert inner.name == "Tom Smith"
    assert inner.mention == "I"


def test_he_is_the_subject_of_the_sentence_before_not_its_object() -> None:
    text = "Donald Trump said Hillary Clinton had lied about her emails. He said she should apologize."
    claimant = resolve(text, "He", "said", "she should apologize")
    assert claimant.name == "Donald Trump"


def test_he_after_a_question_is_the_one_asked() -> None:
    text = (
        "Last month, reporter Scott Conroy asked Bernie Sanders if his age was fair game.\n\n"
        "“Sure it is. I would not run if I was not fit,” he said."
    )
    claimant = resolve(text, "he", "said", "Sure it is")
    assert claimant.name == "Bernie Sanders"
    # Asked in the pronoun's own sentence, the one asking still speaks.
    text = "Scott Conroy asked Bernie Sanders about his age, and he said it was a fair question."
    assert resolve(text, "he", "said", "it was a fair question").name == "Scott Conroy"


def test_she_skips_a_man_known_by_his_title() -> None:
    text = (
        "Mr. Tom Smith met Loretta Lynch on Monday. Mr. Smith said the meeting went well. "
        "She said the talks would continue."
    )
    claimant = resolve(text, "She", "said", "the talks would continue")
    assert claimant.name == "Loretta Lynch"


def test_she_is_not_taken_for_a_man_by_her_sons_apposition() -> None:
    # The parse hangs "son" from "Sanders" as an apposition; it is her son, not her: she
    # stays a woman, and "she" is her, not the man named last.
    text = (
        "Felicia Sanders and Polly Sheppard survived the shooting at the church last year."
        " Dylann Roof is accused of killing nine people inside the church, including Sanders’"
        " son, 26-year-old Tywanza. Sanders called her fallen son her hero.\n\n"
        "“Hate destroys those who harbor it,” she said on stage."
    )
    doc = parse(text)
    assert person_genders(doc, entity_mentions(doc, []))["Felicia Sanders"] == "female"
    assert resolve(text, "she", "said", "Hate destroys those who harbor it").name == "Felicia Sanders"


def test_one_pronoun_reporting_twice_stands_for_one_person() -> None:
    # The quotation names Reagan; what "recalling" reports names him again, outside it: the
    # "she" of both reports is the one person, whom the quotation's own report resolves.
    text = (
        "Phyllis Schlafly, who died Monday, used her final column to praise Donald Trump.\n\n"
        "“His visit to Mexico reminds me of President Reagan’s important trip to Geneva in"
        " 1985,” she wrote, recalling the meeting between Reagan and Mikhail Gorbachev."
    )
    wrote, recalling = resolve_all(
        text,
        Said("she", "wrote", "His visit to Mexico reminds me of President Reagan’s important trip"),
        Said("she", "recalling", "the meeting between Reagan and Mikhail Gorbachev"),
    )
    assert wrote.name == "Phyllis Schlafly"
    assert recalling.name == "Phyllis Schlafly"


@pytest.mark.parametrize(
    ("text", "person", "not_gender", "source", "cue", "content", "name"),
    [
        # "him" is not Hillary Clinton, nor is "he", the subject of another clause; "He" in
        # the next paragraph is her husband.
        (
            "Bill Clinton campaigned in Nashua. The former president gave an endorsement of"
            " Hillary Clinton. After Hillary Clinton accused him of sexism, he warned her. "
            "He did not mention his own impact on her prospects.",
            "Hillary Clinton",
            "male",
            "He",
            "did not mention",
            "his own impact",
            "Bill Clinton",
        ),
        # "she" describes Louisville's student, not the subject of "would campaign"; read as
        # his, it made Donald J. Trump a woman, and every "Mr. Trump" went to another Trump.
        (
            "When Kashiya Nwanguma learned that Donald J. Trump would campaign in Louisville,"
            " Ky., where she is a student, she walked to the arena. A man wore a shirt that read"
            " 'Fascist Trump.' Security guards led him out. The crowd cheered. Later, Mr. Trump"
            " said the protesters were bad.",
            "Donald J. Trump",
            "female",
            "Mr. Trump",
            "said",
            "the protesters were bad",
            "Donald J. Trump",
        ),
        # "her counterpart" says whose counterpart he is: her, not the name.
        (
            "Patricia Dunn had considered splitting the company in half. One obstacle"
            " disappeared when Michael Capellas, her counterpart at struggling Compaq, called"
            " with an offer. He said that in a merger the two companies would dominate.",
            "Michael Capellas",
            "female",
            "He",
            "said",
            "in a merger the two companies would dominate",
            "Michael Capellas",
        ),
    ],
)
def test_a_pronoun_of_another_clause_or_noun_gives_no_gender(
    text: str, person: str, not_gender: str, source: str, cue: str, content: str, name: str
) -> None:
    doc = parse(text)
    assert person_genders(doc, entity_mentions(doc, [])).get(person) != not_gender
    assert resolve(text, source, cue, content).name == name


def test_a_common_word_glued_before_a_surname_is_no_namesake() -> None:
    # NER reads a shirt's "Fascist Trump" as a person; the article writes "fascist" as a word.
    text = (
        "Donald J. Trump held a rally in Concord on Monday. A man in the crowd wore a shirt that"
        " read ''Fascist Trump.'' Mr. Trump said the protesters were bad dudes. Critics have"
        " likened his rallies to fascist salutes."
    )
    assert resolve(text, "Mr. Trump", "said", "the protesters were bad dudes").name == "Donald J. Trump"


def test_they_stands_for_the_people_named_as_subject_before_it() -> None:
    text = (
        "According to the Post, Bush campaign officials looked into what the consequences would"
        " be. They determined that Bush would fail."
    )
    assert resolve(text, "They", "determined", "Bush would fail").name == "Bush campaign officials"


def test_it_stands_for_the_body_named_as_subject_before_it() -> None:
    text = (
        "Trump’s campaign immediately backtracked, putting out a statement contradicting his"
        " earlier comments. In cases of abortion, it said, the woman is a victim."
    )
    assert resolve(text, "it", "said", "the woman is a victim").name == "Trump’s campaign"
    # A body described ("the network") after a named body's claim is that body.
    text = (
        "Fox News said it would cover both conventions. With Roger Ailes at the helm, the network"
        " covered the convention with skepticism. It did not show the speech of Khizr Khan."
    )
    attributions = (
        Said("Fox News", "said", "it would cover both conventions"),
        Said("It", "did not show", "the speech of Khizr Khan"),
    )
    assert resolve_all(text, *attributions)[-1].name == "Fox News"


def test_it_stands_for_the_document_named_as_subject_before_it() -> None:
    text = "A new Quinnipiac University poll was released on Monday. It found that Clinton leads by six."
    claimant = resolve(text, "It", "found", "Clinton leads by six")
    assert (claimant.name, claimant.type) == ("A new Quinnipiac University poll", "document")
    # Not a document the sentence before only mentions: a body its subject names comes first.
    text = "The campaign released a report on Monday. It says that taxes will rise."
    assert resolve(text, "It", "says", "taxes will rise").name == "The campaign"
    text = "The report was released on Monday. It says that taxes will rise."
    claimant = resolve(text, "It", "says", "taxes will rise")
    assert (claimant.name, claimant.type) == ("The report", "document")
    # The object of the sentence before's main verb, where no subject there can be an "it".
    text = "The city sent a cease-and-desist letter Thursday. It says the campaign broke the law."
    claimant = resolve(text, "It", "says", "the campaign broke the law")
    assert (claimant.name, claimant.type) == ("a cease-and-desist letter", "document")


@pytest.mark.parametrize(
    ("text", "attributions", "name"),
    [
        # Not people named inside a quotation: its report's source is who "they" are.
        (
            "“In half an hour, the Paris attackers showed how deadly assault weapons can be,” the"
            " Daily News wrote. But they leave out a crucial point.",
            [
                Said("the Daily News", "wrote", "In half an hour, the Paris attackers showed how"),
                Said("they", "leave out", "a crucial point"),
            ],
            "Daily News",
        ),
        # Not a person's name the tagger reads as a plural ("Sanders": "sander").
        (
            "Sen. Bernie Sanders spoke in Iowa on Monday. Sanders is relying on the research of"
            " Emmanuel Saez. But when the numbers were updated in June, they showed that the top 1"
            " percent captured 58 percent.",
            [Said("they", "showed", "the top 1 percent captured 58 percent")],
            None,
        ),
        # Not a body named in the singular, an "it": what "they" stands for made no claim.
        (
            "HP said its forecasts for the merger were conservative. Instead, they proved wildly"
            " overstated.",
            [
                Said("HP", "said", "its forecasts for the merger were conservative"),
                Said("they", "proved", "wildly overstated"),
            ],
            None,
        ),
        (
            "The Huffington Post reported that the groups raised $3 million. These contributions"
            " complicate her debate line, but they don't tell where she would come down.",
            [
                Said("The Huffington Post", "reported", "the groups raised $3 million"),
                Said("they", "don't tell", "where she would come down"),
            ],
            None,
        ),
    ],
)  # fmt: skip
def test_they_is_not_anyone_quoted_nor_a_person(
    text: str, attributions: list[Said], name: str | None
) -> None:
    assert resolve_all(text, *attributions)[-1].name == name


def test_a_woman_ner_takes_for_a_body_is_a_person_by_her_pronoun() -> None:
    # spaCy tags "Carly Fiorina" and "Fiorina" ORG; her given name and "her" make her a
    # person, so "She" has someone to stand for.
    text = (
        "Carly Fiorina threw her support behind Sen. Ted Cruz on Wednesday, saying it is time for a"
        " real conservative. Fiorina made a surprise appearance at his rally in Miami.\n\n"
        "She applauded him for defying the establishment."
    )
    fiorina = {(e.text, e.type) for e in entity_mentions(parse(text), []) if "Fiorina" in e.text}
    assert fiorina == {("Carly Fiorina", "person"), ("Fiorina", "person")}
    assert resolve(text, "She", "applauded", "him for defying the establishment").name == "Carly Fiorina"
    # A body named after a person stays a body when the pronoun is its verb's object.
    text = "Clinton Foundation hired him in 2011 to run its programs."
    assert [e.type for e in entity_mentions(parse(text), []) if e.text == "Clinton Foundation"] == [
        "organisation"
    ]


@pytest.mark.parametrize(
    ("text", "name", "gender"),
    [
        # A kin word owned by a pronoun is someone else: his wife is not him.
        ("The slate included Gov. Jack Dalrymple, his wife, Betsy, and the endorsed candidates.",
         "Jack Dalrymple", "male"),
        # One owned by another name is the person it stands beside.
        ("Patti Davis, Ronald Reagan’s daughter, attacked Trump.", "Patti Davis", "female"),
    ],
)  # fmt: skip
def test_a_kin_word_in_apposition_is_the_persons_own_unless_owned(text: str, name: str, gender: str) -> None:
    doc = parse(text)
    assert person_genders(doc, entity_mentions(doc, []))[name] == gender


# -- namesakes of another gender ----------------------------------------------------------
# The article's words give no gender here; the given name does (`claimants.given_names`).


@pytest.mark.parametrize(
    ("text", "source", "content", "name"),
    [
        # "Mr." is not a woman known by her given name ...
        (
            "Michelle Obama visited a school in Ohio. Mr. Obama said the economy was strong.",
            "Mr. Obama", "the economy was strong", "Obama",
        ),
        # ... "Mrs." not a man known by his ...
        (
            "Bill Clinton visited a school in Iowa. Mrs. Clinton said the schools needed more money.",
            "Mrs. Clinton", "the schools needed more money", "Clinton",
        ),
        # ... and "She" skips him.
        (
            "Bill Clinton met Loretta Lynch on Monday. She said the talks would continue.",
            "She", "the talks would continue", "Loretta Lynch",
        ),
    ],
)  # fmt: skip
def test_a_given_name_keeps_namesakes_of_another_gender_apart(
    text: str, source: str, content: str, name: str
) -> None:
    assert resolve(text, source, "said", content).name == name


def test_a_bare_surname_is_the_namesake_named_most() -> None:
    # "President Obama" comes before any full name: the man called "Mr. Obama" three times,
    # not the woman named in full once at the end.
    text = (
        "President Obama spoke in Ohio on Monday. Mr. Obama said the economy was strong. "
        "Mr. Obama said jobs were growing. Mr. Obama thanked the crowd. "
        "The crowd cheered. Michelle Obama spoke later."
    )
    assert canonicals(text)["Obama"] == {"Obama"}
    assert canonicals(text)["Michelle Obama"] == {"Michelle Obama"}


# -- a relative word is no part of a name ---------------------------------------------------


def test_a_share_of_a_relatives_antecedent_is_no_name() -> None:
    text = "Dozens of senators came to the hearing, many of whom said the bill would fail."
    claimant = resolve(text, "many of whom", "said", "the bill would fail")
    assert claimant.name is None
    assert claimant.mention == "many of whom"


def test_a_leading_relative_word_is_cut_from_the_name() -> None:
    text = "Poland, whose leaders said the plan was weak, joined the talks."
    claimant = resolve(text, "whose leaders", "said", "the plan was weak")
    assert claimant.name == "leaders"
    assert claimant.name_span == _span(text, "leaders")
    # "what" the parser hangs on the noun as its determiner
    text = "Or you could do what a partner at Mr. Birdthistle's former firm told him and his colleagues."
    claimant = resolve(text, "a partner at Mr. Birdthistle's former firm", "told", "him and his colleagues")
    assert claimant.name == "a partner"


@pytest.mark.parametrize(
    ("text", "source", "cue", "content", "name"),
    [
        # A letter signed with a dash (NER takes the dash into the name).
        (
            "Readers wrote in.\n\u201cHow did we get this low?\u201d\u00a0\u2015 Jacklyn Ashley wrote.\n",
            "Jacklyn Ashley",
            "wrote",
            "How did we get this low?",
            "Jacklyn Ashley",
        ),
        # Markup left in the text, glued to the name.
        (
            'The rate is 12 percent.">Sanders said the rate was higher.',
            '">Sanders',
            "said",
            "the rate was higher",
            "Sanders",
        ),
    ],
)
def test_marks_at_a_names_edges_are_no_part_of_it(
    text: str, source: str, cue: str, content: str, name: str
) -> None:
    claimant = resolve(text, source, cue, content)
    assert claimant.name == name
    assert claimant.name_span == _span(text, name)


@pytest.mark.parametrize(
    ("text", "source"), [("He’s said it would pass.", "’s"), ("They’ve said it would pass.", "’ve")]
)
def test_what_is_left_of_a_contraction_names_no_one(text: str, source: str) -> None:
    assert resolve(text, source, "said", "it would pass").name is None


def test_an_entity_is_named_without_the_marks_before_it() -> None:
    # Letters signed with a dash: NER takes the first dash into the name.
    text = (
        "Readers wrote in.\n\u201cHow did we get this low?\u201d\u00a0\u2015 Jacklyn Ashley\u00a0\n"
        "\u201cTrump must stop it.\u201d\u00a0\u2015 Pamela Padilla\u00a0\n"
    )
    assert canonicals(text) == {"Jacklyn Ashley": {"Jacklyn Ashley"}, "Pamela Padilla": {"Pamela Padilla"}}


def test_a_name_stops_before_a_relative_clause() -> None:
    text = (
        "The plan favors the rich, according to an analysis by Lily Batchelder, a former tax aide, "
        "whose conclusions were seconded by the Tax Foundation."
    )
    claimant = resolve(
        text, "an analysis by Lily Batchelder, a former tax aide", "", "The plan favors the rich"
    )
    assert claimant.name == "Lily Batchelder, a former tax aide"
    assert claimant.name_span == _span(text, "Lily Batchelder, a former tax aide")


@pytest.mark.parametrize(
    ("text", "source", "cue", "content", "name", "kind"),
    [
        (  # a newspaper named by a document noun is a body
            "The judge's ruling stands, but the Washington Post reported the deal collapsed on Monday.",
            "the Washington Post",
            "reported",
            "the deal collapsed on Monday",
            "Washington Post",
            "organisation",
        ),
        (
            "The Post responded with a second critical piece, saying the plan was bold.",
            "The Post",
            "responded with",
            "the plan was bold",
            "Post",
            "organisation",
        ),
        (
            "National Review argued that the nominee was unfit.",
            "National Review",
            "argued",
            "the nominee was unfit",
            "National Review",
            "organisation",
        ),
        (  # in lower case, a document
            "Trump wrote on Facebook. His post said that the election was rigged.",
            "His post",
            "said",
            "the election was rigged",
            "His post",
            "document",
        ),
        (  # a document's author ends before the clause that says how the letter was had
            "A Feb. 1 letter from the American Legion obtained by The Associated Press warns "
            "that any further communication is futile.",
            "A Feb. 1 letter from the American Legion obtained by The Associated Press",
            "warns",
            "any further communication is futile",
            "the American Legion",
            "document",
        ),
        (  # the agent of a participle that made the document is its author
            "A report released by the Brookings Institution found that wages had stalled.",
            "A report released by the Brookings Institution",
            "found",
            "wages had stalled",
            "the Brookings Institution",
            "document",
        ),
        (  # with a time between the participle and its agent
            "A national poll released Sunday by Quinnipiac University shows that Clinton leads.",
            "A national poll released Sunday by Quinnipiac University",
            "shows",
            "Clinton leads",
            "Quinnipiac University",
            "document",
        ),
        (  # an agent who only passes the document on is not its author
            "Exit polls reported by CNN showed that young voters backed Sanders.",
            "Exit polls reported by CNN",
            "showed",
            "young voters backed Sanders",
            "Exit polls",
            "document",
        ),
        (  # an email is released by others than its writer
            "The email, released by Judicial Watch, shows that the official knew of the attack.",
            "The email, released by Judicial Watch",
            "shows",
            "the official knew of the attack",
            "The email",
            "document",
        ),
        (  # "the poll" is the poll the article named last
            "A new Quinnipiac University poll shows that Clinton leads. The poll also found that "
            "voters distrust both candidates.",
            "The poll",
            "also found",
            "voters distrust both candidates",
            "A new Quinnipiac University poll",
            "document",
        ),
        (  # and so its author
            "A report by the Government Accountability Office found that costs rose. Officials "
            "disputed it. The report said that the program lacked oversight.",
            "The report",
            "said",
            "the program lacked oversight",
            "the Government Accountability Office",
            "document",
        ),
        (  # the poll named last is named by no one: "the poll" stays what it says
            "A CNN poll found that Trump leads in Ohio. A second poll showed a tie. The poll "
            "said that turnout would decide it.",
            "The poll",
            "said",
            "turnout would decide it",
            "The poll",
            "document",
        ),
        (  # "from" a time, no author: the document by its own name
            "Campaign records from the last election cycle show that he gave to both parties.",
            "Campaign records from the last election cycle",
            "show",
            "he gave to both parties",
            "Campaign records",
            "document",
        ),
        # An outlet or a platform whose name is no one's (`claimants.bodies`).
        (
            "Politico reported Saturday that David Brock was planning to call on the commission.",
            "Politico",
            "reported",
            "David Brock was planning to call on the commission",
            "Politico",
            "organisation",
        ),
        (
            "In response, Twitter said it actively investigated potential terrorist threats.",
            "Twitter",
            "said",
            "it actively investigated potential terrorist threats",
            "Twitter",
            "organisation",
        ),
        (
            "Facebook reported last quarter that its users were spending 50 minutes a day.",
            "Facebook",
            "reported",
            "its users were spending 50 minutes a day",
            "Facebook",
            "organisation",
        ),
        # One plural word for people, a sentence's capital read as a name.
        (
            "Latinos say the race looks different this year.",
            "Latinos",
            "say",
            "the race looks different this year",
            "Latinos",
            "group",
        ),
        (
            "Politicos call it the most important race of the year.",
            "Politicos",
            "call",
            "it the most important race of the year",
            "Politicos",
            "group",
        ),
        (
            "Attorneys for Clinton appeared to oppose the effort, saying in court files that her email "
            "account was private.",
            "Attorneys for Clinton",
            "saying in court files",
            "her email account was private",
            "Attorneys",
            "group",
        ),
        # A surname the article misprints by one letter: the one person it can be.
        (
            "Trump released a letter from his doctor, Harold Bornstein. Bornsten said Trump would be "
            "the healthiest individual ever elected.",
            "Bornsten",
            "said",
            "Trump would be the healthiest individual ever elected",
            "Harold Bornstein",
            "person",
        ),
        # A name the tagger does not know, read as a common noun: inside a sentence, or
        # opening one where the article writes it as the end of a name.
        (
            '"Marco Rubio won tonight and I was very glad to see that," Hannity said during a panel.',
            "Hannity",
            "said",
            "Marco Rubio won tonight and I was very glad to see that",
            "Hannity",
            "person",
        ),
        (
            "The movie is out in July. D’Souza went on to explain that the Clintons are ruthless. "
            "Filmmaker and author Dinesh D’Souza made his prediction on Monday.",
            "D’Souza",
            "went on to explain",
            "the Clintons are ruthless",
            "D’Souza",
            "person",
        ),
        # Not where it is one letter off two people's surnames.
        (
            "Harold Bornstein and Carol Bornsteen signed the letter. Bornsten said Trump would be "
            "the healthiest individual ever elected.",
            "Bornsten",
            "said",
            "Trump would be the healthiest individual ever elected",
            "Bornsten",
            "person",
        ),
    ],
)
def test_the_name_and_type_a_claimant_is_given(
    text: str, source: str, cue: str, content: str, name: str, kind: str
) -> None:
    claimant = resolve(text, source, cue, content)
    assert (claimant.name, claimant.type) == (name, kind)


def test_the_poll_after_many_the_polls_is_the_named_one() -> None:
    # The chain is walked without recursion: 1,200 "the poll"s back to the named one (a
    # recursive walk ran past Python's limit of 1,000 calls).
    text = "A CBS poll found that voters were split. " + " ".join(
        f"The poll said that turnout {i} would decide it." for i in range(1200)
    )
    last = len(text) - len("The poll said that turnout 1199 would decide it.")
    resolver = ClaimantResolver(doc := parse(text), entity_mentions(doc, []))
    claimant = resolver.resolve([(last, last + len("The poll"))], None, [])
    assert (claimant.name, claimant.type) == ("A CBS poll", "document")


# -- roles ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "name", "role", "organization"),
    [
        ("President Barack Obama", "Barack Obama", "President", None),
        ("Sen. Ted Cruz", "Ted Cruz", "Senator", None),  # written out
        ("Vice President Joe Biden", "Joe Biden", "Vice President", None),
        ("Retired Lt. Gen. Michael Flynn", "Michael Flynn", "Lieutenant General", None),
        ("Oversight Chairman Rep. Jason Chaffetz", "Jason Chaffetz", "Representative", None),  # the nearer
        ("Former President Bill Clinton", "Bill Clinton", "former President", None),
        ("Homeland Security Secretary Jeh Johnson", "Jeh Johnson", "Secretary", "Homeland Security"),
        # The place or party the title is of: "the Vermont senator" later is he.
        ("Vermont Sen. Bernie Sanders", "Bernie Sanders", "Vermont Senator", None),
        ("Indiana Gov. Mike Pence", "Mike Pence", "Indiana Governor", None),
        ("New Jersey Gov. Chris Christie", "Chris Christie", "New Jersey Governor", None),
        # A noun for a person before the name, with its modifiers, as an apposition's role.
        (
            "Republican presidential nominee Donald Trump",
            "Donald Trump",
            "Republican presidential nominee",
            None,
        ),
        ("Fox News moderator Chris Wallace", "Chris Wallace", "Fox News moderator", None),
        # Not a dateline before a dash.
        (
            "NEW YORK - Republican presidential candidate Donald Trump",
            "Donald Trump",
            "Republican presidential candidate",
            None,
        ),
        ("Retired Air Force general Michael Flynn", "Michael Flynn", "Retired Air Force general", None),
        ("Little-known county commissioner Jane Doe", "Jane Doe", "Little-known county commissioner", None),
        ("Mr. Obama", "Obama", None, None),  # how to address him, not what he is
    ],
)
def test_a_title_before_the_name_is_the_claimants_role(
    source: str, name: str, role: str | None, organization: str | None
) -> None:
    claimant = resolve(f"{source} said the economy was strong.", source, "said", "the economy was strong")
    assert (claimant.name, claimant.role, claimant.organization) == (name, role, organization)


@pytest.mark.parametrize(
    ("text", "source", "name", "role", "organization"),
    [
        # The description heads the phrase and the name is its apposition: the role is the
        # description, not the word before its noun ("campaign").
        (
            "His campaign manager, Jeff Weaver, said the senator would stay in the race.",
            "His campaign manager, Jeff Weaver",
            "Jeff Weaver",
            "campaign manager",
            None,
        ),
        (
            "The director of the European Centre, Ina Kirsch, said the talks would go on.",
            "The director of the European Centre, Ina Kirsch",
            "Ina Kirsch",
            "director",
            "European Centre",
        ),
        # A compound or an apposition that names no person is no role.
        (
            "Real estate mogul and reality television star Donald Trump said the talks would go on.",
            "Real estate mogul and reality television star Donald Trump",
            "Donald Trump",
            None,
            None,
        ),
        (
            "Dean Baker, co-director of the Center for Economic and Policy Research, said the talks "
            "would go on.",
            "Dean Baker, co-director of the Center for Economic and Policy Research",
            "Dean Baker",
            "co-director",  # the whole hyphenated word, as written
            "Center for Economic and Policy Research",
        ),
        (
            "The Republican front-runner, Donald Trump, said the talks would go on.",
            "The Republican front-runner, Donald Trump",
            "Donald Trump",
            "Republican front-runner",  # not "Republican front - runner"
            None,
        ),
        (
            "Bernie Sanders, the leading anti-establishment candidate, said the talks would go on.",
            "Bernie Sanders, the leading anti-establishment candidate",
            "Bernie Sanders",
            "leading anti-establishment candidate",
            None,
        ),
        (  # an apposition after a second person is that person's: no role of the first
            "Bill Clinton and Melania Trump, Republican nominee Donald Trump’s wife, said the talks"
            " would go on.",
            "Bill Clinton and Melania Trump, Republican nominee Donald Trump’s wife",
            "Bill Clinton",
            None,
            None,
        ),
        (  # a compound's own modifiers, as written
            "Valerie Jarrett, a senior White House adviser, said the talks would go on.",
            "Valerie Jarrett, a senior White House adviser",
            "Valerie Jarrett",
            "senior White House adviser",
            "White House",
        ),
    ],
)
def test_a_role_is_a_noun_for_a_person(
    text: str, source: str, name: str, role: str | None, organization: str | None
) -> None:
    claimant = resolve(text, source, "said", "the talks would go on" if "talks" in text else "the senator")
    assert (claimant.name, claimant.role, claimant.organization) == (name, role, organization)


def test_a_descriptions_role_is_its_whole_hyphenated_noun() -> None:
    text = "The front-runner said the wall would be built."
    claimant = resolve(text, "The front-runner", "said", "the wall")
    assert (claimant.type, claimant.role) == ("person", "front-runner")


@pytest.mark.parametrize(
    ("description", "kind"),
    [
        ("The retired neurosurgeon", "person"),  # no person ending: a group before
        ("The billionaire", "person"),
        ("His wife", "person"),
        ("The newspaper", "group"),  # a person ending: a person before
        ("The establishment", "group"),
    ],
)
def test_a_description_names_a_person_by_its_noun(description: str, kind: str) -> None:
    claimant = resolve(f"{description} said the plan would fail.", description, "said", "the plan")
    assert claimant.type == kind


def test_a_pronoun_skips_a_description_of_the_other_gender() -> None:
    # "A man" is a person now, and may be what a later "he" stands for; "she" must not take him.
    text = (
        "Angela Merkel spoke in Berlin on Monday. A man who filmed the crowd said it was calm. "
        "She said the country would cope. He said the police had left."
    )
    man, she, he = resolve_all(
        text,
        Said("A man who filmed the crowd", "said", "it was calm"),
        Said("She", "said", "the country would cope"),
        Said("He", "said", "the police had left"),
    )
    assert (man.name, man.type) == ("A man", "person")
    assert she.name == "Angela Merkel"
    assert he.name == "A man"


def test_a_pronoun_after_a_definite_description_stands_for_the_person_named() -> None:
    # A guard for claims-19, which makes "the retired neurosurgeon" a person: it describes Ben
    # Carson again, in words the article did not use before, and the "he" after it is Carson,
    # not a person called "the retired neurosurgeon".
    text = (
        "Ben Carson spoke in Iowa on Monday. The retired neurosurgeon said the plan would fail. "
        "He added that taxes were too high."
    )
    _, he = resolve_all(
        text,
        Said("The retired neurosurgeon", "said", "the plan would fail"),
        Said("He", "added", "taxes were too high"),
    )
    assert he.name == "Ben Carson"


def test_the_title_names_the_description_that_repeats_it() -> None:
    text = "Mayor Bill de Blasio said the city was calm. The mayor said the subway was safe."
    first, second = resolve_all(
        text,
        Said("Mayor Bill de Blasio", "said", "the city was calm"),
        Said("The mayor", "said", "the subway was safe"),
    )
    assert (first.name, first.role) == ("Bill de Blasio", "Mayor")
    assert (second.name, second.mention) == ("Bill de Blasio", "The mayor")


# -- descriptions and names the tagger or the parser ran together (claims-17) -------------


def _parsed(words: list[str], heads: list[int], deps: list[str], tags: list[str], ents: list[str]) -> Doc:
    """A sentence as the tagger and parser read it in its article (alone it reads otherwise)."""
    pos = [_POS_OF_TAG[tag] for tag in tags]
    lemmas = [w.lower() for w in words]  # enough for these words' lemmas
    vocab = parse("x").vocab
    return Doc(vocab, words=words, heads=heads, deps=deps, pos=pos, tags=tags, ents=ents, lemmas=lemmas)


_POS_OF_TAG = {
    "NNP": "PROPN", "NNPS": "PROPN", "NN": "NOUN", "NNS": "NOUN", "JJ": "ADJ", "RB": "ADV",
    "VB": "VERB", "VBD": "VERB", "VBG": "VERB", "VBZ": "VERB", "DT": "DET", "TO": "PART",
    "CC": "CCONJ", "IN": "ADP", ",": "PUNCT", ".": "PUNCT", "PRP": "PRON", "POS": "PART",
}  # fmt: skip


@pytest.mark.parametrize(
    ("words", "heads", "deps", "tags", "ents", "head"),
    [
        # (The mention is every word before the verb.) Two subjects of one verb, a
        # description and the name after it: the name.
        (
            ["Tennis", "great", "Billie", "Jean", "King", "remembered", "Ali"],
            [5, 4, 4, 4, 5, 5, 5],
            ["nsubj", "amod", "compound", "compound", "nsubj", "ROOT", "dobj"],
            ["NNP", "JJ", "NNP", "NNP", "NNP", "VBD", "NNP"],
            ["O", "O", "O", "B-PERSON", "I-PERSON", "O", "B-PERSON"],
            "King",
        ),
        # Not a person's name and a description after it ...
        (
            ["Obama", "the", "idealist", "tried", "to", "rally"],
            [3, 2, 3, 3, 5, 3],
            ["nsubj", "det", "nsubj", "ROOT", "aux", "xcomp"],
            ["NNP", "DT", "NN", "VBD", "TO", "VB"],
            ["B-PERSON", "O", "O", "O", "O", "O"],
            "Obama",
        ),
        # ... nor people and a place they live in.
        (
            ["Most", "voters", "in", "Alabama", ",", "Georgia", "said"],
            [1, 6, 1, 2, 5, 6, 6],
            ["amod", "nsubj", "prep", "pobj", "punct", "nsubj", "ROOT"],
            ["JJ", "NNS", "IN", "NNP", ",", "NNP", "VBD"],
            ["O", "O", "O", "B-GPE", "O", "B-GPE", "O"],
            "voters",
        ),
        # A bare role noun coordinated with a person's name is that person ...
        (
            ["lobbyist", "and", "GOP", "strategist", "Charlie", "Black", "said"],
            [6, 0, 3, 5, 5, 0, 6],
            ["nsubj", "cc", "compound", "compound", "compound", "conj", "ROOT"],
            ["NN", "CC", "NNP", "NN", "NNP", "NNP", "VBD"],
            ["O", "O", "B-ORG", "O", "B-PERSON", "I-PERSON", "O"],
            "Black",
        ),
        # ... but not one with an article: "the lobbyist and Charlie Black" are two.
        (
            ["the", "lobbyist", "and", "Charlie", "Black", "said"],
            [1, 5, 1, 4, 1, 5],
            ["det", "nsubj", "cc", "compound", "conj", "ROOT"],
            ["DT", "NN", "CC", "NNP", "NNP", "VBD"],
            ["O", "O", "O", "B-PERSON", "I-PERSON", "O"],
            "lobbyist",
        ),
        # An adjective read as the head of its own coordination describes the noun.
        (
            ["Current", "and", "former", "officials", "said"],
            [4, 0, 3, 0, 4],
            ["nsubj", "cc", "amod", "conj", "ROOT"],
            ["JJ", "CC", "JJ", "NNS", "VBD"],
            ["O", "O", "O", "O", "O"],
            "officials",
        ),
    ],
)  # fmt: skip
def test_the_head_of_a_description_run_into_a_name(
    words: list[str], heads: list[int], deps: list[str], tags: list[str], ents: list[str], head: str
) -> None:
    doc = _parsed(words, heads, deps, tags, ents)
    verb = next(t.i for t in doc if t.tag_.startswith("VB"))
    found = head_of(list(doc[:verb]))
    assert found is not None and found.text == head


def test_a_common_word_ner_tags_a_person_is_no_person() -> None:
    # "Nationally" (an adverb) and "Coal" (a noun the article writes in lower case too) were
    # tagged PERSON in their articles, and a "he" or "she" after them was filed under them.
    doc = _parsed(
        ["Nationally", ",", "Coal", "miners", "and", "coal", "firms", "and", "Sanders", "lost", "."],
        [9, 9, 3, 9, 3, 6, 3, 3, 3, 9, 9],
        ["advmod", "punct", "compound", "nsubj", "cc", "compound", "conj", "cc", "conj", "ROOT", "punct"],
        ["RB", ",", "NN", "NNS", "CC", "NN", "NNS", "CC", "NN", "VBD", "."],
        ["B-PERSON", "O", "B-PERSON", "O", "O", "O", "O", "O", "B-PERSON", "O", "O"],
    )
    # "Sanders", read as a noun, is never written in lower case: a name.
    assert [(e.text, e.type) for e in entity_mentions(doc, [])] == [("Sanders", "person")]


def test_a_given_name_ner_left_out_is_part_of_the_name() -> None:
    doc = _parsed(
        ["DNC", "Chair", "Debbie", "Wasserman", "Schultz", "resigned", "."],
        [4, 4, 4, 4, 5, 5, 5],
        ["compound", "compound", "compound", "compound", "nsubj", "ROOT", "punct"],
        ["NNP", "NNP", "NNP", "NNP", "NNP", "VBD", "."],
        ["B-ORG", "O", "O", "B-PERSON", "I-PERSON", "O", "O"],
    )
    people = [e for e in entity_mentions(doc, []) if e.type == "person"]
    name = "Debbie Wasserman Schultz"
    assert [(e.text, e.canonical) for e in people] == [(name, name)]


# Each case: words, heads, dependency labels, tags (space-separated), NER tags, the people found.
@pytest.mark.parametrize(
    ("words", "heads", "deps", "tags", "ents", "people"),
    [
        # "CHICAGO - Rahm Emanuel ...": NER read no entity there, only the surname later on.
        (
            "CHICAGO - Rahm Emanuel won the vote . Emanuel fired his police chief .",
            [4, 4, 3, 4, 4, 6, 4, 4, 9, 9, 12, 12, 9, 9],
            "npadvmod punct compound nsubj ROOT det dobj punct nsubj ROOT poss compound dobj punct",
            "NNP , NNP NNP VBD DT NN . NNP VBD PRP NN NN .",
            ["B-GPE"] + ["O"] * 7 + ["B-PERSON"] + ["O"] * 5,
            [("Rahm Emanuel", "Rahm Emanuel"), ("Emanuel", "Rahm Emanuel")],
        ),
        # Opening a sentence, a word the census lists lack: "Outside Carrier's plant".
        (
            "Outside Carrier sat the plant . Carrier fired his workers .",
            [1, 2, 2, 4, 2, 2, 7, 7, 9, 7, 7],
            "compound nsubj ROOT det dobj punct nsubj ROOT poss dobj punct",
            "NNP NNP VBD DT NN . NNP VBD PRP NNS .",
            ["O"] * 6 + ["B-PERSON"] + ["O"] * 4,
            [("Carrier", "Carrier")],
        ),
        # Three words: "Rodham Clinton" is no one's name.
        (
            "Hillary Rodham Clinton won the vote . Clinton spoke to reporters .",
            [2, 2, 3, 3, 5, 3, 3, 8, 8, 8, 9, 8],
            "compound compound nsubj ROOT det dobj punct nsubj ROOT prep pobj punct",
            "NNP NNP NNP VBD DT NN . NNP VBD IN NNS .",
            ["O"] * 7 + ["B-PERSON"] + ["O"] * 4,
            [("Clinton", "Clinton")],
        ),
        # A title is no given name.
        (
            "Senator Emanuel won the vote . Emanuel spoke to reporters .",
            [1, 2, 2, 4, 2, 2, 7, 7, 7, 8, 7],
            "compound nsubj ROOT det dobj punct nsubj ROOT prep pobj punct",
            "NNP NNP VBD DT NN . NNP VBD IN NNS .",
            ["O"] * 6 + ["B-PERSON"] + ["O"] * 4,
            [("Emanuel", "Emanuel")],
        ),
        # A namesake of a person written in full, by another given name written twice.
        (
            "Donald Trump won the vote . Ivanka Trump spoke to reporters . Ivanka Trump left the room .",
            [1, 2, 2, 4, 2, 2, 7, 8, 8, 8, 9, 8, 13, 14, 14, 16, 14, 14],
            "compound nsubj ROOT det dobj punct compound nsubj ROOT prep pobj punct"
            " compound nsubj ROOT det dobj punct",
            "NNP NNP VBD DT NN . NNP NNP VBD IN NNS . NNP NNP VBD DT NN .",
            ["B-PERSON", "I-PERSON"] + ["O"] * 16,
            [
                ("Donald Trump", "Donald Trump"),
                ("Ivanka Trump", "Ivanka Trump"),
                ("Ivanka Trump", "Ivanka Trump"),
            ],
        ),
        # A pair NER reads as a place more often than not is no namesake where it reads none.
        (
            "Donald Trump won the vote . Ivanka Trump spoke to reporters . Ivanka Trump left the room ."
            " Ivanka Trump smiled .",
            [1, 2, 2, 4, 2, 2, 7, 8, 8, 8, 9, 8, 13, 14, 14, 16, 14, 14, 19, 20, 20, 20],
            "compound nsubj ROOT det dobj punct compound nsubj ROOT prep pobj punct"
            " compound nsubj ROOT det dobj punct compound nsubj ROOT punct",
            "NNP NNP VBD DT NN . NNP NNP VBD IN NNS . NNP NNP VBD DT NN . NNP NNP VBD .",
            ["B-PERSON", "I-PERSON", *["O"] * 4, "B-GPE", "I-GPE", *["O"] * 4, "B-GPE", "I-GPE", *["O"] * 8],
            [("Donald Trump", "Donald Trump")],
        ),
        # Written once, it may be a misparse: the surname stays the person's written in full.
        (
            "Donald Trump won the vote . Ivanka Trump spoke to reporters . Trump left the room .",
            [1, 2, 2, 4, 2, 2, 7, 8, 8, 8, 9, 8, 13, 13, 15, 13, 13],
            "compound nsubj ROOT det dobj punct compound nsubj ROOT prep pobj punct"
            " nsubj ROOT det dobj punct",
            "NNP NNP VBD DT NN . NNP NNP VBD IN NNS . NNP VBD DT NN .",
            ["B-PERSON", "I-PERSON", *["O"] * 5, "B-PERSON", *["O"] * 4, "B-PERSON", *["O"] * 4],
            [("Donald Trump", "Donald Trump"), ("Trump", "Donald Trump"), ("Trump", "Donald Trump")],
        ),
        # A surname NER tags nothing, of a person it reads in full, is that person.
        (
            "Ben Brafman spoke to the judge . Brafman sat .",
            [1, 2, 2, 2, 5, 3, 2, 8, 8, 8],
            "compound nsubj ROOT prep det pobj punct nsubj ROOT punct",
            "NNP NNP VBD IN DT NN . NNP VBD .",
            ["B-PERSON", "I-PERSON"] + ["O"] * 8,
            [("Ben Brafman", "Ben Brafman"), ("Brafman", "Ben Brafman")],
        ),
        # A body NER ran into the person it owns: the body, and the person.
        (
            "Fox News ’ Bret Baier noticed the change .",
            [1, 4, 1, 4, 5, 5, 7, 5, 5],
            "compound poss case compound nsubj ROOT det dobj punct",
            "NNP NNP POS NNP NNP VBD DT NN .",
            ["B-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "O", "O", "O"],
            [("Bret Baier", "Bret Baier")],
        ),
        # A full name NER read elsewhere decides; nothing is added beside it.
        (
            "Tom Emanuel won the vote . Ari Emanuel spoke to reporters .",
            [1, 2, 2, 4, 2, 2, 7, 8, 8, 8, 9, 8],
            "compound nsubj ROOT det dobj punct compound nsubj ROOT prep pobj punct",
            "NNP NNP VBD DT NN . NNP NNP VBD IN NNS .",
            ["O"] * 6 + ["B-PERSON", "I-PERSON"] + ["O"] * 4,
            [("Ari Emanuel", "Ari Emanuel")],
        ),
    ],
)
def test_a_name_ner_reads_as_no_person_is_the_person_it_names(
    words: str,
    heads: list[int],
    deps: str,
    tags: str,
    ents: list[str],
    people: list[tuple[str, str]],
) -> None:
    doc = _parsed(words.split(), heads, deps.split(), tags.split(), ents)
    assert [(e.text, e.canonical) for e in entity_mentions(doc, []) if e.type == "person"] == people


def test_a_share_of_those_polled_is_a_group() -> None:
    text = "Sixty percent of voters said the economy was the top issue."
    claimant = resolve(text, "Sixty percent of voters", "said", "the economy was the top issue")
    assert (claimant.name, claimant.type) == ("Sixty percent of voters", "group")


# -- "the Vermont senator": the person the article described so (claims-18) ---------------


@pytest.mark.parametrize(
    ("text", "source", "content", "name"),
    [
        # A title written before the name is the description's noun ("Sen." is a senator).
        (
            "Vermont Sen. Bernie Sanders spoke in Iowa on Monday. Hillary Clinton spoke later."
            " The Vermont senator said the banks were too big.",
            "The Vermont senator", "the banks were too big", "Bernie Sanders",
        ),
        # Every modifier must fit: "the former president" is not President Obama.
        (
            "President Obama spoke in Ohio on Monday. Former President Bill Clinton spoke in Iowa."
            " The former president said the economy was strong.",
            "The former president", "the economy was strong", "Bill Clinton",
        ),
        # A bare noun takes the person named a few sentences before ...
        (
            "Judge Richard Berman heard the case on Monday. The lawyers argued for hours. The judge"
            " said the ruling would come in May.",
            "The judge", "the ruling would come in May", "Richard Berman",
        ),
        # ... and no one named further back ...
        (
            "Judge Richard Berman heard the case on Monday. The lawyers argued for hours. The"
            " courtroom was full. Reporters waited outside. The jury was not present. The hearing"
            " ended at noon. Nobody spoke after. The judge said the ruling would come in May.",
            "The judge", "the ruling would come in May", "The judge",
        ),
        # ... nor a man for a description the article says is a woman.
        (
            "Republican presidential candidate Donald Trump spoke in Iowa on Monday. Hillary Clinton"
            " spoke in Ohio. In a video series, the candidate discusses lessons from her mother.",
            "the candidate", "lessons from her mother", "the candidate",
        ),
    ],
)  # fmt: skip
def test_a_definite_description_is_the_person_the_article_described_so(
    text: str, source: str, content: str, name: str
) -> None:
    cue = "discusses" if "discusses" in text else "said"
    assert resolve(text, source, cue, content).name == name


def test_a_relative_after_a_description_of_a_named_person_is_that_person() -> None:
    text = (
        "The group was founded in 2012 by Alfonso Aguilar, the executive director of the Latino"
        " Partnership for Conservative Principles, who also said the party had lost its way."
    )
    assert resolve(text, "who", "also said", "the party had lost its way").name == "Alfonso Aguilar"
    # Not a body the parser hangs on a name as its apposition.
    text = (
        "Mr. Trump has hired Stephen K. Bannon of Breitbart News, a conservative website that has"
        " run stories with headlines such as ''Birth control makes women unattractive.''"
    )
    claimant = resolve(text, "that", "has run", "Birth control makes women unattractive")
    assert claimant.name != "Stephen K. Bannon"


# -- what NER reads as a person's name and is not (cases above: outlets, plurals) ---------


def test_he_does_not_stand_for_an_outlet_ner_takes_for_a_person() -> None:
    text = (
        "In April, Twitter reported disappointingly flat user growth. "
        "It was all Facebook and Snapchat now, he said."
    )
    (twitter, he) = resolve_all(
        text,
        Said("Twitter", "reported", "disappointingly flat user growth"),
        Said("he", "said", "It was all Facebook and Snapchat now"),
    )
    assert twitter.type == "organisation"
    assert he.name is None


def test_a_full_name_in_a_capitalised_line_names_the_surname_the_body_writes() -> None:
    # Read as a headline (8 of its 10 words capitalised), whose words NER glues to names: the
    # name was cut to the surname the body writes, "Pataki". A given name is no glued word.
    text = "Former New York Gov. George Pataki is endorsing John Kasich.\n\nPataki ended his campaign."
    assert canonicals(text) == {
        "George Pataki": {"George Pataki"},
        "John Kasich": {"John Kasich"},
        "Pataki": {"George Pataki"},
    }


@pytest.mark.parametrize(
    ("headline", "body", "source", "cue", "content", "name"),
    [
        (
            "Ben Carson Defends Himself Against Claims He Made Up His Past.",
            "The retired surgeon Ben Carson answered his critics on Sunday.",
            "Ben Carson", "Defends Himself Against", "Claims He Made Up His Past", "Ben Carson",
        ),
        (
            "Donald Trump Tweets A False Chart On Crime In Big Cities.",
            "The businessman Donald Trump posted the chart on Sunday night.",
            "Donald Trump", "Tweets", "A False Chart On Crime In Big Cities", "Donald Trump",
        ),
    ],
)  # fmt: skip
def test_a_headlines_verb_ner_runs_into_a_name_is_not_the_claimant(
    headline: str, body: str, source: str, cue: str, content: str, name: str
) -> None:
    # Title case: NER reads "Ben Carson Defends" as one person and the parser makes the
    # verb the phrase's head; the claimant was a group of that name.
    claimant = resolve(f"{headline}\n\n{body}", source, cue, content)
    assert (claimant.name, claimant.type) == (name, "person")


@pytest.mark.parametrize(
    ("source", "name", "kind"),
    [
        # NER missed the name and the census lists lack "Alwaleed": the apposition says
        # a person is named (a group of that name before).
        ("Prince Alwaleed, the nephew of the late king", "Prince Alwaleed", "person"),
        ("Prince Alwaleed, the late king's nephew and a real estate investor", "Prince Alwaleed", "person"),
        # A body NER found stays one, whatever the apposition calls it.
        ("Microsoft, a longtime rival of Apple", "Microsoft", "organisation"),
    ],
)  # fmt: skip
def test_an_apposition_describing_a_person_names_one(source: str, name: str, kind: str) -> None:
    claimant = resolve(f"{source}, said the plan would fail.", source, "said", "the plan would fail")
    assert (claimant.name, claimant.type) == (name, kind)


def test_a_bare_description_takes_a_role_by_its_noun_not_its_modifiers() -> None:
    text = (
        "Trump campaign spokesman Jason Miller said the polls were wrong. The campaign said it would appeal."
    )
    miller, campaign = resolve_all(
        text,
        Said("Trump campaign spokesman Jason Miller", "said", "the polls were wrong"),
        Said("The campaign", "said", "it would appeal"),
    )
    assert (miller.name, miller.role) == ("Jason Miller", "Trump campaign spokesman")
    assert campaign.name != "Jason Miller"  # a campaign is no spokesman
    text = "Campaign spokesman Jason Miller said the polls were wrong. The spokesman said it would appeal."
    assert (
        resolve_all(
            text,
            Said("Campaign spokesman Jason Miller", "said", "the polls were wrong"),
            Said("The spokesman", "said", "it would appeal"),
        )[1].name
        == "Jason Miller"
    )


@pytest.mark.parametrize(
    ("text", "source", "cue", "content", "name"),
    [
        # The parser takes the dateline for the subject of "said", the person for its apposition.
        (
            "WASHINGTON -- President Obama, visiting the new museum on Saturday, said it would tell an"
            " American story.",
            "President Obama",
            "said",
            "it would tell an American story",
            "Obama",
        ),
        (
            "CLEVELAND, July 19 (UPI) -- Former Attorney General Michael Mukasey told the delegates that"
            " the nominee was right.",
            "Former Attorney General Michael Mukasey",
            "told",
            "the nominee was right",
            "Michael Mukasey",
        ),
        # A source the model ran back over the dateline.
        (
            "INDIANAPOLIS - Ted Cruz, who badly needs a win, said Tuesday that he would stay in the race.",
            "INDIANAPOLIS - Ted Cruz",
            "said",
            "he would stay in the race",
            "Ted Cruz",
        ),
    ],
)
def test_a_dateline_is_no_claimant(text: str, source: str, cue: str, content: str, name: str) -> None:
    claimant = resolve(text, source, cue, content)
    assert (claimant.name, claimant.type) == (name, "person")
    assert claimant.span is not None and claimant.span[0] > text.index(" -")  # the mention too


def test_a_source_that_is_only_a_dateline_is_none() -> None:
    text = "DES MOINES - The caucuses are forcing the candidates to spend money here."
    claimant = resolve(text, "DES MOINES", "forcing", "the candidates to spend money here")
    assert (claimant.name, claimant.type, claimant.span) == (None, "unattributed", None)


@pytest.mark.parametrize(
    ("text", "source", "cue", "content", "name", "role"),
    [
        # The parser reads "Tulsa" as a verb heading the mention.
        (
            "“We will find out what happened,” Tulsa police Chief Chuck Jordan said Monday.",
            "Tulsa police Chief Chuck Jordan",
            "said",
            "We will find out what happened",
            "Chuck Jordan",
            "Tulsa police Chief",
        ),
        # ... and "co" of "co-host" as the subject.
        (
            "In an appearance on the show, co-host Mika Brzezinski asked Trump how he would handle"
            " deportations.",
            "co-host Mika Brzezinski",
            "asked",
            "how he would handle deportations",
            "Mika Brzezinski",
            "co-host",
        ),
        # ... and "Capt" of "Army Capt." as a body (NER).
        (
            "“The candidates left just don’t understand the military,” said Army Capt. Christian Pardo,"
            " who said he would not vote.",
            "Army Capt. Christian Pardo",
            "said",
            "The candidates left just don’t understand the military",
            "Christian Pardo",
            "Army Captain",
        ),
        # ... and "Wall Street and Mr. Trump" as one phrase; "Mr." is no role.
        (
            "In a year in which Mr. Sanders has demonized Wall Street and Mr. Trump has disparaged"
            " immigrants, Mrs. Clinton has run on practicality.",
            "Mr. Trump",
            "has disparaged",
            "immigrants",
            "Trump",
            None,
        ),
    ],
)  # fmt: skip
def test_a_name_closing_a_description_is_the_claimant(
    text: str, source: str, cue: str, content: str, name: str, role: str | None
) -> None:
    claimant = resolve(text, source, cue, content)
    assert (claimant.name, claimant.type, claimant.role) == (name, "person", role)


@pytest.mark.parametrize(
    ("source", "name"),
    [
        # A name after what is not a description of it is someone else.
        ("Supporters of Hillary Clinton", "Supporters of Hillary Clinton"),
        ("The super PAC backing Hillary Clinton", "The super PAC backing"),
    ],
)
def test_a_name_closing_a_phrase_about_someone_else_is_not_the_claimant(source: str, name: str) -> None:
    claimant = resolve(f"{source} said it raised money.", source, "said", "it raised money")
    assert (claimant.name, claimant.type) == (name, "group")


@pytest.mark.parametrize(
    ("text", "source", "cue", "content", "name"),
    [
        # The name in apposition to the subject, a description.
        (
            "In a statement, one of the family's attorneys, Justin Bamberg, said the videos show Scott"
            " calmly leaving his car.",
            "Justin Bamberg",
            "said",
            "the videos show Scott calmly leaving his car",
            "Justin Bamberg",
        ),
        # The parser hangs "actress" and "Jane Fonda" on "York", each an apposition.
        (
            "New York (AFP) – Oscar-winning actress Jane Fonda, star of cult classic “Klute,” is not"
            " sure she can vote for Hillary Clinton over Donald Trump.",
            "Oscar-winning actress Jane Fonda, star of cult classic “Klute",
            "is not sure",
            "she can vote for Hillary Clinton over Donald Trump",
            "Jane Fonda",
        ),
        # The parser's subject is the time ("this past weekend"), the names its conjuncts.
        (
            "And this past weekend in Hangzhou, China, Mr. Obama and Mr. Xi formally committed their"
            " two nations to the Paris accord.",
            "Mr. Obama and Mr. Xi",
            "formally committed",
            "their two nations to the Paris accord",
            "Obama",
        ),
        # The title is the parser's head, the name its apposition.
        (
            "The efforts will go on, with both President Barack Obama and his wife Michelle expected"
            " to visit the state in the coming weeks.",
            "both President Barack Obama and his wife Michelle",
            "expected",
            "to visit the state in the coming weeks",
            "Barack Obama",
        ),
        # A title's own "of the", and a party and state after the name (whole or cut).
        (
            "Speaker of the House Rep. Paul Ryan (R-WI) said the images had no place in a campaign.",
            "Speaker of the House Rep. Paul Ryan (R-WI)",
            "said",
            "the images had no place in a campaign",
            "Paul Ryan",
        ),
        (
            "Speaker of the House Rep. Paul Ryan (R-WI) said the images had no place in a campaign.",
            "Speaker of the House Rep. Paul Ryan (R-WI",
            "said",
            "the images had no place in a campaign",
            "Paul Ryan",
        ),
    ],
)
def test_the_person_named_is_the_claimant_wherever_the_parse_hangs_the_name(
    text: str, source: str, cue: str, content: str, name: str
) -> None:
    claimant = resolve(text, source, cue, content)
    assert (claimant.name, claimant.type) == (name, "person")


def test_a_description_never_ends_in_a_function_word() -> None:
    # The parser hangs the "and" of a second description on the first one's last word.
    text = (
        "On Tuesday's show, the former secretary of state and current Democratic presidential"
        " nominee said she wanted to speak to voters."
    )
    source = "the former secretary of state and current Democratic presidential nominee"
    claimant = resolve(text, source, "said", "she wanted to speak to voters")
    assert claimant.name == "the former secretary of state"
    # A determiner that is the phrase's object stays ("of both" names what is meant).
    text = "The value of both, as costs swell, is in doubt, analysts say."
    claimant = resolve(text, "The value of both", "is in doubt", "analysts say")
    assert claimant.name == "The value of both"


def test_a_day_is_no_owner_and_no_name() -> None:
    text = "Florida may be in reach, as Tuesday's results show, and the race is close."
    claimant = resolve(text, "Tuesday's results", "show", "Florida may be in reach")
    assert (claimant.name, claimant.type) == ("Tuesday's results", "group")


def test_a_speaker_label_ends_at_its_colon() -> None:
    # A transcript quoted paragraph by paragraph: NER reads "WALLACE: Governor" as one
    # entity, and the speaker was filed as "WALLACE: Governor", apart from "WALLACE".
    text = (
        "Debate transcript\n\n\"Donald Trump's not about that. He is going to focus on the issues.\n\n"
        "\"WALLACE: Governor, I don't want to interrupt, but I want to try to get an answer.\n"
    )
    claimant = resolve(text, "WALLACE", ":", "Governor, I don't want to interrupt")
    assert (claimant.mention, claimant.name, claimant.role) == ("WALLACE", "WALLACE", None)
    assert claimant.name_span == _span(text, "WALLACE")
