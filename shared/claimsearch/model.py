"""The records that flow through claimsearch: one type per stage.

`Article` is what a parser makes of a file; `Claim` is what extraction makes of an
article. Every extracted value keeps the character span (into `Article.text`) it
came from, so a user can check any claim against the source text.

Records are plain frozen dataclasses with explicit `to_dict` / `from_dict`: the
JSON shape is a public contract (CLI output, archive files, API responses), so it
is written out by hand rather than derived from field order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

Span = tuple[int, int]
"""Half-open character range [start, end) into `Article.text`."""

# Each enumeration is written once, as a Literal (the API's request and response models
# use these types); the tuples are derived from them for code that iterates.
CueClass = Literal["say", "claim", "find", "believe", "allege", "call_for", "deny", "other"]
CUE_CLASSES: tuple[str, ...] = get_args(CueClass)
QuoteType = Literal["direct", "indirect", "mixed"]
QUOTE_TYPES: tuple[str, ...] = get_args(QuoteType)
IdentityType = Literal["person", "organisation", "group", "document"]
IDENTITY_TYPES: tuple[str, ...] = get_args(IdentityType)
ClaimantType = Literal[IdentityType, "unattributed"]  # nested Literals flatten
EntityType = Literal["person", "organisation", "place", "other"]


def _span(value: Any) -> Span:
    start, end = value
    return (int(start), int(end))


def _spans(values: Any) -> list[Span]:
    return [_span(v) for v in values]


def _opt_span(value: Any) -> Span | None:
    return None if value is None else _span(value)


def stable_id(*parts: str, length: int = 24) -> str:
    """Deterministic id from parts, so the same input always yields the same id."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


def article_id_for(text: str) -> str:
    """The id of a text that has no source yet (a parsed file before ingest files it)."""
    return "a" + stable_id("article", text, length=23)


def article_id_for_source(bucket: str, key: str) -> str:
    """An ingested article's id: its source, so a new version of a file replaces it.

    `bucket` is empty for files ingested from a local path (`claimsearch ingest`).
    """
    return "a" + stable_id("source", bucket, key, length=23)


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    title: str
    source_key: str
    url: str | None = None
    publisher: str | None = None
    published_at: str | None = None  # ISO 8601 date or datetime
    byline: str | None = None
    # Page furniture ("Click to follow", site names): kept in `text` so offsets
    # stay true to the file, but never a source of claims.
    furniture: list[Span] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "text": self.text,
            "url": self.url,
            "publisher": self.publisher,
            "published_at": self.published_at,
            "byline": self.byline,
            "source_key": self.source_key,
            "furniture": [list(s) for s in self.furniture],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        return cls(
            id=data["id"],
            text=data["text"],
            title=data.get("title") or "",
            source_key=data.get("source_key") or "",
            url=data.get("url"),
            publisher=data.get("publisher"),
            published_at=data.get("published_at"),
            byline=data.get("byline"),
            furniture=_spans(data.get("furniture") or []),
        )


@dataclass(frozen=True)
class Cue:
    text: str
    span: Span
    lemma: str
    cue_class: CueClass

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "span": list(self.span),
            "lemma": self.lemma,
            "class": self.cue_class,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Cue:
        return cls(data["text"], _span(data["span"]), data["lemma"], data["class"])


@dataclass(frozen=True)
class Claimant:
    mention: str | None  # the words in the text ("she"); None when unattributed
    span: Span | None
    # The resolved name ("Ahn Myeong-chul" for "she"). None when the claim has no
    # source, or when the source is a pronoun or relative word ("he", "who") that
    # could not be resolved: a pronoun is never a name.
    name: str | None
    type: ClaimantType
    name_span: Span | None = None  # where the resolved name was found
    role: str | None = None
    organization: str | None = None
    # The identity this claimant is across articles (`ClaimantIdentity.id`), assigned
    # at ingest from the registry; None when there is no name to file the claim under.
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "mention": self.mention,
            "span": None if self.span is None else list(self.span),
            "name": self.name,
            "name_span": None if self.name_span is None else list(self.name_span),
            "type": self.type,
            "role": self.role,
            "organization": self.organization,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Claimant:
        name = data.get("name")
        if data.get("type") == "unattributed" or name == "unattributed":  # archives before identities
            name = None
        return cls(
            mention=data.get("mention"),
            span=_opt_span(data.get("span")),
            name=name,
            type=data["type"],
            name_span=_opt_span(data.get("name_span")),
            role=data.get("role"),
            organization=data.get("organization"),
            id=data.get("id"),
        )

    @property
    def attributed(self) -> bool:
        """The claim has a source in the text (resolved to a name or not)."""
        return self.type != "unattributed"


