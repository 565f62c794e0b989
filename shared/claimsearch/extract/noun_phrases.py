"""Noun phrases in the parse, as a claimant is read from them: a mention's head and core,
the phrase around a name, the role words before it, and what a noun names (a person,
people, a body)."""

from __future__ import annotations

from collections.abc import Callable, Collection

from spacy.tokens import Token

from claimsearch.claimants.names import ARTICLES, TITLE_ABBREVIATIONS, TITLES
from claimsearch.claimants.person_nouns import names_a_person
from claimsearch.extract.cues import cue_class_for
from claimsearch.extract.persons import HONORIFICS
from claimsearch.extract.text_spans import inside
from claimsearch.model import Span

_CORE_DEPS = frozenset({"det", "poss", "compound", "amod", "nummod", "nmod", "case", "quantmod"})

_KEPT_PREPS = frozenset({"of", "for"})

# A mention cut short inside its noun phrase ("The" of "The director", "Mr" of "Mr.
# Obama"): these words lean on a head outside it, which names the claimant.
_LEANING_DEPS = frozenset({"det", "compound", "amod", "nmod", "nummod", "quantmod", "poss"})

# "his campaign", "her lawyers": people a possessive pronoun owns, who can make a claim.
_PEOPLE_NOUNS = frozenset(
    "campaign team staff office administration family government party company firm camp "
    "aide adviser advisor lawyer attorney spokesman spokeswoman spokesperson wife husband son "
    "daughter mother father brother sister friend colleague supporter".split()
)

# Titles that address a person rather than say what they are ("Mr.", "Dr.", "Hon."): no role.
_FORMS_OF_ADDRESS = frozenset("mr mrs ms miss mx dr prof sir rev reverend fr hon honorable st".split())

# Titles that are roles ("former", "then", "late" only qualify one).
_ROLE_TITLES = (TITLES - _FORMS_OF_ADDRESS - {"former", "late", "then"}) | {"vice"}

SUBJECTS = frozenset({"nsubj", "nsubjpass"})  # a verb's subject, active or passive

# Words that open what is no description of the person named after them: a list ("and"),
# a phrase ("supporters of", "backing", "like"), a clause ("who").
_PHRASE_OPENERS = frozenset(
    "and or nor & but of by with to for on in at from about against like as including than "
    "via after before between among who whom whose which that".split()
)


def opens_a_phrase(token: Token) -> bool:
    """Before a name, a word that makes what follows no description of it: punctuation
    that sets off or lists (a dash between words, a hyphen's "co-host" aside), a word of
    `_PHRASE_OPENERS`, a verb in lower case ("backing", "says"; not "ousted" of "ousted
    campaign manager")."""
    if token.is_punct:
        return token.text not in (".", "-", "'", "’") or (token.text == "-" and bool(token.whitespace_))
    lower = token.lower_
    if lower in _PHRASE_OPENERS:
        # "Secretary of State", "Supervisor of Elections", "Speaker of the House": a title's own "of".
        before, after = token.nbor(-1) if token.i else token, token.nbor(1)
        if after.lower_ == "the" and after.i + 1 < len(token.doc):
            after = after.nbor(1)
        title = is_title(before) or (before.text[:1].isupper() and noun_names_a_person(before))
        return not (lower == "of" and title and after.text[:1].isupper())
    return token.is_lower and token.tag_ in ("VBG", "VBZ", "VBD", "VBP")


def role_before(words: list[Token], last: Token) -> str | None:
    """The role words before a name say, up to `last`, as written but for an article or an
    owner before them, forms of address ("Mr.", "Dr.": no role) and titles spelt out: "Tulsa
    police Chief", "Army Captain" ("Army Capt."), "nephew" ("his nephew")."""
    words = [t for t in words if t.i <= last.i and not _addresses(t)]
    while words and (words[0].pos_ == "DET" or words[0].tag_ == "PRP$"):
        words = words[1:]
    parts: list[str] = []
    for t in words:
        if t.text == "." and (not parts or (t.i > 0 and is_title(t.nbor(-1)))):
            continue  # the abbreviation's point, its title spelt out or left out
        word = TITLE_ABBREVIATIONS.get(folded(t), t.text) if is_title(t) else t.text
        parts.append(word + t.whitespace_)
    return "".join(parts).strip() or None


def _addresses(token: Token) -> bool:
    return folded(token) in _FORMS_OF_ADDRESS


def introduces_someone(noun: Token) -> bool:
    """An indefinite description: "a man", "one employee", "another Muslim"."""
    return any(c.dep_ in ("det", "nummod") and c.lower_ in _INDEFINITE for c in noun.children)


