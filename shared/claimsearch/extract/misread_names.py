"""Names NER misreads, and how a person entity is cut to the name: titles and stray words at
its ends, a given name it began after, a body it ran into ("Fox News’ Bret Baier"), an
epithet glued on ("Fascist Trump"), full names and surnames it read nowhere, surnames it
took for places."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from functools import cached_property

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimsearch.claimants.given_names import given_name_gender
from claimsearch.extract.genders import gender_cue
from claimsearch.extract.noun_phrases import is_title
from claimsearch.extract.persons import HONORIFICS, POSSESSIVE_MARKS, Mention, cached_name_key, is_full_name
from claimsearch.extract.text_spans import overlaps
from claimsearch.model import Span

# Words NER glues to either end of a name that are not part of it: "the", "DuVernay’s
# ‘", "Obama Seeks" (a headline). A verb is only cut at the end: "Will" at the front may
# be a given name.
_LEADING_POS = frozenset({"DET", "PUNCT", "PART", "ADP", "CCONJ", "SCONJ"})

_TRAILING_POS = _LEADING_POS | {"VERB", "AUX"}

# Words before a place name that say it is one: "in Washington", "to Israel".
_PLACE_PREPOSITIONS = frozenset({"in", "to", "from", "at", "across", "near", "outside", "throughout"})


def surnames_read_as_places(doc: Doc, raw: list[Mention]) -> set[tuple[str, ...]]:
    """Surnames NER tags a place ("Kasich", 110 times in one article; "Rubio", "Garland", "Le
    Pen"): those of people written in full (`_surnames_in_full`), none of whose words the
    article writes as a place after "in", "to", "from" ... ("Kerry Washington" beside "in
    Washington")."""
    placed = {
        cached_name_key(t.text)
        for t in doc
        if t.ent_type_ in ("GPE", "LOC") and t.i > 0 and doc[t.i - 1].lower_ in _PLACE_PREPOSITIONS
    }
    return {words for words in _surnames_in_full(raw) if not placed.intersection(words)}


def _surnames_in_full(raw: list[Mention]) -> set[tuple[str, ...]]:
    """The trailing words of each person the article writes in full whose first word is a
    given name: one the census lists hold, or one that is no one's surname and no name of its
    own in the article ("Marine", "Merrick"; not "Cruz" of "Cruz Iowa", "Trump" of "Trump
    Indiana", names NER ran into a place)."""
    full = [m for m in raw if m.kind == "person" and m.full and not m.headline]
    alone = {m.words[-1] for m in raw if len(m.words) == 1} | {m.words[-1] for m in full}
    ends: set[tuple[str, ...]] = set()
    for m in full:
        if given_name_gender(m.text) is not None or m.words[0] not in alone:
            ends.update(m.words[-count:] for count in range(1, len(m.words)))
    return ends


def surnames_missed(doc: Doc, raw: list[Mention], headlines: list[Span], common: CommonWords) -> list[Span]:
    """Surnames NER tags nothing, of people the article writes in full ("Brafman finally sat
    down", "Earnest said", 815 such words in train and dev): a capitalised proper noun outside
    any entity and headline, the surname of a person written in full (`_surnames_in_full`),
    no word the article writes in lower case, no modifier of another noun ("the Rubio super
    PAC") and no last word of another name ("Tom Emanuel" NER read nowhere beside "Ari
    Emanuel": `full_names_missed` decides those)."""
    surnames = {words[0] for words in _surnames_in_full(raw) if len(words) == 1}
    taken = [m.span for m in raw]
    found: list[Span] = []
    for token in doc:
        span = (token.idx, token.idx + len(token.text))
        if (
            token.ent_type_
            or token.pos_ != "PROPN"
            or token.dep_ == "compound"
            or any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in token.lefts)
            or not token.text[:1].isupper()
            or token.text.isupper()
            or cached_name_key(token.text) not in surnames
            or common.written_in_lower_case(token.text)
            or any(s <= token.idx < e for s, e in headlines)
            or any(overlaps(span, t) for t in taken)
        ):
            continue
        found.append(span)
    return found


def owners_split(ents: Sequence[SpacySpan]) -> list[SpacySpan]:
    """The entities, with a body NER ran into the person it owns cut in two: "Fox News’ Bret
    Baier" (one ORG) is Fox News and Bret Baier, a given name the census lists hold and a
    surname after the possessive."""
    split: list[SpacySpan] = []
    for ent in ents:
        mark = next((t for t in ent if t.tag_ == "POS" or t.text in POSSESSIVE_MARKS), None)
        if ent.label_ == "ORG" and mark is not None and mark.i > ent.start:
            person = ent.doc[mark.i + 1 : ent.end]
            if (
                len(person) >= 2
                and all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in person)
                and given_name_gender(person.text) is not None
            ):
                split.append(SpacySpan(ent.doc, ent.start, mark.i, label="ORG"))
                split.append(SpacySpan(ent.doc, person.start, person.end, label="PERSON"))
                continue
        split.append(ent)
    return split


