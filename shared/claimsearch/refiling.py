"""Descriptions indexed before a role that fits them, filed when an article gives it.

Ingest files a description of a person ("The GOP nominee told the crowd ...") under the
person its article names whose roles hold every word of it (`claimants.registry`), by the
roles the index holds when the article arrives. An article that comes later may give the
role first ("Republican presidential nominee Donald Trump"): `reindex`, which reads every
article's roles before it files any, would file the earlier description under him. So
that the live index does not depend on the order articles come in, each article's new
roles are looked up among the claims filed under no one (`SearchIndex.unfiled_claims`),
and the articles holding a description one of them fits are filed again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from claimsearch.claimants.registry import (
    Filed,
    Overlaid,
    descriptions_now_filed,
    may_describe,
    roles_gained,
    source_forms,
    updated_identities,
)
from claimsearch.errors import IndexingFailed
from claimsearch.index.port import MAX_UNFILED, SearchIndex
from claimsearch.model import Claim

log = logging.getLogger(__name__)


def file_descriptions_elsewhere(
    index: SearchIndex,
    article_id: str,
    filed: Filed,
    still_held: Callable[[str, list[Claim]], bool] = lambda _article, _claims: True,
) -> int:
    """File, in articles indexed before, the descriptions of a person that a role this
    article (`filed`: its claims, about to be indexed) is the first to give fits, as
    `reindex` would file them; the number of claims filed.

    Call it before the article's own write, which adds its roles to the registry: after
    a failure (or an invocation out of time), a retry finds the same roles new and files
    what is still unfiled, so each attempt gets further. Each other article is
    read from the index (its claims as held, a move included), its descriptions filed as
    `file_claims` would file them now, with this article's identities as they are about to
    be put (`Overlaid`), and written whole, unless `still_held(article id, claims)` says
    those are no longer its claims (an edit or a delete came meanwhile, and its own
    filing reads the new roles). The identities written are the index's, without this
    article's roles, which its own write puts.
    """
    identities = updated_identities(filed, index)
    roles = roles_gained(identities, index)
    if not roles:
        return 0
    found = index.unfiled_claims([source_forms(role) for role in roles])
    if len(found) >= MAX_UNFILED:
        log.warning("%s: the first %d unfiled claims read; a reindex files the rest", article_id, len(found))
    lookup = Overlaid(index, identities)
    others = {c.article_id for c in found if c.article_id != article_id and may_describe(c.claimant, roles)}
    count = 0
    for other in sorted(others):
        held = index.claims_for_article(other)
        now = descriptions_now_filed(held, lookup)
        stored = index.get_article(other)
        if not now.claims or stored is None or not still_held(other, held):
            continue
        changed = {c.id: c for c in now.claims}
        report = index.index_article(
            stored, [changed.get(c.id, c) for c in held], updated_identities(now, index)
        )
        if not report.ok:
            raise IndexingFailed(f"{len(report.failed)} claims of {other} not filed again")
        count += len(now.claims)
    return count