_INDEFINITE = frozenset({"a", "an", "one", "another"})


def role_phrase(noun: Token) -> str:
    """A role noun with the words that make it a role, as the text writes them: "senior
    policy adviser", "campaign manager", "anti-establishment candidate"."""
    modifiers = [c for c in noun.lefts if c.dep_ in ("amod", "compound") and not _an_inverted_cue(c)]
    first = word_start(min([*map(modifier_start, modifiers), noun], key=lambda t: t.i))
    # Not over a dash between spaces: "NEW YORK - Republican presidential candidate" is a
    # dateline, then a role.
    for token in noun.doc[first.i : noun.i]:
        if token.is_punct and token.whitespace_ and token.i > 0 and noun.doc[token.i - 1].whitespace_:
            first = noun.doc[token.i + 1]
    return noun.doc.text[first.idx : token_end(noun)]


def _an_inverted_cue(token: Token) -> bool:
    """ "said" of '"...," said billionaire Donald Trump' or "4 in 10 said billionaire Donald
    Trump would ...", which the parser may hang on the noun: a reporting verb; not a word
    that describes ("retired Air Force general", which the tagger may read as a past tense)."""
    finite = token.pos_ in ("VERB", "AUX") and token.tag_ not in ("VBN", "VBG")  # not "little-known"
    return finite and cue_class_for(token.lemma_.lower()) is not None


def modifier_start(modifier: Token) -> Token:
    """The first word of a modifier with its own modifiers ("Fox" of "Fox News moderator",
    "New" of "New Jersey Gov."), not a determiner or an owner of the phrase."""
    start = modifier.left_edge
    while start.i < modifier.i and (start.pos_ in ("DET", "PRON", "PUNCT") or start.dep_ in ("poss", "case")):
        start = start.doc[start.i + 1]
    return start


def word_start(token: Token) -> Token:
    """The first token of the hyphenated word a token ends: "front" of "front-runner" (the
    tagger splits it in three; a role is the whole word)."""
    doc = token.doc
    first = token
    while (
        first.i >= 2
        and doc[first.i - 1].text in _HYPHENS
        and not (doc[first.i - 1].whitespace_ or doc[first.i - 2].whitespace_)
    ):
        first = doc[first.i - 2]
    return first


def names_people(noun: Token) -> bool:
    return noun.lemma_.lower() in _PEOPLE_NOUNS or noun_names_a_person(noun)


def noun_names_a_person(noun: Token) -> bool:
    """A singular description that names a person: 'the rapporteur', 'a spokesman'; not a
    word of a name NER found ("the Miami Herald"), a people's name ("a Nevada Democrat") aside."""
    return names_a_person(noun.lemma_.lower(), in_a_name=noun.ent_type_ not in ("", "NORP"))


def token_end(token: Token) -> int:
    return token.idx + len(token.text)


_HYPHENS = frozenset({"-", "\u2010", "\u2011"})

_LINKS = frozenset({"CCONJ", "SCONJ"})


def head_of(tokens: list[Token]) -> Token | None:
    """The token of a mention whose syntactic head lies outside it."""
    indices = {t.i for t in tokens}
    heads = [t for t in tokens if t.head.i not in indices] or [t for t in tokens if t.head.i == t.i]
    content = [t for t in heads if not t.is_punct]
    # "and | Duncan Hunter", "And | surveys of ...": a conjunction of a model's source is no head.
    words = [t for t in content if t.pos_ not in _LINKS] or content
    if not words:
        return None
    head = words[0]
    head = _name_after_description(head, words)
    head = _coordinated_head(head, indices)
    if head.pos_ in ("VERB", "AUX") and head.dep_ != "amod":  # not "presumed" of "the presumed nominee"
        return _clause_head(head, indices)
    # "of | Sen. Ted Cruz", "by | four leading academic economists", "such as | senator Bob Corker"
    if head.pos_ == "ADP" and all(t.lower_ == "such" for t in tokens if t.i < head.i):
        return next((c for c in head.children if c.dep_ == "pobj" and c.i in indices), head)
    return head