_NOT_A_NAMESAKE = frozenset({"GPE", "LOC", "FAC", "ORG", "NORP", "EVENT"})


def _given_words(mentions: list[Mention]) -> dict[str, set[str]]:
    """The given words each surname is written in full with among the person mentions
    ("trump" -> {"donald", "ivanka"})."""
    given: dict[str, set[str]] = {}
    for m in mentions:
        if m.kind == "person" and m.full and m.words:
            given.setdefault(m.words[-1], set()).add(m.words[0])
    return given


def full_names_missed(doc: Doc, raw: list[Mention], headlines: list[Span], common: CommonWords) -> list[Span]:
    """Full names NER read nowhere of a person it knows only by a surname: "CHICAGO - Rahm
    Emanuel may have thought ..." (no entity) before "Emanuel fired his police chief": a
    capitalised proper noun leaning on the surname, outside any entity and headline, the
    name two words long ("Hillary Rodham Clinton" is not "Rodham Clinton"), the given word
    no title nor a word the article writes in lower case, and opening a sentence only if the
    census lists hold it ("Outside Carrier's plant ...": no one). Also a namesake of a person
    the article writes in full, by another given name written more than once ("Ivanka Trump"
    beside "Donald Trump", NER reading her nowhere in the article).
    Without it the surname files as the registry's dominant person of that name, whoever
    came first."""
    persons = [m for m in raw if m.kind == "person" and not m.headline]
    given_words = _given_words(persons)
    surnames = {m.text for m in persons if len(m.words) == 1}
    surnames |= {m.text.split()[-1] for m in persons if m.full}
    # How often the article writes each pair, and how often NER reads it as a place or a body
    # ("South Korea"): mostly so, it is no one ("Le Pen" read once as a building is still
    # Marine Le Pen).
    written = Counter((t.nbor(-1).text, t.text) for t in doc if t.text in surnames and t.i > 0)
    places = Counter(
        (t.nbor(-1).text, t.text)
        for t in doc
        if t.text in surnames and t.i > 0 and {t.ent_type_, t.nbor(-1).ent_type_} <= _NOT_A_NAMESAKE
    )
    found: list[Span] = []
    for token in doc:
        if token.text not in surnames or token.i < 1 or token.ent_type_ == "PERSON":
            continue
        given = doc[token.i - 1]
        if not (
            given.dep_ == "compound"
            and given.head.i == token.i
            and given.pos_ == "PROPN"
            and given.text[:1].isupper()
            and not given.text.isupper()
            and given.whitespace_
            and given.ent_type_ != "PERSON"
            and not is_title(given)
            and not common.written_in_lower_case(given.text)
        ):
            continue
        others = given_words.get(cached_name_key(token.text))
        if others is not None:
            # A namesake of a person the article writes in full, by another given name it
            # writes more than once ("Ivanka Trump" beside "Donald Trump", a name NER read
            # nowhere in the article and the census lists lack).
            pair = (given.text, token.text)
            unread = {token.ent_type_, given.ent_type_} <= {"", "PRODUCT", "WORK_OF_ART"}
            if cached_name_key(given.text) in others or written[pair] < 2 or not unread:
                continue
            if 2 * places[pair] > written[pair] or common.written_in_lower_case(token.text):
                continue  # a place or a body; a surname the article writes in lower case ("street")
        elif (
            token.ent_type_
            or given.ent_type_
            or (given.is_sent_start and given_name_gender(f"{given.text} {token.text}") is None)
        ):
            continue
        before = doc[given.i - 1] if given.i > 0 else None
        if (
            before is not None
            and before.text[:1].isupper()
            and before.dep_ == "compound"
            and before.head.i == token.i
        ):
            continue
        if any(s <= given.idx < e for s, e in headlines):
            continue
        found.append((given.idx, token.idx + len(token.text)))
    return found


class CommonWords:
    """One word NER tagged a person that the tagger reads as no proper noun and the article
    gives no full name with: "Nationally, ...", "Conceding that ...", "Coal miners" (tagged
    a person where a "she" after it was Hillary Clinton, and so taken for her). Such a word
    is a name only as part of a full one ("Trump" read as a verb stays while the article
    names Donald Trump; "Sanders" read as a noun is never in lower case)."""

    _NOT_NAMES = frozenset({"VERB", "ADV", "ADJ", "AUX", "INTJ", "X"})

    def __init__(self, doc: Doc) -> None:
        self._doc = doc

    @cached_property
    def _lower_case(self) -> frozenset[str]:
        return frozenset(t.text for t in self._doc if t.text.islower())

    @cached_property
    def _in_full_names(self) -> frozenset[str]:
        return frozenset(t.text for e in self._doc.ents if e.label_ == "PERSON" and len(e) > 1 for t in e)

    def written_in_lower_case(self, word: str) -> bool:
        """Whether the article writes the word in lower case somewhere: a common word, not a
        given name ("Will" of "Will Hurd" is one where the article never writes "will")."""
        return word.lower() in self._lower_case

    def taken_for_a_name(self, token: Token) -> bool:
        if token.pos_ == "PROPN" or token.text in self._in_full_names:
            return False
        return token.pos_ in self._NOT_NAMES or token.text.islower() or token.text.lower() in self._lower_case


