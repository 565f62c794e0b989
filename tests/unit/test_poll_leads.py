"""Findings credited to a poll by a sentence's opening "In ... poll,": real spaCy parses,
and the repaired finder adding them where the model reported nothing."""

from __future__ import annotations

from claimsearch.extract.nlp import parse
from claimsearch.extract.poll_leads import poll_leads
from claimsearch.extract.repair import RepairedFinder
from claimsearch.extract.rules import RuleBasedFinder
from claimsearch.extract.spans import AttributionSpans
from tests.unit.attributions import FixedFinder, first_parts

TEXT = (
    "Voters distrust Washington.\n\n"
    "In a September Washington Post-ABC News poll, 75 percent of Republicans said most people in "
    "politics cannot be trusted.\n"
)
CUE = TEXT.index("In a")


def test_a_sentence_opening_with_a_poll_credits_its_clause_to_the_poll() -> None:
    assert first_parts(TEXT, poll_leads(parse(TEXT))) == [
        (
            "In",
            "a September Washington Post-ABC News poll",
            "75 percent of Republicans said most people in politics cannot be trusted",
        )
    ]


def test_other_opening_phrases_and_polls_mid_sentence_credit_nothing() -> None:
    for text in (
        "In a statement, the campaign said it would appeal the ruling.",
        "In Iowa, Trump leads the field by ten points.",
        "Trump has a decisive lead in the polls, and Clinton trails in the primary.",
        "In the new poll.",
    ):
        assert poll_leads(parse(text)) == [], text


def test_the_repaired_finder_adds_a_poll_lead_the_model_missed_once() -> None:
    said = TEXT.index("said")
    inner = AttributionSpans(
        cue=[(said, said + 4)],
        source=[(TEXT.index("75"), said - 1)],
        content=[(said + 5, TEXT.index(".\n", said))],
    )
    doc = parse(TEXT)
    found = RepairedFinder(FixedFinder([inner]), RuleBasedFinder()).find(doc)
    assert sorted(a.cue[0][0] for a in found) == [CUE, said]
    # Reported by the model already: not added again.
    lead = poll_leads(doc)
    again = RepairedFinder(FixedFinder([inner, *lead]), RuleBasedFinder()).find(doc)
    assert sorted(a.cue[0][0] for a in again) == [CUE, said]
