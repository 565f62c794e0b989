"""Findings credited to another report by an "as" clause at a sentence's either end ("As
reported by Western Journalism, ..."): real spaCy parses, and the repaired finder putting
them in place of the model's partial reading."""

from __future__ import annotations

from claimsearch.extract.as_reported import as_reported
from claimsearch.extract.nlp import parse
from claimsearch.extract.repair import RepairedFinder
from claimsearch.extract.rules import RuleBasedFinder
from claimsearch.extract.spans import AttributionSpans
from tests.unit.attributions import FixedFinder, first_parts

OPENING = (
    "The FBI is preparing to interview Hillary Clinton.\n\n"
    "As reported by Western Journalism, investigators found over 2,200 emails from Clinton's server "
    "containing classified information.\n"
)
CLOSING = (
    "The main super PAC, Priorities USA Action, started reserving ad time in swing states this week,"
    " as first reported by the New York Times on Tuesday.\n"
)
DOCUMENT = (
    "As stated in Davis' commentary, there are conflicting stories and many questions about how his wife"
    " was able to work here.\n"
)


def test_an_opening_as_clause_credits_the_rest_of_the_sentence_to_its_report() -> None:
    assert first_parts(OPENING, as_reported(parse(OPENING))) == [
        (
            "reported",
            "Western Journalism",
            "investigators found over 2,200 emails from Clinton's server containing classified information",
        )
    ]
    assert first_parts(DOCUMENT, as_reported(parse(DOCUMENT))) == [
        (
            "stated",
            "Davis' commentary",
            "there are conflicting stories and many questions about how his wife was able to work here",
        )
    ]


def test_a_closing_as_clause_credits_what_comes_before_it_and_leaves_its_time_out() -> None:
    assert first_parts(CLOSING, as_reported(parse(CLOSING))) == [
        (
            "first reported",
            "the New York Times",
            "The main super PAC, Priorities USA Action, started reserving ad time in swing states this week",
        )
    ]
    after_colon = "Allies shifted gears: the super PAC reserved ad time, as reported by Politico.\n"
    assert first_parts(after_colon, as_reported(parse(after_colon))) == [
        ("reported", "Politico", "the super PAC reserved ad time")
    ]


def test_other_as_clauses_credit_nothing() -> None:
    for text in (
        "As expected by most analysts, the bill passed the Senate on Tuesday.",
        "As reported, the bill passed the Senate on Tuesday after a long debate.",
        "The bill, as reported by Reuters, passed the Senate on Tuesday.",  # in the middle
        "As a senator, she voted for the bill that passed on Tuesday.",
        # A quotation is its speaker's; PolNeAR does not credit it to the report carrying it.
        '"I would act," Carson noted in an interview, as reported by BuzzFeed News.',
        "The agency must publish its accounts every year, as required by law.",
    ):
        assert as_reported(parse(text)) == [], text


def test_the_repaired_finder_puts_the_report_in_place_of_the_models_partial_reading() -> None:
    doc = parse(DOCUMENT)
    stated = DOCUMENT.index("stated")
    partial = AttributionSpans(  # the model's: no source, a content at the end of the sentence
        cue=[(stated, stated + 6)], source=[], content=[(DOCUMENT.index("how his"), DOCUMENT.index(".\n"))]
    )
    found = RepairedFinder(FixedFinder([partial]), RuleBasedFinder()).find(doc)
    assert first_parts(DOCUMENT, found) == first_parts(DOCUMENT, as_reported(doc))
    # Missed by the model: added, once.
    assert first_parts(DOCUMENT, RepairedFinder(FixedFinder([]), RuleBasedFinder()).find(doc)) == first_parts(
        DOCUMENT, as_reported(doc)
    )
