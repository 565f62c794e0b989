"""Facet counts over a match set, from each claim's values held in memory."""

from __future__ import annotations

import heapq
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

from claimsearch.index.normalize import most_used_spelling, normalize_keyword
from claimsearch.index.port import FACET_FIELDS, FACET_SIZE, FacetValue

# The claim fields kept one row per value in `claim_keywords` (field name -> the key of
# `fields.claim_fields` that holds the values).
KEYWORD_FIELDS = {"organization": "organizations", "entity": "entities"}


# The facets whose values fold (`normalize_keyword`), as their filters match; the
# claimant facet counts identity ids.
FOLDED = ("publisher", *KEYWORD_FIELDS)


class FacetColumns:
    """Each claim's facet values by rowid, held in memory (what a search engine calls doc values).

    Counting a facet over a match set is then one pass over its rowids in Python,
    where SQL would look up every matching claim and sort the values: ten times
    slower over 50,000 matches. Read on the first faceted search, kept current by
    this connection's own writes, and read again when another connection has written
    (`PRAGMA data_version` says so).

    `columns` holds each claim's values as written. The FOLDED facets count claims by
    folded value: the sum of its spellings' counts, less the few claims that hold two
    spellings of one value (`_doubled`), so that one pass counts both.
    """

    def __init__(self, data_version: int) -> None:
        self.data_version = data_version
        self.columns: dict[str, list[tuple[str, ...]]] = {name: [] for name in FACET_FIELDS}
        # facet -> rowid -> folded value -> the spellings of it the claim holds, less one
        self._doubled: dict[str, dict[int, dict[str, int]]] = {name: {} for name in FOLDED}
        self._everything: dict[str, list[FacetValue]] = {}  # top values over all claims
        self._one: dict[str, tuple[str, ...]] = {}  # one tuple per value, shared by every claim
        self._folded: dict[str, str] = {}  # value -> normalize_keyword(value)

    @classmethod
    def read(cls, db: sqlite3.Connection, data_version: int) -> FacetColumns:
        read = cls(data_version)
        end = int(db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM claims").fetchone()[0])
        columns = read.columns = {name: [()] * end for name in FACET_FIELDS}
        one, folded = read._one, read._folded
        claimant, publisher = columns["claimant"], columns["publisher"]
        rows = db.execute("SELECT rowid, claimant_id, publisher, publisher_norm FROM claims")
        for rowid, claimant_id, name, norm in rows:
            if claimant_id:
                claimant[rowid] = one.setdefault(claimant_id, (claimant_id,))
            if name and norm:  # a publisher of spaces holds no value
                publisher[rowid] = one.setdefault(name, (name,))
                folded[name] = norm
        for field in KEYWORD_FIELDS:
            column = columns[field]
            for rowid, value, norm in db.execute(
                "SELECT claim_rowid, value, norm FROM claim_keywords WHERE field = ? AND norm != ''", (field,)
            ):
                folded[value] = norm
                held = column[rowid]
                column[rowid] = (*held, value) if held else one.setdefault(value, (value,))
            doubled = read._doubled[field]
            for rowid, norm, spellings in db.execute(
                "SELECT claim_rowid, norm, count(*) FROM claim_keywords WHERE field = ? AND norm != ''"
                " GROUP BY claim_rowid, norm HAVING count(*) > 1",
                (field,),
            ):
                doubled.setdefault(rowid, {})[norm] = spellings - 1
        return read

    def put(self, rowid: int, fields: dict[str, Any]) -> None:
        """A claim just written (`fields`: its `claim_fields`)."""
        self._set(rowid, "claimant", self._values([fields["claimant_id"]]))
        self._put_folded(rowid, "publisher", [fields["publisher"]])
        for name, key in KEYWORD_FIELDS.items():
            self._put_folded(rowid, name, fields[key])

    def forget(self, rowids: Iterable[int]) -> None:
        for rowid in rowids:
            for name in FACET_FIELDS:
                self._set(rowid, name, ())
            for doubled in self._doubled.values():
                doubled.pop(rowid, None)

    def top(self, name: str, rowids: list[int] | None) -> list[FacetValue]:
        """The FACET_SIZE most frequent values among `rowids` (None: every claim).

        The keyword facets count claims by folded value, as their filters match
        (`normalize_keyword`: "HIllary Clinton" and "Hillary Clinton" are one value),
        and show the spelling most of those claims use (`most_used_spelling`). Ties by
        folded value, as OpenSearch's terms aggregation orders its keys; Python orders
        strings by code point, as SQLite and OpenSearch order UTF-8 bytes.
        """
        if rowids is None and name in self._everything:
            return self._everything[name]
        column = self.columns[name]
        counts = Counter(chain.from_iterable(column if rowids is None else map(column.__getitem__, rowids)))
        if name not in FOLDED:  # claimant ids: nothing to fold
            best = heapq.nsmallest(FACET_SIZE, counts.items(), key=lambda item: (-item[1], item[0]))
            top = [FacetValue(value, count) for value, count in best]
        else:
            claims: dict[str, int] = {}  # folded value -> claims holding it
            spellings: dict[str, list[tuple[str, int]]] = {}
            for value, count in counts.items():
                key = self._fold(value)
                claims[key] = claims.get(key, 0) + count
                spellings.setdefault(key, []).append((value, count))
            doubled = self._doubled[name]
            if doubled:
                matched = None if rowids is None else set(rowids)
                for rowid, extra in doubled.items():
                    if matched is None or rowid in matched:
                        for key, spelt in extra.items():
                            claims[key] -= spelt
            best = heapq.nsmallest(FACET_SIZE, claims.items(), key=lambda item: (-item[1], item[0]))
            top = [FacetValue(most_used_spelling(key, spellings[key]), count) for key, count in best]
        if rowids is None:
            self._everything[name] = top
        return top

    def _values(self, values: Sequence[str | None]) -> tuple[str, ...]:
        kept = tuple(v for v in values if v)  # no claimant, no publisher, or ""
        if len(kept) != 1:
            return kept
        return self._one.setdefault(kept[0], kept)

    def _put_folded(self, rowid: int, name: str, values: Sequence[str | None]) -> None:
        written = [v for v in dict.fromkeys(values) if v and self._fold(v)]  # "" and " " hold no value
        self._set(rowid, name, self._values(written))
        keys = Counter(map(self._fold, written))
        extra = {key: spellings - 1 for key, spellings in keys.items() if spellings > 1}
        if extra:
            self._doubled[name][rowid] = extra
        else:
            self._doubled[name].pop(rowid, None)

    def _fold(self, value: str) -> str:
        key = self._folded.get(value)
        if key is None:
            key = self._folded[value] = normalize_keyword(value)
        return key

    def _set(self, rowid: int, name: str, values: tuple[str, ...]) -> None:
        column = self.columns[name]
        if rowid >= len(column):
            column.extend([()] * (rowid + 1 - len(column)))
        column[rowid] = values
        self._everything.pop(name, None)