def person_taken_for_a_body(doc: Doc, text: str, span: Span) -> bool:
    """A full name NER tagged ORG is a person's when its given name has a gender and a
    pronoun after it in its clause agrees ("Carly Fiorina threw her support behind ...": spaCy
    tags her ORG wherever she is named). A body named after a person ("Clinton Foundation",
    "Woodrow Wilson Center") is not the subject of a "he" or "she"."""
    if not is_full_name(text) or len(text.split()) > 3:
        return False
    given = given_name_gender(text)
    return given is not None and gender_cue(doc, span, pronouns=True) == given


def name_tokens(tokens: list[Token]) -> list[Token]:
    """A person entity without titles in front or stray words at either end."""
    # A title is cut only in front of a name: "King" of "Mr. King" is the name.
    while tokens and (tokens[0].pos_ in _LEADING_POS or (is_title(tokens[0]) and len(tokens) > 1)):
        tokens = tokens[1:]
    # "Injecting Clinton's marital troubles ...": a gerund opening a sentence, tagged a name.
    if (
        len(tokens) > 1
        and tokens[0].is_sent_start
        and tokens[0].lower_.endswith("ing")
        and len(tokens[0]) > 5
    ):
        tokens = tokens[1:]
    while tokens and (tokens[-1].pos_ in _LEADING_POS or tokens[-1].tag_ == "POS" or tokens[-1].is_space):
        tokens = tokens[:-1]
    # "Obama Seeks", "Trump charges" (headline verbs): a name does not end in a verb or
    # in lower case. A name alone may be mistagged a verb ("Trump" as VB): it stays.
    while len(tokens) > 1 and (tokens[-1].pos_ in _TRAILING_POS or _lower_case_word(tokens[-1])):
        tokens = tokens[:-1]
    if len(tokens) == 1 and tokens[0].text.rstrip(".").casefold() in HONORIFICS:
        return []  # "Mr" alone
    return tokens


def given_name_before(tokens: list[Token]) -> list[Token]:
    """A name NER began one word late: "Debbie" of "DNC Chair Debbie Wasserman Schultz", whose
    tag begins at "Wasserman". The word before it is the name's when it leans on it and is a
    given name the census lists hold (not "Billie" of "Billie Jean King", which they lack)."""
    first = tokens[0]
    if first.i == 0:
        return tokens
    before = first.doc[first.i - 1]
    leans = before.dep_ == "compound" and before.head.i in {t.i for t in tokens}
    if (
        leans
        and before.pos_ == "PROPN"
        and not before.ent_type_
        and before.text[:1].isupper()
        and before.whitespace_
        and given_name_gender(f"{before.text} {first.text}") is not None
    ):
        return [before, *tokens]
    return tokens


def epithets_cut(raw: list[Mention], common: CommonWords) -> list[Mention]:
    """A word NER glued before the surname of a person the article writes in full with
    another given name is no namesake: "Fascist Trump" (a protester's shirt) beside "Donald J.
    Trump", "Said Comey" beside "James Comey", "Young Sanders". The word is one the article
    writes in lower case ("fascist salutes") and the census lists lack before that surname; a
    given name that is also a word ("Will Hurd", "Mark Cuban") is in them, and a name the
    article gives no one else ("Win Htein", "Pope Francis") stays whole."""
    given_words = _given_words(raw)
    kept: list[Mention] = []
    for m in raw:
        words = m.text.split()
        if (
            m.kind == "person"
            and len(words) == 2
            and len(m.words) == 2
            and given_words.get(m.words[-1], set()) - {m.words[0]}
            and common.written_in_lower_case(words[0])
            and given_name_gender(m.text) is None
        ):
            surname = len(m.text) - len(words[1])
            m = replace(m, text=words[1], span=(m.span[0] + surname, m.span[1]))
        kept.append(m)
    return kept


def _lower_case_word(token: Token) -> bool:
    """A word of its own in lower case: "charges", not "moon" of "Ki-moon"."""
    return token.text.islower() and token.i > 0 and bool(token.doc[token.i - 1].whitespace_)


def title_case_lines(text: str) -> list[Span]:
    """Lines whose words are nearly all capitalised: headlines, where NER glues words to names."""
    spans: list[Span] = []
    start = 0
    for line in text.split("\n"):
        words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", line) if len(w) > 3]
        if len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words):
            spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans
