"""Facet counts over a match set, from each claim's values held in memory."""

from __future__ import annotations

import heapq
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

from claimsearch.index.port import FACET_FIELDS, FACET_SIZE, FacetValue

# The claim fields kept one row per value in `claim_keywords` (field name -> the key of
# `fields.claim_fields` that holds the values).
KEYWORD_FIELDS = {"organization": "organizations", "entity": "entities"}


class FacetColumns:
    """Each claim's facet values by rowid, held in memory (what a search engine calls doc values).

    Counting a facet over a match set is then one pass over its rowids in Python,
    where SQL would look up every matching claim and sort the values: ten times
    slower over 50,000 matches. Read on the first faceted search, kept current by
    this connection's own writes, and read again when another connection has written
    (`PRAGMA data_version` says so).
    """

    def __init__(self, data_version: int) -> None:
        self.data_version = data_version
        self.columns: dict[str, list[tuple[str, ...]]] = {name: [] for name in FACET_FIELDS}
        self._everything: dict[str, list[FacetValue]] = {}  # top values over all claims
        self._one: dict[str, tuple[str, ...]] = {}  # one tuple per value, shared by every claim

    @classmethod
    def read(cls, db: sqlite3.Connection, data_version: int) -> FacetColumns:
        read = cls(data_version)
        end = int(db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM claims").fetchone()[0])
        columns = read.columns = {name: [()] * end for name in FACET_FIELDS}
        one = read._one
        claimant, publisher = columns["claimant"], columns["publisher"]
        for rowid, claimant_id, name in db.execute("SELECT rowid, claimant_id, publisher FROM claims"):
            if claimant_id:
                claimant[rowid] = one.setdefault(claimant_id, (claimant_id,))
            if name:
                publisher[rowid] = one.setdefault(name, (name,))
        for field in KEYWORD_FIELDS:
            column = columns[field]
            for rowid, value in db.execute(
                "SELECT claim_rowid, value FROM claim_keywords WHERE field = ?", (field,)
            ):
                held = column[rowid]
                column[rowid] = (*held, value) if held else one.setdefault(value, (value,))
        return read

    def put(self, rowid: int, fields: dict[str, Any]) -> None:
        """A claim just written (`fields`: its `claim_fields`)."""
        self._set(rowid, "claimant", self._values([fields["claimant_id"]]))
        self._set(rowid, "publisher", self._values([fields["publisher"]]))
        for name, key in KEYWORD_FIELDS.items():
            self._set(rowid, name, self._values(list(dict.fromkeys(fields[key]))))

    def forget(self, rowids: Iterable[int]) -> None:
        for rowid in rowids:
            for name in FACET_FIELDS:
                self._set(rowid, name, ())

    def top(self, name: str, rowids: list[int] | None) -> list[FacetValue]:
        """The FACET_SIZE most frequent values among `rowids` (None: every claim); ties by value."""
        if rowids is None and name in self._everything:
            return self._everything[name]
        column = self.columns[name]
        values = chain.from_iterable(column if rowids is None else map(column.__getitem__, rowids))
        # Ties by value, as OpenSearch's terms aggregation orders its keys; Python
        # orders strings by code point, as SQLite and OpenSearch order UTF-8 bytes.
        best = heapq.nsmallest(FACET_SIZE, Counter(values).items(), key=lambda item: (-item[1], item[0]))
        top = [FacetValue(value, count) for value, count in best]
        if rowids is None:
            self._everything[name] = top
        return top

    def _values(self, values: Sequence[str | None]) -> tuple[str, ...]:
        kept = tuple(v for v in values if v)  # no claimant, no publisher, or ""
        if len(kept) != 1:
            return kept
        return self._one.setdefault(kept[0], kept)

    def _set(self, rowid: int, name: str, values: tuple[str, ...]) -> None:
        column = self.columns[name]
        if rowid >= len(column):
            column.extend([()] * (rowid + 1 - len(column)))
        column[rowid] = values
        self._everything.pop(name, None)
