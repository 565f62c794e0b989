"""Writes: the documents stored for each record, bulk loading, and rebuilds.

They go through opensearch-py's client (`client.connect`), imported by the functions
that call it: the search function, which only reads, never loads it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import suppress
from itertools import islice, repeat
from typing import TYPE_CHECKING, Any

from claimsearch.claimants.names import has_generational_suffix
from claimsearch.claimants.registry import Said
from claimsearch.index.fields import article_fields, claim_fields
from claimsearch.index.opensearch import queries
from claimsearch.index.opensearch.errors import RebuildFailed, bulk_reason, engine_errors
from claimsearch.index.opensearch.schema import CLAIMS_REFRESH, KINDS, Indices
from claimsearch.index.port import first_seen_key
from claimsearch.model import Article, Claim, ClaimantIdentity

if TYPE_CHECKING:
    from opensearchpy import OpenSearch
    from opensearchpy.serializer import Serializer

# Bulk requests stay well under the smallest HTTP payload limit of Amazon OpenSearch
# Service (10 MiB) whatever the article size.
BULK_CHUNK_DOCS = 500
BULK_CHUNK_BYTES = 5 * 1024 * 1024
# 429 (queue full) on single bulk items: back off and retry those items only.
BULK_RETRIES = 3
BULK_INITIAL_BACKOFF_S = 1
BULK_MAX_BACKOFF_S = 8
# What `bulk` and opensearch-py's helper read of each item; the rest of a bulk answer
# (index, version, shards, sequence numbers: some 150 bytes an item) is not sent.
BULK_ITEM_FIELDS = "items.*._id,items.*.status,items.*.error"
# Loads and rebuilds: batches of this many actions go to the node from LOAD_WORKERS
# threads while the calling thread builds the next batches' documents, so building and
# indexing overlap. Measured with the node and the loader on one 2-core machine, two
# machines apart: on the first (300k claims) 1 sender 5,208 claims/s, 2 senders 3,775, 3
# senders 4,098; on the second, slower one (2026-12-03, runs alternating) at 200k claims
# 1 sender 2,537-3,292, 2 senders 3,834-4,045, 3 senders 2,961 (the first load on a fresh
# node) and 3,933, and at 1M claims 2,608 / 3,227 / 3,874. With batches waiting as text and
# orjson (the loader's CPU a quarter of what it was; see `_serialized`), on the second
# machine at 200k: 6,102 / 5,546 / 6,495. Where the node and the loader share two cores
# the best count depends on the machine; a cluster of its own (production: the reindex
# function loads a remote domain) has cores for every sender, so three.
LOAD_BATCH_ACTIONS = 2000
LOAD_WORKERS = 3
# A load's bulk requests wait out the node's merges (it throttles indexing while they
# catch up, seconds at a time past a million claims) instead of failing the load.
LOAD_REQUEST_TIMEOUT_S = 300
# While a fresh index loads, its translog is fsynced on a timer, not per request: a
# node lost mid-load loses only a load that is redone from the archive anyway.
LOADING_SETTINGS = {"refresh_interval": "-1", "translog": {"durability": "async"}}
# A rebuild reads every cluster's size in pages of this many clusters (one per claim, most
# of them), and rewrites the members of this many clusters of two or more per request.
CLUSTER_PAGE = 10_000
RECOUNT_CHUNK = 1000

log = logging.getLogger(__name__)


def claim_document(claim: Claim) -> dict[str, Any]:
    doc = claim_fields(claim)
    # The day as the source printed it, zone ignored: range filters compare days, as
    # the SQLite adapter does, so an evening article is not moved to the next UTC day.
    doc["published_date"] = claim.published_at[:10] if claim.published_at else None
    doc["replaces"] = claim.replaces  # what `claim_replacing` looks up
    # What the claim says of its identity, tallied per identity by `queries.said_pages_body`.
    said = Said.of(claim.claimant) if claim.claimant.id is not None else None
    doc["claimant_said"] = said.key() if said is not None else None
    doc["claim"] = claim.to_dict()
    return doc


def article_document(
    article: Article,
    recount: Iterable[str] = (),
    recount_clusters: Iterable[str] = (),
    rederive: Iterable[str] = (),
) -> dict[str, Any]:
    """The article's document, with what a write of it still owes (`owed_fields`)."""
    doc = article_fields(article)
    doc["article"] = article.to_dict()
    return {**doc, **owed_fields(recount, recount_clusters, rederive)}


def owed_fields(
    recount: Iterable[str], recount_clusters: Iterable[str], rederive: Iterable[str]
) -> dict[str, Any]:
    """What a write of an article owes until it is done: `recount`, the claimant ids whose
    claim counts; `recount_clusters`, the cluster ids whose members' sort values; `rederive`,
    the identities to derive again from their claims."""
    return {
        "recount": sorted(recount),
        "recount_clusters": sorted(recount_clusters),
        "rederive": sorted(rederive),
    }


