"""From attribution spans to `Claim` records: everything built on top of the finder."""

from __future__ import annotations

from typing import TypeVar

from spacy.tokens import Doc

from claimsearch.extract.claimant import ClaimantResolver
from claimsearch.extract.cues import cue_class_for
from claimsearch.extract.entities import entity_mentions
from claimsearch.extract.medium import find_medium
from claimsearch.extract.quantities import date_candidates, dates_in, quantities_in, quantity_candidates
from claimsearch.extract.spans import AttributionSpans
from claimsearch.extract.speaker_labels import LABEL_MARKS
from claimsearch.extract.text_spans import SpanIndex, overlaps, quote_type, tokens_in, trim
from claimsearch.model import Article, Claim, Content, Cue, Span, claim_id_for

T = TypeVar("T")

CLAIM_BUILDER_VERSION = "claims-47"  # 2: content.introducer; 3: claimants resolved within the article;
# 4: a speaker label's mark kept as the cue (it was trimmed away and the claim dropped);
# 5: namesakes told apart by given names, titles as roles, relative words no part of a name;
# 6: names and entities without the marks at their edges ("― Jacklyn Ashley", '">Sanders');
# 7: a work's claims filed under its named author ("Trump's plan" -> Donald Trump);
# 8: a given name after an owner or a role names a person ("Twitter's Adam Sharp");
# 9: a pronoun after a question stands for the person asked ("X asked Sanders ... he said");
# 10: a relative word after a place stands for whom the place describes ("a gynecologist from
# Englewood, N.J., who"), after a time or a number for no one; a source that is a clause names
# its subject; a passive asker is not who a pronoun stands for ("When pressed by Holt, his ...");
# 11: a description right after a name and its comma is that person ("Deborah Tamargo, the
# chairwoman of ..., recalled") where the parser saw no apposition;
# 12: not a conjunct of an object ("with hosts Joe Scarborough and Mika Brzezinski, the
# candidate stated"); a source opening on "such as" names what follows;
# 13: a kin word beside a name gives no gender when it is someone else's ("Sanders’ son", "his
# wife"), nor does a pronoun that is its verb's object or another clause's subject ("After
# Hillary Clinton accused him of sexism, he warned"); one "she" reporting twice ('"...," she
# wrote, recalling ...') stands for one person;
# 14: a full name NER tagged ORG is a person's when its given name and a pronoun after it
# agree ("Carly Fiorina threw her support behind ...");
# 15: "they" stands for the people named as a plural subject before it, in its sentence or
# the one before, ahead of an earlier claimant ("Bush campaign officials looked into ... They
# determined"), none inside a quotation;
# 16: "it" likewise the body a singular subject names ("Trump's campaign ..., it said"), unless
# a named body's claim came first and the subject only describes it ("the network");
# 17: one common word NER tagged a person is none ("Nationally", "Coal"); a given name NER left
# out is the name's ("Debbie Wasserman Schultz"); a description run into a name by the parser
# is named by the name ("Tennis great Billie Jean King", "lobbyist and GOP strategist Charlie
# Black"); a share of those polled ("60 percent") is a group;
# 18: a definite description is the person the article described with all its words, named
# before it ("Vermont Sen. Bernie Sanders ... The Vermont senator said"); a bare noun ("the
# judge") only one named a few sentences before, of no other gender; a relative word after a
# description in apposition to a name is that person ("Alfonso Aguilar, the executive director
# of ..., who");
# 19: whether a noun names a person is WordNet's word ("the retired neurosurgeon", "his wife"
# are people, "the newspaper" is not); a role is such a noun ("Student loans", "photo" are
# none), the description itself where the name is its apposition ("His campaign manager, Jeff
# Weaver"); a description of a man or a woman is no antecedent of the other's pronoun;
# 20: a newspaper named by a document noun ("The Washington Post", "the Post") is a body, not a
# document; a document's author ("a letter from ...") is a phrase with a name in it, cut
# before a clause ("the American Legion | obtained by The Associated Press");
# 21: a role as the text writes it, hyphenated words whole ("Republican front-runner",
# "co-director", "senior White House adviser", where it was "Republican front - runner",
# "director", "senior House adviser");
# 22: "they" stands for no body named in the singular, an "it" ("HP ... they proved", "The
# Huffington Post ... they"); a body with a plural name stays ("The Teamsters ... they");
# 23: an apposition after a second person is that person's, no role of the first ("Bill
# Clinton and Melania Trump, Donald Trump's wife"); 24: outlets and platforms NER takes for
# people are organisations ("Politico reported", "Twitter said": `claimants.bodies`); 25: a
# person named by one plural word for people is a group ("Aides said", "Latinos"); 26: a
# surname misprinted by one letter is the person named in full ("Bornsten" after "Harold
# Bornstein"), where no one's name is spelt so; 27: a name the tagger read as a common noun
# is a surname ('"...," Hannity said'; "D'Souza went on" after "Dinesh D'Souza"), not a group;
# 28: a headline's name is not run on into the verb NER glued to it ("Ben Carson Defends
# Himself ...": Ben Carson, not a group "Ben Carson Defends"); a name NER missed, of a given
# name the census lists lack, that an apposition describes as a person is that person
# ("Prince Alwaleed, the nephew of the late King Abdullah"); 29: a role before a name keeps
# its modifiers ("Republican presidential nominee", "Vermont Senator", "Fox News moderator",
# where it was "nominee", "Senator", "moderator"), and "the head said" takes a role by its
# noun ("The campaign" is no "Trump campaign spokesman"); 30: a role holds no reporting verb
# the parser hung on it ("said billionaire") nor a dateline before a dash ("NEW YORK -
# Republican presidential candidate"); 31: a full name NER read nowhere of a person it knows
# by a surname alone ("CHICAGO - Rahm Emanuel may have thought ...") is the person's name;
# 32: a name never takes in the cue ("records | show", "Trump | Wants", parsed as one phrase);
# 33: a dateline is no claimant nor part of a source ("WASHINGTON -- President Obama, ...,
# said" is Obama's), a person's name closing a description is the claimant where the parser
# took another word for the head ("Tulsa police Chief Chuck Jordan", "co-host Mika
# Brzezinski"), and so is a name in apposition to the subject ("one of the family's
# attorneys, Justin Bamberg, said") or a second apposition after a description ("New York
# (AFP) – | Oscar-winning actress | Susan Sarandon"), and a surname is the one person the
# article names with a generational suffix ("Mr. Biden" of "Joseph R. Biden Jr.");
# 34: a document is its maker's where a participle names it ("a report released by the
# Brookings Institution", "a complaint filed by the SEC"), not where it names who only
# holds or passes it on ("a letter obtained by The Associated Press"); 35: "the poll", "this
# report" is the document the article named last by that noun, where a name or a maker names
# it ("A new Quinnipiac University poll ... The poll also found"); 36: a given name and a
# surname in a capitalised line name the person the body writes by the surname alone ("Former
# New York Gov. George Pataki is endorsing John Kasich." over "Pataki ended ..."); 37: "it"
# stands for a document named just before as a subject, or as the object of the sentence
# before's main verb ("The city sent a cease-and-desist letter Thursday. It says ...");
# 38: a name where the parse gives none a head: past a time that is the parser's subject
# ("this past weekend ..., Mr. Obama and Mr. Xi"), a title's apposition ("both President
# Barack Obama and ..."), a title's own "of the" and a party and state after the name
# ("Speaker of the House Rep. Paul Ryan (R-WI)"); a day owning a misparsed phrase is no one
# ("Tuesday's results show"); a description never ends in "and", "of" or an article;
# 39: a relative subject hung on an auxiliary or on a clause coordinated with the first
# ("Ted Cruz of Texas, who ..., and who has been hoping") stands for the antecedent, "who" a
# person's; a relative clause after a preposition (", in which") and a leading "what" are
# no part of a name; 40: a namesake NER reads nowhere of a person the article writes in full,
# by another given name written twice ("Ivanka Trump" beside "Donald Trump"); 41: a pronoun in
# a relative clause describing another noun gives a name no gender ("Donald J. Trump would
# campaign in Louisville, where she is a student"); an acronym NER reads as a body is no one's
# surname ("the SVP" is not "Junge SVP", "the U.N." not Kim Jong Un); a common word glued before
# the surname of a person written in full is no namesake ("Fascist Trump", "Said Comey");
# 42: the owner of the name's apposition is someone else ("Michael Capellas, her counterpart");
# 43: a surname NER tags a place is the person the article writes in full ("Kasich", "Le Pen",
# "Bloomberg"), unless the article writes it as a place ("in Washington"); 44: so is a surname
# NER tags nothing ("Brafman finally sat down"); 45: a body NER ran into the person it owns is
# the body and the person ("Fox News’ Bret Baier"); 46: a name ends at a colon ('"WALLACE:
# Governor, ...' is WALLACE), and a straight quote a space away from a content is another
# sentence's, not its own (quote_type); 47: a bare surname is only a namesake the article has
# written in full before it (Hillary Clinton's "Clinton" went to Bill, named in full only later)


