"""The records of clustering that cross the index port (no numpy: the search function reads them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClusterMember:
    """A claim already clustered, as the index returns it to matching."""

    claim_id: str
    cluster_id: str
    content: str  # the claim's content text: matching folds it again, so nothing else is stored


# What one claim asks of the index: earlier claims of this claimant id sharing a band key.
CandidateQuery = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class ClusterSummary:
    """What a cluster adds up to in the index now (members come and go with their articles).

    The first appearance is the member published first (undated members after every
    dated one), then by article id and position in the article: the order both engines
    sort members in.
    """

    id: str
    size: int  # claims in the index that belong to it
    first_seen: str | None  # YYYY-MM-DD: the earliest publication date of its members
    first_article_id: str  # the article of its first appearance
    first_claim_id: str
