"""What a claimant's page shows beyond the registry: the entities its claims are about."""

from __future__ import annotations

from claimsearch.claimants.names import name_key
from claimsearch.index.port import ClaimantActivity, FacetValue
from claimsearch.model import ClaimantIdentity

MENTIONED = 10


def entities_mentioned(identity: ClaimantIdentity, activity: ClaimantActivity) -> list[FacetValue]:
    """The entities its claims mention most, less the claimant itself (every claim names it)."""
    own = set(identity.keys)
    return [e for e in activity.entities if name_key(e.value) not in own][:MENTIONED]
