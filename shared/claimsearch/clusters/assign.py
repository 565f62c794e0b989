"""Cluster assignment: each new claim joins the cluster of an earlier claim that says the same.

Assignment is incremental: a claim is compared only with claims already clustered under
the same claimant (`cluster_claimant`: its identity, or the description that stands for
one) that share an LSH band key with it (`ClusterLookup`, which an index implements with
two exact-term filters), never with the whole index. It joins the cluster of the best
match (`matching.same_claim`), or founds a cluster of its own.

Cluster ids are stable and reproducible:

- a cluster's id is derived from the claim id of the claim that founded it, so the same
  claims assigned in the same order give the same ids in any index and after any rebuild;
  `rebuild` is `assign` run over claims one by one, so it gives the ids incremental
  assignment gave when it is fed the claims in the order they were assigned;
- clusters are never merged and claims never move: a claim that matches members of two
  clusters joins the better match (ties: the smaller cluster id), so no id a partner has
  stored disappears when a later claim bridges two clusters;
- a claim already in the index (an article ingested again) finds itself among the
  candidates and keeps its cluster.

The order therefore matters only where matches chain (A ~ B and B ~ C but not A ~ C);
`canonical_key` orders a whole archive by publication date, then article and position, so
that a rebuild founds each cluster with its first appearance.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Protocol

from claimsearch.claimants.names import is_pronoun, name_key
from claimsearch.clusters.matching import DEFAULT_THRESHOLDS, Thresholds, match_score, same_claim
from claimsearch.clusters.minhash import band_keys, signature
from claimsearch.clusters.normalise import match_tokens
from claimsearch.clusters.records import CandidateQuery, ClusterMember
from claimsearch.model import Article, Claim, stable_id


class ClusterLookup(Protocol):
    """What assignment reads from an index: candidate members, by claimant and band key."""

    def cluster_candidates(self, claimant_id: str, keys: Sequence[str]) -> list[ClusterMember]:
        """Claims clustered under `claimant_id` (a `cluster_claimant`) that hold at least one
        of `keys` (any order)."""
        ...


def cluster_claimant(claim: Claim) -> str | None:
    """Whose claims `claim` is compared with: its claimant identity's id, or for a claimant
    described rather than named ("a White House official", "A CNN/ORC poll", which the
    registry files under no identity) a key of the description, so that the same claim from
    "a White House official" in two articles is one claim reported twice; None when no one
    is given (no source, or a pronoun never resolved), and then the claim joins nothing."""
    if claim.claimant.id is not None:
        return claim.claimant.id
    words = claim.claimant.name or claim.claimant.mention
    if not claim.claimant.attributed or not words or is_pronoun(words):
        return None
    key = name_key(words)
    return "d" + stable_id("description", key, length=19) if key else None


@dataclass(frozen=True)
class Fingerprint:
    tokens: frozenset[str]
    # Empty when the claim can join nothing (no claimant, too few tokens): such a claim is
    # a cluster of its own and is never a candidate for later claims either.
    band_keys: tuple[str, ...]


@dataclass(frozen=True)
class Assignment:
    claim_id: str
    cluster_id: str
    band_keys: tuple[str, ...]  # what the index stores with the claim for later lookups
    matched: str | None  # the member claim it matched; None when it founded its cluster


def cluster_id_for(claim_id: str) -> str:
    """The id of the cluster a claim founds."""
    return "k" + stable_id("cluster", claim_id, length=23)


def fingerprint(claim: Claim, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Fingerprint:
    tokens = match_tokens(claim.content.text)
    if cluster_claimant(claim) is None or len(tokens) < thresholds.min_tokens:
        return Fingerprint(tokens, ())
    return Fingerprint(tokens, _band_keys(tokens))


@lru_cache(maxsize=4096)
def _band_keys(tokens: frozenset[str]) -> tuple[str, ...]:
    # Cached: ingest asks for a claim's keys twice, to assign it and then to index them.
    return band_keys(signature(tokens))


def assign(claim: Claim, lookup: ClusterLookup, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Assignment:
    """The cluster `claim` belongs to, given the claims `lookup` already holds."""
    found = fingerprint(claim, thresholds)
    claimant = cluster_claimant(claim)
    if not found.band_keys or claimant is None:
        return Assignment(claim.id, cluster_id_for(claim.id), (), None)
    candidates = lookup.cluster_candidates(claimant, found.band_keys)
    for member in candidates:
        if member.claim_id == claim.id:  # ingested again: it keeps its cluster
            return Assignment(claim.id, member.cluster_id, found.band_keys, None)
    best: tuple[float, str, str] | None = None
    for member in candidates:
        tokens = match_tokens(member.content)
        if not same_claim(found.tokens, tokens, thresholds):
            continue
        # Highest score first; ties to the smaller cluster id, then claim id: the outcome
        # must not depend on the order in which an engine returns candidates.
        key = (-match_score(found.tokens, tokens), member.cluster_id, member.claim_id)
        if best is None or key < best:
            best = key
    if best is None:
        return Assignment(claim.id, cluster_id_for(claim.id), found.band_keys, None)
    return Assignment(claim.id, best[1], found.band_keys, best[2])


@dataclass
class MemoryClusters:
    """Clusters held in memory: what `rebuild` fills, and a `ClusterLookup` for tests."""

    by_key: dict[tuple[str, str], list[ClusterMember]] = field(default_factory=dict)
    cluster_of: dict[str, str] = field(default_factory=dict)  # claim id -> cluster id

    def cluster_candidates(self, claimant_id: str, keys: Sequence[str]) -> list[ClusterMember]:
        found: dict[str, ClusterMember] = {}
        for key in keys:
            for member in self.by_key.get((claimant_id, key), ()):
                found.setdefault(member.claim_id, member)
        return list(found.values())

    def add(self, claim: Claim, assignment: Assignment) -> None:
        if claim.id in self.cluster_of:
            return
        self.cluster_of[claim.id] = assignment.cluster_id
        claimant = cluster_claimant(claim)
        if claimant is None:
            return
        member = ClusterMember(claim.id, assignment.cluster_id, claim.content.text)
        for key in assignment.band_keys:
            self.by_key.setdefault((claimant, key), []).append(member)


class _WithArticle:
    """A lookup that also sees the claims of the article being assigned, before it is indexed."""

    def __init__(self, lookup: ClusterLookup) -> None:
        self.lookup = lookup
        self.article = MemoryClusters()

    def cluster_candidates(self, claimant_id: str, keys: Sequence[str]) -> list[ClusterMember]:
        found = {m.claim_id: m for m in self.lookup.cluster_candidates(claimant_id, keys)}
        for member in self.article.cluster_candidates(claimant_id, keys):
            found.setdefault(member.claim_id, member)
        return list(found.values())


def assign_article(
    claims: Sequence[Claim], lookup: ClusterLookup, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> list[Assignment]:
    """The clusters of one article's claims, in order: what ingest calls before indexing them.

    A claim may join an earlier claim of the same article (a quote repeated in a summary),
    which the index does not hold yet.
    """
    view = _WithArticle(lookup)
    out = []
    for claim in claims:
        assignment = assign(claim, view, thresholds)
        view.article.add(claim, assignment)
        out.append(assignment)
    return out


class BatchLookup(Protocol):
    """A `ClusterLookup` that answers many lookups at once (an index: one round trip)."""

    def cluster_candidates_many(self, asks: Sequence[CandidateQuery]) -> list[list[ClusterMember]]: ...


class _Prefetched:
    """The index's answers for one article's claims, asked all at once before assigning them.

    Assigning a claim never changes what the index holds (the article is indexed after
    all of its claims are assigned; `_WithArticle` adds the article's own), so the answers
    are those the claims would get one by one.
    """

    def __init__(self, lookup: BatchLookup, asks: list[CandidateQuery]) -> None:
        unique = list(dict.fromkeys(asks))
        self.answers = dict(zip(unique, lookup.cluster_candidates_many(unique), strict=True))

    def cluster_candidates(self, claimant_id: str, keys: Sequence[str]) -> list[ClusterMember]:
        return self.answers[(claimant_id, tuple(keys))]


def clustered(
    claims: Sequence[Claim], lookup: BatchLookup, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> list[Claim]:
    """One article's claims with `cluster_id` set: what ingest archives and indexes."""
    asks = [
        (claimant, keys)
        for claim in claims
        if (claimant := cluster_claimant(claim)) is not None
        and (keys := fingerprint(claim, thresholds).band_keys)
    ]
    assignments = assign_article(claims, _Prefetched(lookup, asks), thresholds)
    return [replace(c, cluster_id=a.cluster_id) for c, a in zip(claims, assignments, strict=True)]


def with_clusters(
    pairs: Iterable[tuple[Article, list[Claim]]], thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> Iterator[tuple[Article, list[Claim]]]:
    """`pairs` with every claim's cluster id, for a rebuild from the archive.

    A claim keeps the id ingest gave it (the archive holds it), so a rebuild reproduces
    every id partners may have stored. Claims archived before clusters existed have none:
    they are assigned here, in the order they come, against the other such claims only
    (those of the index were assigned by ingest when it held none of them). The archive
    is read in the same order every time, so each rebuild gives them the same ids; only
    these claims are held in memory.
    """
    legacy = MemoryClusters()
    for article, claims in pairs:
        out = []
        for claim in claims:
            if claim.cluster_id is None:
                assignment = assign(claim, legacy, thresholds)
                legacy.add(claim, assignment)
                claim = replace(claim, cluster_id=assignment.cluster_id)
            out.append(claim)
        yield article, out


def canonical_key(claim: Claim) -> tuple[str, str, int, str]:
    """Publication date, article, position: the order in which a rebuild assigns an archive."""
    start = claim.content.spans[0][0] if claim.content.spans else 0
    return (claim.published_at or "", claim.article_id, start, claim.id)


def rebuild(claims: Iterable[Claim], thresholds: Thresholds = DEFAULT_THRESHOLDS) -> dict[str, str]:
    """Every claim's cluster id, assigning `claims` one by one in the order given."""
    state = MemoryClusters()
    for claim in claims:
        state.add(claim, assign(claim, state, thresholds))
    return dict(state.cluster_of)
