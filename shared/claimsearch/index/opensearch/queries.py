"""Query building: the port's query model in OpenSearch's query DSL.

User text reaches the engine only as words cut out by `index.text_query` (each one a
`multi_match` value) or as normalised claimant keys, never as query syntax, so `*:*`,
`OR`, quotes or JSON in the text are words to look up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from claimsearch.errors import InvalidQuery
from claimsearch.index.normalize import most_used_spelling, normalize_keyword
from claimsearch.index.port import (
    FACET_SIZE,
    HIGHLIGHT_POST,
    HIGHLIGHT_PRE,
    FacetValue,
    SearchQuery,
    first_seen_key,
)
from claimsearch.index.text_query import ClaimantTerms, TextQuery, may_be_near

# A claim's content weighs most, then its sentence, then who claimed it (as the SQLite
# adapter's bm25 column weights).
TEXT_FIELDS = ["content^3", "sentence^1.5", "claimant.text", "claimant_mention"]
PHRASE_FIELDS = ("content", "sentence")
PHRASE_SLOP = 8
PHRASE_BOOST = 2.0
HIGHLIGHT_FIELDS = ("content", "sentence")
# port facet name -> the field counted. The claimant facet counts identities by id; the
# others count folded values, as their filters match (`normalize_keyword`), and ask for
# the spellings under each (FACET_SPELLINGS) to show the one most claims use.
FACET_SOURCES = {
    "claimant": "claimant_id",
    "organization": "organizations",
    "entity": "entities",
    "publisher": "publisher",
}
FACET_SPELLINGS = {
    "organization": "organizations.raw",
    "entity": "entities.raw",
    "publisher": "publisher.raw",
}
# The spellings asked for under each value. A claim holds several entities, so the
# spellings under "hillary clinton" are every entity of its claims; the value's own
# spellings are among the most used unless its claims name more than this many others
# as often (the SQLite adapter counts them exactly).
SPELLINGS_ASKED = 25
# SearchQuery attribute -> normalised keyword field (the normalizer folds the indexed side)
KEYWORD_FILTERS = {"organization": "organizations", "entity": "entities", "publisher": "publisher"}
EXACT_FILTERS = ("claimant_id", "cue_class", "quote_type", "article_id")
# The result orders: score, then id, when there is text; the id alone when not.
SCORED_ORDER: list[dict[str, Any]] = [{"_score": "desc"}, {"id": "asc"}]
ID_ORDER: list[dict[str, Any]] = [{"id": "asc"}]
# The other sorts (`SearchQuery.sort`): the value every member of the claim's cluster
# holds (`fields.claim_fields`, recounted by each write that changes the cluster), then id.
# An index whose mapping predates them sorts as though no claim held one, not failing.
VALUE_ORDERS: dict[str, list[dict[str, Any]]] = {
    "size": [{"cluster_size": {"order": "desc", "unmapped_type": "integer"}}, {"id": "asc"}],
    "first_seen": [{"cluster_first_key": {"order": "desc", "unmapped_type": "double"}}, {"id": "asc"}],
}
# A cluster's members in order of appearance (`ClusterSummary`): dated ones by day, undated
# last, then by article and position in it, as the SQLite adapter's `_APPEARANCE`.
APPEARANCE: list[dict[str, Any]] = [
    {"published_date": {"order": "asc", "missing": "_last"}},
    {"article_id": "asc"},
    {"text_start": "asc"},
    {"id": "asc"},
]
# Collapsed searches read candidate hits in batches (see `adapter.OpenSearchIndex.search`):
# the first holds a few pages' worth, as most clusters have one matching claim or a few;
# each next one is twice as large, so a cluster of thousands of adjacent matches (a quote
# repeated everywhere scores alike everywhere) takes a few requests, not hundreds.
COLLAPSE_BATCH_MIN = 30
COLLAPSE_BATCH_MAX = 1000
# The engine's maximum: distinct clusters are counted exactly (to 64-bit hash collisions)
# up to about this many, and within a few percent beyond.
CLUSTER_COUNT_PRECISION = 40000


def _checked_day(parameter: str, value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise InvalidQuery(parameter, f"expected a date YYYY-MM-DD, got {value!r}") from exc


@dataclass(frozen=True)
class SearchBodies:
    """The requests of one claims search, and what later requests of the same search reuse."""

    match: dict[str, Any]  # the query every body shares
    hits: dict[str, Any]  # the page of hits (collapsed: the first batch of candidate hits)
    clusters: dict[str, Any] | None  # collapsed: the count of distinct clusters
    facets: list[dict[str, Any]]  # one per facet asked, in `SearchQuery.facet_names` order

    def all(self) -> list[dict[str, Any]]:
        """Every body of the first round trip, hits first, then the cluster count, then facets."""
        return [self.hits, *([self.clusters] if self.clusters is not None else []), *self.facets]


def search_bodies(
    query: SearchQuery, plan: TextQuery | None, claimant: tuple[ClaimantTerms, list[str]] | None
) -> SearchBodies:
    """The claims search for `query`: the page of hits, then one body per facet asked.

    `claimant`: its claimant name as terms, and the identities matched. The facets are
    requests of their own, sent with the hits in one `_msearch`: the node runs them side
    by side, and a facet request (no hits) is one the request cache keeps until the next
    write's refresh, so the counts of a popular search (every claim, one claimant) are
    not recounted over every matching claim each time.

    Collapsed (`query.collapse`), the hits body is the first batch of candidates, with
    their clusters, and the total is a request of its own (cached as the facets are).
    """
    match = _match(query, plan, claimant)
    collapse = query.collapse is not None
    body: dict[str, Any] = {
        "query": match,
        # One more tells whether a next page exists.
        "size": collapse_batch(query.limit) if collapse else query.limit + 1,
        # Collapsed, hits count claims: the total is the clusters body's.
        "track_total_hits": not collapse,
        "_source": ["claim"],
    }
    if collapse:
        body["docvalue_fields"] = ["cluster_id"]
    if plan is not None:
        body["highlight"] = _HIGHLIGHT
    if query.sort in VALUE_ORDERS:
        body["sort"] = VALUE_ORDERS[query.sort]
        if plan is not None:
            # Sorted on a field, the engine skips scoring unless asked: the hits keep
            # their relevance score (`Hit.score`) as in the relevance order.
            body["track_scores"] = True
        if query.after is not None:
            body["search_after"] = value_after(query.sort, query.after.score, query.after.id)
    elif plan is not None:
        body["sort"] = SCORED_ORDER
        if query.after is not None:
            body["search_after"] = [query.after.score, query.after.id]
    else:
        # Without text every hit scores 0 (filter context), so the id alone orders them,
        # as in the SQLite adapter. Sorting on the id alone, not on (_score, id), lets
        # Lucene skip the claims that cannot enter the page: 35 ms -> 6 ms for the first
        # page of a million claims.
        body["sort"] = ID_ORDER
        if query.after is not None:
            body["search_after"] = [query.after.id]
    facets = [
        {
            "query": match,
            "size": 0,
            "track_total_hits": False,
            "aggs": {name: facet_terms(name, FACET_SIZE)},
        }
        for name in query.facet_names
    ]
    clusters = clusters_count_body(match) if collapse else None
    return SearchBodies(match=match, hits=body, clusters=clusters, facets=facets)


def facet_terms(name: str, size: int) -> dict[str, Any]:
    """The terms aggregation of facet `name`: its `size` most frequent values, ties by value,
    each with its spellings when the facet folds (`facet_values` reads them)."""
    terms: dict[str, Any] = {
        "terms": {
            "field": FACET_SOURCES[name],
            "size": size,
            "order": [{"_count": "desc"}, {"_key": "asc"}],
            "exclude": [""],
        }
    }
    if name in FACET_SPELLINGS:
        terms["aggs"] = {
            "spellings": {
                "terms": {
                    "field": FACET_SPELLINGS[name],
                    "size": SPELLINGS_ASKED,
                    "order": [{"_count": "desc"}, {"_key": "asc"}],
                }
            }
        }
    return terms


def facet_values(buckets: list[dict[str, Any]]) -> list[FacetValue]:
    """A facet's values from its buckets (`facet_terms`), each shown in the spelling of its
    folded value that most claims use."""
    return [FacetValue(_spelling_of(b), int(b["doc_count"])) for b in buckets]


def _spelling_of(bucket: dict[str, Any]) -> str:
    spellings = bucket.get("spellings", {}).get("buckets", [])
    return most_used_spelling(bucket["key"], ((b["key"], int(b["doc_count"])) for b in spellings))


def value_after(sort: str, value: float, claim_id: str) -> list[Any]:
    """`search_after` for a cursor (value, id) in the order value descending, then id.

    The engine reads a cursor's value as the field's type, so a size with a fraction (a
    cursor made by hand, between two sizes) would be cut to the size below, and hits of
    that size skipped: what follows it is every claim of the size below, from the first id.
    """
    if sort == "size" and math.isfinite(value):
        whole = math.floor(value)
        return [whole, claim_id if whole == value else ""]
    return [value, claim_id]


# Whole field as one fragment: claims are a sentence or two, and users read the marks in
# context, as the SQLite adapter returns them.
_HIGHLIGHT: dict[str, Any] = {
    # The text around the marks escaped as HTML, as `port.escape_html` escapes it.
    "encoder": "html",
    "pre_tags": [HIGHLIGHT_PRE],
    "post_tags": [HIGHLIGHT_POST],
    "fields": {field: {"number_of_fragments": 0} for field in HIGHLIGHT_FIELDS},
}


def collapse_batch(limit: int) -> int:
    """The first batch of a collapsed search: a few pages, since some hits are not their cluster's first."""
    return min(max(3 * (limit + 1), COLLAPSE_BATCH_MIN), COLLAPSE_BATCH_MAX)


