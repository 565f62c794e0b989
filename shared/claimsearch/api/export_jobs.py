"""Bulk export: every claim a search matches, as NDJSON lines that each carry a resume cursor.

It lives with the API because its lines are the API's wire format (its cursors, its claim
schema); the export worker and the CLI use it from here.

One export is the port's ordinary search paged to the end with keyset cursors (pages of
MAX_LIMIT, facets off), so it returns exactly what GET /claims pages through, in the same
order. Every line is `{"cursor": ..., "claim": ...}`: the claim as GET /claims serves it,
and the cursor of that claim, which resumes the export right after it. Nothing holds more
than one page, so an export of a million claims runs in bounded memory.

Three ways out share these lines: GET /claims/export (api/export.py), `claimsearch export`
(cli.py) and the export worker (functions/export), which writes them gzipped to the bucket
for exports too large for one Lambda response. The worker's jobs and their state objects
are defined here too; the S3 and SQS adapters are in storage/exports.py.

An export is not a snapshot: claims ingested or deleted while it runs may or may not be in
it, and with `q` the relevance scores (and so the order) follow the index as it changes.
Filter-only exports order by id, which ingestion cannot reorder.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from claimsearch.api.cursor import decode_cursor, encode_cursor
from claimsearch.api.schemas import BUILT_ON_FIRST_USE, IsoDate, claim_out
from claimsearch.clusters.records import ClusterSummary
from claimsearch.errors import ClaimsearchError, InvalidQuery, NotFound
from claimsearch.index.port import (
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    CollapseMode,
    SearchIndex,
    SearchQuery,
    SearchResult,
    SortOrder,
)
from claimsearch.index.text_query import MATCH_DESCRIPTION, MatchMode
from claimsearch.model import Claim, CueClass, QuoteType

logger = logging.getLogger(__name__)

NDJSON = "application/x-ndjson"
TOTAL_HEADER = "X-Total-Count"
# Set on a GET /claims/export response that stopped before the last match (the Lambda
# response limit): the cursor of its last line, to resume from. Absent: the export is whole.
NEXT_CURSOR_HEADER = "X-Next-Cursor"
# Set to "true" when the export's best-match text was relaxed to any word (SearchResult.relaxed).
RELAXED_HEADER = "X-Relaxed"
EXPORT_ID_PATTERN = r"^[0-9a-f]{32}$"


class ExportsUnavailable(ClaimsearchError):
    """This deployment has no bucket and queue for exports (the local stack)."""

    code = "exports_unavailable"
    status = 503


# -- the filters -------------------------------------------------------------------------


class ExportFilters(BaseModel):
    """The filters of GET /claims, without paging or facets: what an export selects."""

    model_config = ConfigDict(**BUILT_ON_FIRST_USE, extra="forbid")

    q: str | None = Field(
        default=None, max_length=MAX_QUERY_CHARS, description="Full-text query, as in GET /claims"
    )
    match: MatchMode = Field(default="best", description=MATCH_DESCRIPTION)
    claimant: str | None = Field(default=None, max_length=200, description="A claimant's name, any alias")
    claimant_id: str | None = Field(default=None, max_length=64)
    attributed: bool | None = None
    organization: str | None = Field(default=None, max_length=200)
    entity: str | None = Field(default=None, max_length=200)
    publisher: str | None = Field(default=None, max_length=200)
    cue_class: CueClass | None = None
    quote_type: QuoteType | None = None
    published_from: IsoDate | None = Field(default=None, description="Inclusive, YYYY-MM-DD")
    published_to: IsoDate | None = Field(default=None, description="Inclusive, YYYY-MM-DD")
    article_id: str | None = Field(default=None, max_length=64)
    collapse: CollapseMode | None = Field(default=None, description="cluster: one claim per claim cluster")
    sort: SortOrder = Field(default="relevance", description="relevance, size or first_seen")

    def to_query(self) -> SearchQuery:
        """The search an export pages through; raises InvalidQuery for an empty date range."""
        if self.published_from and self.published_to and self.published_from > self.published_to:
            raise InvalidQuery("published_from", "must not be after published_to")
        return SearchQuery(
            text=self.q,
            match=self.match,
            claimant=self.claimant,
            claimant_id=self.claimant_id,
            attributed=self.attributed,
            organization=self.organization,
            entity=self.entity,
            publisher=self.publisher,
            cue_class=self.cue_class,
            quote_type=self.quote_type,
            published_from=self.published_from.isoformat() if self.published_from else None,
            published_to=self.published_to.isoformat() if self.published_to else None,
            article_id=self.article_id,
            collapse=self.collapse,
            sort=self.sort,
            limit=MAX_LIMIT,
            facets=False,
        )


# -- the lines ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportLine:
    cursor: str
    text: str  # one JSON object, without the newline


@dataclass(frozen=True)
class Export:
    """An export under way: its total when it started, and its lines, fetched a page at a time."""

    total: int
    lines: Iterator[ExportLine]
    relaxed: bool = False  # the claims holding any of the words: no claim held enough


def claim_json(claim: Claim, clusters: Mapping[str, ClusterSummary]) -> dict[str, Any]:
    """The claim exactly as GET /claims serves it (the response schema's view of the record)."""
    try:
        return claim_out(claim, clusters).model_dump(mode="json", by_alias=True)
    except ValidationError as exc:  # a stored claim that no longer fits the contract
        raise ClaimsearchError(f"claim {claim.id} cannot be served") from exc


def open_export(index: SearchIndex, query: SearchQuery, cursor: str | None = None) -> Export:
    """Start an export of `query`'s matches, after `cursor` (a line's cursor) when given.

    The first page is fetched here, so a bad query or cursor raises before any line is
    written, and the total is known before the body starts.
    """
    query = replace(query, limit=MAX_LIMIT, facets=False, after=None)
    after = decode_cursor(query, cursor) if cursor else None
    first = index.search(replace(query, after=after))
    return Export(total=first.total, lines=_lines(index, query, first), relaxed=first.relaxed)


def _lines(index: SearchIndex, query: SearchQuery, page: SearchResult) -> Iterator[ExportLine]:
    while True:
        clusters = index.cluster_summaries(h.claim.cluster_id for h in page.hits if h.claim.cluster_id)
        for hit in page.hits:
            # The key the adapters page by (sort value, then id), so this cursor resumes right
            # after this claim, and is interchangeable with GET /claims' next_cursor.
            cursor = encode_cursor(query, hit.key)
            text = json.dumps(
                {"cursor": cursor, "claim": claim_json(hit.claim, clusters)},
                ensure_ascii=False,
                separators=(",", ":"),
            )
            yield ExportLine(cursor, text)
        if page.next_after is None:
            return
        page = index.search(replace(query, after=page.next_after))


# -- jobs: exports written to the bucket ---------------------------------------------------

ExportStateName = Literal["queued", "running", "done", "failed"]


def new_export_id() -> str:
    return uuid.uuid4().hex


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class ExportJob(BaseModel):
    """What POST /exports asks for: the message on the export queue and the request object."""

    model_config = BUILT_ON_FIRST_USE

    id: str = Field(pattern=EXPORT_ID_PATTERN)
    filters: ExportFilters
    created_at: str


class ExportState(BaseModel):
    """An export's state object, as GET /exports/{id} reports it (without the download URL)."""

    model_config = BUILT_ON_FIRST_USE

    id: str
    state: ExportStateName
    filters: ExportFilters
    claims: int = Field(default=0, description="Claims written so far")
    total: int | None = Field(default=None, description="Matches when the export started")
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    error: str | None = None


class ExportStore(Protocol):
    """Where export jobs keep their objects: the bucket for exports (storage/exports.py)."""

    def put_json(self, key: str, value: dict[str, Any]) -> None: ...

    def get_json(self, key: str) -> dict[str, Any]:
        """The object parsed; raises KeyError when there is none."""

    def upload_file(self, key: str, path: Path, content_type: str) -> None: ...

    def download_url(self, key: str, seconds: int, filename: str) -> str:
        """A URL that fetches the object without credentials for `seconds`."""


@dataclass(frozen=True)
class ExportKeys:
    """The objects of one export, each written by one function only (IAM scopes them):

    request.json by the search function (POST /exports), state.json and the data by the
    export worker; the search function reads all three.
    """

    prefix: str
    export_id: str

    @property
    def request(self) -> str:
        return f"{self.prefix}{self.export_id}/request.json"

    @property
    def state(self) -> str:
        return f"{self.prefix}{self.export_id}/state.json"

    @property
    def data(self) -> str:
        return f"{self.prefix}{self.export_id}/claims.ndjson.gz"


def submit_export(
    store: ExportStore, send: Callable[[str], None], prefix: str, filters: ExportFilters
) -> ExportJob:
    """Record the request (so GET answers "queued" at once) and put it on the export queue."""
    job = ExportJob(id=new_export_id(), filters=filters, created_at=_now())
    store.put_json(ExportKeys(prefix, job.id).request, job.model_dump(mode="json"))
    send(job.model_dump_json())
    return job


def export_status(store: ExportStore, prefix: str, export_id: str) -> ExportState:
    """The export's state: the worker's state object, or "queued" until it has written one."""
    keys = ExportKeys(prefix, export_id)
    try:
        return ExportState.model_validate(store.get_json(keys.state))
    except KeyError:
        pass
    try:
        job = ExportJob.model_validate(store.get_json(keys.request))
    except KeyError:
        raise NotFound("export", export_id) from None
    return ExportState(id=job.id, state="queued", filters=job.filters, created_at=job.created_at)


# How often a running export's state object is rewritten: often enough for a progress
# figure, rarely enough that an export of a million claims writes a few dozen of them.
PROGRESS_EVERY_SECONDS = 15.0


class OutOfTime(ClaimsearchError):
    code = "export_out_of_time"


def run_export(
    job: ExportJob,
    index: SearchIndex,
    store: ExportStore,
    prefix: str,
    time_left_ms: Callable[[], int],
    *,
    margin_ms: int = 60_000,
    scratch: Path | None = None,
) -> ExportState:
    """Write the job's NDJSON, gzipped, to the store, keeping its state object current.

    The lines go to a gzip file on local disk first and are uploaded when complete, so the
    data object appears whole or not at all, and memory holds one page. A failure of the
    export itself (a query the index refuses, the index unavailable, no time left, the
    scratch disk full) ends in state "failed" with the reason: the requester sees why and
    can ask again. An error writing the state object propagates, and the worker's message
    goes back to the queue.
    """
    import tempfile  # the worker's alone: not on the search function's cold start

    keys = ExportKeys(prefix, job.id)
    state = _StateObject(store, keys.state)
    state.save(
        ExportState(
            id=job.id, state="running", filters=job.filters, created_at=job.created_at, started_at=_now()
        )
    )
    try:
        with tempfile.TemporaryDirectory(dir=scratch) as folder:
            path = Path(folder) / "claims.ndjson.gz"
            export = open_export(index, job.filters.to_query())
            state.update(total=export.total)
            last_report = time.monotonic()

            def each_page(written: int) -> None:
                nonlocal last_report
                # Room for the upload and the last state write must remain.
                if time_left_ms() < margin_ms:
                    raise OutOfTime(
                        f"ran out of time after {written} of {export.total} claims; export fewer"
                        " (narrow the filters), or page through GET /claims/export with its cursor"
                    )
                if time.monotonic() - last_report >= PROGRESS_EVERY_SECONDS:
                    state.update(claims=written)
                    last_report = time.monotonic()

            written = write_ndjson_gz(export.lines, path, each_page)
            # A gzip file, not NDJSON with Content-Encoding: gzip, which HTTP clients and
            # browsers would decompress on the fly into a file still named .gz.
            store.upload_file(keys.data, path, "application/gzip")
    except (ClaimsearchError, OSError) as error:  # OSError: scratch disk full (EphemeralStorage)
        logger.warning("export failed: %s", error, extra={"export_id": job.id})
        state.update(state="failed", finished_at=_now(), error=str(error))
        return state.current
    state.update(state="done", claims=written, finished_at=_now())
    return state.current


def write_ndjson_gz(lines: Iterator[ExportLine], path: Path, each_page: Callable[[int], None]) -> int:
    """Write `lines` gzipped to `path`; `each_page(written)` after every MAX_LIMIT lines."""
    import gzip

    written = 0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as out:
        for line in lines:
            out.write(line.text)
            out.write("\n")
            written += 1
            if written % MAX_LIMIT == 0:
                each_page(written)
    return written


class _StateObject:
    """An export's state object: the last state saved, rewritten on each change."""

    def __init__(self, store: ExportStore, key: str) -> None:
        self.store = store
        self.key = key
        self.current: ExportState

    def save(self, state: ExportState) -> None:
        self.store.put_json(self.key, state.model_dump(mode="json"))
        self.current = state

    def update(self, **changes: Any) -> None:
        self.save(self.current.model_copy(update=changes))