@dataclass(frozen=True)
class Content:
    text: str  # the spans' text joined by a single space
    spans: list[Span]
    quote_type: str  # a QuoteType
    # The "that" introducing reported speech ("found that workers ..."): kept out of the
    # content so a claim reads on its own, but recorded, because annotation schemes
    # (PolNeAR) count it as part of the content.
    introducer: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "spans": [list(s) for s in self.spans],
            "quote_type": self.quote_type,
            "introducer": list(self.introducer) if self.introducer else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Content:
        introducer = data.get("introducer")  # absent in archives written before it existed
        return cls(
            data["text"], _spans(data["spans"]), data["quote_type"], _span(introducer) if introducer else None
        )


@dataclass(frozen=True)
class Medium:
    text: str
    span: Span

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "span": list(self.span)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Medium:
        return cls(data["text"], _span(data["span"]))


@dataclass(frozen=True)
class EntityMention:
    text: str
    span: Span
    canonical: str  # "Kim Jong-un" for "Kim Jong Un" and "Jong-un"
    type: str  # one of EntityType

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "span": list(self.span),
            "canonical": self.canonical,
            "type": self.type,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EntityMention:
        return cls(data["text"], _span(data["span"]), data["canonical"], data["type"])


@dataclass(frozen=True)
class Quantity:
    text: str
    span: Span
    value: float | None = None  # when the text gives a number ("two" -> 2.0)
    unit: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "span": list(self.span),
            "value": self.value,
            "unit": self.unit,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Quantity:
        return cls(data["text"], _span(data["span"]), data.get("value"), data.get("unit"))


@dataclass(frozen=True)
class DateMention:
    text: str
    span: Span
    value: str | None = None  # ISO-ish normalised value where it is plain ("2014")

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "span": list(self.span), "value": self.value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DateMention:
        return cls(data["text"], _span(data["span"]), data.get("value"))


@dataclass(frozen=True)
class Claim:
    id: str
    article_id: str
    content: Content
    cue: Cue
    claimant: Claimant
    sentence: str
    sentence_span: Span
    medium: Medium | None = None
    entities: list[EntityMention] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    extractor_version: str = ""
    # Denormalised from the article so a claim can be filtered on its own.
    publisher: str | None = None
    published_at: str | None = None
    # The cluster of claims saying the same thing (claimsearch.clusters), set by ingest
    # and kept in the archive: assignment depends on what the index held at the time, so
    # the archive, not a recomputation, is what `reindex` restores. None: not assigned yet.
    cluster_id: str | None = None
    # Ids of claims of the same article that an edit or a re-extraction removed and this
    # one took the place of (`claimsearch.replacements`): `GET /claims/{old id}` leads here.
    replaces: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "article_id": self.article_id,
            "content": self.content.to_dict(),
            "cue": self.cue.to_dict(),
            "claimant": self.claimant.to_dict(),
            "medium": None if self.medium is None else self.medium.to_dict(),
            "sentence": self.sentence,
            "sentence_span": list(self.sentence_span),
            "entities": [e.to_dict() for e in self.entities],
            "quantities": [q.to_dict() for q in self.quantities],
            "dates": [d.to_dict() for d in self.dates],
            "publisher": self.publisher,
            "published_at": self.published_at,
            "extractor_version": self.extractor_version,
            "cluster_id": self.cluster_id,
            "replaces": list(self.replaces),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Claim:
        medium = data.get("medium")
        return cls(
            id=data["id"],
            article_id=data["article_id"],
            content=Content.from_dict(data["content"]),
            cue=Cue.from_dict(data["cue"]),
            claimant=Claimant.from_dict(data["claimant"]),
            medium=None if medium is None else Medium.from_dict(medium),
            sentence=data.get("sentence", ""),
            sentence_span=_span(data.get("sentence_span") or (0, 0)),
            entities=[EntityMention.from_dict(e) for e in data.get("entities", [])],
            quantities=[Quantity.from_dict(q) for q in data.get("quantities", [])],
            dates=[DateMention.from_dict(d) for d in data.get("dates", [])],
            extractor_version=data.get("extractor_version", ""),
            publisher=data.get("publisher"),
            published_at=data.get("published_at"),
            cluster_id=data.get("cluster_id"),
            replaces=list(data.get("replaces") or []),
        )

    @property
    def organizations(self) -> list[str]:
        """Organisations this claim is tied to: the claimant's and those it names."""
        names = [self.claimant.organization] if self.claimant.organization else []
        if self.claimant.type == "organisation" and self.claimant.name:
            names.append(self.claimant.name)
        names += [e.canonical for e in self.entities if e.type == "organisation"]
        return list(dict.fromkeys(names))


