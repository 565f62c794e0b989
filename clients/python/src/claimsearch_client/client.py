"""The HTTP client: one method per route of the claimsearch API."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from claimsearch_client.errors import (
    ClaimsearchConnectionError,
    NotFoundError,
    ResponseShapeError,
    error_for,
)
from claimsearch_client.models import (
    ArticleWithClaims,
    Claim,
    ClaimantProfile,
    ClaimantSummary,
    Cluster,
    CollapseMode,
    CueClass,
    DeleteAccepted,
    ExportJob,
    ExportStatus,
    Health,
    IngestAccepted,
    MatchMode,
    QuoteType,
    SearchPage,
    SortOrder,
)

__all__ = ["DEFAULT_TIMEOUT", "Client", "ExportStream"]

DEFAULT_TIMEOUT = 10.0
NDJSON = "application/x-ndjson"
MAX_PAGE_SIZE = 100  # the API's largest `limit`
# 429: API Gateway's usage plan throttled the key; 503: the index or a dependency did
# not answer. Neither answer means the request was carried out, so both are safe to repeat.
RETRY_STATUSES = frozenset({429, 503})
MAX_RETRY_WAIT = 30.0  # a Retry-After longer than this is the caller's decision, not ours
# Methods repeated after a connection broke mid-request. Not DELETE: it is idempotent
# in effect, but a repeat of one that went through answers 404, a false failure.
REPEATABLE = frozenset({"GET", "HEAD"})

QueryValue = str | int | float | bool | date | None


class _TruncatedStream(Exception):
    """An export body that ended inside a line: a drop the transport did not report."""


class Client:
    """A client of one claimsearch deployment.

    ```python
    with Client("https://api.example.org/prod", api_key="...") as api:
        page = api.search(claimant="Ahn")
    ```

    `api_key` is sent as `x-api-key`, the header API Gateway usage plans read. Answers
    429 and 503 are retried `max_retries` times, waiting `Retry-After` when the API
    sends one and growing back-off otherwise; connection failures are retried for
    GET (and for any method when the connection was never made).
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        backoff: float = 0.5,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        all_headers = {"accept": "application/json", "user-agent": "claimsearch-client-python"}
        all_headers.update(headers or {})
        if api_key:
            all_headers["x-api-key"] = api_key
        # A trailing slash makes httpx append route paths to a stage path
        # (https://host/prod + /claims -> https://host/prod/claims).
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            headers=all_headers,
            timeout=timeout,
            transport=transport,
            # `GET /claimants/{id}` of a surname that joined a person answers 301 to him.
            follow_redirects=True,
        )
        self.max_retries = max(0, max_retries)
        self.backoff = max(0.0, backoff)

    # -- lifecycle ----------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- routes ---------------------------------------------------------------------------

    def health(self) -> Health:
        """`GET /health`: whether the index answers, and how many claims it holds."""
        return Health.from_dict(self._json("GET", "/health"))

    def search(
        self,
        q: str | None = None,
        *,
        match: MatchMode | None = None,
        claimant: str | None = None,
        claimant_id: str | None = None,
        attributed: bool | None = None,
        organization: str | None = None,
        entity: str | None = None,
        publisher: str | None = None,
        cue_class: CueClass | None = None,
        quote_type: QuoteType | None = None,
        published_from: date | str | None = None,
        published_to: date | str | None = None,
        article_id: str | None = None,
        collapse: CollapseMode | None = None,
        sort: SortOrder | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        facets: Sequence[str] | str | None = None,
    ) -> SearchPage:
        """`GET /claims`: one page of claims, ranked by relevance when `q` is given.

        `claimant` takes a name as people write it ("Ahn", "Mr. Trump"); `facets` names
        the facets to count (an empty sequence for none; by default the API counts all
        of them on the first page and none on later ones). `sort` is "relevance" (the
        default), "size" (most reported claims first) or "first_seen" (earliest first
        appearance first). `collapse="cluster"` answers
        one claim per claim cluster (its best-ranked match; `claim.cluster.size` says how
        often it was reported), and `total` then counts clusters. Pass a page's
        `next_cursor` as `cursor`, with the same filters, for the next page.
        """
        params = _filter_params(
            q=q,
            match=match,
            claimant=claimant,
            claimant_id=claimant_id,
            attributed=attributed,
            organization=organization,
            entity=entity,
            publisher=publisher,
            cue_class=cue_class,
            quote_type=quote_type,
            published_from=published_from,
            published_to=published_to,
            article_id=article_id,
            collapse=collapse,
            sort=sort,
        )
        return self._page(params, limit=limit, cursor=cursor, facets=facets)

    def iter_claims(
        self,
        q: str | None = None,
        *,
        match: MatchMode | None = None,
        claimant: str | None = None,
        claimant_id: str | None = None,
        attributed: bool | None = None,
        organization: str | None = None,
        entity: str | None = None,
        publisher: str | None = None,
        cue_class: CueClass | None = None,
        quote_type: QuoteType | None = None,
        published_from: date | str | None = None,
        published_to: date | str | None = None,
        article_id: str | None = None,
        collapse: CollapseMode | None = None,
        sort: SortOrder | None = None,
        page_size: int = MAX_PAGE_SIZE,
    ) -> Iterator[Claim]:
        """Every claim matching the filters, page after page (follows `next_cursor`).

        Pages are fetched as the iterator is consumed; `collapse="cluster"` gives one
        claim per cluster, as in `search`. For a large export, `export()` streams the
        same claims (uncollapsed) in one response.
        """
        params = _filter_params(
            q=q,
            match=match,
            claimant=claimant,
            claimant_id=claimant_id,
            attributed=attributed,
            organization=organization,
            entity=entity,
            publisher=publisher,
            cue_class=cue_class,
            quote_type=quote_type,
            published_from=published_from,
            published_to=published_to,
            article_id=article_id,
            collapse=collapse,
            sort=sort,
        )
        cursor: str | None = None
        while True:
            # No facets: counting them visits every match, and nothing here reads them.
            page = self._page(params, limit=page_size, cursor=cursor, facets=())
            yield from page.claims
            if not page.next_cursor or not page.hits:
                return
            cursor = page.next_cursor

    def export(
        self,
        q: str | None = None,
        *,
        match: MatchMode | None = None,
        claimant: str | None = None,
        claimant_id: str | None = None,
        attributed: bool | None = None,
        organization: str | None = None,
        entity: str | None = None,
        publisher: str | None = None,
        cue_class: CueClass | None = None,
        quote_type: QuoteType | None = None,
        published_from: date | str | None = None,
        published_to: date | str | None = None,
        article_id: str | None = None,
        collapse: CollapseMode | None = None,
        sort: SortOrder | None = None,
        cursor: str | None = None,
        max_resumes: int = 5,
    ) -> ExportStream:
        """`GET /claims/export`: every matching claim, streamed as NDJSON.

        Iterate the result for `Claim`s, fetched as they are consumed. If the connection
        drops mid-stream the export resumes after the last claim received (`max_resumes`
        times in a row without progress at most); a response the API ended early with
        `X-Next-Cursor` (its size limit) is followed the same way. `stream.cursor` is the
        position after the last claim yielded: pass it as `cursor` to resume an export
        later, in another process. `stream.total` is the API's `X-Total-Count` once the
        first response arrived.
        """
        params = _filter_params(
            q=q,
            match=match,
            claimant=claimant,
            claimant_id=claimant_id,
            attributed=attributed,
            organization=organization,
            entity=entity,
            publisher=publisher,
            cue_class=cue_class,
            quote_type=quote_type,
            published_from=published_from,
            published_to=published_to,
            article_id=article_id,
            collapse=collapse,
            sort=sort,
        )
        return ExportStream(self, params, cursor=cursor, max_resumes=max_resumes)

    def start_export(
        self,
        q: str | None = None,
        *,
        match: MatchMode | None = None,
        claimant: str | None = None,
        claimant_id: str | None = None,
        attributed: bool | None = None,
        organization: str | None = None,
        entity: str | None = None,
        publisher: str | None = None,
        cue_class: CueClass | None = None,
        quote_type: QuoteType | None = None,
        published_from: date | str | None = None,
        published_to: date | str | None = None,
        article_id: str | None = None,
        collapse: CollapseMode | None = None,
        sort: SortOrder | None = None,
    ) -> ExportJob:
        """`POST /exports`: export every match to a gzipped NDJSON file in the deployment's bucket.

        For exports too large to stream through API Gateway (AWS answers at most 6 MB per
        response; `export` follows those parts too, so this is for handing a file on).
        Answers 202 at once; `export_status` follows the job. A deployment without a
        bucket for exports (the local stack) answers 503 `exports_unavailable`: a
        `ServiceUnavailableError` at once (no retry mends it).
        """
        body: dict[str, Any] = {}
        for key, value in (
            ("q", q),
            ("match", match),
            ("claimant", claimant),
            ("claimant_id", claimant_id),
            ("attributed", attributed),
            ("organization", organization),
            ("entity", entity),
            ("publisher", publisher),
            ("cue_class", cue_class),
            ("quote_type", quote_type),
            ("published_from", published_from),
            ("published_to", published_to),
            ("article_id", article_id),
            ("collapse", collapse),
            ("sort", sort),
        ):
            if value is not None:
                body[key] = _day(value) if isinstance(value, date) else value
        return ExportJob.from_dict(self._json("POST", "/exports", json_body=body))

    def export_status(self, export_id: str) -> ExportStatus:
        """`GET /exports/{id}`: the job's state; when `done`, `url` fetches the file (presigned)."""
        return ExportStatus.from_dict(self._json("GET", f"/exports/{_segment(export_id)}"))

    def _page(
        self,
        filters: Mapping[str, str],
        *,
        limit: int | None,
        cursor: str | None,
        facets: Sequence[str] | str | None,
    ) -> SearchPage:
        params = {**filters, **_query({"limit": limit, "cursor": cursor})}
        if facets is not None:
            params["facets"] = _facets(facets)
        return SearchPage.from_dict(self._json("GET", "/claims", params=params))

    def claim(self, claim_id: str) -> Claim:
        """`GET /claims/{id}`. Raises `NotFoundError` for an unknown id. An id that an edit or a
        re-extraction of its article replaced gives the claim that took its place (the API's
        301 is followed): its `id` is the new one, and its `replaces` holds `claim_id`."""
        return Claim.from_dict(self._json("GET", f"/claims/{_segment(claim_id)}"))

    def claimants(self, q: str, *, limit: int | None = None) -> list[ClaimantSummary]:
        """`GET /claimants?q=`: identities as a user types (each word starts a word of an alias)."""
        body = self._json("GET", "/claimants", params=_query({"q": q, "limit": limit}))
        found = body.get("claimants") if isinstance(body, Mapping) else None
        if not isinstance(found, list):
            raise ResponseShapeError("claimants: expected a list")
        return [ClaimantSummary.from_dict(c, f"claimants[{i}]") for i, c in enumerate(found)]

    def claimant(self, claimant_id: str) -> ClaimantProfile:
        """`GET /claimants/{id}`: aliases, roles, organisations, claims per month, entities.

        An id whose claims joined another identity (a surname alone, once an article named
        the person in full) gives that identity: the API's 301 is followed."""
        return ClaimantProfile.from_dict(self._json("GET", f"/claimants/{_segment(claimant_id)}"))

    def cluster(self, cluster_id: str) -> Cluster:
        """`GET /clusters/{id}` (a claim's `cluster.id`): one claim across articles.

        Its claimant, a representative wording, every report in order of appearance and
        reports per day. Raises `NotFoundError` for an unknown id.
        """
        return Cluster.from_dict(self._json("GET", f"/clusters/{_segment(cluster_id)}"))

    def article(self, article_id: str) -> ArticleWithClaims:
        """`GET /articles/{id}`: the article's text, which every span points into, and its claims."""
        return ArticleWithClaims.from_dict(self._json("GET", f"/articles/{_segment(article_id)}"))

    def post_article(
        self,
        text: str,
        *,
        title: str | None = None,
        publisher: str | None = None,
        url: str | None = None,
        published_at: date | str | None = None,
        byline: str | None = None,
    ) -> IngestAccepted:
        """`POST /articles`: queue an article for extraction (JSON body); answers 202 at once.

        The claims are searchable a few seconds later; `wait_for_article` polls for them.
        Posting the same body twice gives the same article id.
        """
        body: dict[str, str] = {"text": text}
        for key, value in (
            ("title", title),
            ("publisher", publisher),
            ("url", url),
            ("published_at", published_at),
            ("byline", byline),
        ):
            if value is not None:
                body[key] = _day(value) if isinstance(value, date) else value
        return IngestAccepted.from_dict(self._json("POST", "/articles", json_body=body))

    def wait_for_article(
        self, article_id: str, *, timeout: float = 60.0, interval: float = 0.5
    ) -> ArticleWithClaims:
        """Poll `GET /articles/{id}` until the article is served (after `post_article`).

        Raises `TimeoutError` if it is not there within `timeout` seconds (a rejected
        document never appears: the ingest path records why, server side).
        """
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.article(article_id)
            except NotFoundError:
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"article {article_id} not served after {timeout:g} s") from None
                time.sleep(interval)

    def delete_article(self, article_id: str) -> DeleteAccepted:
        """`DELETE /articles/{id}`: 202; the claims leave the index within seconds.

        Raises `ConflictError` for articles that did not come through the inbox.
        """
        return DeleteAccepted.from_dict(self._json("DELETE", f"/articles/{_segment(article_id)}"))

    # -- transport ------------------------------------------------------------------------

    def _json(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
    ) -> Any:
        response = self._send(method, path, params=params, json_body=json_body)
        return _decode(response)

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        stream: bool = False,
        accept: str | None = None,
    ) -> httpx.Response:
        """Send with the retries the class docstring describes; raise the API's errors.

        With `stream=True` the caller owns (and must close) the response it gets.
        """
        request = self._http.build_request(
            method,
            path.lstrip("/"),
            params=dict(params or {}),
            json=json_body,
            headers={"accept": accept} if accept else None,
        )
        attempt = 0
        while True:
            try:
                response = self._http.send(request, stream=stream)
            except httpx.TransportError as exc:
                # A request that never reached the server can always be repeated; one that
                # broke afterwards only if repeating it changes nothing.
                repeatable = method in REPEATABLE or isinstance(exc, httpx.ConnectError)
                if repeatable and attempt < self.max_retries:
                    self._pause(attempt, None)
                    attempt += 1
                    continue
                raise ClaimsearchConnectionError(f"{method} {request.url}: {exc}") from exc
            retry = response.status_code in RETRY_STATUSES and attempt < self.max_retries
            if retry and not _lasting(response):
                response.close()
                self._pause(attempt, response.headers.get("retry-after"))
                attempt += 1
                continue
            if response.is_error:
                try:
                    response.read()
                finally:
                    response.close()
                raise _error(response)
            return response

    def _pause(self, attempt: int, retry_after: str | None) -> None:
        wait = _retry_after_seconds(retry_after)
        if wait is None:
            # Exponential back-off with jitter, so clients throttled together do not
            # come back together.
            wait = self.backoff * (2**attempt) * (0.5 + random.random() / 2)
        _sleep(min(wait, MAX_RETRY_WAIT))


