"""Claims attributed by a mark, not a verb: dash bylines found, colon labels kept as claims.

Real spaCy parses throughout; the pipeline tests run the packaged model and the repairs.
"""

from __future__ import annotations

from claimsearch.documents.parse import parse_text
from claimsearch.extract.claims import build_claims
from claimsearch.extract.nlp import parse
from claimsearch.extract.pipeline import extract_claims
from claimsearch.extract.spans import AttributionSpans
from claimsearch.extract.speaker_labels import colon_labels, dash_bylines
from tests.unit.attributions import first_parts

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


def test_a_quotation_closed_by_a_dash_and_a_name_is_attributed() -> None:
    assert first_parts(ROUNDUP, dash_bylines(parse(ROUNDUP))) == [
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
    assert first_parts(UNDER_A_QUOTE, dash_bylines(parse(UNDER_A_QUOTE))) == [
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


def test_bylines_are_read_from_the_characters_not_the_tokens() -> None:
    # spaCy keeps a dash glued to the quote mark before it ('”―') or the name after it
    # ('-Michelle'); names carry initials; scraped text puts no-break spaces around dashes.
    text = (
        "Readers answered.\n\n"
        "“He makes simple blanket statements about people he knows nothing about.”― Pamela Padilla\xa0\n"
        "“I am truly afraid that Donald Trump will win this election.” ― Edwin G. Monroy\n"
        "“This should waken all of us to the dangers of this man!” ―\xa0Julie A. Diaz Martinez\n\n"
        '"The whole idea of it is something that we hear about all the time."\n\n'
        "-Michelle Marks, Philadelphia.\n"
    )
    found = first_parts(text, dash_bylines(parse(text)))
    assert [(cue, source, content[:12]) for cue, source, content in found] == [
        ("―", "Pamela Padilla", "“He makes si"),
        ("―", "Edwin G. Monroy", "“I am truly "),
        ("―", "Julie A. Diaz Martinez", "“This should"),
        ("-", "Michelle Marks", '"The whole i'),
    ]


TRANSCRIPT = (
    "Fox News host Chris Wallace pressed Mike Pence on Sunday.\n\n"
    "WALLACE: Let’s start with breaking news on the debate story.\n\n"
    "PENCE: Well, look, Hillary Clinton apparently thinks this is a game show.\n\n"
    "UPDATE: The campaign later released a statement.\n"
)


def test_a_transcript_line_is_credited_to_its_speaker() -> None:
    assert first_parts(TRANSCRIPT, colon_labels(parse(TRANSCRIPT))) == [
        (":", "WALLACE", "Let’s start with breaking news on the debate story."),
        (":", "PENCE", "Well, look, Hillary Clinton apparently thinks this is a game show."),
    ]


def test_a_label_names_a_speaker_only_if_the_article_names_them_or_they_speak_again() -> None:
    # No one called Update in the article, and a heading opens one line: not a speaker.
    sources = [source for _, source, _ in first_parts(TRANSCRIPT, colon_labels(parse(TRANSCRIPT)))]
    assert "UPDATE" not in sources
    # Speakers the parse does not know as persons, each opening more than one line.
    text = "JAKE TAPPER: Is he a healer?\n\nFALLIN: I think so.\n\nTAPPER: Why?\n\nFALLIN: Because.\n"
    assert [source for _, source, _ in first_parts(text, colon_labels(parse(text)))] == [
        "JAKE TAPPER",
        "FALLIN",
        "TAPPER",
        "FALLIN",
    ]
    # A dateline is a place, even in an article that names a person of that name.
    text = "George Washington said the house was sold.\n\nWASHINGTON: The president said taxes would rise.\n"
    assert colon_labels(parse(text)) == []
    # An interview's Q: and A: name no one.
    text = "Q: Do you wish you were running?\n\nA: No, but I will speak.\n\nQ: Why?\n\nA: Time.\n"
    assert colon_labels(parse(text)) == []


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