def clusters_count_body(match: dict[str, Any]) -> dict[str, Any]:
    """The distinct clusters among the matches: clustered ones by id, plus one per claim without.

    A claim without a cluster id is a cluster of its own (as SQLite's coalesce makes it):
    the count is exact as long as no such claim's id is another claim's cluster id, which
    the ids' prefixes rule out ("c" claims, "k" clusters, `clusters.assign.cluster_id_for`).
    """
    return {
        "query": match,
        "size": 0,
        "track_total_hits": False,
        "aggs": {
            "clusters": {
                "cardinality": {"field": "cluster_id", "precision_threshold": CLUSTER_COUNT_PRECISION}
            },
            "unclustered": {"missing": {"field": "cluster_id"}},
        },
    }


def next_batch_body(hits: dict[str, Any], after: list[Any], size: int) -> dict[str, Any]:
    """The next batch of a collapsed search's candidates after sort values `after`.

    Only ids, scores and clusters: most of a later batch is dropped (its clusters came
    earlier), so the claims and highlights of the few hits kept are fetched afterwards.
    """
    body = {k: v for k, v in hits.items() if k not in ("highlight", "_source")}
    return {**body, "_source": False, "size": size, "search_after": after}


def cluster_firsts_body(
    match: dict[str, Any], sort: list[dict[str, Any]], cluster_ids: list[str]
) -> dict[str, Any]:
    """The first matching claim of each cluster in `cluster_ids`, in the search's own `sort`.

    The node cannot collapse while paging with `search_after`, so paging reads plain hits
    and asks this of each batch. The cluster filter joins the match's own filters (no
    scoring), so every claim scores exactly as in the hits being checked.
    """
    scored = match["bool"]
    filtered = {**scored, "filter": [*scored["filter"], {"terms": {"cluster_id": cluster_ids}}]}
    return {
        "query": {"bool": filtered},
        "size": len(cluster_ids),
        "sort": sort,
        "collapse": {"field": "cluster_id"},
        "_source": False,
        "track_total_hits": False,
    }