class ExportStream:
    """The claims of one export, in order; iterate it once.

    `cursor` is the position after the last claim yielded (None before the first),
    `received` how many claims it yielded, `total` the `X-Total-Count` the first
    response announced, `relaxed` whether it said `X-Relaxed` (best match found no claim
    holding enough of the words; these are the claims holding any of them), `resumes` how
    often a dropped connection was resumed, and `continued` how often it followed
    `X-Next-Cursor` (in AWS the API splits a large export into responses of a few MB, each
    naming where the next one starts).
    """

    def __init__(
        self, client: Client, params: Mapping[str, str], *, cursor: str | None, max_resumes: int
    ) -> None:
        self._client = client
        self._params = dict(params)
        self.cursor = cursor
        self.max_resumes = max(0, max_resumes)
        self.total: int | None = None
        self.relaxed = False
        self.received = 0
        self.resumes = 0
        self.continued = 0
        self._started = False

    def __iter__(self) -> Iterator[Claim]:
        if self._started:
            raise RuntimeError("an ExportStream is iterated once; call export(cursor=...) to resume")
        self._started = True
        return self._claims()

    def _claims(self) -> Iterator[Claim]:
        failures = 0  # drops in a row without a claim received in between
        while True:
            params = dict(self._params)
            if self.cursor:
                params["cursor"] = self.cursor
            try:
                response = self._client._send(
                    "GET", "/claims/export", params=params, stream=True, accept=NDJSON
                )
                sent = self.cursor
                try:
                    if self.total is None and response.headers.get("x-total-count", "").isdigit():
                        self.total = int(response.headers["x-total-count"])
                    if response.headers.get("x-relaxed") == "true":
                        self.relaxed = True
                    for line in _complete_lines(response):
                        cursor, claim = _export_item(line)
                        # The cursor moves before the claim is handed over: a consumer
                        # that stops here and resumes later must not get it twice.
                        self.cursor = cursor
                        self.received += 1
                        failures = 0
                        yield claim
                finally:
                    response.close()
                # In AWS one response carries at most what a Lambda may return (6 MB);
                # X-Next-Cursor says the export goes on from there. Without it, it is whole.
                next_cursor = response.headers.get("x-next-cursor")
                if not next_cursor:
                    return
                if next_cursor == sent:
                    raise ResponseShapeError(f"export: X-Next-Cursor {next_cursor!r} makes no progress")
                self.cursor = next_cursor
                self.continued += 1
            except (httpx.TransportError, _TruncatedStream, ClaimsearchConnectionError) as exc:
                failures += 1
                if failures > self.max_resumes:
                    raise ClaimsearchConnectionError(
                        f"export broke after {self.received} claims and {failures - 1} resumes"
                        f" ({exc}); export(cursor={self.cursor!r}) continues from the last claim received"
                    ) from exc
                self.resumes += 1
                self._client._pause(failures - 1, None)


