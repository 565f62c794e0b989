"""Who made a claim: from the source words in the text to a resolved claimant.

A source mention can be a name ("Ahn Myeong-chul, the head of NK Watch"), a
pronoun ("she"), a description ("the rapporteur"), a group ("human rights
activists") or a document ("Reports by the North Korea Strategy Centre"). The
resolver turns it into a name a researcher can filter on, keeps the role and the
organisation the text gives, and resolves pronouns and bare descriptions to the
claimant they refer back to.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from claimsearch.extract.text_spans import inside, overlaps, tokens_in
from claimsearch.model import Claimant, EntityMention, Span

DOCUMENT_NOUNS = frozenset(
    [
        "report",
        "reports",
        "study",
        "studies",
        "survey",
        "surveys",
        "poll",
        "polls",
        "analysis",
        "analyses",
        "document",
        "documents",
        "statement",
        "statements",
        "letter",
        "letters",
        "memo",
        "memos",
        "paper",
        "papers",
        "research",
        "review",
        "investigation",
        "audit",
        "data",
        "figures",
        "findings",
        "assessment",
        "estimate",
        "estimates",
        "book",
        "article",
        "record",
        "records",
        "filing",
        "lawsuit",
        "complaint",
        "indictment",
        "ruling",
        "release",
        "transcript",
        "email",
        "emails",
        "tweet",
        "post",
    ]
)
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
GROUP_PRONOUNS = frozenset({"they", "them"})
THING_PRONOUNS = frozenset({"it"})
SELF_PRONOUNS = frozenset({"i", "we", "me", "us"})
_CORE_DEPS = frozenset({"det", "poss", "compound", "amod", "nummod", "nmod", "case", "quantmod"})
_KEPT_PREPS = frozenset({"of", "for"})


@dataclass(frozen=True)
class KnownClaimant:
    """A claimant resolved earlier in the article, for pronouns and descriptions."""

    claimant: Claimant
    position: int  # character offset of its mention


class ClaimantResolver:
    """Resolves source spans of one article, in text order."""

    def __init__(self, doc: Doc, entities: list[EntityMention]) -> None:
        self.doc = doc
        self.entities = entities
        self.known: list[KnownClaimant] = []

    def resolve(self, source: list[Span], cue: Span | None = None) -> Claimant:
        """The claimant of a source span; `cue` lets a partial mention use its whole subject."""
        if not source:
            return Claimant(mention=None, span=None, name="unattributed", type="unattributed")
        span = (source[0][0], source[-1][1])
        mention = self.doc.text[span[0] : span[1]]
        tokens = tokens_in(self.doc, span)
        subject = self._subject_around(span, cue)
        head = subject or _head_of(tokens)
        scope = (subject.left_edge.idx, _end(subject.right_edge)) if subject is not None else span
        if head is None:
            return Claimant(mention, span, mention, "group")
        claimant = self._resolve(mention, span, head, scope)
        self.known.append(KnownClaimant(claimant, span[0]))
        return claimant

    def _resolve(self, mention: str, span: Span, head: Token, scope: Span) -> Claimant:
        """`span` is the mention's; `scope` (the mention or its whole subject) names it."""
        lower = head.lower_
        if lower in PERSON_PRONOUNS | GROUP_PRONOUNS | THING_PRONOUNS | SELF_PRONOUNS:
            return self._pronoun(mention, span, lower)
        if head.pos_ == "PRON":  # "what", "who", "some": nothing to resolve it to
            return Claimant(mention, span, mention, "group")
        person = self._entity_at(scope, head, "person")
        if person is not None:
            role, organization = self._role_and_organization(head)
            return Claimant(mention, span, person.canonical, "person", person.span, role, organization)
        if lower in DOCUMENT_NOUNS:
            return self._document(mention, span, head)
        organisation = self._entity_at(scope, head, "organisation")
        if organisation is not None:
            return Claimant(mention, span, organisation.canonical, "organisation", organisation.span)
        return self._description(mention, span, head, scope)

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
                if child.dep_ in ("nsubj", "nsubjpass"):
                    subject = (child.left_edge.idx, _end(child.right_edge))
                    if inside(span, subject) and subject != span:
                        return child
        return None

    # -- kinds of mention ------------------------------------------------------------

    def _pronoun(self, mention: str, span: Span, lower: str) -> Claimant:
        if lower in SELF_PRONOUNS:
            return Claimant(mention, span, mention, "person" if lower in ("i", "me") else "group")
        wanted = (
            {"person"}
            if lower in PERSON_PRONOUNS
            else {"group", "organisation"}
            if lower in GROUP_PRONOUNS
            else {"organisation", "document"}
        )
        for known in reversed(self.known):
            if known.position < span[0] and known.claimant.type in wanted:
                c = known.claimant
                return Claimant(mention, span, c.name, c.type, c.name_span, c.role, c.organization)
        if "person" in wanted:
            for entity in reversed(self.entities):
                if entity.type == "person" and entity.span[1] <= span[0]:
                    return Claimant(mention, span, entity.canonical, "person", entity.span)
        return Claimant(mention, span, mention, "person" if "person" in wanted else "group")

    def _document(self, mention: str, span: Span, head: Token) -> Claimant:
        # "Reports by the North Korea Strategy Centre and other bodies": the authors claim.
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ in ("by", "from"):
                authors = [c for c in prep.children if c.dep_ == "pobj"]
                if authors:
                    first = authors[0]
                    author_span = (first.left_edge.idx, _end(first.right_edge))
                    name = self.doc.text[author_span[0] : author_span[1]]
                    organisation = self._first_entity(author_span, "organisation")
                    return Claimant(mention, span, name, "document", author_span, None, organisation)
        core = _core_span(head, keep_preps=False)
        name = self.doc.text[core[0] : core[1]]
        return Claimant(mention, span, name, "document", core, None, self._first_entity(core, "organisation"))

    def _description(self, mention: str, span: Span, head: Token, scope: Span) -> Claimant:
        definite = any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.children)
        bare = all(c.dep_ in ("det", "amod") for c in head.children)
        if definite and bare:
            # "the head said": the claimant named earlier with that role.
            for known in reversed(self.known):
                c = known.claimant
                if c.role and head.lemma_.lower() in c.role.lower().split():
                    return Claimant(mention, span, c.name, c.type, c.name_span, c.role, c.organization)
        core = _core_span(head, keep_preps=True, within=scope)
        name = self.doc.text[core[0] : core[1]]
        plural = head.tag_ in ("NNS", "NNPS")
        person = not plural and _names_a_person(head)
        kind = "person" if person else "group"
        role = head.text if person else None
        organization = self._organization_near(head)
        return Claimant(mention, span, name, kind, core, role, organization)

    # -- roles and organisations ---------------------------------------------------------

    def _role_and_organization(self, head: Token) -> tuple[str | None, str | None]:
        """'Ahn Myeong-chul, the head of NK Watch': role 'head', organisation 'NK Watch'."""
        for child in head.children:
            if child.dep_ == "appos" and child.pos_ == "NOUN":
                role_tokens = [c for c in child.lefts if c.dep_ in ("amod", "compound")] + [child]
                role = " ".join(t.text for t in sorted(role_tokens, key=lambda t: t.i))
                return role, self._organization_near(child)
        for child in head.lefts:
            if child.dep_ == "compound" and child.pos_ == "NOUN":
                return child.text, self._organization_near(head)
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
                            return self.doc.text[_core_span(obj, False)[0] : _end(obj)]
        return None

    def _entity_covering(self, token: Token, kind: str) -> str | None:
        position = (token.idx, _end(token))
        for entity in self.entities:
            if entity.type == kind and overlaps(entity.span, position):
                return entity.canonical
        return None

    def _entity_at(self, span: Span, head: Token, kind: str) -> EntityMention | None:
        """The entity of `kind` that is the head of the mention (not one it merely names)."""
        head_span = (head.idx, _end(head))
        for entity in self.entities:
            if entity.type == kind and inside(entity.span, span) and overlaps(entity.span, head_span):
                return entity
        # "the head of NK Watch, Ahn Myeong-chul": the name in apposition to a role noun.
        if kind == "person" and head.pos_ == "NOUN":
            for child in head.children:
                if child.dep_ == "appos":
                    child_span = (child.idx, _end(child))
                    for entity in self.entities:
                        if entity.type == kind and overlaps(entity.span, child_span):
                            return entity
        return None

    def _first_entity(self, span: Span, kind: str) -> str | None:
        for entity in self.entities:
            if entity.type == kind and inside(entity.span, span):
                return entity.canonical
        return None


