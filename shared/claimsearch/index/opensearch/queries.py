"""Query building: the port's query model in OpenSearch's query DSL.

User text reaches the engine only as words cut out by `index.text_query` (each one a
`multi_match` value) or as normalised claimant keys, never as query syntax, so `*:*`,
`OR`, quotes or JSON in the text are words to look up.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from claimsearch.errors import InvalidQuery
from claimsearch.index.normalize import normalize_keyword
from claimsearch.index.port import (
    FACET_SIZE,
    HIGHLIGHT_POST,
    HIGHLIGHT_PRE,
    SearchQuery,
)
from claimsearch.index.text_query import ClaimantTerms, TextQuery

# A claim's content weighs most, then its sentence, then who claimed it (as the SQLite
# adapter's bm25 column weights).
TEXT_FIELDS = ["content^3", "sentence^1.5", "claimant.text", "claimant_mention"]
PHRASE_FIELDS = ("content", "sentence")
PHRASE_SLOP = 8
PHRASE_BOOST = 2.0
HIGHLIGHT_FIELDS = ("content", "sentence")
# port facet name -> the field counted; the claimant facet counts identities by id
FACET_SOURCES = {
    "claimant": "claimant_id",
    "organization": "organizations.raw",
    "entity": "entities.raw",
    "publisher": "publisher.raw",
}
# SearchQuery attribute -> normalised keyword field (the normalizer folds the indexed side)
KEYWORD_FILTERS = {"organization": "organizations", "entity": "entities", "publisher": "publisher"}
EXACT_FILTERS = ("claimant_id", "cue_class", "quote_type", "article_id")


def _checked_day(parameter: str, value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise InvalidQuery(parameter, f"expected a date YYYY-MM-DD, got {value!r}") from exc


def search_bodies(
    query: SearchQuery, plan: TextQuery | None, claimant: tuple[ClaimantTerms, list[str]] | None
) -> list[dict[str, Any]]:
    """The claims search for `query`: the page of hits, then one body per facet asked.

    `claimant`: its claimant name as terms, and the identities matched. The facets are
    requests of their own, sent with the hits in one `_msearch`: the node runs them side
    by side, and a facet request (no hits) is one the request cache keeps until the next
    write's refresh, so the counts of a popular search (every claim, one claimant) are
    not recounted over every matching claim each time.
    """
    match = _match(query, plan, claimant)
    body: dict[str, Any] = {
        "query": match,
        "size": query.limit + 1,  # one more tells whether a next page exists
        "track_total_hits": True,
        "_source": ["claim"],
    }
    if plan is not None:
        body["sort"] = [{"_score": "desc"}, {"id": "asc"}]
        if query.after is not None:
            body["search_after"] = [query.after.score, query.after.id]
        body["highlight"] = {
            "pre_tags": [HIGHLIGHT_PRE],
            "post_tags": [HIGHLIGHT_POST],
            # Whole field as one fragment: claims are a sentence or two, and users
            # read the marks in context, as the SQLite adapter returns them.
            "fields": {field: {"number_of_fragments": 0} for field in HIGHLIGHT_FIELDS},
        }
    else:
        # Without text every hit scores 0 (filter context), so the id alone orders them,
        # as in the SQLite adapter. Sorting on the id alone, not on (_score, id), lets
        # Lucene skip the claims that cannot enter the page: 35 ms -> 6 ms for the first
        # page of a million claims.
        body["sort"] = [{"id": "asc"}]
        if query.after is not None:
            body["search_after"] = [query.after.id]
    facets = [
        {
            "query": match,
            "size": 0,
            "track_total_hits": False,
            "aggs": {
                name: {
                    "terms": {
                        "field": FACET_SOURCES[name],
                        "size": FACET_SIZE,
                        "order": [{"_count": "desc"}, {"_key": "asc"}],
                        "exclude": [""],
                    }
                }
            },
        }
        for name in query.facet_names
    ]
    return [body, *facets]


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
    """Identities with an alias holding the words asked, in order, as whole words."""
    query: dict[str, Any] = {"must": [{"match_phrase": {"keys": {"query": terms.phrase}}}]}
    if not terms.suffixed:
        query["must_not"] = [{"term": {"suffixed": True}}]
    return {
        "query": {"bool": query},
        "size": limit,
        "sort": [{"id": "asc"}],
        "_source": False,
        "docvalue_fields": ["id"],
    }


def suggestion_body(words: list[str], limit: int) -> dict[str, Any]:
    """Identities with claims holding every word, the last as a prefix: most claims first."""
    must: list[dict[str, Any]] = [{"term": {"keys": w}} for w in words[:-1]]
    must.append({"prefix": {"keys": words[-1]}})
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
            "entities": {
                "terms": {
                    "field": "entities.raw",
                    "size": entities,
                    "order": [{"_count": "desc"}, {"_key": "asc"}],
                }
            },
        },
    }


def counts_body(ids: list[str]) -> dict[str, Any]:
    """Claims per identity, for the identities in `ids`."""
    return {
        "size": 0,
        "query": {"bool": {"filter": [{"terms": {"claimant_id": ids}}]}},
        "aggs": {"claims": {"terms": {"field": "claimant_id", "size": max(1, len(ids))}}},
    }
