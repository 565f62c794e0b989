"""The end-to-end issue's acceptance table, on the example article, with the real pipeline."""

from __future__ import annotations

import pytest

from claimsearch.model import Article, Claim

# (resolved claimant, cue text, content begins with)
ACCEPTANCE = [
    ("human rights activists", "say", "Kim Jong-un sends North Korean slaves abroad"),
    ("reports", "according to", "North Koreans are sent to labour abroad"),
    ("human rights activists", "claim", "Tens of thousands of North Koreans"),
    ("Ahn Myeong-chul", "believes", "the money is being used to buy luxury goods"),
    ("Ahn Myeong-chul", "told", "North Korea is exploiting their labour"),
    (
        "the North Korea Strategy Centre and other bodies",
        "found",
        "workers, who work in industries including logging",
    ),
    ("a US State Department report", "found", "many thousands of citizens were sent abroad"),
    ("the UN's rapporteur for human rights", "called for", "Jong-un and his regime to be referred"),
]


def _norm(text: str) -> str:
    return text.replace("’", "'").casefold()


# The trained finder follows PolNeAR, whose cues keep their auxiliaries ("has said",
# "have found"): a cue matches the table's verb with or without them, nothing else.
AUXILIARIES = {"has", "have", "had", "also", "is", "are", "was", "were", "will", "would"}


def _cue_matches(found: str, expected: str) -> bool:
    words, wanted = _norm(found).split(), _norm(expected).split()
    return words[-len(wanted) :] == wanted and set(words[: -len(wanted)]) <= AUXILIARIES


def _find(claims: list[Claim], claimant: str, cue: str, content: str) -> Claim:
    for claim in claims:
        if (
            _norm(claim.claimant.name or "") == _norm(claimant)  # None: no source, or an unresolved pronoun
            and _cue_matches(claim.cue.text, cue)
            and _norm(claim.content.text).startswith(_norm(content))
        ):
            return claim
    found = [(c.claimant.name, c.cue.text, c.content.text[:40]) for c in claims]
    raise AssertionError(f"no claim ({claimant!r}, {cue!r}, {content!r}) in {found}")


@pytest.mark.parametrize(("claimant", "cue", "content"), ACCEPTANCE)
def test_acceptance_claim_is_found(example_extraction, claimant: str, cue: str, content: str) -> None:  # type: ignore[no-untyped-def]
    _article, claims = example_extraction
    _find(claims, claimant, cue, content)


def test_ahn_has_role_and_organisation(example_extraction) -> None:  # type: ignore[no-untyped-def]
    _article, claims = example_extraction
    claim = _find(claims, "Ahn Myeong-chul", "believes", "the money")
    assert claim.claimant.role == "head"
    assert claim.claimant.organization == "NK Watch"
    assert claim.claimant.type == "person"
    assert claim.cue.cue_class == "believe"


def test_pronoun_resolves_with_medium_and_direct_quote(example_extraction) -> None:  # type: ignore[no-untyped-def]
    article, claims = example_extraction
    claim = _find(claims, "Ahn Myeong-chul", "told", "North Korea is exploiting")
    assert claim.claimant.mention == "she"
    # The pronoun carries what the article said of her before: head of NK Watch.
    assert (claim.claimant.role, claim.claimant.organization) == ("head", "NK Watch")
    assert claim.claimant.span is not None
    assert article.text[slice(*claim.claimant.span)] == "she"
    assert claim.medium is not None and claim.medium.text == "the New York Times"
    assert claim.content.quote_type == "direct"


def test_rapporteur_claim_carries_its_date(example_extraction) -> None:  # type: ignore[no-untyped-def]
    _article, claims = example_extraction
    claim = _find(claims, "the UN's rapporteur for human rights", "called for", "Jong-un")
    assert "2014" in [d.value for d in claim.dates]
    assert claim.cue.cue_class == "call_for"
    assert claim.claimant.organization == "UN"


def test_document_claimants(example_extraction) -> None:  # type: ignore[no-untyped-def]
    _article, claims = example_extraction
    report = _find(claims, "a US State Department report", "found", "many thousands")
    assert report.claimant.type == "document"
    assert report.claimant.organization == "US State Department"
    assert "many thousands" in [q.text for q in report.quantities]
    centre = _find(claims, "the North Korea Strategy Centre and other bodies", "found", "workers")
    assert centre.claimant.organization == "North Korea Strategy Centre"


def test_introducing_that_is_recorded_outside_the_content(example_extraction) -> None:  # type: ignore[no-untyped-def]
    article, claims = example_extraction
    for content in ("workers, who work", "many thousands of citizens"):  # both "found that ..."
        claim = next(c for c in claims if c.content.text.startswith(content))
        assert claim.content.introducer is not None
        start, end = claim.content.introducer
        assert article.text[start:end] == "that"
        assert article.text[end : claim.content.spans[0][0]].isspace()
    believes = _find(claims, "Ahn Myeong-chul", "believes", "the money")  # no "that" in the text
    assert believes.content.introducer is None


def test_no_claim_from_page_furniture(example_extraction) -> None:  # type: ignore[no-untyped-def]
    article, claims = example_extraction
    for claim in claims:
        for start, end in [claim.cue.span, *claim.content.spans]:
            for f_start, f_end in article.furniture:
                assert end <= f_start or start >= f_end, claim
        assert "Click to follow" not in claim.content.text
        assert "Independent Online" not in claim.content.text


def test_every_span_points_at_its_text(example_extraction) -> None:  # type: ignore[no-untyped-def]
    article: Article = example_extraction[0]
    for claim in example_extraction[1]:
        assert article.text[slice(*claim.cue.span)] == claim.cue.text
        assert " ".join(article.text[s:e] for s, e in claim.content.spans) == claim.content.text
        if claim.claimant.span:
            assert article.text[slice(*claim.claimant.span)] == claim.claimant.mention
        for entity in claim.entities:
            assert article.text[slice(*entity.span)] == entity.text
        for quantity in claim.quantities:
            assert article.text[slice(*quantity.span)] == quantity.text


def test_kim_jong_un_variants_share_one_canonical_name(example_extraction) -> None:  # type: ignore[no-untyped-def]
    _article, claims = example_extraction
    surfaces = {e.text: e.canonical for c in claims for e in c.entities if "Jong" in e.text}
    assert {"Kim Jong-un", "Jong-un"} <= set(surfaces)
    assert set(surfaces.values()) == {"Kim Jong-un"}


def test_extraction_is_deterministic(example_extraction) -> None:  # type: ignore[no-untyped-def]
    from claimsearch.extract.pipeline import extract_claims

    article, claims = example_extraction
    again = extract_claims(article)
    assert [c.to_dict() for c in again] == [c.to_dict() for c in claims]
