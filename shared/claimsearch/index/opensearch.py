"""The OpenSearch adapter of the SearchIndex port (Amazon OpenSearch Service in production).

Two indices, each a versioned concrete index behind an alias: `<prefix>-claims` ->
`<prefix>-claims-v<N>` and `<prefix>-articles` -> `<prefix>-articles-v<N>`. Reads and
writes go through the aliases, so `rebuild` can load a fresh version while the old
one keeps serving, then switch both aliases in one atomic call. Settings and mappings
live in `opensearch_template.json`, put as index templates for `<prefix>-<kind>-v*`.

User text reaches the engine only as the value of a `simple_query_string` whose
operator flags are all off except whitespace, so `*:*`, `OR`, quotes or JSON in the
text are words to look up, never query syntax.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from importlib import resources
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit, urlunsplit

from opensearchpy import OpenSearch, RequestsHttpConnection
from opensearchpy.exceptions import ConnectionError as TransportConnectionError
from opensearchpy.exceptions import NotFoundError, RequestError, TransportError
from opensearchpy.helpers import streaming_bulk

from claimsearch.errors import ClaimsearchError, IndexUnavailable, InvalidQuery
from claimsearch.index.fields import article_fields, claim_fields
from claimsearch.index.normalize import normalize_keyword
from claimsearch.index.port import (
    FACET_SIZE,
    HIGHLIGHT_POST,
    HIGHLIGHT_PRE,
    FacetValue,
    Hit,
    IndexReport,
    SearchQuery,
    SearchResult,
    SortKey,
)
from claimsearch.model import Article, Claim

DEFAULT_URL = "http://127.0.0.1:9200"
KINDS = ("claims", "articles")
TEXT_FIELDS = ["content^3", "sentence", "claimant.text^2", "claimant_mention"]
HIGHLIGHT_FIELDS = ("content", "sentence")
# port facet name -> the field whose raw (un-normalised) values are shown
FACET_SOURCES = {
    "claimant": "claimant.raw",
    "organization": "organizations.raw",
    "entity": "entities.raw",
    "publisher": "publisher.raw",
}
# SearchQuery attribute -> normalised keyword field (the normalizer folds the indexed side)
KEYWORD_FILTERS = {
    "claimant": "claimant",
    "organization": "organizations",
    "entity": "entities",
    "publisher": "publisher",
}
EXACT_FILTERS = ("cue_class", "quote_type", "article_id")
# Bulk requests stay well under the smallest HTTP payload limit of Amazon OpenSearch
# Service (10 MiB) whatever the article size.
BULK_CHUNK_DOCS = 500
BULK_CHUNK_BYTES = 5 * 1024 * 1024
# 429 (queue full) on single bulk items: back off and retry those items only.
BULK_RETRIES = 3
BULK_INITIAL_BACKOFF_S = 1
BULK_MAX_BACKOFF_S = 8
PAGE = 1000  # claims_for_article page size

T = TypeVar("T")
log = logging.getLogger(__name__)


class RebuildFailed(ClaimsearchError):
    """A rebuild could not load every document; the previous index still serves."""

    code = "rebuild_failed"
    status = 500


def load_templates() -> dict[str, Any]:
    """The shipped analysis settings and per-kind settings and mappings."""
    text = resources.files("claimsearch.index").joinpath("opensearch_template.json").read_text("utf-8")
    return dict(json.loads(text))


def connect(
    url: str | None,
    *,
    aws_region: str | None = None,
    aws_service: str = "es",
    username: str | None = None,
    password: str | None = None,
    timeout: float = 10.0,
    max_retries: int = 3,
) -> OpenSearch:
    """A client for the node or domain at `url` (default: the local node).

    With `aws_region`, requests are signed with SigV4 using the default boto3
    credential chain (the Lambda role in AWS); `aws_service` is "es" for Amazon
    OpenSearch Service, "aoss" for OpenSearch Serverless. Otherwise basic auth is
    used when credentials are given as arguments or in the URL's userinfo.
    5xx gateway errors are retried by the transport (they are what a domain under
    blue/green deployment or a restarting node answers); timeouts are not, so a
    search cannot outlast API Gateway's limit by retrying.
    """
    parts = urlsplit(url or DEFAULT_URL)
    if parts.username or parts.password:
        username = username or unquote(parts.username or "")
        password = password or unquote(parts.password or "")
    netloc = parts.hostname or "127.0.0.1"
    if ":" in netloc:  # IPv6 literal
        netloc = f"[{netloc}]"
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    host = urlunsplit((parts.scheme or "http", netloc, parts.path, "", ""))
    options: dict[str, Any] = {
        "hosts": [host],
        "use_ssl": parts.scheme == "https",
        "verify_certs": parts.scheme == "https",
        "timeout": timeout,
        "max_retries": max_retries,
        "retry_on_status": (502, 503, 504),
        "retry_on_timeout": False,
    }
    if aws_region:
        import boto3
        from opensearchpy import AWSV4SignerAuth

        credentials = boto3.Session().get_credentials()
        if credentials is None:
            raise ValueError("CLAIMSEARCH_OPENSEARCH_REGION is set but boto3 finds no AWS credentials")
        # Requests-based connection: the signer documented for it signs the exact body sent.
        options["http_auth"] = AWSV4SignerAuth(credentials, aws_region, aws_service)
        options["connection_class"] = RequestsHttpConnection
        options["pool_maxsize"] = 10
    elif username:
        options["http_auth"] = (username, password or "")
    return OpenSearch(**options)


@contextmanager
def _engine_errors(action: str) -> Iterator[None]:
    """Engine failures as the domain's typed errors (IndexUnavailable is retryable)."""
    try:
        yield
    except TransportConnectionError as exc:  # includes timeouts
        raise IndexUnavailable(f"OpenSearch did not answer while trying to {action}: {exc}") from exc
    except TransportError as exc:
        if _error_type(exc) == "index_not_found_exception":
            raise IndexUnavailable(f"OpenSearch index missing while trying to {action}: {exc}") from exc
        status = exc.status_code if isinstance(exc.status_code, int) else 500
        if status == 429 or status >= 500 or status in (401, 403):
            raise IndexUnavailable(f"OpenSearch refused to {action} ({status}): {exc}") from exc
        raise