def claims_by_id_body(match: dict[str, Any], ids: list[str], highlight: bool) -> dict[str, Any]:
    """The stored claims (and highlights, for a text search) of hits already chosen by id."""
    scored = match["bool"]
    filtered = {**scored, "filter": [*scored["filter"], {"ids": {"values": ids}}]}
    body: dict[str, Any] = {
        "query": {"bool": filtered},
        "size": len(ids),
        "_source": ["claim"],
        "track_total_hits": False,
    }
    if highlight:
        body["highlight"] = _HIGHLIGHT
    return body


def _match(
    query: SearchQuery, plan: TextQuery | None, claimant: tuple[ClaimantTerms, list[str]] | None
) -> dict[str, Any]:
    filters: list[dict[str, Any]] = []
    if claimant is not None:
        filters.append(_claimant_filter(*claimant))
    for attribute, field in KEYWORD_FILTERS.items():
        value = getattr(query, attribute)
        if value is not None:
            filters.append({"term": {field: normalize_keyword(value)}})
    for attribute in EXACT_FILTERS:
        value = getattr(query, attribute)
        if value is not None:
            filters.append({"term": {attribute: value}})
    if query.attributed is not None:
        filters.append({"term": {"attributed": query.attributed}})
    days: dict[str, str] = {}
    if query.published_from is not None:
        days["gte"] = _checked_day("published_from", query.published_from)
    if query.published_to is not None:
        days["lte"] = _checked_day("published_to", query.published_to)
    if days:
        filters.append({"range": {"published_date": {**days, "format": "yyyy-MM-dd"}}})

    bool_query: dict[str, Any] = {"filter": filters or [{"match_all": {}}]}
    if plan is not None:
        # One clause per word, any field; the minimum says how many must hold (the
        # SQLite adapter counts the same words the same way).
        words = [
            {"multi_match": {"query": t, "fields": TEXT_FIELDS, "type": "most_fields", "operator": "and"}}
            for t in plan.terms
        ]
        bool_query["must"] = [{"bool": {"should": words, "minimum_should_match": plan.minimum}}]
        if len(plan.terms) > 1:
            bool_query["should"] = [
                {"match_phrase": {f: {"query": plan.phrase, "slop": PHRASE_SLOP, "boost": PHRASE_BOOST}}}
                for f in PHRASE_FIELDS
            ]
    return {"bool": bool_query}


