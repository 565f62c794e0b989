"""Claims attributed by a mark, not a verb: dash bylines found, colon labels kept as claims.

Real spaCy parses throughout; the pipeline tests run the packaged model and the repairs.
"""

from __future__ import annotations

from claimsearch.documents.parse import parse_text
from claimsearch.extract.claims import build_claims
from claimsearch.extract.nlp import parse
from claimsearch.extract.pipeline import extract_claims
from claimsearch.extract.spans import AttributionSpans
from claimsearch.extract.speaker_labels import dash_bylines

ROUNDUP = (
    "Readers Share Their Thoughts On The Debate.\n\n"
    "“Trump must stop portraying Latinos as dangerous gangsters when most of us are hard-working.”"
    " ― Carla Sanchez\n"
    "“He can’t even answer a question without scaring people about something else first.” — Esther Tapia.\n"
)
UNDER_A_QUOTE = (
    "Sanders has repeated the figure for months.\n\n"
    '"Boeing and GE and other multinationals pay zero taxes."\n\n'
    "- Sanders.\n\nThis is a complex issue."
)


def _texts(text: str, found: list[AttributionSpans]) -> list[tuple[str, str, str]]:
    return [(text[slice(*a.cue[0])], text[slice(*a.source[0])], text[slice(*a.content[0])]) for a in found]


def test_a_quotation_closed_by_a_dash_and_a_name_is_attributed() -> None:
    assert _texts(ROUNDUP, dash_bylines(parse(ROUNDUP))) == [
        (
            "―",
            "Carla Sanchez",
            "“Trump must stop portraying Latinos as dangerous gangsters when most of us are hard-working.”",
        ),
        (
            "—",
            "Esther Tapia",
            "“He can’t even answer a question without scaring people about something else first.”",
        ),
    ]


def test_a_dash_and_a_name_under_a_quoted_paragraph_credit_it() -> None:
    assert _texts(UNDER_A_QUOTE, dash_bylines(parse(UNDER_A_QUOTE))) == [
        ("-", "Sanders", '"Boeing and GE and other multinationals pay zero taxes."'),
    ]


def test_dashes_that_credit_no_quotation_are_left_alone() -> None:
    for text in (
        "The plan — Sanders said on Tuesday — would cost $18 trillion.",  # a parenthetical dash
        '"We will win this state easily next week." — and then they lost it.',  # no name follows
        "Turnout was low in the primaries. — John Smith",  # not a quotation
        '"Too short." — John Smith',  # a quotation of two words: a title, a label
        '"We will win this state easily next week." — 2016',  # a date, not a name
        'He said: "We will win this state easily next week."\n\n- 5 percent.',  # a list item
    ):
        assert dash_bylines(parse(text)) == [], text


def test_a_byline_becomes_a_claim_of_the_named_person() -> None:
    article = parse_text(ROUNDUP, "roundup.txt")
    claims = {c.claimant.name: c for c in extract_claims(article)}
    sanchez = claims["Carla Sanchez"]
    assert sanchez.cue.text == "―" and sanchez.cue.cue_class == "say"
    assert sanchez.content.text.startswith("Trump must stop portraying Latinos")
    assert sanchez.content.quote_type == "direct"
    assert "Esther Tapia" in claims


def test_a_colon_label_the_finder_reports_is_kept_as_a_claim() -> None:
    # The claim builder trims punctuation off every cue; a label's mark is all the cue
    # there is, so it must stay rather than leave an empty cue and drop the claim.
    text = "Poll: Trump and Clinton hold narrow leads in Pennsylvania.\n\nThree weeks before the primary."
    article = parse_text(text, "poll.txt")
    colon = text.index(":")
    given = AttributionSpans(cue=[(colon, colon + 1)], source=[(0, 4)], content=[(6, text.index(".\n"))])
    [claim] = build_claims(article, parse(article.text), [given], "given")
    assert (claim.cue.text, claim.cue.span, claim.cue.cue_class) == (":", (colon, colon + 1), "say")
    assert claim.content.text == "Trump and Clinton hold narrow leads in Pennsylvania"
    assert claim.claimant.mention == "Poll"


def test_a_cue_of_other_punctuation_still_makes_no_claim() -> None:
    text = "Voters were angry, and the polls showed it clearly on Tuesday."
    article = parse_text(text, "comma.txt")
    comma = text.index(",")
    given = AttributionSpans(cue=[(comma, comma + 1)], source=[(0, 6)], content=[(comma + 2, len(text) - 1)])
    assert build_claims(article, parse(article.text), [given], "given") == []