def claimant_document(identity: ClaimantIdentity) -> dict[str, Any]:
    return {
        "id": identity.id,
        "key": identity.key,
        "surname": identity.surname,
        "suffixed": has_generational_suffix(identity.key.split()),
        "type": identity.type,
        "name": identity.name,
        "keys": identity.keys,
        "claims": identity.claims,
        "merged_into": identity.merged_into,  # what a removed identity's pointers are found by
        "claimant": identity.to_dict(),
    }


def bulk(client: OpenSearch, actions: Iterable[dict[str, Any]], **params: Any) -> tuple[int, dict[str, str]]:
    """Send actions in chunks; (documents written, {id: reason} of those rejected).

    Item rejections (mapping errors, 429 after the retries) are collected, not
    raised: the caller reports them. A request that fails as a whole (node
    down, 5xx after the transport's retries) raises.
    """
    from opensearchpy.helpers import streaming_bulk

    written = 0
    failed: dict[str, str] = {}
    for ok, item in streaming_bulk(
        client,
        actions,
        chunk_size=BULK_CHUNK_DOCS,
        max_chunk_bytes=BULK_CHUNK_BYTES,
        raise_on_error=False,
        max_retries=BULK_RETRIES,
        initial_backoff=BULK_INITIAL_BACKOFF_S,
        max_backoff=BULK_MAX_BACKOFF_S,
        filter_path=BULK_ITEM_FIELDS,
        **params,
    ):
        op, info = next(iter(item.items()))
        # Deleting what is already gone is done, not failed: deletes are retried.
        if ok or (op == "delete" and info.get("status") == 404):
            written += 1
        else:
            failed[str(info.get("_id"))] = bulk_reason(info)
    return written, failed


def pipelined_bulk(
    client: OpenSearch, actions: Iterable[dict[str, Any]], workers: int = LOAD_WORKERS
) -> tuple[int, dict[str, str]]:
    """`bulk` over batches of `actions` sent by `workers` threads while this one builds the next.

    At most two batches per worker are held at a time, so memory stays bounded
    whatever the size of the load. The first request that fails as a whole stops
    the load and raises.
    """
    written = 0
    failed: dict[str, str] = {}
    stream = map(_serialized, actions, repeat(client.transport.serializer))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bulk") as pool:
        pending: set[Future[tuple[int, dict[str, str]]]] = set()
        try:
            while batch := list(islice(stream, LOAD_BATCH_ACTIONS)):
                if len(pending) >= 2 * workers:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        count, rejected = future.result()
                        written += count
                        failed.update(rejected)
                pending.add(pool.submit(bulk, client, batch, request_timeout=LOAD_REQUEST_TIMEOUT_S))
            for future in pending:
                count, rejected = future.result()
                written += count
                failed.update(rejected)
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return written, failed


def _serialized(action: dict[str, Any], serializer: Serializer) -> dict[str, Any]:
    """`action` with its document as the JSON text the request will carry.

    Batches wait their turn as text, not as dicts: a load holds up to `2 * workers`
    batches of documents of some 25 objects each, which the cyclic garbage collector
    traversed again at each of its full passes (about half of the loader's CPU time at
    100k claims, measured); strings it does not track.
    """
    source = action.get("_source")
    if source is None or isinstance(source, str):
        return action
    return {**action, "_source": serializer.dumps(source)}