def extractor_version(finder_name: str) -> str:
    """What each claim records as the extractor that made it: the finder and this builder."""
    return f"{finder_name}+{CLAIM_BUILDER_VERSION}"


def build_claims(
    article: Article, doc: Doc, attributions: list[AttributionSpans], finder_name: str
) -> list[Claim]:
    """Claims in text order; attributions touching page furniture are dropped."""
    text = article.text
    entities = entity_mentions(doc, article.furniture)
    resolver = ClaimantResolver(doc, entities)
    quantities = quantity_candidates(doc)
    dates = date_candidates(doc)
    # Each claim looks only at what lies near it: scanning the whole article's entities,
    # quantities and furniture for every claim made long texts quadratic.
    entity_index = SpanIndex([e.span for e in entities])
    quantity_index = SpanIndex([q.span for q in quantities])
    date_index = SpanIndex([d.span for d in dates])
    furniture_index = SpanIndex(article.furniture)
    version = extractor_version(finder_name)
    claims: list[Claim] = []
    seen: set[str] = set()
    # Text order; of two starting together, the longer first: a quotation is resolved
    # before a claim inside it, whose "I" is the quotation's speaker.
    ordered = sorted(attributions, key=_text_order)
    for attribution in ordered:
        spans = attribution.cue + attribution.content + attribution.source
        if not attribution.cue or not attribution.content:
            continue
        if any(overlaps(s, article.furniture[i]) for s in spans for i in furniture_index.around(s)):
            continue
        # Spans as users read them: no surrounding spaces, punctuation or quote marks
        # (the quote type says whether the content was quoted).
        cue_span = _cue_span(text, (attribution.cue[0][0], attribution.cue[-1][1]))
        content_spans, introducer = _without_complementizer(text, _trimmed(text, attribution.content))
        if not content_spans or cue_span[0] >= cue_span[1]:
            continue
        claim_id = claim_id_for(article.id, cue_span, content_spans)
        if claim_id in seen:
            continue
        seen.add(claim_id)
        claimant = resolver.resolve(_trimmed(text, attribution.source), cue_span, content_spans)
        sentence_span = _sentence_span(doc, spans)
        scope = content_spans + ([claimant.span] if claimant.span else [])
        content_extent = (content_spans[0][0], content_spans[-1][1])
        nearby = _near(entities, entity_index, [sentence_span, *scope])
        claims.append(
            Claim(
                id=claim_id,
                article_id=article.id,
                content=Content(
                    " ".join(text[s:e] for s, e in content_spans),
                    content_spans,
                    quote_type(text, content_spans),
                    introducer,
                ),
                cue=_cue(doc, cue_span),
                claimant=claimant,
                medium=find_medium(doc, cue_span, content_spans, nearby),
                sentence=text[sentence_span[0] : sentence_span[1]].strip(),
                sentence_span=sentence_span,
                entities=[e for e in nearby if any(overlaps(e.span, s) for s in scope)],
                quantities=quantities_in(_near(quantities, quantity_index, [content_extent]), content_spans),
                dates=dates_in(_near(dates, date_index, [sentence_span]), [sentence_span]),
                extractor_version=version,
                publisher=article.publisher,
                published_at=article.published_at,
            )
        )
    return claims