def _complete_lines(response: httpx.Response) -> Iterator[bytes]:
    """The body's lines, each only once its newline arrived.

    A drop can end the body inside a line; when the transport reports it httpx raises,
    and when it cannot (a body framed by closing the connection) the unfinished line
    is caught here: the last line may lack its newline only if it parses whole.
    """
    pending = b""
    for chunk in response.iter_bytes():
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            if line.strip():
                yield line
    if pending.strip():
        try:
            json.loads(pending)
        except ValueError:
            raise _TruncatedStream(f"the body ended inside a line ({len(pending)} bytes)") from None
        yield pending


def _export_item(line: bytes) -> tuple[str, Claim]:
    try:
        item = json.loads(line)
    except ValueError as exc:
        raise ResponseShapeError(f"export: a line is not JSON: {line[:200]!r}") from exc
    if isinstance(item, Mapping) and "error" in item and "claim" not in item:
        # The server may report a failure after the 200 went out, in the body.
        raise error_for(500, item)
    if not isinstance(item, Mapping) or not isinstance(item.get("cursor"), str):
        raise ResponseShapeError(f"export: expected {{cursor, claim}}, got {line[:200]!r}")
    return item["cursor"], Claim.from_dict(item.get("claim"), "export.claim")


def _error(response: httpx.Response) -> Exception:
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    return error_for(response.status_code, body, dict(response.headers), response.text)


