"""Re-extract the archive: every article another extractor made, made again by this one.

An improved extractor reaches new articles at once, and the archive only when its
articles are extracted again: `reindex` files and indexes the claims the archive holds,
as they were made. `reextract_archive` walks the archive, and each article whose claims
another extractor version made (`ExtractedArticle.extractor_version`) goes through
`IngestService.reextract`: extracted from its archived text, archived and indexed in
place of its old claims, one article at a time, while the index keeps serving.

A run stopped anywhere (an index outage, a timeout, Ctrl-C) is resumed by running it
again: articles already made by this extractor are passed over. An article whose
extraction fails is reported and left as it was; the others go on.

On AWS the work fans out to the ingest function instead (`enqueue_reextraction`): one
message on the ingest queue per article to re-extract (`reextract_message`), which the
function takes as it takes an upload (`reextract_requested`), with its retries, its
dead-letter queue and its concurrency.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field

from claimsearch.errors import ClaimsearchError, ExtractionFailed
from claimsearch.ingest import IngestService
from claimsearch.leases import ArticleBusy
from claimsearch.model import ExtractedArticle


@dataclass
class ReextractReport:
    """What a run did, article by article: JSON-ready (`as_dict`)."""

    version: str  # the extractor the archive was brought to
    articles: int = 0  # live articles read
    reextracted: int = 0
    current: int = 0  # made by this extractor already
    stale: int = 0  # edited, deleted or being written while extracted: the next run takes them up
    claims_before: int = 0  # of the articles re-extracted
    claims_after: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)  # article id, source, reason
    # Articles by the version that made them, before the run.
    versions: dict[str, int] = field(default_factory=dict)
    stopped: str | None = None  # the transient failure that stopped the run: run it again
    enqueued: int = 0  # requests sent to the ingest queue (`enqueue_reextraction`)

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "versions": dict(sorted(self.versions.items()))}

    def read(self, entry: ExtractedArticle) -> bool:
        """Count an archived article; whether the archive says this extractor made it."""
        self.articles += 1
        made_by = entry.extractor_version or "unknown"
        self.versions[made_by] = self.versions.get(made_by, 0) + 1
        return entry.extractor_version == self.version


def reextract_archive(
    service: IngestService,
    archived: Iterable[ExtractedArticle],
    dry_run: bool = False,
    progress: Callable[[ExtractedArticle], None] | None = None,
) -> ReextractReport:
    """Bring every article of `archived` (the service's archive, read once) to the service's
    extractor; `dry_run`: count what would be re-extracted, change nothing. `progress` is
    called after each article. A transient failure (the index, the archive or the model;
    any `ClaimsearchError` but `ExtractionFailed`) stops the run and says so in `stopped`:
    what is done stays done, and the next run goes on from there."""
    report = ReextractReport(service.extract.version)
    for entry in archived:
        made_here = report.read(entry)
        if dry_run:
            report.current += made_here
        else:
            try:
                _one(service, entry, report)
            except ClaimsearchError as error:
                report.stopped = f"{entry.article.id} ({entry.article.source_key}): {error}"
                break
        if progress is not None:
            progress(entry)
    return report


def _one(service: IngestService, entry: ExtractedArticle, report: ReextractReport) -> None:
    try:
        result = service.reextract(entry)
    except ArticleBusy:
        # Being written by an ingest or a delete this moment: as an edit made while it was
        # extracted, the next run takes it up; the run goes on with the rest.
        report.stale += 1
        return
    except ExtractionFailed as error:
        source = entry.article.source_key or ""
        report.failed.append({"article_id": entry.article.id, "source": source, "reason": error.reason})
        return
    if result.action == "unchanged":
        report.current += 1
    elif result.action == "stale":
        report.stale += 1
    else:
        report.reextracted += 1
        report.claims_before += len(entry.claims)
        report.claims_after += result.claims


def reextract_message(article_id: str) -> str:
    """The body of an ingest-queue message asking for one article's re-extraction."""
    return json.dumps({"reextract": article_id})


def reextract_requested(message_body: str) -> str | None:
    """The article id a message asks to re-extract; None for any other message (an S3
    notification, or something unreadable, which `s3_events` judges)."""
    try:
        body = json.loads(message_body)
    except json.JSONDecodeError:
        return None
    article_id = body.get("reextract") if isinstance(body, dict) else None
    return article_id if isinstance(article_id, str) and article_id else None


def enqueue_reextraction(
    version: str,
    archived: Iterable[ExtractedArticle],
    send_all: Callable[[Iterable[str]], int],
    progress: Callable[[ExtractedArticle], None] | None = None,
) -> ReextractReport:
    """Ask the ingest function to re-extract every article of `archived` that another
    extractor than `version` made: one message each, through `send_all`
    (`storage.sqs.SqsQueue.send_all`). The function checks again before it extracts, so
    an article already current there (a deployed version other than `version`) costs one
    read. Sending is the whole run: the report counts what was sent, not what is done."""
    report = ReextractReport(version)

    def wanted() -> Iterator[str]:
        for entry in archived:
            if report.read(entry):
                report.current += 1
            else:
                yield reextract_message(entry.article.id)
            if progress is not None:
                progress(entry)

    report.enqueued = send_all(wanted())
    return report