def _near(items: list[T], index: SpanIndex, spans: list[Span]) -> list[T]:
    """The items (in their order) whose spans overlap or touch any of `spans`."""
    return [items[i] for i in sorted({i for span in spans for i in index.around(span)})]


def _text_order(attribution: AttributionSpans) -> tuple[int, int]:
    spans = attribution.cue + attribution.content + attribution.source
    return min(s[0] for s in spans), -max(s[1] for s in spans)


def _cue_span(text: str, span: Span) -> Span:
    """The cue as users read it: without surrounding spaces and punctuation, except the
    mark of a speaker label, which is all the cue there is ("Ryan: ...", '"..." ― Ahn')."""
    trimmed = trim(text, span)
    raw = text[span[0] : span[1]]
    mark = raw.strip()
    if trimmed[0] < trimmed[1] or mark not in LABEL_MARKS:
        return trimmed
    start = span[0] + raw.index(mark)
    return (start, start + len(mark))


def _cue(doc: Doc, span: Span) -> Cue:
    tokens = [t for t in tokens_in(doc, span) if not t.is_punct]
    lemma = " ".join(t.lemma_.lower() for t in tokens) or doc.text[span[0] : span[1]].lower()
    cue_class = "say" if lemma in LABEL_MARKS else cue_class_for(lemma)  # a label states
    if cue_class is None and tokens:
        cue_class = cue_class_for(tokens[0].lemma_.lower())
    return Cue(doc.text[span[0] : span[1]], span, lemma, cue_class or "other")


def _sentence_span(doc: Doc, spans: list[Span]) -> Span:
    start = min(s[0] for s in spans)
    end = max(s[1] for s in spans)
    first = doc.char_span(start, start + 1, alignment_mode="expand")
    last = doc.char_span(end - 1, end, alignment_mode="expand")
    if first is None or last is None:
        return (start, end)
    sentence_start = first[0].sent.start_char
    sentence_end = last[-1].sent.end_char
    text = doc.text
    while sentence_end > sentence_start and text[sentence_end - 1].isspace():
        sentence_end -= 1
    return (sentence_start, sentence_end)


_COMPLEMENTIZERS = ("that ",)


def _without_complementizer(text: str, spans: list[Span]) -> tuple[list[Span], Span | None]:
    """'found that workers ...' -> 'workers ...', and the span of 'that' (or None)."""
    if not spans:
        return spans, None
    start, end = spans[0]
    lowered = text[start:end].lower()
    for word in _COMPLEMENTIZERS:
        if lowered.startswith(word) and end - start > len(word):
            skip = len(word)
            while start + skip < end and text[start + skip].isspace():
                skip += 1
            return [(start + skip, end), *spans[1:]], (start, start + len(word.rstrip()))
    return spans, None


def _trimmed(text: str, spans: list[Span]) -> list[Span]:
    trimmed = (trim(text, s) for s in sorted(spans))
    return [s for s in trimmed if s[0] < s[1]]