def _claimant_filter(terms: ClaimantTerms, ids: list[str]) -> dict[str, Any]:
    """Claims of the matched identities, or whose source's words hold the name (as SQLite's)."""
    named: list[dict[str, Any]] = [{"terms": {"claimant_id": ids}}]
    if terms.source_phrase:
        source: dict[str, Any] = {"must": [{"match_phrase": {"claimant_words": terms.source_phrase}}]}
        if not terms.suffixed:
            source["must_not"] = [{"term": {"claimant_suffixed": True}}]
        named.append({"bool": source})
    return {"bool": {"should": named, "minimum_should_match": 1}}


def claimant_ids_body(terms: ClaimantTerms, limit: int) -> dict[str, Any]:
    """Identities with an alias holding the words asked, in order, as whole words, each with
    whether its key ends in a generational suffix."""
    return {
        "query": {"match_phrase": {"keys": {"query": terms.phrase}}},
        "size": limit,
        "sort": [{"id": "asc"}],
        "_source": False,
        "docvalue_fields": ["id", "suffixed"],
    }


def suggestion_body(words: list[str], limit: int) -> dict[str, Any]:
    """Identities with claims holding every word, the last as a prefix: most claims first."""
    must: list[dict[str, Any]] = [{"term": {"keys": w}} for w in words[:-1]]
    must.append({"prefix": {"keys": words[-1]}})
    return _suggestions(must, limit)


def near_suggestion_body(words: list[str], limit: int) -> dict[str, Any]:
    """`suggestion_body` for a name typed one letter wrong: every word whole, a long one
    (`may_be_near`) also as any alias word one edit away with the same first letter."""
    must: list[dict[str, Any]] = [
        {"fuzzy": {"keys": {"value": w, "fuzziness": 1, "prefix_length": 1, "transpositions": True}}}
        if may_be_near(w)
        else {"term": {"keys": w}}
        for w in words
    ]
    return _suggestions(must, limit)