ROLE_NOUNS = frozenset(
    "head chief minister official spokesman spokeswoman spokesperson president director "
    "leader secretary senator governor mayor judge lawyer attorney rapporteur envoy "
    "ambassador analyst expert source aide adviser advisor candidate nominee chairman "
    "chairwoman chair founder executive economist scientist researcher professor activist "
    "member officer commander general king queen prince pope author editor reporter "
    "correspondent witness prosecutor investigator representative congressman congresswoman "
    "lawmaker diplomat manager owner campaigner".split()
)
_PERSON_SUFFIXES = ("er", "or", "ist", "ian", "ant", "ent", "man", "woman")


def _names_a_person(noun: Token) -> bool:
    """A singular description that names a person: 'the rapporteur', 'a spokesman'."""
    lemma = noun.lemma_.lower()
    return lemma in ROLE_NOUNS or (len(lemma) > 4 and lemma.endswith(_PERSON_SUFFIXES))


def _end(token: Token) -> int:
    return token.idx + len(token.text)


def _head_of(tokens: list[Token]) -> Token | None:
    """The token of a mention whose syntactic head lies outside it."""
    indices = {t.i for t in tokens}
    heads = [t for t in tokens if t.head.i not in indices or t.head is t]
    content = [t for t in heads if not t.is_punct]
    return content[0] if content else None


def _core_span(head: Token, keep_preps: bool, within: Span | None = None) -> Span:
    """A noun phrase without its clauses: 'A US State Department report (into ...)'."""
    tokens = [head]
    for child in head.lefts:
        if child.dep_ in _CORE_DEPS:
            tokens.extend(child.subtree)
    if keep_preps:
        for child in head.rights:
            if child.dep_ == "prep" and child.lower_ in _KEPT_PREPS:
                tokens.extend(child.subtree)
    if within is not None:
        tokens = [t for t in tokens if within[0] <= t.idx < within[1]]
    first = min(tokens, key=lambda t: t.i)
    last = max(tokens, key=lambda t: t.i)
    while last.i > first.i and last.is_punct:
        last = head.doc[last.i - 1]
    return (first.idx, _end(last))