def _name_after_description(head: Token, words: list[Token]) -> Token:
    """Two subjects of one verb are a misparse of one noun phrase, a description and the
    name it comes before ("Tennis great | Billie Jean King | remembered", "The economist |
    Robert J. Shapiro | recently measured"), and so are two appositions of one word ("New
    York (AFP) – | Oscar-winning actress | Susan Sarandon"): the name, of a person or a
    body, is the head.
    Not a person's name and what follows it ("Obama | the idealist", "Chelsea Clinton, |
    husband"), people and the places they live ("Most Republican voters in Alabama, |
    Georgia"), nor a name's hyphenated part ("G-III")."""
    kind = SUBJECTS if head.dep_ in SUBJECTS else {"appos"}
    subjects = [t for t in words if t.dep_ in kind and t.head.i == head.head.i]
    if head.dep_ not in kind or len(subjects) < 2 or head.ent_type_ == "PERSON":
        return head
    name = subjects[-1]
    if (
        name.pos_ != "PROPN"
        or name.ent_type_ not in ("PERSON", "ORG")
        or head.tag_ in ("NNS", "NNPS")
        or not name.doc[name.left_edge.i - 1].whitespace_
    ):
        return head
    return name


def _coordinated_head(head: Token, indices: set[int]) -> Token:
    """The word a misparsed coordination of descriptions hangs on: the person a bare role
    noun is another word for ("lobbyist and GOP strategist Charlie Black": one man, whom a
    role noun without an article cannot be apart from), the noun an adjective describes
    with another ("Current and former officials", read as an adjective and its conjunct)."""
    conjuncts = [c for c in head.children if c.dep_ == "conj" and c.i in indices]
    if not conjuncts:
        return head
    if head.pos_ == "ADJ" and conjuncts[0].pos_ in ("NOUN", "PROPN"):
        return conjuncts[0]
    bare = not any(c.dep_ in ("det", "poss") for c in head.children)
    if head.tag_ == "NN" and head.is_lower and bare and noun_names_a_person(head):
        person = conjuncts[0]
        if person.ent_type_ == "PERSON":
            return person
    return head