@dataclass(frozen=True)
class ClaimantIdentity:
    """One person, organisation, group or document across every article in the index.

    Claims point to it by `Claimant.id`. `id` is derived from `key` (the normalised
    full name), so it is stable: the same name always gets the same id, in any index
    and after any rebuild, and a partner can store it.
    """

    id: str
    key: str  # normalised full name: "donald trump" for "Mr. Donald J. Trump"
    name: str  # canonical display name: the fullest form seen
    type: str  # one of IDENTITY_TYPES: the type most of its claims give
    aliases: list[str]  # display forms seen ("Donald J. Trump", "Trump", "Mr. Trump")
    keys: list[str]  # normalised forms of the aliases: what `claimant=` matches, word by word
    surname: str | None = None  # persons named by two words or more: the last name, normalised
    roles: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    claims: int = 0  # claims in the index that point to it
    # A surname alone whose claims are filed under the person who came to dominate it
    # ("Obama" -> Barack Obama): that person's id. The id stays in the registry, with no
    # claims, so an id a partner stored still leads to them (`claimant_id=`, `GET /claimants`),
    # for as long as they have claims: it goes with them (`registry.rederived`).
    merged_into: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "key": self.key,
            "name": self.name,
            "type": self.type,
            "aliases": list(self.aliases),
            "keys": list(self.keys),
            "surname": self.surname,
            "roles": list(self.roles),
            "organizations": list(self.organizations),
            "claims": self.claims,
            "merged_into": self.merged_into,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClaimantIdentity:
        return cls(
            id=data["id"],
            key=data["key"],
            name=data["name"],
            type=data["type"],
            aliases=list(data.get("aliases") or []),
            keys=list(data.get("keys") or []),
            surname=data.get("surname"),
            roles=list(data.get("roles") or []),
            organizations=list(data.get("organizations") or []),
            claims=int(data.get("claims") or 0),
            merged_into=data.get("merged_into"),
        )


def claim_id_for(article_id: str, cue: Span, content: list[Span]) -> str:
    """A claim's id is its article plus its spans: re-extraction keeps the id."""
    parts = [article_id, f"{cue[0]}-{cue[1]}"] + [f"{s}-{e}" for s, e in content]
    return "c" + stable_id(*parts, length=23)


@dataclass(frozen=True)
class ExtractedArticle:
    """An article with the claims extracted from it: what the archive stores."""

    article: Article
    claims: list[Claim]
    # The extractor that made the claims (`ClaimExtractor.version`): an archived article
    # made by another is re-extracted by `claimsearch reextract`. "" where not known.
    extractor_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": self.article.to_dict(),
            "claims": [c.to_dict() for c in self.claims],
            "extractor_version": self.extractor_version,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExtractedArticle:
        claims = [Claim.from_dict(c) for c in data["claims"]]
        version = data.get("extractor_version")
        if version is None:
            # Archived before the article said: its claims' one version, if they agree.
            versions = {c.extractor_version for c in claims}
            version = versions.pop() if len(versions) == 1 else ""
        return cls(Article.from_dict(data["article"]), claims, str(version))
