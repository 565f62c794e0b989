"""What GET /clusters/{id} shows of a cluster: its members, a representative wording, a timeline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from claimsearch.clusters.normalise import match_tokens
from claimsearch.clusters.records import ClusterSummary
from claimsearch.model import Claim

# The representative is chosen among the first members only: choosing compares every pair.
REPRESENTATIVE_POOL = 200


@dataclass(frozen=True)
class ClusterView:
    summary: ClusterSummary
    claimant_id: str | None
    representative: Claim
    members: list[Claim]  # in order of appearance, at most the index's MAX_CLUSTER_MEMBERS
    timeline: list[tuple[str, int]]  # (YYYY-MM-DD, members published that day), oldest first


def cluster_view(summary: ClusterSummary, members: Sequence[Claim]) -> ClusterView:
    """`members` (in order of appearance, at least one) seen as a whole."""
    if not members:
        raise ValueError(f"cluster {summary.id} has no members")
    days = Counter(m.published_at[:10] for m in members if m.published_at)
    return ClusterView(
        summary=summary,
        claimant_id=members[0].claimant.id,
        representative=representative(members),
        members=list(members),
        timeline=sorted(days.items()),
    )


def representative(members: Sequence[Claim]) -> Claim:
    """The wording closest to all the others: highest total word overlap (Jaccard) with them.

    A medoid rather than the first appearance: the first outlet may have quoted a fragment
    that the others quote in full. Ties go to the earlier member.
    """
    pool = list(members[:REPRESENTATIVE_POOL])
    tokens = [match_tokens(m.content.text) for m in pool]

    def closeness(i: int) -> float:
        return sum(_jaccard(tokens[i], other) for j, other in enumerate(tokens) if j != i)

    best = max(range(len(pool)), key=lambda i: (closeness(i), -i))
    return pool[best]


def _jaccard(left: frozenset[str], right: frozenset[str]) -> float:
    union = len(left | right)
    return len(left & right) / union if union else 0.0
