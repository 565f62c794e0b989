"""The OpenSearch adapter of the SearchIndex port (Amazon OpenSearch Service in production)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from claimsearch.clusters.records import CandidateQuery, ClusterMember, ClusterSummary
from claimsearch.errors import IndexUnavailable, InvalidQuery

# `writes` (documents, bulk loads and their thread pool) is imported by the methods that
# write, as opensearch-py is (`client`): the search function only reads, and its first
# request does not load them (issue 11's cold start).
from claimsearch.index.opensearch import queries
from claimsearch.index.opensearch.endpoint import Endpoint
from claimsearch.index.opensearch.errors import (
    EngineNotFound,
    EngineRejected,
    engine_error,
    engine_errors,
    is_conflict,
    no_index_yet,
    request_reason,
)
from claimsearch.index.opensearch.reader import Reader
from claimsearch.index.opensearch.schema import Indices
from claimsearch.index.port import (
    MAX_CLAIMANT_MATCHES,
    MAX_CLUSTER_CANDIDATES,
    MAX_CLUSTER_MEMBERS,
    MAX_SUGGESTIONS,
    MAX_UNFILED,
    ClaimantActivity,
    FacetValue,
    Hit,
    IndexReport,
    SearchQuery,
    SearchResult,
    search_claims,
)
from claimsearch.index.text_query import ClaimantTerms, match_claimant, plan_text, suggestions_in_turn
from claimsearch.model import Article, Claim, ClaimantIdentity

if TYPE_CHECKING:
    from opensearchpy import OpenSearch

    from claimsearch.claimants.registry import Said

PAGE = 1000  # page size of reads that return every claim of a set (an article, a cluster)
# Cluster ids per summaries request: far below the engine's limits on terms (65,536) and
# buckets (65,535), and above any page of hits.
SUMMARIES_CHUNK = 1000
# Candidate lookups per `_msearch`: an article's claims, whatever its length, in few requests.
CANDIDATES_CHUNK = 100
# Counts and rewrites of a write's clusters before it gives up (`_recount_clusters`): more
# than one only while other writers change the same clusters.
RECOUNT_ROUNDS = 5
T = TypeVar("T")
_Made = dict[str, ClaimantIdentity]  # identities to put, by id (`_put_as_held`)
_Versions = dict[str, tuple[ClaimantIdentity, tuple[int, int]]]  # held, with (_seq_no, _primary_term)


class OpenSearchIndex:
    """SearchIndex over an OpenSearch cluster. Thread-safe (both clients are).

    Reads (searches, gets, counts, within writes too) go through `Reader`; writes,
    schema changes and rebuilds through opensearch-py's client, made at the first of
    them: a process that only searches (the search function) never imports it.
    """

    def __init__(self, endpoint: Endpoint, prefix: str = "claimsearch") -> None:
        self.endpoint = endpoint
        self.prefix = prefix
        self.reader = Reader(endpoint)
        self.claims_alias = f"{prefix}-claims"
        self.articles_alias = f"{prefix}-articles"
        self.claimants_alias = f"{prefix}-claimants"
        self._client: OpenSearch | None = None
        self._client_lock = threading.Lock()
        self._ready = False

    @property
    def client(self) -> OpenSearch:
        """opensearch-py's client for the endpoint (writes, schema, rebuilds)."""
        with self._client_lock:
            if self._client is None:
                from claimsearch.index.opensearch.client import connect

                self._client = connect(self.endpoint)
            return self._client

    @property
    def indices(self) -> Indices:
        return Indices(self.client, self.prefix)

    # -- schema ------------------------------------------------------------------------------

    def ensure_ready(self) -> None:
        """Put the index templates; create version 1 behind each alias if missing. Idempotent."""
        if not self._ready:
            self.indices.ensure()
            self._ready = True

    def drop(self) -> None:
        """Delete every index and template of this prefix (tests, local resets)."""
        self.indices.drop()
        self._ready = False

    def ping(self) -> bool:
        return self.reader.ping()

    # -- writes ------------------------------------------------------------------------------

    def index_article(
        self, article: Article, claims: list[Claim], claimants: Iterable[ClaimantIdentity] = ()
    ) -> IndexReport:
        """Store the article, replace its claims with `claims` at once, put `claimants`.

        The article goes first; then one bulk writes its new claims and the deletes
        of its claims not in `claims`, and the refresh that follows shows them
        together (the claims index has no timed refresh, see `schema.CLAIMS_REFRESH`).
        A claim that fails keeps its previous version (if any) until a retry
        succeeds; its id is in the report. Concurrent writers' refreshes can show
        part of a large article early: the guarantee is per writer.

        The claimant ids whose counts this write changes, the cluster ids whose
        members' sort values it changes (`_recount_clusters`) and the identities to derive
        again (`_rederive`) are kept on the article's document until they are written, so
        a retry after a failure in between still does it for what only the replaced
        claims held.
        """
        from opensearchpy.exceptions import RequestError

        from claimsearch.claimants.registry import as_held_now, said_only_before, tallies
        from claimsearch.index.opensearch import writes  # here: see the module's imports

        self.ensure_ready()
        with engine_errors(f"index article {article.id}"):
            owed = self._owed_recount(article.id)
            # The article's document is written before any of its claims and deleted
            # after all of them, so an article the index does not hold has no claims
            # to replace: a new article costs no refresh and no search for old ones.
            old = self._claims_written(article.id) if owed is not None else []
            new_ids = {c.id for c in claims}
            touched = (owed.claimants if owed else set()) | _claimant_ids(old) | _claimant_ids(claims)
            clusters = (owed.clusters if owed else set()) | _cluster_ids(old) | _cluster_ids(claims)
            stale = (owed.identities if owed else set()) | said_only_before(
                (c.claimant for c in old), (c.claimant for c in claims)
            )
            try:
                # Its own request, first: a rejected article touches nothing else. No
                # refresh: GET by id is real-time, and nothing searches articles.
                # require_alias: a missing alias must fail, not auto-create a bare index.
                self.client.index(
                    index=self.articles_alias,
                    id=article.id,
                    body=writes.article_document(article, touched, clusters, stale),
                    require_alias=True,
                )
            except RequestError as exc:
                return IndexReport(article.id, indexed=0, failed={article.id: request_reason(exc)})
            actions: list[dict[str, Any]] = [
                {
                    "_op_type": "index",
                    "_index": self.claims_alias,
                    "_id": c.id,
                    "_source": writes.claim_document(c),
                }
                for c in claims
            ]
            actions += [
                {"_op_type": "delete", "_index": self.claims_alias, "_id": c.id}
                for c in old
                if c.id not in new_ids
            ]
            _, failed = writes.bulk(self.client, actions, require_alias=True)
            self.client.indices.refresh(index=self.claims_alias)
            given = {i.id: i for i in claimants}
            ids = touched | set(given)
            read = self._held_versions(sorted(ids))  # before the count: see `_put_as_held`
            counts, counted = self._count_held(ids, clusters)
            own = tallies(c.claimant for c in claims)

            def now(pending: list[str], held: dict[str, ClaimantIdentity], again: bool) -> _Made:
                # The article's identities as the registry holds them now (`as_held_now`):
                # another writer may have put them since ingest read them. The others
                # it touched (its replaced claims') only change count.
                return {
                    i: as_held_now(given[i], held.get(i), own.get(i, {})) if i in given else held[i]
                    for i in pending
                    if i in given or i in held
                }

            failed.update(self._put_as_held(ids, now, read, counts))
            failed.update(self._rederive(stale | _uncounted(touched, counts)))
            self._recount_clusters(counted)
            if not failed and (touched or clusters):
                self.client.update(index=self.articles_alias, id=article.id, body={"doc": _NOTHING_OWED})
        return IndexReport(article.id, indexed=len(claims) - len(failed.keys() & new_ids), failed=failed)

    def move_claimant(self, from_id: str, to: ClaimantIdentity) -> int:
        """One `_update_by_query` over the claims of `from_id`, again while other writers'
        changes to some of them conflict (those are left as they were, still under
        `from_id`, until a round finds none); then both identities are counted and `to` put
        (`_put_as_held`: made again from its claims if another writer put it meanwhile).
        """
        self.ensure_ready()
        moved = 0
        with engine_errors(f"move the claims of claimant {from_id}"):
            for _ in range(RECOUNT_ROUNDS):
                body = queries.move_claimant_body(from_id, to.id)
                answer = self.client.update_by_query(index=self.claims_alias, body=body, conflicts="proceed")
                self.client.indices.refresh(index=self.claims_alias)
                moved += int(answer.get("updated") or 0)
                if not answer.get("version_conflicts") and not answer.get("failures"):
                    break
            else:
                raise IndexUnavailable(f"the claims of claimant {from_id} kept changing while being moved")
            read = self._held_versions([from_id, to.id])  # before the count: see `_put_as_held`
            counts, _ = self._count_held({from_id, to.id}, set())

            def now(pending: list[str], held: dict[str, ClaimantIdentity], again: bool) -> _Made:
                # `to` as given; when another writer put it meanwhile, as its claims say it.
                made = {i: held[i] for i in pending if i in held}
                if to.id in pending:
                    said = self._as_said({to.id: held[to.id]})[to.id] if again and to.id in held else None
                    made[to.id] = said or to
                return made

            failed = self._put_as_held({from_id, to.id}, now, read, counts)
            if not failed:
                # The surname's id leads to `to` from now on (`ClaimantIdentity.merged_into`).
                pointer = {"doc": {"merged_into": to.id, "claimant": {"merged_into": to.id}}}
                self.client.update(
                    index=self.claimants_alias,
                    id=from_id,
                    body=pointer,
                    refresh=True,
                    retry_on_conflict=RECOUNT_ROUNDS,  # the field is set whatever another writer changed
                )
        if failed:
            raise IndexUnavailable(f"claimant {to.id} not written: {next(iter(failed.values()))}")
        return moved

    def _claims_written(self, article_id: str) -> list[Claim]:
        """Every claim the index holds for the article, those of a cut-short write included.

        A write that failed before its refresh left claims a search cannot see yet;
        refreshing first finds them, so the next version or a delete removes them.
        """
        self.client.indices.refresh(index=self.claims_alias, ignore_unavailable=True)
        return self.claims_for_article(article_id)

    def _owed_recount(self, article_id: str) -> _Owed | None:
        """What a cut-short write of this article left to recount; None: no such article."""
        try:
            found = self.reader.get(self.articles_alias, article_id, "recount,recount_clusters,rederive")
        except EngineNotFound:
            return None
        source = found["_source"]
        return _Owed(
            set(source.get("recount") or []),
            set(source.get("recount_clusters") or []),
            set(source.get("rederive") or []),
        )

    def _count_held(
        self, claimant_ids: set[str], cluster_ids: set[str]
    ) -> tuple[dict[str, int], dict[str, tuple[queries.ClusterValues, bool]]]:
        """What the visible claims make of a write's identities and clusters, in one round trip.

        The claims each identity has; each cluster's values (`queries.cluster_values_body`)
        and whether every member holds them.
        """
        clusters = sorted(cluster_ids)
        bodies = [queries.counts_body(sorted(claimant_ids))] if claimant_ids else []
        bodies += [
            queries.cluster_values_body(clusters[start : start + SUMMARIES_CHUNK])
            for start in range(0, len(clusters), SUMMARIES_CHUNK)
        ]
        if not bodies:
            return {}, {}
        answers = self._search_all(bodies)
        counts: dict[str, int] = {}
        if claimant_ids:
            buckets = answers.pop(0)["aggregations"]["claims"]["buckets"]
            counts = {b["key"]: int(b["doc_count"]) for b in buckets}
        counted: dict[str, tuple[queries.ClusterValues, bool]] = {}
        for answer in answers:
            counted.update(queries.counted_clusters(answer))
        return counts, counted

    def _put_as_held(
        self,
        ids: Collection[str],
        now: Callable[[list[str], dict[str, ClaimantIdentity], bool], _Made],
        read: _Versions | None = None,
        counts: dict[str, int] | None = None,
    ) -> dict[str, str]:
        """Put the identities `now` makes of what the registry holds of `ids` (`read`, else read
        here), each on the condition that the registry still holds the version read
        (`if_seq_no`), or none for one it held none of (`create`), with their claim counts
        (`counts`, by `_count_held` after `read`; None: as `now` makes them). Failed writes
        by id: an identity missing from the registry that `now` does not make (an index
        from before identities) is not written, nor failed; `reindex` files it.

        Two writers can put one person at once (two ingest functions, the inbox watcher
        beside `POST /articles`). A put whose read another writer's put overtook is not
        written: those identities are read, counted and made again (`now(ids, held,
        again=True)`), so the last put holds both writers' part. The versions are read
        before the claims are counted, so the put that lands last counted after every other
        writer's claims were visible. Gives up, reporting the conflict, after RECOUNT_ROUNDS
        rounds; the caller's article document still owes the identities then.
        """
        from claimsearch.index.opensearch import writes  # here: see the module's imports

        pending = sorted(ids)
        failed: dict[str, str] = {}
        for round_ in range(RECOUNT_ROUNDS):
            if not pending:
                break
            held = read if read is not None and round_ == 0 else self._held_versions(pending)
            made = now(pending, {i: identity for i, (identity, _) in held.items()}, round_ > 0)
            if counts is not None:
                counted = self._count_held(set(pending), set())[0] if round_ > 0 else counts
                made = {i: _with_count(identity, counted.get(i, 0)) for i, identity in made.items()}
            actions: list[dict[str, Any]] = []
            for i, identity in sorted(made.items()):
                action: dict[str, Any] = {
                    "_index": self.claimants_alias,
                    "_id": i,
                    "_source": writes.claimant_document(identity),
                }
                if i in held:
                    seq_no, primary_term = held[i][1]
                    action.update(_op_type="index", if_seq_no=seq_no, if_primary_term=primary_term)
                else:
                    action["_op_type"] = "create"
                actions.append(action)
            # refresh=true, not wait_for: the registry refreshes on a timer, and waiting for
            # the next tick cost each ingested article up to a second.
            _, failed = writes.bulk(self.client, actions, refresh="true", require_alias=True)
            pending = sorted(i for i, reason in failed.items() if is_conflict(reason))
        return failed

    def _held_versions(self, ids: list[str]) -> _Versions:
        """The identities the registry holds of `ids`, each with the version a conditional
        put names (`_seq_no`, `_primary_term`): a real-time read, whatever the refresh."""
        if not ids:
            return {}
        response = self.client.mget(index=self.claimants_alias, body={"ids": ids})
        return {
            doc["_id"]: (_identity(doc["_source"]), (int(doc["_seq_no"]), int(doc["_primary_term"])))
            for doc in response["docs"]
            if doc.get("found")
        }

    def _rederive(self, ids: set[str]) -> dict[str, str]:
        """Each identity of `ids` as the claims filed under it say it (`registry.rederived`,
        read after the write's refresh); one under which no claim is filed any more is
        removed, with the pointers that lead to it (`merged_into`: a surname alone whose
        claims had joined it went with its own). Failed writes by id (`_put_as_held`).

        A removal holds only where the registry still counts no claims: a writer that filed
        a claim under the identity meanwhile has counted it, and keeps it (and its pointers).
        """
        gone: set[str] = set()  # held, with no claim filed under them

        def now(_: list[str], held: dict[str, ClaimantIdentity], again: bool) -> _Made:
            # Tallied again in every round: the writer whose put overtook this one's changed claims.
            kept = self._as_said(held)
            gone.difference_update(kept)
            gone.update(i for i, identity in kept.items() if identity is None)
            return {i: identity for i, identity in kept.items() if identity is not None}

        failed = self._put_as_held(ids, now)
        frontier = set(gone)
        while frontier:  # pointers to pointers too ("Kaine" -> "Tim Kaine" -> "Timothy Kaine")
            removed = self._remove_uncounted(sorted(frontier))
            body = {"query": {"terms": {"merged_into": removed}}, "_source": False, "size": 1000}
            response = self._search(self.claimants_alias, body, "look up the pointers to removed claimants")
            frontier = {h["_id"] for h in response["hits"]["hits"]} if removed and response else set()
        return failed

    def _as_said(self, held: dict[str, ClaimantIdentity]) -> dict[str, ClaimantIdentity | None]:
        """Each of `held` as the claims filed under it say it (`registry.rederived` of their tally)."""
        from claimsearch.claimants.registry import rederived

        said = self._said_under(sorted(held)) if held else {}
        return {i: rederived(identity, said.get(i, {})) for i, identity in held.items()}

    def _remove_uncounted(self, ids: list[str]) -> list[str]:
        """Remove those of `ids` the registry counts no claims for; the ids it no longer holds."""
        query = {"bool": {"filter": [{"ids": {"values": ids}}, {"term": {"claims": 0}}]}}
        self.client.delete_by_query(
            index=self.claimants_alias, body={"query": query}, refresh=True, conflicts="proceed"
        )
        return sorted(set(ids) - set(self.get_claimants(ids)))

    def _said_under(self, ids: list[str]) -> dict[str, Counter[Said]]:
        """How many claims filed under each of `ids` say each thing of it (`registry.tallies`),
        counted by the engine (`queries.said_pages_body`): a few dozen buckets for a person
        quoted thousands of times, not their every claim. Claims indexed before the claims
        index had `claimant_said` (until a `reindex` writes it) are read one by one and added."""
        from claimsearch.claimants.registry import Said, tallies

        said: dict[str, Counter[Said]] = {}
        after: dict[str, Any] | None = None
        older = 0
        while True:
            body = queries.said_pages_body(ids, PAGE, after)
            response = self._search(self.claims_alias, body, "tally what the claims of claimants say")
            aggregations = response["aggregations"] if response else {}
            if after is None:
                older = int(aggregations.get("older", {}).get("doc_count", 0))
            buckets = aggregations.get("said", {}).get("buckets", [])
            for bucket in buckets:
                key = bucket["key"]
                said.setdefault(key["id"], Counter())[Said.from_key(key["said"])] += bucket["doc_count"]
            after = aggregations.get("said", {}).get("after_key")
            if after is None or len(buckets) < PAGE:
                break
        if older:  # claims indexed before the field: read whole, as a rebuild would
            body = {
                "query": {
                    "bool": {
                        "filter": [{"terms": {"claimant_id": ids}}],
                        "must_not": [{"exists": {"field": "claimant_said"}}],
                    }
                },
                "sort": [{"id": "asc"}],
                "_source": ["claim"],
            }
            claims = self._claims_in_order(body, None, "read the claims of claimants")
            for identity, counted in tallies(c.claimant for c in claims).items():
                said.setdefault(identity, Counter()).update(counted)
        return said

    def _recount_clusters(self, counted: dict[str, tuple[queries.ClusterValues, bool]]) -> None:
        """Give every member of the clusters `counted` (by `_count_held`, after the write's
        refresh) its cluster's size and first day's key (`sort="size"`, `sort="first_seen"`).

        A cluster whose members all hold its values is left alone (a claim new to a
        cluster of its own holds them from the start); the others' members are rewritten
        by one `_update_by_query`, then counted again. Writers run side by side, so the
        values written can be out of date by then (an article joined or left the cluster
        in between): those are counted and written again, until a count after this
        writer's last rewrite gives the values it wrote. Members that count finds holding
        others were changed by other writers after the rewrite read them (a version
        conflict: left as they were) or were added since; each of those writers counts
        after its change, so whichever writer changes a cluster last leaves it right.
        Raises when the values keep changing for RECOUNT_ROUNDS rounds; the caller's
        article document still owes the clusters then.
        """
        wanted = sorted(cluster for cluster, (_, held) in counted.items() if not held)
        for start in range(0, len(wanted), SUMMARIES_CHUNK):
            stale = {cluster: counted[cluster][0] for cluster in wanted[start : start + SUMMARIES_CHUNK]}
            for _ in range(RECOUNT_ROUNDS):
                answer = self.client.update_by_query(
                    index=self.claims_alias, body=queries.recount_body(stale), conflicts="proceed"
                )
                # For the count below, and searches; a request of its own, as the update's
                # own `refresh` option measured some 5 ms slower.
                self.client.indices.refresh(index=self.claims_alias)
                recounted = self._count_clusters(sorted(stale))
                # A rewrite cut short (a failure other than a conflict) may have left
                # members of any of them: those are this writer's to finish.
                cut_short = bool(answer.get("failures"))
                stale = {
                    cluster: values
                    for cluster, (values, held) in recounted.items()
                    if not held and (cut_short or values != stale[cluster])
                }
                if not stale:
                    break
            else:
                raise IndexUnavailable(
                    f"the sizes of {len(stale)} claim clusters kept changing while being recounted"
                )

    def _count_clusters(self, ids: list[str]) -> dict[str, tuple[queries.ClusterValues, bool]]:
        """The values of each cluster of `ids` with visible claims, and whether every one holds them."""
        response = self.reader.search(self.claims_alias, queries.cluster_values_body(ids))
        return queries.counted_clusters(response)

    def delete_article(self, article_id: str) -> int:
        """Remove the article's claims, recount their claimants and derive them again
        (`_rederive`), then remove the article.

        The article's document goes last and carries the ids still to recount (claimants
        and clusters) and to derive again, so a retry after any failure finishes the job
        (see `index_article`).
        """
        from claimsearch.claimants.registry import said_only_before
        from claimsearch.index.opensearch import writes  # here: see the module's imports

        self.ensure_ready()
        with engine_errors(f"delete article {article_id}"):
            old = self._claims_written(article_id)
            owed = self._owed_recount(article_id)
            touched = (owed.claimants if owed else set()) | _claimant_ids(old)
            clusters = (owed.clusters if owed else set()) | _cluster_ids(old)
            stale = (owed.identities if owed else set()) | said_only_before((c.claimant for c in old), ())
            # Claims without their article (none to carry the ids): recounted right below.
            if touched or clusters:
                owing = writes.owed_fields(touched, clusters, stale)
                self.client.update(index=self.articles_alias, id=article_id, body={"doc": owing}, ignore=404)
            actions = [{"_op_type": "delete", "_index": self.claims_alias, "_id": c.id} for c in old]
            _, failed = writes.bulk(self.client, actions)
            self.client.indices.refresh(index=self.claims_alias)
            read = self._held_versions(sorted(touched))  # before the count: see `_put_as_held`
            counts, counted = self._count_held(touched, clusters)

            def now(pending: list[str], held: dict[str, ClaimantIdentity], again: bool) -> _Made:
                return {i: held[i] for i in pending if i in held}  # only their counts change

            failed.update(self._put_as_held(touched, now, read, counts))
            failed.update(self._rederive(stale | _uncounted(touched, counts)))
            self._recount_clusters(counted)
            if failed:
                sample = "; ".join(f"{k}: {v}" for k, v in list(failed.items())[:3])
                raise IndexUnavailable(f"delete article {article_id}: {len(failed)} failed ({sample})")
            self.client.delete(index=self.articles_alias, id=article_id, ignore=404)
        return len(old)

    def rebuild(
        self,
        pairs: Iterable[tuple[Article, list[Claim]]],
        claimants: Callable[[], Iterable[ClaimantIdentity]] = list,
    ) -> str:
        """Load everything into new versioned indices, then switch the aliases (see `writes.rebuild`)."""
        from claimsearch.index.opensearch import writes  # here: see the module's imports

        name = writes.rebuild(self.indices, pairs, claimants)
        self._ready = True
        return name

    # -- reads -------------------------------------------------------------------------------

    # Reads never create indices: the search function's role may only read, and on a
    # fresh cluster (nothing ingested yet, so no alias) every read answers "nothing".

    def _get(self, alias: str, doc_id: str, field: str, parse: Callable[[dict[str, Any]], T]) -> T | None:
        with engine_errors(f"read {doc_id}"):
            try:
                found = self.reader.get(alias, doc_id, field)
            except EngineNotFound:  # no such document, or no index yet
                return None
        return parse(found["_source"][field])

    def _search(self, alias: str, body: dict[str, Any], action: str) -> dict[str, Any] | None:
        """A search, or None when the alias does not exist yet."""
        with engine_errors(action):
            try:
                return self.reader.search(alias, body)
            except EngineNotFound as exc:
                if not no_index_yet(exc):
                    raise
                return None

    def get_article(self, article_id: str) -> Article | None:
        return self._get(self.articles_alias, article_id, "article", Article.from_dict)

    def get_claim(self, claim_id: str) -> Claim | None:
        return self._get(self.claims_alias, claim_id, "claim", Claim.from_dict)

    def claim_replacing(self, claim_id: str) -> Claim | None:
        body: dict[str, Any] = {
            "query": {"bool": {"filter": [{"term": {"replaces": claim_id}}]}},
            "sort": [{"id": "asc"}],
            "_source": ["claim"],
        }
        found = self._claims_in_order(body, 1, f"look up the claim replacing {claim_id}")
        return found[0] if found else None

    def claims_for_article(self, article_id: str) -> list[Claim]:
        body: dict[str, Any] = {
            "query": {"bool": {"filter": [{"term": {"article_id": article_id}}]}},
            "sort": [{"text_start": "asc"}, {"id": "asc"}],
            "_source": ["claim"],
        }
        return self._claims_in_order(body, None, f"read the claims of {article_id}")

    def unfiled_claims(self, word_sets: Iterable[Collection[str]], limit: int = MAX_UNFILED) -> list[Claim]:
        # claimant_words holds the source's folded words, split on spaces.
        sets = sorted({tuple(sorted(set(words))) for words in word_sets if len(set(words)) >= 2})
        if not sets or limit <= 0:
            return []
        two_of = [
            {"bool": {"should": [{"term": {"claimant_words": w}} for w in words], "minimum_should_match": 2}}
            for words in sets
        ]
        body: dict[str, Any] = {
            "query": {
                "bool": {
                    "filter": [
                        {"term": {"attributed": True}},
                        {"bool": {"should": two_of, "minimum_should_match": 1}},
                    ],
                    "must_not": [{"exists": {"field": "claimant_id"}}],
                }
            },
            "sort": [{"id": "asc"}],
            "_source": ["claim"],
        }
        return self._claims_in_order(body, limit, "read the claims filed under no one")

    def _claims_in_order(self, body: dict[str, Any], limit: int | None, action: str) -> list[Claim]:
        """The stored claims `body` finds, in its sort (which must be total), at most `limit`.

        Paged with `search_after`, so a set larger than the node's result window is read whole.
        """
        claims: list[Claim] = []
        after: list[Any] | None = None
        while limit is None or len(claims) < limit:
            size = PAGE if limit is None else min(PAGE, limit - len(claims))
            page = {**body, "size": size, **({"search_after": after} if after is not None else {})}
            response = self._search(self.claims_alias, page, action)
            if response is None:
                return []
            hits = response["hits"]["hits"]
            claims += [Claim.from_dict(h["_source"]["claim"]) for h in hits]
            if len(hits) < size:
                break
            after = hits[-1]["sort"]
        return claims

    # -- claim clusters ----------------------------------------------------------------------

    def cluster_candidates(self, claimant_id: str, keys: Sequence[str]) -> list[ClusterMember]:
        return self.cluster_candidates_many([(claimant_id, tuple(keys))])[0]

    def cluster_candidates_many(self, asks: Sequence[CandidateQuery]) -> list[list[ClusterMember]]:
        """One `_msearch` per CANDIDATES_CHUNK asks: an article's claims cost one round trip."""
        answers: list[list[ClusterMember]] = [[] for _ in asks]
        # Visible: every write refreshes the claims before it returns (`index_article`).
        wanted = [(n, claimant_id, keys) for n, (claimant_id, keys) in enumerate(asks) if keys]
        for start in range(0, len(wanted), CANDIDATES_CHUNK):
            chunk = wanted[start : start + CANDIDATES_CHUNK]
            bodies = [queries.cluster_candidates_body(c, k, MAX_CLUSTER_CANDIDATES) for _, c, k in chunk]
            with engine_errors("look up cluster candidates"):
                try:
                    responses = self._search_all(bodies)
                except EngineNotFound as exc:
                    if not no_index_yet(exc):
                        raise
                    return answers
            for (n, _, _), response in zip(chunk, responses, strict=True):
                answers[n] = [
                    ClusterMember(h["_source"]["id"], h["_source"]["cluster_id"], h["_source"]["content"])
                    for h in response["hits"]["hits"]
                    # Only clustered claims hold band keys (`fields.cluster_keys`); kept to the type.
                    if h["_source"].get("cluster_id")
                ]
        return answers

    def cluster_summaries(self, ids: Iterable[str]) -> dict[str, ClusterSummary]:
        wanted = sorted({i for i in ids if i})
        summaries: dict[str, ClusterSummary] = {}
        for start in range(0, len(wanted), SUMMARIES_CHUNK):
            chunk = wanted[start : start + SUMMARIES_CHUNK]
            body = queries.cluster_summaries_body(chunk)
            response = self._search(self.claims_alias, body, "summarise clusters")
            if response is None:
                return {}
            for bucket in response["aggregations"]["clusters"]["buckets"]:
                first = bucket["first"]["hits"]["hits"][0]["_source"]
                # The first member is dated whenever any member is (undated ones sort
                # last), so its day is the cluster's earliest.
                summaries[bucket["key"]] = ClusterSummary(
                    id=bucket["key"],
                    size=int(bucket["doc_count"]),
                    first_seen=first.get("published_date"),
                    first_article_id=first["article_id"],
                    first_claim_id=first["id"],
                )
        return summaries

    def cluster_members(self, cluster_id: str, limit: int = MAX_CLUSTER_MEMBERS) -> list[Claim]:
        if limit <= 0:
            return []
        body = queries.cluster_members_body(cluster_id)
        return self._claims_in_order(body, limit, f"read the members of cluster {cluster_id}")

    def count_claims(self) -> int:
        with engine_errors("count claims"):
            try:
                return int(self.reader.count(self.claims_alias)["count"])
            except EngineNotFound as exc:
                if not no_index_yet(exc):
                    raise
                return 0

    def search(self, query: SearchQuery) -> SearchResult:
        return search_claims(self._search_claims, self.get_claimants, self.suggest_claimants, query)

    def _search_claims(self, query: SearchQuery) -> SearchResult:
        empty = SearchResult(hits=[], total=0, facets={n: [] for n in query.facet_names}, next_after=None)
        plan = plan_text(query.text, query.match)
        if query.text is not None and query.text.strip() and plan is None:
            return empty  # text with no word to look up ("*:*") matches nothing
        claimant = None
        if query.claimant is not None:
            name = query.claimant
            claimant = match_claimant(name, lambda terms: self._claimant_ids(terms, name), self._held)
        bodies = queries.search_bodies(query, plan, claimant)
        with engine_errors("search"):
            try:
                response, *answers = self._search_all(bodies.all())
                if bodies.clusters is None:
                    hits = response["hits"]["hits"]
                    total = int(response["hits"]["total"]["value"])
                    facet_responses = answers
                else:
                    counted, *facet_responses = answers
                    hits = self._first_of_clusters(bodies, response, query.limit)
                    aggregations = counted["aggregations"]
                    total = int(aggregations["clusters"]["value"]) + int(
                        aggregations["unclustered"]["doc_count"]
                    )
            except EngineNotFound as exc:
                if not no_index_yet(exc):
                    raise
                return empty
            except EngineRejected as exc:
                # What reaches here is a query the engine cannot run: the caller's
                # input, not an outage.
                raise InvalidQuery("q", f"the search engine rejected the query: {exc.error}") from exc
        more = len(hits) > query.limit
        by_value = query.sort in queries.VALUE_ORDERS
        page = [
            Hit(
                claim=Claim.from_dict(h["_source"]["claim"]),
                score=_score(h, scored=plan is not None, by_value=by_value),
                highlights={
                    f: h["highlight"][f] for f in queries.HIGHLIGHT_FIELDS if f in h.get("highlight", {})
                },
                sort_value=float(h["sort"][0]) if by_value else None,
            )
            for h in hits[: query.limit]
        ]
        facets = {
            name: queries.facet_values(answer["aggregations"][name]["buckets"])
            for name, answer in zip(query.facet_names, facet_responses, strict=True)
        }
        if "claimant" in facets:
            facets["claimant"] = self._named(facets["claimant"])
        next_after = page[-1].key if more and page else None
        return SearchResult(hits=page, total=total, facets=facets, next_after=next_after)

    def _first_of_clusters(
        self, bodies: queries.SearchBodies, response: dict[str, Any], limit: int
    ) -> list[dict[str, Any]]:
        """The hits of a collapsed page, and one more when more exist: each its cluster's first.

        A claim without a cluster is a cluster of its own. The rest are kept only when
        they are the first matching claim of their cluster in the result order, which
        holds whatever the page: so no cluster shows twice across pages, and a page
        needs no memory of the ones before it. The node cannot collapse while paging
        with `search_after`, so candidates are read in batches after the cursor and each
        batch's clusters are looked up (`queries.cluster_firsts_body`), until the page
        and one more are kept or the matches run out. `response` answered the first
        batch (`bodies.hits`); later batches carry no claims, fetched for the page at
        the end.
        """
        sort = bodies.hits["sort"]
        size = int(bodies.hits["size"])
        kept: list[dict[str, Any]] = []
        while True:
            batch = response["hits"]["hits"]
            clusters = {h["_id"]: _cluster_of(h) for h in batch}
            ids = sorted({c for c in clusters.values() if c is not None})
            firsts: dict[str, str] = {}
            if ids:
                found = self._search_all([queries.cluster_firsts_body(bodies.match, sort, ids)])[0]
                firsts = {_cluster_of(h) or "": h["_id"] for h in found["hits"]["hits"]}
            for hit in batch:
                cluster = clusters[hit["_id"]]
                # A cluster the lookup no longer matches (a write refreshed in between)
                # keeps the hit this batch found.
                if cluster is None or firsts.get(cluster, hit["_id"]) == hit["_id"]:
                    kept.append(hit)
                    if len(kept) > limit:
                        return self._with_claims(bodies, kept)
            if len(batch) < size:
                return self._with_claims(bodies, kept)
            size = min(2 * size, queries.COLLAPSE_BATCH_MAX)
            body = queries.next_batch_body(bodies.hits, batch[-1]["sort"], size)
            response = self._search_all([body])[0]

    def _with_claims(self, bodies: queries.SearchBodies, hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """`hits` with the stored claim (and highlights) of each that lacks it.

        The look-ahead hit too (at most one claim more): a claim deleted in between (a
        write refreshed) drops out, and the next one must be complete to take its place.
        """
        missing = [h["_id"] for h in hits if "_source" not in h]
        if not missing:
            return hits
        body = queries.claims_by_id_body(bodies.match, missing, highlight="highlight" in bodies.hits)
        fetched = {h["_id"]: h for h in self._search_all([body])[0]["hits"]["hits"]}
        # The fetch is unsorted: each hit keeps its sort values (its score) from its batch.
        return [
            hit if "_source" in hit else {**fetched[hit["_id"]], "sort": hit["sort"]}
            for hit in hits
            if "_source" in hit or hit["_id"] in fetched
        ]

    def _search_all(self, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The answers to `bodies` on the claims: one search, or one `_msearch` for several.

        A body that fails raises as its own search would (the transport's error class
        for its status, with the engine's error), so callers handle both alike. Bodies
        without hits are answered from the request cache while no write has refreshed
        the claims since.
        """
        if len(bodies) == 1:
            return [self.reader.search(self.claims_alias, bodies[0])]
        answers = self.reader.msearch(
            self.claims_alias, [({"request_cache": body.get("size") == 0}, body) for body in bodies]
        )
        for answer in answers:
            if "error" in answer:
                raise engine_error(int(answer.get("status") or 500), answer)
        return answers

    def _claimant_ids(self, terms: ClaimantTerms, name: str) -> list[tuple[str, bool]]:
        body = queries.claimant_ids_body(terms, MAX_CLAIMANT_MATCHES + 1)
        response = self._search(self.claimants_alias, body, "look up a claimant")
        if response is None:
            return []
        found = [(h["fields"]["id"][0], bool(h["fields"]["suffixed"][0])) for h in response["hits"]["hits"]]
        if len(found) > MAX_CLAIMANT_MATCHES:
            raise InvalidQuery("claimant", f"{name!r} matches too many claimants; give more of the name")
        return found

    def _held(self, ids: list[str]) -> dict[str, tuple[str, str]]:
        return {i: (c.type, c.key) for i, c in self.get_claimants(ids).items()}

    def _named(self, values: list[FacetValue]) -> list[FacetValue]:
        """Claimant facet values (counted by id) with the registry's names."""
        found = self.get_claimants(v.value for v in values)
        return [
            FacetValue(found[v.value].name if v.value in found else v.value, v.count, v.value) for v in values
        ]

    # -- the claimant registry --------------------------------------------------------------

    def get_claimants(self, ids: Iterable[str]) -> dict[str, ClaimantIdentity]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        # A search by ids rather than _mget: the search role may only search. Writes to the
        # registry wait for a refresh, so what ingest wrote last is visible here.
        body = {"query": {"ids": {"values": wanted}}, "size": len(wanted)}
        response = self._search(self.claimants_alias, body, "read claimants")
        found = [_identity(h["_source"]) for h in response["hits"]["hits"]] if response else []
        return {i.id: i for i in found}

    def claimants_with_surname(self, surname: str) -> list[ClaimantIdentity]:
        body = {"query": {"term": {"surname": surname}}, "sort": [{"id": "asc"}], "size": 1000}
        response = self._search(self.claimants_alias, body, "look up a surname")
        return [_identity(h["_source"]) for h in response["hits"]["hits"]] if response else []

    def suggest_claimants(self, text: str, limit: int = MAX_SUGGESTIONS) -> list[ClaimantIdentity]:
        return suggestions_in_turn(
            text,
            lambda words: self._suggested(queries.suggestion_body(words, limit)),
            lambda words: self._suggested(queries.near_suggestion_body(words, limit)),
        )

    def _suggested(self, body: dict[str, Any]) -> list[ClaimantIdentity]:
        response = self._search(self.claimants_alias, body, "suggest claimants")
        return [_identity(h["_source"]) for h in response["hits"]["hits"]] if response else []

    def claimant_activity(self, claimant_id: str, entities: int = 10) -> ClaimantActivity:
        response = self._search(
            self.claims_alias, queries.activity_body(claimant_id, entities), "read a claimant's activity"
        )
        if response is None:
            return ClaimantActivity(0, [], [])
        aggregations = response["aggregations"]
        return ClaimantActivity(
            claims=int(response["hits"]["total"]["value"]),
            months=[
                FacetValue(b["key_as_string"], int(b["doc_count"])) for b in aggregations["months"]["buckets"]
            ],
            entities=queries.facet_values(aggregations["entities"]["buckets"]),
        )


def _identity(source: dict[str, Any]) -> ClaimantIdentity:
    return _with_count(ClaimantIdentity.from_dict(source["claimant"]), int(source.get("claims") or 0))


def _with_count(identity: ClaimantIdentity, claims: int) -> ClaimantIdentity:
    return replace(identity, claims=claims)


def _score(hit: dict[str, Any], scored: bool, by_value: bool) -> float:
    """A hit's relevance score: its first sort value in the relevance order, `_score` in the
    others (`track_scores`), 0 without text."""
    if not scored:
        return 0.0
    return float(hit["_score"] if by_value else hit["sort"][0])


def _cluster_of(hit: dict[str, Any]) -> str | None:
    """The cluster id a hit read as a doc value (`docvalue_fields` or `collapse`); None: none."""
    values = hit.get("fields", {}).get("cluster_id") or [None]
    return str(values[0]) if values[0] is not None else None


def _claimant_ids(claims: Iterable[Claim]) -> set[str]:
    return {c.claimant.id for c in claims if c.claimant.id}


def _uncounted(touched: set[str], counts: dict[str, int]) -> set[str]:
    """The identities a write touched that the index holds no claims of: besides those its
    replaced claims were the last of, one a cut-short write put whose claims never came."""
    return {i for i in touched if counts.get(i, 0) == 0}


def _cluster_ids(claims: Iterable[Claim]) -> set[str]:
    return {c.cluster_id for c in claims if c.cluster_id}


@dataclass(frozen=True)
class _Owed:
    """The ids a cut-short write of an article left on its document to recount and derive again."""

    claimants: set[str]
    clusters: set[str]
    identities: set[str]  # to derive again from their claims (`_rederive`)


# What an article's document says once its write has recounted everything.
_NOTHING_OWED: dict[str, list[str]] = {"recount": [], "recount_clusters": [], "rederive": []}