def _error_type(exc: TransportError) -> str | None:
    info = exc.info if isinstance(exc.info, dict) else {}
    error = info.get("error")
    return error.get("type") if isinstance(error, dict) else None


def _no_index_yet(exc: NotFoundError) -> bool:
    """The alias is missing: nothing has been ingested into this cluster yet."""
    return _error_type(exc) == "index_not_found_exception"


def _bulk_reason(info: dict[str, Any]) -> str:
    error = info.get("error")
    if isinstance(error, dict):
        reason = f"{error.get('type')}: {error.get('reason')}"
        cause = error.get("caused_by")
        if isinstance(cause, dict) and cause.get("reason"):
            reason += f" ({cause.get('reason')})"
        return reason
    return str(error or f"status {info.get('status')}")


def _request_reason(exc: TransportError) -> str:
    info = exc.info if isinstance(exc.info, dict) else {}
    return _bulk_reason({"error": info.get("error") or exc.error, "status": exc.status_code})


def _claim_document(claim: Claim) -> dict[str, Any]:
    doc = claim_fields(claim)
    # The day as the source printed it, zone ignored: range filters compare days, as
    # the SQLite adapter does, so an evening article is not moved to the next UTC day.
    doc["published_date"] = claim.published_at[:10] if claim.published_at else None
    doc["claim"] = claim.to_dict()
    return doc


def _article_document(article: Article) -> dict[str, Any]:
    doc = article_fields(article)
    doc["article"] = article.to_dict()
    return doc


