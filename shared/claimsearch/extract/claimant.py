"""Who made a claim: from the source words in the text to a resolved claimant.

A source mention can be a name ("Ahn Myeong-chul, the head of NK Watch"), a
pronoun ("she"), a description ("the rapporteur"), a group ("human rights
activists") or a document ("Reports by the North Korea Strategy Centre"). The
resolver turns it into a name a researcher can filter on, keeps the role and the
organisation the text gives, and resolves pronouns and bare descriptions to the
claimant they refer back to.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from functools import cached_property
from typing import NamedTuple

from spacy.attrs import ORTH
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimsearch.claimants.bodies import is_body_taken_for_a_person
from claimsearch.claimants.descriptions import DOCUMENT_NOUNS, PUBLICATION_NOUNS, names_people_in_plural
from claimsearch.claimants.given_names import given_name_gender
from claimsearch.claimants.names import (
    FEMALE_PRONOUNS,
    MALE_PRONOUNS,
    PRONOUNS,
    ROLE_NOUNS,
    TITLE_ABBREVIATIONS,
    TITLES,
    is_pronoun,
    name_words,
)
from claimsearch.claimants.person_nouns import names_a_person
from claimsearch.extract.antecedents import ASKING, a_time, antecedent_of, askers_in, subject_before
from claimsearch.extract.cited_documents import (
    a_document,
    authors_by,
    definite_and_bare,
    document_sent_before,
    refers_back,
    same_document_before,
)
from claimsearch.extract.datelines import datelines
from claimsearch.extract.descriptions import PersonDescriptions
from claimsearch.extract.entities import LEADING_MARKS, ArticlePersons
from claimsearch.extract.genders import FEMALE_WORDS, MALE_WORDS, gender_cue, person_genders
from claimsearch.extract.noun_phrases import (
    BODY_NOUNS,
    OUTLET_NOUNS,
    SUBJECTS,
    a_body,
    core_span,
    depth,
    folded,
    head_of,
    introduces_someone,
    is_honorific,
    is_role_title,
    is_title,
    modifier_start,
    names_people,
    noun_names_a_person,
    opens_a_phrase,
    phrase_around,
    phrase_before_clauses,
    plural_people,
    role_before,
    role_phrase,
    shallowest,
    token_end,
    within,
    word_start,
)
from claimsearch.extract.persons import HONORIFICS
from claimsearch.extract.text_spans import SpanIndex, inside, overlaps, tokens_in, trim
from claimsearch.model import Claimant, ClaimantType, EntityMention, Span

# Works whose claims are their author's: "Trump's plan would ...", "Davis' commentary
# says ..." (lemmas). Not what is about its owner more than by them ("Trump's returns",
# "her record", "his indictment"), nor bodies of people ("his campaign": `noun_phrases._PEOPLE_NOUNS`).
WORK_NOUNS = frozenset(
    "plan proposal report study survey poll analysis statement letter memo paper book memoir "
    "article essay column op-ed commentary editorial blog post tweet email speech remark "
    "comment testimony message website ad advertisement video brief budget platform filing "
    "lawsuit complaint ruling opinion transcript seller bestseller".split()
)
PERSON_PRONOUNS = MALE_PRONOUNS | FEMALE_PRONOUNS
GROUP_PRONOUNS = frozenset({"they", "them", "their", "theirs", "themselves"})
THING_PRONOUNS = frozenset({"it", "its", "itself"})
SELF_PRONOUNS = frozenset({"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"})
_SINGULAR_SELF = frozenset({"i", "me", "my", "mine", "myself"})
RELATIVE_WORDS = frozenset({"who", "whom", "which", "that"})
# Words that never name a claimant on their own (with PRONOUNS): "The", "Mr", "There".
_NOT_NAMES = frozenset("the a an this these those there here no such".split()) | HONORIFICS
# Words that make one title of the title after them ("Vice President", "Lt. Gen."), unlike a
# second title ("Chairman Rep. Jason Chaffetz": a representative who chairs a committee).
_TITLE_PREFIXES = frozenset({"vice", "prime", "lt", "chief", "attorney"})
# A relative word before a name or a relative clause after it is no part of it: "whose
# leaders", "which Apple's chief executive", "(do) what | a partner at ... told him";
# "Lily Batchelder, ..., whose conclusions ...". A capitalised "What" opens a headline.
_LEADING_RELATIVE = re.compile(r"^(?:(?i:whose|which)|what)\s+")
_RELATIVE_CLAUSE = re.compile(
    r",\s+(?:(?:in|of|for|to|with|by|from|at|on|under|through)\s+)?(?:who|whom|whose|which)\b", re.IGNORECASE
)
# Marks at a name's edges are no part of it (`entities.LEADING_MARKS` before it; after it
# a comma or colon a span ran on to). A final "." ("Jr.", "Inc.") and ")" stay, as does an
# apostrophe (a possessive's).
_TRAILING_MARKS = re.compile(r"[\s,;:\-–—―\"“”<>]+$")
# What is left of a contraction whose apostrophe was a mark: "’s", "’ve" name no one.
_CLITICS = frozenset("s ve re ll d m t nt".split())
# Words of a mention that are no name on their own ("in" of "he has in the past", "was" of
# "Democratic front-runner Hillary Clinton was"); "Will", "May" and "US" can be names.
_FUNCTION_WORDS = frozenset(
    "in on at of to for by from with about and or but nor as than is are was were be been being "
    "has have had do does did".split()
)
_ANTECEDENT_SENTENCES = 5  # how far back "he" looks for the person it stands for


@dataclass(frozen=True)
class KnownClaimant:
    """A claimant resolved earlier in the article, for pronouns and descriptions."""

    claimant: Claimant
    position: int  # character offset of its mention
    content: tuple[Span, ...] = ()  # what they said: a first person inside it is them


class _NameInMention(NamedTuple):
    """A person's name the mention gives, where the parse may have led elsewhere: its last
    word, its span, and the role the words before it say (if any)."""

    last: Token
    span: Span
    role: str | None


@dataclass(frozen=True)
class _Candidate:
    """A person "he" or "she" may stand for."""

    claimant: Claimant
    span: Span
    depth: int  # of the mention's token nearest the root of its sentence
    sentence: int  # the number of that sentence


class ClaimantResolver:
    """Resolves source spans of one article, in text order."""

    def __init__(self, doc: Doc, entities: list[EntityMention]) -> None:
        self.doc = doc
        self.entities = entities
        self.known: list[KnownClaimant] = []
        self._gender = person_genders(doc, entities)
        self._persons = ArticlePersons(doc, entities, self._gender)
        self._descriptions = PersonDescriptions(doc, entities)
        self._pronoun_genders: dict[str, set[str]] = {}
        self._pronouns_resolved: dict[Span, Claimant] = {}  # "he" or "she" at a span -> whom
        # "the poll" at a word's index -> the mention of the poll it refers to (`_document_referred_to`).
        self._documents_referred_to: dict[int, Token | None] = {}
        # Descriptions left unnamed that no later "he" or "she" stands for, by where their
        # words lie (`_description`).
        self._no_antecedents: set[Span] = set()
        # The gender a description's own noun gives ("the man", "his wife"), by its name.
        self._description_genders: dict[str, str] = {}
        self._sentence_starts = [sentence.start_char for sentence in doc.sents]
        self._datelines = datelines(doc.text)
        self._entity_index = SpanIndex([e.span for e in entities])
        # Where each mention's root token lies, by the mention's span.
        self._roots: dict[Span, tuple[int, int] | None] = {}
        # The persons "he" or "she" may stand for (person entities, then claimants as they
        # are resolved), in the order they are weighed: by where they start, an entity
        # before a claimant, each kind in its own order. Kept sorted, so that a pronoun
        # looks only at the few sentences before it instead of at everyone named before.
        self._antecedents: list[_Candidate] = []
        self._antecedent_keys: list[tuple[int, int, int]] = []
        self._longest_antecedent = 0
        for i, entity in enumerate(entities):
            if entity.type == "person":
                claimant = Claimant(entity.text, entity.span, entity.canonical, "person", entity.span)
                self._add_antecedent(claimant, (entity.span[0], 0, i))

    @cached_property
    def _lowercase_words(self) -> frozenset[str]:
        """Every word the article writes in lower case (each distinct token text once)."""
        strings = self.doc.vocab.strings
        texts = (strings[orth] for orth in set(self.doc.to_array(ORTH).tolist()))
        return frozenset(text for text in texts if text.islower())

    def _common_word(self, word: str) -> bool:
        """A word the article also writes in lower case: a common noun capitalised ("Video
        shows", "the Clinton Campaign", "the Party's"), not a name."""
        return word.strip().lower() in self._lowercase_words

    def resolve(
        self, source: list[Span], cue: Span | None = None, content: list[Span] | None = None
    ) -> Claimant:
        """The claimant of a source span.

        `cue` lets a partial mention use its whole subject; `content` (what was claimed)
        keeps the people named in it from being taken for a pronoun's antecedent, and
        lets a later "I" inside it resolve to this claimant.
        """
        source = self._after_dateline(source)
        if not source:
            return Claimant(mention=None, span=None, name=None, type="unattributed")
        span = (source[0][0], source[-1][1])
        mention = self.doc.text[span[0] : span[1]]
        # A mention cut inside a token ("Mr" of "Mr.", "O" of "O'Neill") keeps that token.
        tokens = tokens_in(self.doc, span) or list(self.doc.char_span(*span, alignment_mode="expand") or [])
        said = tuple(content or ())
        subject = self._subject_around(span, cue)
        if subject is not None:
            head: Token | None = subject
            scope = (subject.left_edge.idx, token_end(subject.right_edge))
        else:
            cue_words = {t.i for t in tokens_in(self.doc, cue)} if cue else set()
            head, scope = phrase_around(head_of(tokens), tokens, span, self._in_a_persons_name, cue_words)
        if head is None:
            claimant = Claimant(mention, span, None, "group")
        else:
            resolved = self._resolve(mention, span, head, scope, said)
            named = self._name_closing(tokens, span) or self._name_in_apposition(tokens, span, subject)
            if named is not None and not (resolved.name_span and overlaps(resolved.name_span, named.span)):
                # The parse led to another word than the person's name the mention gives.
                resolved = self._resolve(mention, span, named.last, span, said)
                if resolved.type == "person" and resolved.role is None and named.role:
                    resolved = replace(resolved, role=named.role)  # the words the parse misread
            claimant = _many_people_a_group(_without_non_name(resolved))
        self.known.append(KnownClaimant(claimant, span[0], said))
        if (
            claimant.type == "person"
            and claimant.name
            and claimant.span is not None
            and claimant.name_span not in self._no_antecedents
        ):
            self._add_antecedent(claimant, (claimant.span[0], 1, len(self.known)))
        return claimant

    def _resolve(
        self, mention: str, span: Span, head: Token, scope: Span, said: tuple[Span, ...]
    ) -> Claimant:
        """`span` is the mention's; `scope` (the mention or its whole subject) names it."""
        lower = head.lower_
        if lower in RELATIVE_WORDS:
            antecedent = antecedent_of(head, self._in_a_persons_name)
            if antecedent is not None and self._describes_a_person(antecedent):
                # "Alfonso Aguilar, the executive director of ..., who": the person described.
                antecedent = antecedent.head
            if antecedent is not None:
                # "Smith, who said": Smith is the claimant, resolved as a mention of its own.
                return self._resolve(mention, span, antecedent, core_span(antecedent, True), said)
            return Claimant(mention, span, None, "group")
        if lower in PERSON_PRONOUNS | GROUP_PRONOUNS | THING_PRONOUNS | SELF_PRONOUNS:
            return self._pronoun(mention, span, head, said)
        if head.pos_ == "PRON" or is_pronoun(head.text):
            # "some of his advisers" describes a group; "some", "others", "you" alone name no one.
            if any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children):
                return self._description(mention, span, head, scope)
            kind: ClaimantType = "person" if lower in ("you", "your", "someone", "somebody") else "group"
            return Claimant(mention, span, None, kind)
        if a_time(head) and head.dep_ == "poss":
            # "Tuesday's | results show", misparsed: the day owns what is named, it is no one.
            return Claimant(mention, span, mention, "group", span)
        person = self._entity_at(scope, head, "person")
        if person is not None:
            role, organization = self._role_and_organization(head)
            return Claimant(mention, span, person.canonical, "person", person.span, role, organization)
        known = self._known_person(mention, span, head, scope)
        if known is not None:
            return known
        named = self._given_named(mention, span, head) or self._described_name(mention, span, head, scope)
        if named is not None:
            return named
        owner = self._author(head, said) if head.lemma_.lower() in WORK_NOUNS else None
        if owner is not None:
            return replace(owner, mention=mention, span=span)
        if lower in PUBLICATION_NOUNS and head.text[:1].isupper() and not head.is_sent_start:
            return self._publication(mention, span, head, scope)
        if lower in DOCUMENT_NOUNS:
            return self._document(mention, span, head)
        organisation = self._entity_at(scope, head, "organisation")
        if organisation is not None:
            return Claimant(mention, span, organisation.canonical, "organisation", organisation.span)
        return self._surname(mention, span, head, scope) or self._description(mention, span, head, scope)

    def _subject_around(self, span: Span, cue: Span | None) -> Token | None:
        """The head of the cue's subject when the mention is only part of it.

        "the head of NK Watch" inside "Ahn Myeong-chul, the head of NK Watch, ...
        believes": the name to file the claim under is the subject's, Ahn Myeong-chul.
        """
        if cue is None:
            return None
        verbs = [t for t in tokens_in(self.doc, cue) if t.pos_ in ("VERB", "AUX")]
        for verb in verbs[-1:]:
            for child in verb.children:
                if child.dep_ in SUBJECTS and not self._in_dateline(child) and not a_time(child):
                    subject = (child.left_edge.idx, token_end(child.right_edge))
                    if inside(span, subject) and subject != span:
                        return child
        return None

    def _in_dateline(self, token: Token) -> bool:
        """'WASHINGTON -- President Obama, ..., said': the parser's subject is the place the
        story was filed from."""
        return any(s <= token.idx < e for s, e in self._datelines)

    def _after_dateline(self, source: list[Span]) -> list[Span]:
        """A source with the story's dateline cut off ("INDIANAPOLIS - | Ted Cruz"): the
        model ran the source back over it; a source inside one is none."""
        for start, end in self._datelines:
            if source and start <= source[0][0] < end:
                cut = [(max(s, end), e) for s, e in source if e > end]
                return [trim(self.doc.text, part) for part in cut if part[0] < part[1]]
        return source

    def _name_in_apposition(
        self, tokens: list[Token], span: Span, subject: Token | None
    ) -> _NameInMention | None:
        """The person's name the mention is, where it stands in apposition to the subject
        ("one of the family's attorneys, | Justin Bamberg, | said"). Not a name inside the
        subject otherwise ("Some voters who like | Trump | say")."""
        if subject is None:
            return None
        person = next((e for e in self._entities_around(span) if e.type == "person" and e.span == span), None)
        if person is None or not any(t.dep_ == "appos" and t.head.i == subject.i for t in tokens):
            return None
        return _NameInMention(tokens[-1], person.span, None)

    def _name_closing(self, tokens: list[Token], span: Span) -> _NameInMention | None:
        """A person's name that closes the mention after words that only say who the person
        is, with those words as its role (none after an owner's "'s"): "Tulsa police Chief
        Chuck Jordan", "Trump senior adviser Paul Manafort", "BlazeTV's Glenn Beck",
        "Presumptive Democratic presidential nominee Hillary Clinton". English puts a noun
        phrase's head last, but where the parser misreads a title ("Tulsa" as a verb, "Trump"
        as an object, "Presumptive" as a clause) it takes another word for the mention's
        head. The word before the name is a title, an owner's "'s" or a noun for one person;
        none before it opens a list, a clause or a phrase of its own ("supporters of Hillary
        Clinton", "the super PAC backing Hillary Clinton", "Todd Rogers and Adan Acevedo"
        are not the last person named)."""
        words = [t for t in tokens if not t.is_space]
        opened = [i for i, t in enumerate(words) if t.text == "("]
        if opened and all(t.text != ")" for t in words[opened[-1] : -1]):
            # "Speaker of the House Rep. Paul Ryan (R-WI)": a party and state after the name,
            # or the mention cut inside them ("(R-WI").
            words = words[: opened[-1]]
        while words and words[-1].is_punct:
            words.pop()
        if len(words) < 2:
            return None
        last = words[-1]
        end = token_end(last)
        person = next(
            (e for e in self._entities_around((last.idx, end)) if e.type == "person" and e.span[1] == end),
            None,
        )
        if person is None or person.span[0] <= span[0]:
            return None
        before = [t for t in words if token_end(t) <= person.span[0]]
        if not before:
            return None
        if any(opens_a_phrase(t) for t in before):
            return None
        nearest = next((t for t in reversed(before) if not t.is_punct), before[-1])  # "Capt | ."
        if nearest.tag_ == "POS":
            return _NameInMention(last, person.span, None)
        described = nearest.tag_ in ("NN", "NNP") and names_a_person(nearest.lemma_.lower(), in_a_name=False)
        if not (is_title(nearest) or described):
            return None
        return _NameInMention(last, person.span, role_before(before, nearest))

    # -- kinds of mention ------------------------------------------------------------

    def _pronoun(self, mention: str, span: Span, head: Token, said: tuple[Span, ...]) -> Claimant:
        """A pronoun (or possessive: "his claim") stands for someone named before; None if no one fits."""
        lower = head.lower_
        if head.dep_ == "expl":  # "it seems that ...": no one
            return Claimant(mention, span, None, "group")
        if lower in SELF_PRONOUNS:
            # "I" or "we" inside a quotation is its speaker.
            speaker = self._speaker_at(span[0])
            if speaker is not None:
                return _standing_for(mention, span, speaker)
            return Claimant(mention, span, None, "person" if lower in _SINGULAR_SELF else "group")
        if lower in PERSON_PRONOUNS:
            if span in self._pronouns_resolved:
                # '"... President Reagan's trip ...," she wrote, recalling the meeting': one
                # "she" reports both, and stands for the one person whatever each reports.
                return self._pronouns_resolved[span]
            gender = "male" if lower in MALE_PRONOUNS else "female"
            person = self._person_before(head, span, said, gender)
            resolved = Claimant(mention, span, None, "person")
            if person is not None and person.name:
                self._pronoun_genders.setdefault(person.name, set()).add(gender)
                resolved = _standing_for(mention, span, self._described(person))
            self._pronouns_resolved[span] = resolved
            return resolved
        return self._group_or_body(mention, span, head, said)

    def _group_or_body(self, mention: str, span: Span, head: Token, said: tuple[Span, ...]) -> Claimant:
        """What "they" or "it" stands for: the last group, organisation (or, for "it",
        document) that made a claim, a few sentences back at most, unless a subject of the
        kind is named after that claim, in the pronoun's sentence or the one before: people
        for "they" ("Bush campaign officials looked into ... They determined"), a body or a
        document for "it" ("Trump's campaign backtracked ... it said"; "The city sent a
        letter. It says"), never one inside what is reported."""
        lower = head.lower_
        wanted = {"group", "organisation"} if lower in GROUP_PRONOUNS else {"organisation", "document"}
        earliest = self._sentence_of(span[0]) - _ANTECEDENT_SENTENCES
        claimed = None
        for known in reversed(self.known):
            c = known.claimant
            if known.position >= span[0] or self._sentence_of(known.position) < earliest:
                continue
            if c.type in wanted and c.name and not within(c.span, said):
                # A body named in the singular is an "it": the "they" after it stands for
                # something else ("HP had believed its forecasts ... Instead, they proved");
                # "The Teamsters ... they" is the union.
                if lower not in GROUP_PRONOUNS or c.type != "organisation" or c.name.endswith("s"):
                    claimed = known
                break
        reported = said + tuple(part for k in self.known for part in k.content)
        if lower in GROUP_PRONOUNS:
            subject = subject_before(head, reported, lambda t: plural_people(t, self._names_someone))
        else:
            subject = subject_before(
                head, reported, lambda t: (a_body(t) or a_document(t)) and not self._names_someone(t)
            ) or document_sent_before(head, reported)
            if (
                subject is not None
                and subject.ent_type_ != "ORG"
                and claimed
                and claimed.claimant.type == "organisation"
            ):
                subject = None  # "the network" after a claim of Fox News's: the name is the better one
        if subject is not None and (claimed is None or claimed.position < subject.idx):
            named = self._resolve(mention, span, subject, core_span(subject, True), said)
            if named.name:
                return named
        if claimed is not None:
            return _standing_for(mention, span, claimed.claimant)
        return Claimant(mention, span, None, "group")

    def _described(self, person: Claimant) -> Claimant:
        """`person` with the role and organisation an earlier claim of theirs gave ("she" ->
        Ahn Myeong-chul, head of NK Watch), when the antecedent found names none."""
        if person.role or person.organization:
            return person
        for known in reversed(self.known):
            c = known.claimant
            if c.name == person.name and (c.role or c.organization):
                return replace(person, role=c.role, organization=c.organization)
        return person

    def _sentence_of(self, position: int) -> int:
        return bisect_right(self._sentence_starts, position) - 1

    def _gender_of(self, name: str | None) -> str | None:
        """By the article's cues (`person_genders`) or a description's noun, else by the
        pronouns resolved to it, if they agree."""
        if name is None:
            return None
        if name in self._gender:
            return self._gender[name]
        if name in self._description_genders:
            return self._description_genders[name]
        seen = self._pronoun_genders.get(name, set())
        return next(iter(seen)) if len(seen) == 1 else None

    def _speaker_at(self, position: int) -> Claimant | None:
        """The named claimant whose words (resolved so far) contain `position`, innermost first."""
        speakers = [
            (sum(e - s for s, e in k.content), k.claimant)
            for k in self.known
            if k.claimant.name and any(s <= position < e for s, e in k.content)
        ]
        return min(speakers, key=lambda pair: pair[0])[1] if speakers else None

    def _person_before(
        self, head: Token, span: Span, said: tuple[Span, ...], gender: str, hops: int = 0
    ) -> Claimant | None:
        """The person "he" or "she" stands for.

        The nearest sentence (this one, before the pronoun, or one of the few before it)
        that names a person of a fitting gender gives the antecedent: the person nearest
        the root of that sentence, the subject of its main verb before anyone named in a
        clause or an object ("Trump said Clinton lied. He ..." -> Trump). A subject "she"
        there counts as a mention of whoever it stands for, so a chain of "she"s keeps
        to one person. People named inside the claim being resolved are not its source.
        Failing all that, the last person named or who made a claim.
        """

        def fits(candidate: _Candidate) -> bool:
            return not within(candidate.span, said) and self._gender_of(candidate.claimant.name) in (
                gender,
                None,
            )

        subject_pronoun = "he" if gender == "male" else "she"
        sentence = head.sent
        # The sentences looked at below, and the persons named in them (or reaching into
        # them): only those can be "here", or share a start with a pronoun there.
        earliest = max(self._sentence_of(sentence.start_char) - _ANTECEDENT_SENTENCES, 0)
        near = [c for c in self._antecedents_between(self._sentence_starts[earliest], span[0]) if fits(c)]
        taken = {c.span[0] for c in near}
        for _ in range(_ANTECEDENT_SENTENCES + 1):
            number = self._sentence_of(sentence.start_char)
            here: list[tuple[int, int, Claimant | Token]] = [
                (c.depth, c.span[0], c.claimant) for c in near if c.sentence == number
            ]
            if hops < _ANTECEDENT_SENTENCES:
                here += [
                    (depth(t), t.idx, t)
                    for t in sentence
                    if t.i < head.i
                    and t.lower_ == subject_pronoun
                    and t.dep_ in SUBJECTS
                    and t.idx not in taken
                    and not within((t.idx, token_end(t)), said)
                ]
            # "When pressed by Holt about ..., his best response": the asker is not the one who answers.
            askers = askers_in(sentence)
            here = [item for item in here if not any(start <= item[1] < end for start, end in askers)]
            asked = self._asked(sentence, head) if here else None
            if asked is not None:
                # "Conroy asked Sanders whether ... | 'Sure,' he said": the one asked answers.
                here = [item for item in here if asked[0] <= item[1] < asked[1]] or here
            if here:
                best = min(here, key=lambda item: (item[0], item[1]))[2]
                if isinstance(best, Token):
                    return self._person_before(best, (best.idx, token_end(best)), (), gender, hops + 1)
                return best
            if sentence.start == 0:
                break
            sentence = self.doc[sentence.start - 1].sent
        # The last fitting person named before the pronoun, however far back.
        for i in range(bisect_left(self._antecedent_keys, (span[0],)) - 1, -1, -1):
            candidate = self._antecedents[i]
            if candidate.span[1] <= span[0] and fits(candidate):
                return candidate.claimant
        return None

    @staticmethod
    def _asked(sentence: SpacySpan, pronoun: Token) -> Span | None:
        """Where the person asked is named, when `sentence` (before the pronoun's) asks
        someone a question ("X asked Sanders whether ...", "pressed Clinton on ..."): the
        object of its main verb. None otherwise, or in the pronoun's own sentence."""
        root = sentence.root
        if pronoun.sent.start == sentence.start or root.lemma_.lower() not in ASKING:
            return None
        for child in root.children:
            if child.dep_ == "dobj" and child.pos_ == "PROPN":
                return (child.left_edge.idx, token_end(child.right_edge))
        return None

    def _add_antecedent(self, claimant: Claimant, key: tuple[int, int, int]) -> None:
        """File a person named at `claimant.span` as a possible antecedent, if the mention
        has a token; `key`: (start, 0 for an entity or 1 for a claimant, order of its kind)."""
        assert claimant.span is not None
        root = self._root_of(claimant.span)
        if root is None:
            return
        at = bisect_right(self._antecedent_keys, key)
        self._antecedent_keys.insert(at, key)
        self._antecedents.insert(at, _Candidate(claimant, claimant.span, *root))
        self._longest_antecedent = max(self._longest_antecedent, claimant.span[1] - claimant.span[0])

    def _antecedents_between(self, start: int, end: int) -> list[_Candidate]:
        """Possible antecedents (in their order) ending before `end` and reaching past
        `start`, with perhaps a few ending before `start`."""
        first = bisect_left(self._antecedent_keys, (start - self._longest_antecedent,))
        last = bisect_left(self._antecedent_keys, (end,))
        return [c for c in self._antecedents[first:last] if c.span[1] <= end]

    def _root_of(self, span: Span) -> tuple[int, int] | None:
        """The depth of the mention's token nearest the root, and the number of its sentence."""
        if span not in self._roots:
            token = shallowest(tokens_in(self.doc, span))
            self._roots[span] = None if token is None else (depth(token), self._sentence_of(token.idx))
        return self._roots[span]

    def _proper_name(self, head: Token, scope: Span) -> Span | None:
        """Where a capitalised name ends at `head` ("Loretta Lynch", "Trump"), titles cut; None if none."""
        if not head.text[:1].isupper() or head.pos_ in ("DET", "PRON") or is_honorific(head):
            return None
        first = head
        while first.i > 0:
            before = self.doc[first.i - 1]
            if before.dep_ != "compound" or not before.text[:1].isupper() or before.idx < scope[0]:
                break
            first = before
        while first.i < head.i and is_title(first):
            first = self.doc[first.i + 1]
        return (first.idx, token_end(head))

    def _known_person(self, mention: str, span: Span, head: Token, scope: Span) -> Claimant | None:
        """A name NER missed or mislabelled, of a person the article names ("Lynch": Loretta E. Lynch)."""
        name_span = self._proper_name(head, scope)
        if name_span is None:
            return None
        text = self.doc.text[name_span[0] : name_span[1]]
        gender = gender_cue(self.doc, name_span, pronouns=False)
        person = self._persons.named(text, head.idx, gender)
        if person is None or self._acronym_of_a_body(text, name_span, person.canonical):
            return None
        role, organization = self._role_and_organization(head)
        return Claimant(mention, span, person.canonical, "person", name_span, role, organization)

    def _acronym_of_a_body(self, text: str, span: Span, person: str) -> bool:
        """An acronym NER reads as a body is no one's surname: "the U.N." is not Kim Jong Un,
        "the SVP" not "Junge SVP" (the party's youth wing, which NER took for a person). A
        surname in capitals is still one ("FALLIN:" in a transcript, Mary Fallin), unless the
        person's own name writes it so."""
        if not text.isupper() or not any(
            e.type == "organisation" and overlaps(e.span, span) for e in self._entities_around(span)
        ):
            return False
        return "." in text or text in person.split()

    def _surname(self, mention: str, span: Span, head: Token, scope: Span) -> Claimant | None:
        """A lone proper noun of no known person, organisation or place: a person's surname,
        unless it names one of the bodies NER takes for people (`claimants.bodies`).

        Only one the article never writes in lower case ("Barabak wrote", not "Video shows").
        """
        name_span = self._proper_name(head, scope)
        if (
            name_span is None
            or name_span != (head.idx, token_end(head))
            or not (head.tag_ == "NNP" or self._name_read_as_a_noun(head))
            or head.text.isupper()
        ):
            return None
        # "One Republican", "the Democrat": a word for a kind of people, not a name.
        if any(True for _ in head.lefts) or head.ent_type_ not in ("", "PERSON"):
            return None
        if self._common_word(head.text):
            return None
        if any(overlaps(e.span, name_span) for e in self.entities):
            return None
        if is_body_taken_for_a_person(head.text):  # "Twitter said", "Facebook reported"
            return Claimant(mention, span, head.text, "organisation", name_span)
        role, organization = self._role_and_organization(head)
        return Claimant(mention, span, head.text, "person", name_span, role, organization)

    def _name_read_as_a_noun(self, token: Token) -> bool:
        """A name the tagger does not know, tagged a common noun: capitalised inside a
        sentence that is no headline ('"... in the Senate," Hannity said'), or opening one
        where the article writes it as the last word of a name ("D'Souza went on" after
        "Dinesh D'Souza"). Whether the article also writes it in lower case, and so it is a
        common noun after all, `_surname` asks."""
        if token.tag_ != "NN" or not token.text[:1].isupper() or _title_cased(token.sent):
            return False
        return not token.is_sent_start or token.text in self._surnames_written_in_full

    @cached_property
    def _surnames_written_in_full(self) -> frozenset[str]:
        """Capitalised words the article writes after a capitalised word of their name
        ("Hannity" of "Sean Hannity", tagged as NER likes: a person or not)."""
        return frozenset(
            t.text
            for t in self.doc
            if t.i > 0
            and t.text[:1].isupper()
            and self.doc[t.i - 1].dep_ == "compound"
            and self.doc[t.i - 1].head.i == t.i
            and self.doc[t.i - 1].text[:1].isupper()
        )

    def _given_named(self, mention: str, span: Span, head: Token) -> Claimant | None:
        """A given name and a surname NER did not take for a person ("Megyn Kelly" read as a
        work of art), after an owner or a role that says a person follows ("Fox News' Megyn
        Kelly", "Commentary's Noah Rothman", "Spokeswoman Haley Morris", "Phoenix Mayor Greg
        Stanton"), or where NER saw no body or place: the person, not "Fox News' Megyn
        Kelly" as a group of its own. The given name must be one the census lists hold."""
        if head.pos_ != "PROPN" or head.tag_ == "NNPS" or head.i == 0:
            return None
        if self._common_word(head.text):
            return None  # "the Clinton Campaign": no surname
        given = self.doc[head.i - 1]
        if given.dep_ == "compound" and len(given.text) == 2 and given.text.endswith("."):
            given = self.doc[given.i - 1] if given.i > 0 else given  # "M. Dane Waters"
        if given.dep_ != "compound" or given.head.i != head.i or not given.text[:1].isupper():
            return None
        name_span = (given.idx, token_end(head))
        name = self.doc.text[name_span[0] : name_span[1]]
        if given_name_gender(name) is None:
            return None
        before = self.doc[given.i - 1] if given.i > 0 else None
        owned = any(c.dep_ == "poss" and c.pos_ != "PRON" for c in head.children)
        titled = (
            before is not None
            and before.head.i == head.i
            and before.pos_ != "DET"
            and (folded(before) in TITLES or folded(before) in ROLE_NOUNS or before.text[:1].islower())
        )
        bodies = [e for e in self._entities_around(name_span) if overlaps(e.span, name_span)]
        if not (owned or titled) and (
            any(e.type in ("organisation", "place") for e in bodies) or _title_cased(head.sent)
        ):
            # NER's body or place ("Orlando Sentinel"), or a headline's capitals ("Clinton
            # Wades Into ..."), with nothing to say that a person is named
            return None
        role, organization = self._role_and_organization(head)
        if organization is not None and name in organization:
            organization = None  # NER's body holding the person's own name
        return Claimant(mention, span, name, "person", name_span, role, organization)

    def _described_name(self, mention: str, span: Span, head: Token, scope: Span) -> Claimant | None:
        """A name NER missed, of a given name the census lists lack, that an apposition
        describes as one person: "Prince Alwaleed, the nephew of the late King Abdullah",
        "Naureen Jahangir, a Sanders supporter from Hemet" (each a group of that name).
        Not a body or place NER found there ("Microsoft, a longtime rival of Apple"), nor
        one of several named together ("Bill Clinton and Melania Trump, Donald Trump's wife")."""
        if head.pos_ != "PROPN" or head.tag_ != "NNP" or head.text.isupper():
            return None
        described = any(
            c.dep_ == "appos" and c.tag_ == "NN" and noun_names_a_person(c) for c in head.children
        )
        if not described or any(c.dep_ == "conj" for c in head.children):
            return None
        name_span = self._proper_name(head, scope)
        if name_span is None:
            return None
        if any(e.type != "person" and overlaps(e.span, name_span) for e in self._entities_around(name_span)):
            return None
        name = self.doc.text[name_span[0] : name_span[1]]
        if " " not in name and self._common_word(name):
            return None
        role, organization = self._role_and_organization(head)  # the apposition's
        return Claimant(mention, span, name, "person", name_span, role, organization)

    def _author(self, work: Token, said: tuple[Span, ...]) -> Claimant | None:
        """The person or body named as the owner of a work: "Trump's plan", "Ouisa Davis'
        commentary", "Jared Diamond's 2005 best seller" claim what their author does, as
        "his plan" does (a possessive pronoun is resolved as the pronoun). A claim filed
        under "Trump's plan" was an identity of its own, which no search for Trump found."""
        for owner in work.children:
            if owner.dep_ == "poss" and owner.pos_ == "PROPN":
                scope = core_span(owner, keep_preps=False)
                words = self.doc.text[scope[0] : scope[1]]
                claimant = _without_non_name(self._resolve(words, scope, owner, scope, said))
                name = (claimant.name or "").strip()
                common = " " not in name and self._common_word(name)  # "the Party's platform"
                if claimant.type in ("person", "organisation") and name and not common:
                    return claimant
        return None

    def _publication(self, mention: str, span: Span, head: Token, scope: Span) -> Claimant:
        """ "The Washington Post", "the Post": a newspaper, a body, whose name ends in a
        document noun; named as NER names it, else by its noun phrase."""
        organisation = self._entity_at(scope, head, "organisation")
        if organisation is not None:
            return Claimant(mention, span, organisation.canonical, "organisation", organisation.span)
        core = core_span(head, keep_preps=False)
        return Claimant(mention, span, self.doc.text[core[0] : core[1]], "organisation", core)

    def _document(self, mention: str, span: Span, head: Token) -> Claimant:
        # "Reports by the North Korea Strategy Centre and other bodies", "a report released
        # by the Brookings Institution": the authors claim.
        for prep in authors_by(head):
            authors = [c for c in prep.children if c.dep_ == "pobj"]
            author_span = phrase_before_clauses(authors[0]) if authors else None
            # A name among the words: "FEC records from the 2008 election cycle" are FEC's.
            if author_span and self._holds_a_proper_noun(author_span):
                name = self.doc.text[author_span[0] : author_span[1]]
                organisation = self._first_entity(author_span, "organisation")
                return Claimant(mention, span, name, "document", author_span, None, organisation)
        referred = self._document_referred_to(head)
        if referred is not None:
            # "The poll" after "A new Quinnipiac University poll": the document named there.
            named = self._document(mention, span, referred)
            if named.name_span and self._holds_a_proper_noun(named.name_span):
                return named
        core = core_span(head, keep_preps=False)
        name = self.doc.text[core[0] : core[1]]
        return Claimant(mention, span, name, "document", core, None, self._first_entity(core, "organisation"))

    def _holds_a_proper_noun(self, span: Span) -> bool:
        """Whether a document's words name it or its maker ("the Pew report", "by the FEC")."""
        return any(t.pos_ == "PROPN" for t in tokens_in(self.doc, span))

    def _document_referred_to(self, head: Token) -> Token | None:
        """The mention of the document that "the poll" (a definite document noun alone) refers
        to: the same noun before it, followed back over the ones that are that noun alone too
        ("A CBS poll ... the poll ... The poll" are the CBS poll); None where there is none.
        Each word's answer is kept, so an article's chain is walked once, without recursion."""
        path: list[int] = []
        token, referred = head, None
        while token.i not in self._documents_referred_to:
            path.append(token.i)
            earlier = same_document_before(token) if refers_back(token) else None
            if earlier is None or not refers_back(earlier):
                referred = earlier
                break
            token = earlier
        else:
            referred = self._documents_referred_to[token.i]
        for i in path:
            self._documents_referred_to[i] = referred
        return referred

    def _description(self, mention: str, span: Span, head: Token, scope: Span) -> Claimant:
        if definite_and_bare(head):
            # "the head said": the claimant named earlier with that role, by its noun ("The
            # campaign" is no "Trump campaign spokesman").
            for known in reversed(self.known):
                c = known.claimant
                if c.role and head.lemma_.lower() == c.role.lower().split()[-1]:
                    return Claimant(mention, span, c.name, c.type, c.name_span, c.role, c.organization)
        the = any(c.dep_ == "det" and c.lower_ == "the" for c in head.children)
        named = next((c for c in head.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"), None)
        if the and named is not None and noun_names_a_person(head):
            # "the environment minister, | Barbara Hendricks": the mention was cut before the name.
            entity = self._entity_at(core_span(named, keep_preps=False), named, "person")
            if entity is not None:
                return Claimant(mention, span, entity.canonical, "person", entity.span, head.text)
        if the and head.tag_ == "NN" and noun_names_a_person(head):
            # "the Vermont senator": the person the article described so.
            gender = gender_cue(self.doc, span)

            def fits(name: str) -> bool:
                return gender is None or self._gender_of(name) in (gender, None)

            described = self._descriptions.described(head, fits)
            if described is not None:
                return Claimant(mention, span, described[0], "person", described[1], head.text)
        core = core_span(head, keep_preps=True, within=scope)
        name = self.doc.text[core[0] : core[1]]
        plural = head.tag_ in ("NNS", "NNPS")
        person = not plural and noun_names_a_person(head)
        kind: ClaimantType = "person" if person else "group"
        role = self.doc.text[word_start(head).idx : token_end(head)] if person else None  # "front-runner"
        if person and not introduces_someone(head) and head.lemma_.lower() not in ROLE_NOUNS:
            # "The retired neurosurgeon", "the Wisconsin Republican": most often someone the
            # article named, described again; a "he" after it stands for the one named. A
            # new person ("a man", "one California delegate") or an unnamed source ("the
            # spokesman") may be what it stands for.
            self._no_antecedents.add(core)
        if person:
            # "the man", "his wife": a later "he" or "she" may stand for them, the other not.
            word = head.lower_
            gender = "female" if word in FEMALE_WORDS else "male" if word in MALE_WORDS else None
            if gender is not None:
                self._description_genders.setdefault(name, gender)
        organization = self._organization_near(head)
        return Claimant(mention, span, name, kind, core, role, organization)

    # -- roles and organisations ---------------------------------------------------------

    def _role_and_organization(self, head: Token) -> tuple[str | None, str | None]:
        """'Ahn Myeong-chul, the head of NK Watch': role 'head', organisation 'NK Watch'."""
        # A role is a noun for a person, one person: not "Trump ..., | the narrative", nor
        # "Jeb Bush, ... | hopefuls" (the parser's appositions and compounds are often wrong).
        if head.tag_ == "NN" and noun_names_a_person(head):
            # "His campaign manager, Jeff Weaver": the description heads the phrase, the name
            # is its apposition.
            return role_phrase(head), self._organization_near(head)
        for child in head.children:
            if child.dep_ == "appos" and child.tag_ == "NN" and noun_names_a_person(child):
                if any(c.dep_ == "conj" and c.i < child.i for c in head.children):
                    break  # "Bill Clinton and Melania Trump, Donald Trump's wife": the last one's
                return role_phrase(child), self._organization_near(child)
        titles = [c for c in head.lefts if c.dep_ == "compound" and is_role_title(c)]
        if titles:
            # "President Barack Obama", "Sen. Ted Cruz", "Vice President Joe Biden" (a title
            # of the title), "Homeland Security Secretary Jeh Johnson" (the organisation
            # before it); of two, the one next to the name ("Chairman Rep. Jason Chaffetz").
            title = titles[-1]
            prefixes = [w for w in title.lefts if w.dep_ == "compound" and folded(w) in _TITLE_PREFIXES]
            # "Vermont Sen. Bernie Sanders", "Indiana Gov. Mike Pence": the place or party a
            # title is of says which senator ("the Vermont senator" later is he).
            places = [w for w in title.lefts if w.dep_ == "compound" and w.ent_type_ in _PLACE_OR_PARTY]
            named = [w for p in places for w in self.doc[modifier_start(p).i : p.i + 1]]
            words = [*named, *prefixes, title]
            role = " ".join(TITLE_ABBREVIATIONS.get(folded(w), w.text) for w in words)
            if words[0].i > 0 and self.doc[words[0].i - 1].lower_ in ("former", "then"):
                role = f"{self.doc[words[0].i - 1].lower_} {role}"  # "Former President Bill Clinton"
            return role, self._organization_near(title)
        for child in head.lefts:
            if child.dep_ == "compound" and child.tag_ == "NN" and noun_names_a_person(child):
                # "Republican presidential nominee Donald Trump": the noun with its modifiers,
                # as an apposition's role is ("the Republican front-runner, Donald Trump").
                return role_phrase(child), self._organization_near(head)
        return None, None

    def _organization_near(self, noun: Token) -> str | None:
        """An organisation tied to a role noun: 'of NK Watch', 'the UN's', 'at Google'."""
        for child in noun.children:
            if child.dep_ == "poss" or (child.dep_ == "compound" and child.pos_ == "PROPN"):
                found = self._entity_covering(child, "organisation")
                if found:
                    return found
            if child.dep_ == "prep" and child.lower_ in ("of", "at", "for", "with", "from"):
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        found = self._entity_covering(obj, "organisation")
                        if found:
                            return found
                        if obj.pos_ == "PROPN":
                            return self.doc.text[core_span(obj, False)[0] : token_end(obj)]
        return None

    def _entity_covering(self, token: Token, kind: str) -> str | None:
        position = (token.idx, token_end(token))
        for entity in self._entities_around(position):
            if entity.type == kind and overlaps(entity.span, position):
                return entity.canonical
        return None

    def _entities_around(self, span: Span) -> list[EntityMention]:
        """The entities that overlap or touch `span`, in the article's order (a lookup: a
        scan of every entity per claim made long texts quadratic)."""
        return [self.entities[i] for i in self._entity_index.around(span)]

    def _describes_a_person(self, noun: Token) -> bool:
        """A singular description in apposition to a person's name: "Alfonso Aguilar, | the
        executive director of ...", "John Kasich, | a Republican"; not a misread apposition of
        a body the parser hung on the name ("Stephen K. Bannon of Breitbart News, | a
        conservative website"), nor people ("Clinton ... superdelegates, | the party leaders")."""
        return (
            noun.dep_ == "appos"
            and noun.tag_ in ("NN", "NNP")
            and not any(c.dep_ == "case" for c in noun.head.children)
            and noun.lemma_.lower() not in BODY_NOUNS | OUTLET_NOUNS
            and self._in_a_persons_name(noun.head)
        )

    def _names_someone(self, token: Token) -> bool:
        """The token is a person's name, or a word the article names a person by ("Sanders",
        where neither NER nor the tagger saw a name)."""
        return self._in_a_persons_name(token) or self._persons.named(token.text, token.idx) is not None

    def _in_a_persons_name(self, token: Token) -> bool:
        """The token is part of a person's name the article gives ("Trump" where NER saw a body)."""
        span = (token.idx, token_end(token))
        return any(e.type == "person" and overlaps(e.span, span) for e in self._entities_around(span))

    def _entity_at(self, span: Span, head: Token, kind: str) -> EntityMention | None:
        """The entity of `kind` that is the head of the mention (not one it merely names)."""
        head_span = (head.idx, token_end(head))
        for entity in self._entities_around(head_span):
            if entity.type == kind and inside(entity.span, span) and overlaps(entity.span, head_span):
                return entity
        # "the head of NK Watch, Ahn Myeong-chul": the name in apposition to a role noun.
        # The parser often hangs it on the nearer "NK Watch"; a body has no personal name.
        # Many people are named by their own apposition ("Two objectors, Lawrence Joyce and
        # William Graham"), not by the one person they are of, wherever the parser hangs
        # that one: "supporters of her opponent, Sen. Bernie Sanders" are not Sanders.
        if kind == "person" and (head.pos_ == "NOUN" or is_role_title(head)):
            objects = [o for p in head.children if p.dep_ == "prep" for o in p.children if o.dep_ == "pobj"]
            many = head.tag_ == "NNS"
            of_one = many and any(o.tag_ == "NN" and names_people(o) for o in objects)
            for owner in [head] if many else [head, *objects]:
                for child in owner.children:
                    several = any(c.dep_ == "conj" for c in child.children)
                    if child.dep_ == "appos" and (several or not of_one):
                        child_span = (child.idx, token_end(child))
                        for entity in self._entities_around(child_span):
                            if entity.type == kind and overlaps(entity.span, child_span):
                                return entity
            if not many and noun_names_a_person(head):
                return self._named_before(span)
        return None

    def _named_before(self, span: Span) -> EntityMention | None:
        """The person named right before a description and its comma, where the parser did
        not read the description as an apposition ("Deborah Tamargo, | the chairwoman of
        Florida's Hillsborough County GOP, | recalled"); not a name with a part of its own in
        the sentence ("In a letter to Senator Smith, | the attorney general | wrote")."""
        first = self.doc.char_span(*span, alignment_mode="expand")
        if first is None or first.start < 2 or self.doc[first.start - 1].text != ",":
            return None
        name = self.doc[first.start - 2]
        phrase = name
        while phrase.dep_ in ("conj", "compound", "appos") and phrase.head.i < phrase.i:
            phrase = phrase.head  # "with ... hosts Joe Scarborough and Mika Brzezinski, the ..."
        if phrase.dep_ in _OWN_PARTS:
            return None
        name_span = (name.idx, token_end(name))
        for entity in self._entities_around(name_span):
            if entity.type == "person" and entity.span[1] == name_span[1]:
                return entity
        return None

    def _first_entity(self, span: Span, kind: str) -> str | None:
        for entity in self._entities_around(span):
            if entity.type == kind and inside(entity.span, span):
                return entity.canonical
        return None


# Entities that say whose a title is: "Vermont Sen.", "Indiana Gov.", "Democratic Rep.".
_PLACE_OR_PARTY = frozenset({"GPE", "NORP"})
# A name that is one of these is no apposition's owner (`_named_before`).
_OWN_PARTS = frozenset({"nsubj", "nsubjpass", "dobj", "iobj", "dative", "pobj", "attr"})


def _standing_for(mention: str, span: Span, antecedent: Claimant) -> Claimant:
    """The claimant of a pronoun: its own words and place, the antecedent's name."""
    a = antecedent
    return Claimant(mention, span, a.name, a.type, a.name_span, a.role, a.organization)


def _many_people_a_group(claimant: Claimant) -> Claimant:
    """A person named by one plural word for people ("Aides said", "Latinos", "the Khans":
    a sentence's capital read as a name) is a group, as the same word in lower case is, and
    no "he" or "she" stands for it."""
    name = claimant.name or ""
    if claimant.type != "person" or " " in name.strip() or not names_people_in_plural(name):
        return claimant
    if (claimant.mention or "").lower() in MALE_PRONOUNS | FEMALE_PRONOUNS:
        return replace(claimant, name=None, name_span=None)  # "she" is not "Latinos"
    return replace(claimant, type="group")


def _without_non_name(claimant: Claimant) -> Claimant:
    """A pronoun, an article or a title alone is never a name ("who", "The", "Mr"), nor is
    a part of a relative's antecedent ("many of whom"); a relative word is no part of one
    ("whose leaders" is "leaders"; "Lily Batchelder, ..., whose conclusions were ..." stops
    before "whose")."""
    if claimant.name is None:
        return claimant
    claimant = _on_its_side_of_a_colon(_without_relative_or_marks(claimant))
    words = name_words(claimant.name or "")
    if (
        words
        and not all(w in PRONOUNS or w in _NOT_NAMES or w in _CLITICS or w in _FUNCTION_WORDS for w in words)
        and "whom" not in words
    ):
        return claimant
    return replace(claimant, name=None, name_span=None)


def _without_relative_or_marks(claimant: Claimant) -> Claimant:
    """The name without a relative word or clause, nor marks at its edges (`LEADING_MARKS`,
    `_TRAILING_MARKS`)."""
    name, name_span = claimant.name or "", claimant.name_span
    lead = _LEADING_RELATIVE.match(name)
    clause = _RELATIVE_CLAUSE.search(name)
    start, end = (lead.end() if lead else 0), (clause.start() if clause else len(name))
    marks = LEADING_MARKS.match(name, start)
    start = marks.end() if marks else start
    trailing = _TRAILING_MARKS.search(name, start, end)
    end = trailing.start() if trailing else end
    if (start, end) == (0, len(name)) or start >= end:
        return claimant
    if name_span is not None and name_span[1] - name_span[0] == len(name):  # the name as written
        name_span = (name_span[0] + start, name_span[0] + end)
    return replace(claimant, name=name[start:end], name_span=name_span)


def _on_its_side_of_a_colon(claimant: Claimant) -> Claimant:
    """No name runs over a colon: NER reads a transcript's '"WALLACE: Governor, I don't ...'
    as one entity ("WALLACE: Governor", a work of art), and the speaker became that. The
    side of the colon the mention is on is the name."""
    name, name_span, span = claimant.name or "", claimant.name_span, claimant.span
    colon = _NAME_COLON.search(name)
    if colon is None or name_span is None or span is None or name_span[1] - name_span[0] != len(name):
        return claimant
    if span[0] < name_span[0] + colon.start():  # the mention starts before the colon
        cut = (name_span[0], name_span[0] + colon.start())
    else:
        cut = (name_span[0] + colon.end(), name_span[1])
    kept = name[cut[0] - name_span[0] : cut[1] - name_span[0]]
    role = claimant.role
    if role and role.lower() in name.lower() and role.lower() not in kept.lower():
        role = None  # read from the other side: "Governor" is whom Wallace addresses
    return replace(claimant, name=kept, name_span=cut, role=role)


_NAME_COLON = re.compile(r"\s*:\s+")


def _title_cased(sentence: SpacySpan) -> bool:
    """A headline's capitals: most of four or more words begin with one."""
    words = [t for t in sentence if t.is_alpha]
    return len(words) >= 4 and sum(t.text[:1].isupper() for t in words) >= 0.7 * len(words)