def rebuild(
    indices: Indices,
    pairs: Iterable[tuple[Article, list[Claim]]],
    claimants: Callable[[], Iterable[ClaimantIdentity]],
) -> str:
    """Load `pairs`, then `claimants()`, into new versioned indices; switch every alias at once.

    Searches are served from the old indices until the switch; the old indices are
    deleted after it, with any version an interrupted rebuild left behind. Any failure
    before the switch (a rejected document included: a rebuild must not silently drop
    claims) deletes the new indices and leaves the old ones serving. Writes that reach
    the old indices during the rebuild are not copied: the archive being rebuilt from
    is the source of truth. Returns the new claims index name.
    """
    from opensearchpy.exceptions import TransportError

    client = indices.client
    with engine_errors("rebuild the indices"):
        indices.put_templates()
        current = {kind: indices.versions(kind) for kind in KINDS}
        version = max((v for versions, _ in current.values() for v in versions), default=0) + 1
        fresh = {kind: f"{indices.alias(kind)}-v{version}" for kind in KINDS}
        created: list[str] = []
        try:
            for name in fresh.values():
                # No refreshes while loading: one at the end is far cheaper.
                client.indices.create(index=name, body={"settings": LOADING_SETTINGS})
                created.append(name)
            loaded, failed = pipelined_bulk(client, _rebuild_actions(pairs, fresh))
            # Claimants come after the claims: filing the archive decides them as it goes.
            actions = (
                {
                    "_op_type": "index",
                    "_index": fresh["claimants"],
                    "_id": i.id,
                    "_source": claimant_document(i),
                }
                for i in claimants()
            )
            registered, rejected = bulk(client, actions)
            failed.update(rejected)
            if failed:
                sample = "; ".join(f"{k}: {v}" for k, v in list(failed.items())[:3])
                raise RebuildFailed(
                    f"{len(failed)} documents rejected, {loaded + registered} loaded ({sample})"
                )
            client.indices.refresh(index=fresh["claims"])
            recount_clusters(client, fresh["claims"])
            for kind, name in fresh.items():
                # Claims refresh only when a write asks (see schema.CLAIMS_REFRESH); the
                # others go back to the engine's default.
                interval = CLAIMS_REFRESH if kind == "claims" else None
                client.indices.put_settings(
                    index=name,
                    body={"index": {"refresh_interval": interval, "translog": {"durability": None}}},
                )
            client.indices.refresh(index=",".join(created))
            # Durable before serving: the load's translog was fsynced only on a timer.
            client.indices.flush(index=",".join(created), request_timeout=600)
            switch: list[dict[str, Any]] = []
            for kind in KINDS:
                switch += [
                    {"remove": {"index": old, "alias": indices.alias(kind)}} for old in current[kind][1]
                ]
                switch.append({"add": {"index": fresh[kind], "alias": indices.alias(kind)}})
            # One call: the aliases move together; every search sees the old set or the new.
            client.indices.update_aliases(body={"actions": switch})
        except BaseException:
            # Only what this call created (a concurrent rebuild's index is not ours), and
            # none an alias points to: a switch whose answer was lost may have been done.
            # The original error matters more than a failed clean-up.
            if created:
                with suppress(TransportError):
                    now_serving = {name for kind in KINDS for name in indices.versions(kind)[1]}
                    unused = [name for name in created if name not in now_serving]
                    if unused:
                        client.indices.delete(index=",".join(unused), ignore_unavailable=True)
            raise
        # Every version older than this one: those serving until the switch, and those a
        # rebuild cut short left behind (a killed process, or a node gone, skips the
        # clean-up above). An older rebuild still loading loses its indices, and fails at
        # its own switch: the serving indices it would remove are gone.
        old = [name for versions, _ in current.values() for name in versions.values()]
        if old:
            try:
                client.indices.delete(index=",".join(old), ignore_unavailable=True)
            except TransportError as exc:
                # The switch is done; a leftover old index only costs disk.
                log.warning("rebuild: could not delete old indices %s: %s", old, exc)
    return fresh["claims"]


def recount_clusters(client: OpenSearch, index: str) -> int:
    """Give each member of every cluster of two claims or more in `index` (refreshed, no other
    writer) its cluster's size and first day's key; the clusters rewritten.

    A claim is loaded with the values of a cluster of one (`fields.claim_fields`), right for
    most: only the larger clusters are rewritten, found by paging through every cluster.
    """
    larger: dict[str, queries.ClusterValues] = {}
    rewritten = 0
    after: dict[str, Any] | None = None
    while True:
        body = queries.cluster_pages_body(CLUSTER_PAGE, after)
        answer = client.search(index=index, body=body, request_timeout=LOAD_REQUEST_TIMEOUT_S)
        clusters = answer["aggregations"]["clusters"]
        for bucket in clusters["buckets"]:
            if bucket["doc_count"] > 1:
                day = bucket["first"].get("value_as_string")
                larger[str(bucket["key"]["id"])] = queries.ClusterValues(
                    int(bucket["doc_count"]), first_seen_key(day)
                )
        after = clusters.get("after_key")
        last_page = len(clusters["buckets"]) < CLUSTER_PAGE or after is None
        while larger and (last_page or len(larger) >= RECOUNT_CHUNK):
            chunk = dict(islice(larger.items(), RECOUNT_CHUNK))
            # No other writer, so no conflict to expect: one is an error (abort).
            answer = client.update_by_query(
                index=index, body=queries.recount_body(chunk), request_timeout=LOAD_REQUEST_TIMEOUT_S
            )
            if answer.get("failures"):
                raise RebuildFailed(f"recounting claim clusters failed: {answer['failures'][:3]}")
            rewritten += len(chunk)
            for cluster in chunk:
                del larger[cluster]
        if last_page:
            return rewritten


def _rebuild_actions(
    pairs: Iterable[tuple[Article, list[Claim]]], fresh: dict[str, str]
) -> Iterator[dict[str, Any]]:
    for article, claims in pairs:
        yield {
            "_op_type": "index",
            "_index": fresh["articles"],
            "_id": article.id,
            "_source": article_document(article),
        }
        for claim in claims:
            yield {
                "_op_type": "index",
                "_index": fresh["claims"],
                "_id": claim.id,
                "_source": claim_document(claim),
            }