def _checked_day(parameter: str, value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise InvalidQuery(parameter, f"expected a date YYYY-MM-DD, got {value!r}") from exc


class OpenSearchIndex:
    """SearchIndex over an OpenSearch cluster. Thread-safe (the client is)."""

    def __init__(self, client: OpenSearch, prefix: str = "claimsearch") -> None:
        self.client = client
        self.prefix = prefix
        self.claims_alias = f"{prefix}-claims"
        self.articles_alias = f"{prefix}-articles"
        self._ready = False

    def _alias(self, kind: str) -> str:
        return f"{self.prefix}-{kind}"

    # -- schema ------------------------------------------------------------------------------

    def _put_templates(self) -> None:
        templates = load_templates()
        for kind in KINDS:
            body = {
                "index_patterns": [f"{self._alias(kind)}-v*"],
                # Above catch-all templates a managed cluster may carry.
                "priority": 200,
                "template": {
                    "settings": {**templates[kind]["settings"], "analysis": templates["analysis"]},
                    "mappings": templates[kind]["mappings"],
                },
                "_meta": {"managed_by": "claimsearch"},
            }
            self.client.indices.put_index_template(name=self._alias(kind), body=body)

    def _versions(self, kind: str) -> tuple[dict[int, str], list[str]]:
        """Versioned indices of a kind ({version: name}) and those the alias points to."""
        alias = self._alias(kind)
        pattern = re.compile(re.escape(alias) + r"-v(\d+)")
        found = self.client.indices.get_alias(index=f"{alias}-v*", expand_wildcards="open,closed")
        versions: dict[int, str] = {}
        serving: list[str] = []
        for name, info in found.items():
            match = pattern.fullmatch(name)
            if match is None:
                continue
            versions[int(match.group(1))] = name
            if alias in (info.get("aliases") or {}):
                serving.append(name)
        return versions, serving

    def ensure_ready(self) -> None:
        """Put the index templates; create version 1 behind each alias if missing. Idempotent."""
        if self._ready:
            return
        with _engine_errors("prepare the indices"):
            state = {kind: self._versions(kind) for kind in KINDS}
            missing = [kind for kind, (_, serving) in state.items() if not serving]
            if missing:
                # Templates only shape indices being created, so they are put just before
                # (here or in `rebuild`): a serving cluster needs no write to start, and a
                # read-only role (the search function's) can start against it.
                self._put_templates()
            for kind in missing:
                versions = state[kind][0]
                # v1 on a fresh cluster (two cold starts racing both name v1: the loser
                # sees "already exists" and the winner's alias); past a crashed rebuild
                # that left versions without the alias, the next free number.
                name = f"{self._alias(kind)}-v{max(versions, default=0) + 1}"
                try:
                    self.client.indices.create(index=name, body={"aliases": {self._alias(kind): {}}})
                except RequestError as exc:
                    if _error_type(exc) != "resource_already_exists_exception":
                        raise
        self._ready = True

    def drop(self) -> None:
        """Delete every index and template of this prefix (tests, local resets)."""
        with _engine_errors("drop the indices"):
            for kind in KINDS:
                self.client.indices.delete(
                    index=f"{self._alias(kind)}-v*", ignore_unavailable=True, expand_wildcards="open,closed"
                )
                self.client.indices.delete_index_template(name=self._alias(kind), ignore=404)
        self._ready = False

    def ping(self) -> bool:
        try:
            return bool(self.client.ping())
        except TransportError:
            return False

    # -- writes ------------------------------------------------------------------------------

    def _bulk(self, actions: Iterable[dict[str, Any]], **params: Any) -> tuple[int, dict[str, str]]:
        """Send index actions in chunks; (documents indexed, {id: reason} of those rejected).

        Item rejections (mapping errors, 429 after the retries) are collected, not
        raised: the caller reports them. A request that fails as a whole (node
        down, 5xx after the transport's retries) raises.
        """
        indexed = 0
        failed: dict[str, str] = {}
        for ok, item in streaming_bulk(
            self.client,
            actions,
            chunk_size=BULK_CHUNK_DOCS,
            max_chunk_bytes=BULK_CHUNK_BYTES,
            raise_on_error=False,
            max_retries=BULK_RETRIES,
            initial_backoff=BULK_INITIAL_BACKOFF_S,
            max_backoff=BULK_MAX_BACKOFF_S,
            **params,
        ):
            info = next(iter(item.values()))
            if ok:
                indexed += 1
            else:
                failed[str(info.get("_id"))] = _bulk_reason(info)
        return indexed, failed

    def index_article(self, article: Article, claims: list[Claim]) -> IndexReport:
        """Store the article, upsert its claims, then remove its claims not in `claims`.

        New claims are written before stale ones are deleted, so searches never see the
        article without claims. A claim that fails keeps its previous version (if any)
        until a retry succeeds; its id is in the report. If the article itself is
        rejected, nothing else is touched and the report names the article id.
        """
        self.ensure_ready()
        with _engine_errors(f"index article {article.id}"):
            try:
                # No refresh: GET by id is real-time, and nothing searches articles.
                # require_alias: a missing alias must fail, not auto-create a bare index.
                self.client.index(
                    index=self.articles_alias,
                    id=article.id,
                    body=_article_document(article),
                    require_alias=True,
                )
            except RequestError as exc:
                return IndexReport(article.id, indexed=0, failed={article.id: _request_reason(exc)})
            actions = (
                {"_op_type": "index", "_index": self.claims_alias, "_id": c.id, "_source": _claim_document(c)}
                for c in claims
            )
            # refresh=wait_for: the call returns once the claims are searchable (the
            # ingest handler's caller can search right away) without forcing a refresh
            # per request the way refresh=true would under concurrent ingests.
            indexed, failed = self._bulk(actions, refresh="wait_for", require_alias=True)
            # Ids not in `claims` are stale; failed ones keep their old version. The
            # refresh happens only when something was deleted.
            self.client.delete_by_query(
                index=self.claims_alias,
                body={
                    "query": {
                        "bool": {
                            "filter": [{"term": {"article_id": article.id}}],
                            "must_not": [{"ids": {"values": [c.id for c in claims]}}],
                        }
                    }
                },
                refresh=True,
                conflicts="proceed",
            )
        return IndexReport(article.id, indexed=indexed, failed=failed)

    def delete_article(self, article_id: str) -> int:
        self.ensure_ready()
        with _engine_errors(f"delete article {article_id}"):
            # refresh: the deletion is visible to the next search and count.
            response = self.client.delete_by_query(
                index=self.claims_alias,
                body={"query": {"term": {"article_id": article_id}}},
                refresh=True,
                conflicts="proceed",
            )
            self.client.delete(index=self.articles_alias, id=article_id, refresh="wait_for", ignore=404)
        return int(response.get("deleted", 0))

    def rebuild(self, pairs: Iterable[tuple[Article, list[Claim]]]) -> str:
        """Load `pairs` into new versioned indices, then switch both aliases at once.

        Searches are served from the old indices until the switch; the old indices are
        deleted after it. Any failure before the switch (a rejected document included:
        a rebuild must not silently drop claims) deletes the new indices and leaves the
        old ones serving. Writes that reach the old indices during the rebuild are not
        copied: the archive being rebuilt from is the source of truth. Returns the new
        claims index name.
        """
        with _engine_errors("rebuild the indices"):
            self._put_templates()
            current = {kind: self._versions(kind) for kind in KINDS}
            version = max((v for versions, _ in current.values() for v in versions), default=0) + 1
            fresh = {kind: f"{self._alias(kind)}-v{version}" for kind in KINDS}
            created: list[str] = []
            try:
                for name in fresh.values():
                    # No refreshes while loading: one at the end is far cheaper.
                    self.client.indices.create(index=name, body={"settings": {"refresh_interval": "-1"}})
                    created.append(name)
                indexed, failed = self._bulk(self._rebuild_actions(pairs, fresh))
                if failed:
                    sample = "; ".join(f"{k}: {v}" for k, v in list(failed.items())[:3])
                    raise RebuildFailed(f"{len(failed)} documents rejected, {indexed} loaded ({sample})")
                for name in created:
                    self.client.indices.put_settings(index=name, body={"index": {"refresh_interval": None}})
                self.client.indices.refresh(index=",".join(created))
                actions: list[dict[str, Any]] = []
                for kind in KINDS:
                    actions += [
                        {"remove": {"index": old, "alias": self._alias(kind)}} for old in current[kind][1]
                    ]
                    actions.append({"add": {"index": fresh[kind], "alias": self._alias(kind)}})
                # One call: both aliases move together; every search sees the old pair or the new.
                self.client.indices.update_aliases(body={"actions": actions})
            except BaseException:
                # Only what this call created: a concurrent rebuild's index is not ours.
                # The original error matters more than a failed clean-up.
                if created:
                    with suppress(TransportError):
                        self.client.indices.delete(index=",".join(created), ignore_unavailable=True)
                raise
            old = [name for kind in KINDS for name in current[kind][1]]
            if old:
                try:
                    self.client.indices.delete(index=",".join(old), ignore_unavailable=True)
                except TransportError as exc:
                    # The switch is done; a leftover old index only costs disk.
                    log.warning("rebuild: could not delete old indices %s: %s", old, exc)
        self._ready = True
        return fresh["claims"]

    def _rebuild_actions(
        self, pairs: Iterable[tuple[Article, list[Claim]]], fresh: dict[str, str]
    ) -> Iterator[dict[str, Any]]:
        for article, claims in pairs:
            yield {
                "_op_type": "index",
                "_index": fresh["articles"],
                "_id": article.id,
                "_source": _article_document(article),
            }
            for claim in claims:
                yield {
                    "_op_type": "index",
                    "_index": fresh["claims"],
                    "_id": claim.id,
                    "_source": _claim_document(claim),
                }

    # -- reads -------------------------------------------------------------------------------

    # Reads never create indices: the search function's role may only read, and on a
    # fresh cluster (nothing ingested yet, so no alias) every read answers "nothing".

    def _get(self, alias: str, doc_id: str, field: str, parse: Callable[[dict[str, Any]], T]) -> T | None:
        with _engine_errors(f"read {doc_id}"):
            try:
                found = self.client.get(index=alias, id=doc_id, _source_includes=field)
            except NotFoundError:  # no such document, or no index yet
                return None
        return parse(found["_source"][field])

    def get_article(self, article_id: str) -> Article | None:
        return self._get(self.articles_alias, article_id, "article", Article.from_dict)

    def get_claim(self, claim_id: str) -> Claim | None:
        return self._get(self.claims_alias, claim_id, "claim", Claim.from_dict)

    def claims_for_article(self, article_id: str) -> list[Claim]:
        claims: list[Claim] = []
        after: list[Any] | None = None
        with _engine_errors(f"read the claims of {article_id}"):
            while True:
                body: dict[str, Any] = {
                    "query": {"bool": {"filter": [{"term": {"article_id": article_id}}]}},
                    "sort": [{"text_start": "asc"}, {"id": "asc"}],
                    "size": PAGE,
                    "_source": ["claim"],
                }
                if after is not None:
                    body["search_after"] = after
                try:
                    hits = self.client.search(index=self.claims_alias, body=body)["hits"]["hits"]
                except NotFoundError as exc:
                    if not _no_index_yet(exc):
                        raise
                    return []
                claims += [Claim.from_dict(h["_source"]["claim"]) for h in hits]
                if len(hits) < PAGE:
                    return claims
                after = hits[-1]["sort"]

    def count_claims(self) -> int:
        with _engine_errors("count claims"):
            try:
                return int(self.client.count(index=self.claims_alias)["count"])
            except NotFoundError as exc:
                if not _no_index_yet(exc):
                    raise
                return 0

    def search(self, query: SearchQuery) -> SearchResult:
        body = self.compile(query)
        with _engine_errors("search"):
            try:
                response = self.client.search(index=self.claims_alias, body=body)
            except NotFoundError as exc:
                if not _no_index_yet(exc):
                    raise
                empty: dict[str, list[FacetValue]] = {name: [] for name in FACET_SOURCES}
                return SearchResult(hits=[], total=0, facets=empty if query.facets else {}, next_after=None)
            except RequestError as exc:
                # What reaches here is a query the engine cannot run (e.g. more words
                # than its clause limit): the caller's input, not an outage.
                raise InvalidQuery("q", f"the search engine rejected the query: {exc.error}") from exc
        hits = response["hits"]["hits"]
        more = len(hits) > query.limit
        page = [
            Hit(
                claim=Claim.from_dict(h["_source"]["claim"]),
                score=float(h["sort"][0]),
                highlights={f: h["highlight"][f] for f in HIGHLIGHT_FIELDS if f in h.get("highlight", {})},
            )
            for h in hits[: query.limit]
        ]
        facets: dict[str, list[FacetValue]] = {}
        if query.facets:
            aggregations = response.get("aggregations", {})
            facets = {
                name: [FacetValue(b["key"], int(b["doc_count"])) for b in aggregations[name]["buckets"]]
                for name in FACET_SOURCES
            }
        next_after = SortKey(page[-1].score, page[-1].claim.id) if more and page else None
        return SearchResult(
            hits=page, total=int(response["hits"]["total"]["value"]), facets=facets, next_after=next_after
        )

    # -- query compilation -------------------------------------------------------------------

    def compile(self, query: SearchQuery) -> dict[str, Any]:
        """The search request body for `query` (public so tests can inspect it)."""
        filters: list[dict[str, Any]] = []
        for attribute, field in KEYWORD_FILTERS.items():
            value = getattr(query, attribute)
            if value is not None:
                filters.append({"term": {field: normalize_keyword(value)}})
        for attribute in EXACT_FILTERS:
            value = getattr(query, attribute)
            if value is not None:
                filters.append({"term": {attribute: value}})
        days: dict[str, str] = {}
        if query.published_from is not None:
            days["gte"] = _checked_day("published_from", query.published_from)
        if query.published_to is not None:
            days["lte"] = _checked_day("published_to", query.published_to)
        if days:
            filters.append({"range": {"published_date": {**days, "format": "yyyy-MM-dd"}}})

        text = " ".join(dict.fromkeys((query.text or "").split()))
        bool_query: dict[str, Any] = {"filter": filters or [{"match_all": {}}]}
        if text:
            # Whitespace is the only operator left on: "-", "|", "+", quotes, "*", "~",
            # parentheses are analysed away as plain characters. Repeated words are
            # dropped (AND makes them redundant) to stay clear of the clause limit.
            bool_query["must"] = [
                {
                    "simple_query_string": {
                        "query": text,
                        "fields": TEXT_FIELDS,
                        "default_operator": "and",
                        "flags": "WHITESPACE",
                        "auto_generate_synonyms_phrase_query": False,
                    }
                }
            ]
        # Without text, every hit is in filter context and scores 0, so the id
        # tie-breaker alone orders them, as in the SQLite adapter.
        body: dict[str, Any] = {
            "query": {"bool": bool_query},
            "sort": [{"_score": "desc"}, {"id": "asc"}],
            "size": query.limit + 1,  # one more tells whether a next page exists
            "track_total_hits": True,
            "_source": ["claim"],
        }
        if query.after is not None:
            body["search_after"] = [query.after.score, query.after.id]
        if text:
            body["highlight"] = {
                "pre_tags": [HIGHLIGHT_PRE],
                "post_tags": [HIGHLIGHT_POST],
                # Whole field as one fragment: claims are a sentence or two, and users
                # read the marks in context, as the SQLite adapter returns them.
                "fields": {field: {"number_of_fragments": 0} for field in HIGHLIGHT_FIELDS},
            }
        if query.facets:
            body["aggs"] = {
                name: {
                    "terms": {
                        "field": field,
                        "size": FACET_SIZE,
                        "order": [{"_count": "desc"}, {"_key": "asc"}],
                        "exclude": [""],
                    }
                }
                for name, field in FACET_SOURCES.items()
            }
        return body