def _decode(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise ResponseShapeError(
            f"{response.request.method} {response.request.url}: answer is not JSON"
            f" ({response.headers.get('content-type', 'no content type')})"
        ) from exc


# 503s that no retry mends: the deployment has no bucket for exports (the local stack).
LASTING_CODES = frozenset({"exports_unavailable"})


def _lasting(response: httpx.Response) -> bool:
    """Whether an answer's error code says a retry would get the same answer."""
    if response.status_code != 503:
        return False
    try:
        response.read()
        code = response.json().get("error", {}).get("code")
    except (ValueError, AttributeError, httpx.StreamError):
        return False
    return code in LASTING_CODES


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:  # the HTTP-date form
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(when.tzinfo)).total_seconds())


def _sleep(seconds: float) -> None:
    # One place to wait, so tests can make retries instant.
    time.sleep(seconds)


def _segment(identifier: str) -> str:
    # Ids are opaque: quote everything, so an id can never reach another route.
    return quote(identifier, safe="")


def _query(values: Mapping[str, QueryValue]) -> dict[str, str]:
    params = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool):
            params[key] = "true" if value else "false"
        elif isinstance(value, date):
            params[key] = _day(value)
        else:
            params[key] = str(value)
    return params


def _day(value: date) -> str:
    """A date as the API takes it, YYYY-MM-DD; a datetime (a date too) by its day, not its time."""
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def _filter_params(**filters: QueryValue) -> dict[str, str]:
    return _query(filters)


def _facets(facets: Sequence[str] | str) -> str:
    if isinstance(facets, str):
        return facets
    # "none", not "": an empty query value may be dropped on the way to the API.
    return ",".join(facets) or "none"