def _suggestions(must: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    """Identities with claims matching every clause of `must`: most claims first."""
    return {
        "query": {"bool": {"must": must, "filter": [{"range": {"claims": {"gt": 0}}}]}},
        "sort": [{"claims": "desc"}, {"name": "asc"}, {"id": "asc"}],
        "size": limit,
    }


def activity_body(claimant_id: str, entities: int) -> dict[str, Any]:
    return {
        "size": 0,
        "track_total_hits": True,
        "query": {"bool": {"filter": [{"term": {"claimant_id": claimant_id}}]}},
        "aggs": {
            "months": {
                "date_histogram": {
                    "field": "published_date",
                    "calendar_interval": "month",
                    "format": "yyyy-MM",
                    "min_doc_count": 1,
                }
            },
            "entities": facet_terms("entity", entities),
        },
    }


def counts_body(ids: list[str]) -> dict[str, Any]:
    """Claims per identity, for the identities in `ids`."""
    return {
        "size": 0,
        "query": {"bool": {"filter": [{"terms": {"claimant_id": ids}}]}},
        "aggs": {"claims": {"terms": {"field": "claimant_id", "size": max(1, len(ids))}}},
    }


def cluster_candidates_body(claimant: str, keys: Sequence[str], limit: int) -> dict[str, Any]:
    """Claims clustered under the claimant (`assign.cluster_claimant`) holding any of the band
    keys, smallest ids first (`clusters.assign`)."""
    # A claim indexed before `cluster_claimant` was a field holds its identity in
    # `claimant_id` alone: read there too, so new claims still join it before a reindex.
    compared_under = [{"term": {"cluster_claimant": claimant}}, {"term": {"claimant_id": claimant}}]
    return {
        "query": {
            "bool": {
                "filter": [
                    {"bool": {"should": compared_under, "minimum_should_match": 1}},
                    {"terms": {"cluster_keys": list(keys)}},
                ]
            }
        },
        "sort": ID_ORDER,
        "size": limit,
        # What matching reads, not the stored claim: candidates are many and compared once.
        "_source": ["id", "cluster_id", "content"],
        "track_total_hits": False,
    }


def cluster_summaries_body(cluster_ids: list[str]) -> dict[str, Any]:
    """Each cluster's size and first member in order of appearance, in one aggregation."""
    return {
        "size": 0,
        "track_total_hits": False,
        "query": {"bool": {"filter": [{"terms": {"cluster_id": cluster_ids}}]}},
        "aggs": {
            "clusters": {
                "terms": {
                    "field": "cluster_id",
                    "size": len(cluster_ids),
                    # A few clusters' claims: counted by value, without building the
                    # global ordinals of a field with nearly one value per claim.
                    "execution_hint": "map",
                },
                "aggs": {
                    "first": {
                        "top_hits": {
                            "size": 1,
                            "sort": APPEARANCE,
                            "_source": ["id", "article_id", "published_date"],
                        }
                    }
                },
            }
        },
    }


def cluster_members_body(cluster_id: str) -> dict[str, Any]:
    """A cluster's claims in order of appearance (the caller sets the page size and cursor)."""
    return {
        "query": {"bool": {"filter": [{"term": {"cluster_id": cluster_id}}]}},
        "sort": APPEARANCE,
        "_source": ["claim"],
        "track_total_hits": False,
    }


# -- the values the sorts read (`cluster_size`, `cluster_first_key`) -------------------------


@dataclass(frozen=True)
class ClusterValues:
    """What every member of a cluster holds for the sorts: its size and its first day's key."""

    size: int
    first_key: float  # `port.first_seen_key` of the earliest member's day


# Sets the values of each member of the clusters in its params, and leaves a member that
# holds them already as it is (a noop: no new version of the claim, nothing to merge). The
# same source every time, with the values as params: compiled once, then cached.
RECOUNT_SCRIPT = """
String cluster = ctx._source.cluster_id;
def size = params.sizes[cluster];
def key = params.keys[cluster];
def heldSize = ctx._source.cluster_size;
def heldKey = ctx._source.cluster_first_key;
if (size == null || (heldSize != null && heldKey != null
        && ((Number) heldSize).longValue() == ((Number) size).longValue()
        && ((Number) heldKey).doubleValue() == ((Number) key).doubleValue())) {
    ctx.op = 'noop';
} else {
    ctx._source.cluster_size = size;
    ctx._source.cluster_first_key = key;
}
"""


def cluster_values_body(cluster_ids: list[str]) -> dict[str, Any]:
    """Each cluster's size and first day, and the lowest and highest values its members hold.

    The cheap test of a recount: a cluster whose members all hold its values (a new claim
    alone in its cluster holds them from the start) needs no rewrite.
    """
    return {
        "size": 0,
        "track_total_hits": False,
        "query": {"bool": {"filter": [{"terms": {"cluster_id": cluster_ids}}]}},
        "aggs": {
            "clusters": {
                "terms": {
                    "field": "cluster_id",
                    "size": max(1, len(cluster_ids)),
                    # As in `cluster_summaries_body`: a few clusters' claims, counted by value.
                    "execution_hint": "map",
                },
                "aggs": {
                    "first": {"min": {"field": "published_date", "format": "yyyy-MM-dd"}},
                    # A claim indexed before these fields existed holds none: never right.
                    "size_min": {"min": {"field": "cluster_size", "missing": 0}},
                    "size_max": {"max": {"field": "cluster_size", "missing": 0}},
                    "key_min": {"min": {"field": "cluster_first_key"}},
                    "key_max": {"max": {"field": "cluster_first_key"}},
                },
            }
        },
    }


def counted_clusters(response: Mapping[str, Any]) -> dict[str, tuple[ClusterValues, bool]]:
    """Each cluster of a `cluster_values_body` answer: its values, and whether every member
    holds them."""
    counted: dict[str, tuple[ClusterValues, bool]] = {}
    for bucket in response["aggregations"]["clusters"]["buckets"]:
        day = bucket["first"].get("value_as_string")
        values = ClusterValues(int(bucket["doc_count"]), first_seen_key(day))
        sizes = {bucket[name]["value"] for name in ("size_min", "size_max")}
        keys = {bucket[name]["value"] for name in ("key_min", "key_max")}
        counted[str(bucket["key"])] = (values, sizes == {values.size} and keys == {values.first_key})
    return counted


def recount_body(values: Mapping[str, ClusterValues]) -> dict[str, Any]:
    """The `_update_by_query` that gives every member of the clusters in `values` their values."""
    ids = sorted(values)
    return {
        "query": {"bool": {"filter": [{"terms": {"cluster_id": ids}}]}},
        "script": {
            "lang": "painless",
            "source": RECOUNT_SCRIPT,
            "params": {
                "sizes": {i: values[i].size for i in ids},
                "keys": {i: values[i].first_key for i in ids},
            },
        },
    }


# A claim of one identity filed under another (`SearchIndex.move_claimant`): the filter
# field, the stored record and, where it was compared under that identity, the cluster
# lookups' claimant.
MOVE_SCRIPT = """
ctx._source.claimant_id = params.to;
ctx._source.claim.claimant.id = params.to;
if (ctx._source.cluster_claimant == params.from) {
    ctx._source.cluster_claimant = params.to;
}
"""


def move_claimant_body(from_id: str, to_id: str) -> dict[str, Any]:
    """The `_update_by_query` that files every claim of `from_id` under `to_id`."""
    return {
        "query": {"bool": {"filter": [{"term": {"claimant_id": from_id}}]}},
        "script": {"lang": "painless", "source": MOVE_SCRIPT, "params": {"from": from_id, "to": to_id}},
    }


def said_pages_body(ids: list[str], size: int, after: Mapping[str, Any] | None) -> dict[str, Any]:
    """How many claims filed under each of `ids` say each thing of it (`claimant_said`), a page
    of `size` (identity, said) pairs after `after` (a composite aggregation's `after_key`); the
    first page also counts their claims without the field (`older`: indexed before it)."""
    sources = [{"id": {"terms": {"field": "claimant_id"}}}, {"said": {"terms": {"field": "claimant_said"}}}]
    composite: dict[str, Any] = {"size": size, "sources": sources}
    aggs: dict[str, Any] = {"said": {"composite": composite}}
    if after is not None:
        composite["after"] = dict(after)
    else:
        aggs["older"] = {"missing": {"field": "claimant_said"}}
    return {
        "size": 0,
        "track_total_hits": False,
        "query": {"bool": {"filter": [{"terms": {"claimant_id": ids}}]}},
        "aggs": aggs,
    }


def cluster_pages_body(size: int, after: Mapping[str, Any] | None) -> dict[str, Any]:
    """Every cluster's size and first day, a page of `size` clusters after `after` (a
    composite aggregation's `after_key`): how a rebuild finds the clusters of two or more."""
    composite: dict[str, Any] = {"size": size, "sources": [{"id": {"terms": {"field": "cluster_id"}}}]}
    if after is not None:
        composite["after"] = dict(after)
    return {
        "size": 0,
        "track_total_hits": False,
        "aggs": {
            "clusters": {
                "composite": composite,
                "aggs": {"first": {"min": {"field": "published_date", "format": "yyyy-MM-dd"}}},
            }
        },
    }