def _clause_head(verb: Token, indices: set[int]) -> Token | None:
    """What a mention the parse reads as a clause names. Its subject ("who | is the most
    animated"), unless that is an owner ("Clinton's | framing": the verb is a noun, and the
    mention is what is owned); the agent of a participle ("compiled by | the Center for
    Responsive Politics"); the object of a verb that is the first word of a noun phrase
    misread ("leaked | documents from his 1995 tax return", "ranking Democrat | Elijah
    Cummings"; not "the super PAC | backing Hillary Clinton", whose article shows a noun
    phrase); a verb in lower case alone names no one ("presumed")."""
    inner = [c for c in verb.children if c.i in indices]
    agents = [o for a in inner if a.dep_ == "agent" for o in a.children if o.dep_ == "pobj"]
    objects = [c for c in inner if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN")]
    subject = next((c for c in inner if c.dep_ in SUBJECTS), None)
    if subject is not None:
        owner = any(c.dep_ == "case" for c in subject.children)
        return (objects or [verb])[0] if owner else subject  # "The Party's | presumed | nominee"
    if not verb.is_lower or any(c.dep_ in ("poss", "det") for c in inner):
        return verb  # "Will", "the super PAC backing ..."
    named = agents + objects
    return named[0] if named else None


def core_span(head: Token, keep_preps: bool, within: Span | None = None) -> Span:
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
        if not tokens:
            # A span inside one token ('"2016-06-29">Trump', from markup) holds no
            # token's start: the span as given is the core.
            return within
    first = min(tokens, key=lambda t: t.i)
    last = max(tokens, key=lambda t: t.i)
    # "the former secretary of state | and current ... nominee": the parser hangs the "and"
    # of a second description on the first one's last word, and a mention cut short ends in
    # "of" ("foreign policy experts of"); a name never ends so.
    while last.i > first.i and (last.is_punct or last.tag_ in ("CC", "IN") or last.lower_ in ARTICLES):
        last = head.doc[last.i - 1]
    return (first.idx, token_end(last))


def phrase_before_clauses(head: Token) -> Span:
    """A noun phrase up to its first clause: "the American Legion | obtained by The Associated
    Press", "Lily Batchelder, a former tax aide, | whose conclusions ..." (its appositions and
    conjuncts stay: "the North Korea Strategy Centre and other bodies")."""
    clause = next((c for c in head.rights if c.dep_ in ("acl", "relcl")), None)
    last = head.right_edge if clause is None else clause.left_edge.nbor(-1)
    while last.i > head.i and last.is_punct:
        last = head.doc[last.i - 1]
    return (head.left_edge.idx, token_end(last))


def phrase_around(
    head: Token | None,
    tokens: list[Token],
    span: Span,
    in_a_persons_name: Callable[[Token], bool],
    cue: Collection[int] = (),
) -> tuple[Token | None, Span]:
    """The head that names a mention cut short inside its noun phrase, and the phrase.

    "Mr" of "Mr. Obama" -> Obama; "The" of "The director" -> director. A possessive
    pronoun stays ("his claim that ..." is his), unless it owns people ("his attorney").
    Never past the cue (`cue`: token indices): "records | show", "Trump | Wants", parsed as
    one noun phrase, are a source and its cue: a name stays the head, a description's phrase
    is the mention's words, and adjectives leaning on the cue ("the European | reluctance")
    name no one (None).
    """
    if head is None:
        return None, span
    inside = {t.i for t in tokens}
    moved = False
    while (
        head.dep_ in _LEANING_DEPS
        and head.head.i not in inside
        and head.head.i > head.i
        and head.head.pos_ in ("NOUN", "PROPN")
    ):
        if head.dep_ == "poss" and (head.pos_ != "PRON" or not names_people(head.head)):
            break
        # "Aaron" of "Aaron Kall" leans on the rest of the name; "Trump" of "Trump charges"
        # (misparsed), "Clinton campaign" or "Clinton Plan" is the name itself. So is "Ben
        # Carson" of a headline's "Ben Carson Defends Himself ...", where NER ran the name on
        # into the verb and the article's names (`in_a_persons_name`) end before it.
        name = head.dep_ == "compound" and head.text[:1].isupper() and not is_title(head)
        if name and (head.head.ent_type_ != "PERSON" or not in_a_persons_name(head.head)):
            break
        if head.head.i in cue:
            # A name or pronoun stays ("Trump | Wants", "his | best response was"); a
            # description is the mention's words ("The Sanders campaign | projects");
            # adjectives name no one.
            if head.pos_ in ("PROPN", "PRON"):
                break
            return (head.head, span) if any(t.pos_ in ("NOUN", "PROPN") for t in tokens) else (None, span)
        head, moved = head.head, True
    if not moved:
        return head, span
    core = core_span(head, keep_preps=True)
    return head, (min(span[0], core[0]), max(span[1], core[1]))


def a_body(noun: Token) -> bool:
    """A singular subject "it" may stand for: a body NER names ("Tinder suspended her account;
    it did not explain why") or one named by its kind ("Trump's campaign ..., it said")."""
    if noun.tag_ not in ("NN", "NNP"):
        return False
    return noun.ent_type_ == "ORG" or noun.lemma_.lower() in BODY_NOUNS


BODY_NOUNS = frozenset(
    "campaign company committee agency administration government department party firm group "
    "organization organisation union network bank court council commission board".split()
)

# What a news outlet is called in apposition to its name ("Breitbart News, a conservative website").
OUTLET_NOUNS = frozenset("website site newspaper magazine outlet publication blog channel station".split())


def plural_people(noun: Token, names_someone: Callable[[Token], bool]) -> bool:
    """A plural subject "they" may stand for: people (a noun for people: "supporters",
    "economists"; a group NER names: "Republicans", "Teamsters")."""
    if names_someone(noun):
        return False  # "Sanders", which the tagger takes for a plural
    if noun.text[:1].isupper() and not noun.is_sent_start:
        # "Republicans", "Teamsters"; not "Sanders" (tagged a plural "sander" where NER
        # sees no one)
        return noun.tag_ in ("NNS", "NNPS") and noun.ent_type_ in ("NORP", "ORG")
    if noun.tag_ == "NNPS":
        return True
    lemma = noun.lemma_.lower()
    return (
        noun.tag_ == "NNS" and not lemma.endswith("ment") and (lemma in _PLURAL_PEOPLE or names_people(noun))
    )


# Plural nouns for people that `names_people`'s endings ("-er", "-ant", "-ent", ...) miss.
_PLURAL_PEOPLE = frozenset(
    "official people partisan attendee pundit candidate kid child activist critic delegate "
    "donor expert scholar veteran citizen".split()
)


def depth(token: Token) -> int:
    depth = 0
    while token.head.i != token.i:
        token, depth = token.head, depth + 1
    return depth


def shallowest(tokens: list[Token]) -> Token | None:
    return min(tokens, key=depth) if tokens else None


def within(span: Span | None, spans: tuple[Span, ...]) -> bool:
    return span is not None and any(inside(span, s) for s in spans)


def folded(token: Token) -> str:
    return token.text.rstrip(".").casefold()


def is_role_title(token: Token) -> bool:
    """A title before a name that says what the person is ("President", "Sen."), not how
    to address them ("Mr.") or when ("former")."""
    return token.text[:1].isupper() and folded(token) in _ROLE_TITLES


def is_title(token: Token) -> bool:
    return folded(token) in TITLES


def is_honorific(token: Token) -> bool:
    return folded(token) in HONORIFICS
