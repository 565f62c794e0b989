"""The `claimsearch` command line: extract, ingest, search, serve, reindex, reextract, eval."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from claimsearch.documents import SUPPORTED_SUFFIXES
from claimsearch.errors import ClaimsearchError, DependencyFailed, DocumentError, InvalidQuery, NotFound
from claimsearch.index.port import DEFAULT_LIMIT, MAX_LIMIT, MAX_SUGGESTIONS, SORT_ORDERS, SearchQuery
from claimsearch.index.text_query import MATCH_DESCRIPTION, MATCH_MODES
from claimsearch.model import CUE_CLASSES, QUOTE_TYPES

PROGRESS_THRESHOLD = 5  # files; fewer finish before a progress bar would help


def _add_order(command: argparse.ArgumentParser) -> None:
    """--sort and --collapse, as GET /claims and GET /claims/export take them."""
    command.add_argument(
        "--sort",
        choices=SORT_ORDERS,
        default="relevance",
        help="size: most reported claims first; first_seen: earliest first appearance first",
    )
    command.add_argument(
        "--collapse",
        action="store_true",
        help="one claim per cluster (the same claim reported by several articles shows once)",
    )


def _between(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`, as the API bounds the same
    parameter; out of range, an error naming the option (exit 2), not a silent clamp."""

    def number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high}")
        return value

    return number


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
        sys.stdout.flush()  # here, where a closed pipe is caught, not at the interpreter's exit
        return code
    except ClaimsearchError as error:
        print(f"claimsearch: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # `claimsearch search ... | head`: the reader has all it wants. Point stdout at
        # nothing so that the interpreter's last flush does not fail a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="claimsearch", description="Who claimed what, in the news.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    extract = commands.add_parser("extract", help="print the claims of files as JSON")
    extract.add_argument("files", nargs="+", metavar="FILE")
    extract.add_argument("--jsonl", action="store_true", help="one JSON object per line")
    extract.set_defaults(run=_extract)

    ingest = commands.add_parser("ingest", help="parse, extract, archive and index files")
    ingest.add_argument("paths", nargs="+", metavar="PATH", help="files, or folders to walk")
    ingest.set_defaults(run=_ingest)

    delete = commands.add_parser("delete", help="take articles down: their claims leave the index")
    delete.add_argument("article_ids", nargs="+", metavar="ARTICLE_ID")
    delete.set_defaults(run=_delete)

    rejected = commands.add_parser("rejected", help="the files refused, each with why (one JSON line each)")
    rejected.set_defaults(run=_rejected)

    search = commands.add_parser("search", help="search the configured index")
    _add_filters(search)
    search.add_argument(
        "--limit", type=_between(1, MAX_LIMIT), default=DEFAULT_LIMIT, help=f"hits a page (1-{MAX_LIMIT})"
    )
    search.add_argument("--cursor", help="the next page: the cursor the last page printed")
    search.add_argument(
        "--facets",
        metavar="NAMES",
        help="facets to count, comma separated, or none (default: all; --json shows them)",
    )
    _add_order(search)
    search.add_argument("--json", action="store_true", help="print the answer as GET /claims gives it")
    search.set_defaults(run=_search)

    cluster = commands.add_parser("cluster", help="a claim cluster: every report of one claim, oldest first")
    cluster.add_argument(
        "cluster_id", metavar="CLUSTER_ID", help="a claim's cluster id (search --json shows it)"
    )
    cluster.add_argument("--json", action="store_true", help="print it as GET /clusters/{id} does")
    cluster.set_defaults(run=_cluster)

    export = commands.add_parser(
        "export",
        help="every claim a search matches, as NDJSON on stdout (the lines of GET /claims/export)",
    )
    _add_filters(export)
    _add_order(export)
    export.add_argument("--cursor", help="resume after the line with this cursor (an interrupted export)")
    export.set_defaults(run=_export)

    claimants = commands.add_parser("claimants", help="find claimant identities by name, as you type")
    claimants.add_argument("query", help='a name or its start: "ahn", "donald tr"')
    claimants.add_argument(
        "--limit",
        type=_between(1, MAX_SUGGESTIONS),
        default=MAX_SUGGESTIONS,
        help=f"identities to suggest (1-{MAX_SUGGESTIONS})",
    )
    claimants.add_argument(
        "--json", action="store_true", help="print the identities as GET /claimants lists them"
    )
    claimants.set_defaults(run=_claimants)

    serve = commands.add_parser("serve", help="run the local stack: HTTP API + inbox watcher")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=int(os.environ.get("CLAIMSEARCH_PORT", "8080")))
    serve.add_argument(
        "--inbox",
        type=Path,
        default=Path("inbox"),
        help="the folder watched for articles (default: ./inbox); the first serve of a data folder"
        " records it, and a later one with another folder is refused",
    )
    serve.add_argument(
        "--adopt-inbox",
        action="store_true",
        help="make --inbox this data folder's inbox though another was recorded: the articles"
        " whose files are not in it are taken down",
    )
    serve.set_defaults(run=_serve)

    reindex = commands.add_parser("reindex", help="rebuild the index from the archive")
    reindex.set_defaults(run=_reindex)

    reextract = commands.add_parser(
        "reextract", help="extract archived articles again where another extractor version made their claims"
    )
    reextract.add_argument(
        "--dry-run", action="store_true", help="count articles by the version that made them; change nothing"
    )
    reextract.add_argument(
        "--queue",
        metavar="URL",
        help="the ingest queue (the AWS stack's IngestQueueUrl): send the ingest function one request"
        " per article to re-extract, instead of extracting here",
    )
    reextract.set_defaults(run=_reextract)

    evaluate = commands.add_parser("eval", help="score extraction on a PolNeAR-layout corpus")
    evaluate.add_argument("corpus", type=Path, metavar="DIR")
    evaluate.add_argument("--predictions", type=Path, help="also write predictions JSONL here")
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON")
    evaluate.add_argument(
        "--artifacts",
        type=Path,
        help="another trained model's folder than the packaged one (repairs as shipped)",
    )
    evaluate.add_argument(
        "--holdout",
        type=float,
        metavar="FRACTION",
        help="only the held-out slice of train (training/train_attribution.py --holdout-fraction)",
    )
    evaluate.set_defaults(run=_eval)
    return parser


def _add_filters(command: argparse.ArgumentParser) -> None:
    """The filters of `search` and `export` (GET /claims' parameters)."""
    command.add_argument("query", nargs="?", default=None)
    for name in ("claimant", "organization", "entity", "publisher", "article-id"):
        command.add_argument(f"--{name}")
    command.add_argument("--claimant-id", help="a claimant identity's id")
    command.add_argument(
        "--attributed", choices=("yes", "no"), help="no: only claims with no source; yes: only with one"
    )
    command.add_argument("--match", choices=MATCH_MODES, default="best", help=MATCH_DESCRIPTION)
    command.add_argument("--cue-class", choices=CUE_CLASSES)
    command.add_argument("--quote-type", choices=QUOTE_TYPES)
    command.add_argument("--from", dest="published_from", metavar="YYYY-MM-DD", type=_iso_date)
    command.add_argument("--to", dest="published_to", metavar="YYYY-MM-DD", type=_iso_date)


def _iso_date(value: str) -> str:
    """A --from / --to date, as GET /claims takes it: a calendar date, YYYY-MM-DD."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value).isoformat()
    except ValueError:  # 2024-13-45: the form, not a day
        pass
    raise argparse.ArgumentTypeError(f"{value!r} is not a date of the form YYYY-MM-DD")


# -- extract -------------------------------------------------------------------------------


def _extract(args: argparse.Namespace) -> int:
    from claimsearch import wiring
    from claimsearch.documents import parse_document

    extract_claims = wiring.make_extractor()
    failed = 0
    for name in args.files:
        path, shown = Path(name), _shown(name)
        try:
            article = parse_document(_read(path), _shown(path.name), limits=wiring.document_limits())
        except DocumentError as error:
            print(f"claimsearch: {shown}: {error.reason}", file=sys.stderr)
            failed += 1
            continue
        article = replace(article, source_key=shown)
        claims = extract_claims(article)
        record = {
            "source": shown,
            "article": article.to_dict(),
            "claims": [c.to_dict() for c in claims],
        }
        print(json.dumps(record, ensure_ascii=False, indent=None if args.jsonl else 2), flush=True)
    return 1 if failed else 0


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(str(path), f"cannot read: {exc.strerror}") from exc


def _shown(path: Path | str) -> str:
    """A path as text that can be printed and stored: a name that is not UTF-8 (bytes a
    file system allows) keeps its odd bytes as backslash escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


# -- ingest --------------------------------------------------------------------------------


def _files(paths: Sequence[str]) -> Iterator[Path]:
    for name in paths:
        path = Path(name)
        if path.is_dir():
            # Hidden files and folders (.git, an editor's swap files) are not articles;
            # the inbox skips them too.
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            yield path


def _ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from claimsearch import wiring
    from claimsearch.ingest import IngestService

    files = list(_files(args.paths))
    service = IngestService(
        wiring.index(), wiring.make_archive(), wiring.make_extractor(), wiring.document_limits()
    )
    ingested = claims = unchanged = 0
    rejected: list[tuple[str, str]] = []
    failed: list[tuple[str, str]] = []
    bar = tqdm(files, unit="file", disable=len(files) < PROGRESS_THRESHOLD, file=sys.stderr)
    for path in bar:
        name = _shown(path)
        # A local file's source is its absolute path: ingesting it again after an
        # edit updates its article, from whichever folder the command runs.
        key = _shown(path.resolve())
        try:
            service.check_size(key, _size(path))  # before reading: a huge file stays on disk
            result = service.ingest_bytes(_read(path), key)
        except DocumentError as error:
            rejected.append((name, error.reason))
            continue
        except DependencyFailed as error:  # not the file's fault: the next one may go through
            failed.append((name, str(error)))
            continue
        ingested += 1
        claims += result.claims
        unchanged += result.action == "unchanged"
        if len(files) < PROGRESS_THRESHOLD:
            if result.action == "unchanged":
                print(f"{name}: article {result.article_id}, unchanged since it was ingested")
            else:
                print(f"{name}: article {result.article_id}, {result.claims} claims")
    # An unchanged file adds no claims (it has them already): said, so that "0 claims" is
    # not read as a file in which none were found.
    same = f" ({unchanged} unchanged since ingested)" if unchanged else ""
    failures = f"; failed {len(failed)} (try them again)" if failed else ""
    print(f"ingested {ingested} file(s), {claims} claims{same}; rejected {len(rejected)}{failures}")
    for name, reason in rejected:
        print(f"  rejected {name}: {reason}", file=sys.stderr)
    for name, reason in failed:
        print(f"  failed {name}: {reason}", file=sys.stderr)
    # Any file not ingested makes the exit status 1, so that a script notices a partial batch.
    return 1 if rejected or failed else 0


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as exc:
        raise DocumentError(str(path), f"cannot read: {exc.strerror}") from exc


def _delete(args: argparse.Namespace) -> int:
    from claimsearch import wiring
    from claimsearch.config import settings
    from claimsearch.ingest import IngestService
    from claimsearch.local.inbox_record import recorded_inbox

    service = IngestService(
        wiring.index(), wiring.make_archive(), wiring.make_extractor(), wiring.document_limits()
    )
    inbox = recorded_inbox(settings().data_dir)
    missing = 0
    for article_id in args.article_ids:
        source = service.archive.source(article_id)
        try:
            result = service.delete(article_id)
        except NotFound as error:  # one id mistyped: the others are still taken down
            print(f"claimsearch: {error}", file=sys.stderr)
            missing += 1
            continue
        print(f"{article_id}: deleted ({result.claims} claims removed; source {result.source_key})")
        if source is not None and source.bucket == wiring.LOCAL_INBOX_BUCKET:
            # As DELETE /articles/{id} does: a file left in the inbox would be ingested
            # again at the next `serve`, and the article come back.
            print(f"  {_remove_from_inbox(inbox, source.key)}")
    return 1 if missing else 0


def _remove_from_inbox(inbox: Path | None, key: str) -> str:
    """Remove an inbox article's file from the recorded inbox folder; what was done, said."""
    if inbox is None:
        return f"its file {key} may still be in the inbox folder: remove it, or serve ingests it again"
    path = (inbox / key).resolve()
    if not path.is_relative_to(inbox) or not path.is_file():
        return f"its file is no longer in the inbox ({inbox})"
    path.unlink()
    return f"removed {path} from the inbox"


def _rejected(args: argparse.Namespace) -> int:
    """The archive's rejection records: a refused file's key, the error's code and reason, and
    when. A later good version of the file clears its record."""
    from claimsearch import wiring

    for record in wiring.make_archive().rejections():
        print(json.dumps(record, ensure_ascii=False))
    return 0


# -- search --------------------------------------------------------------------------------


def _query(args: argparse.Namespace, **paging: Any) -> SearchQuery:
    if args.published_from and args.published_to and args.published_from > args.published_to:
        raise InvalidQuery("--from", "must not be after --to")
    return SearchQuery(
        text=args.query,
        match=args.match,
        claimant=args.claimant,
        claimant_id=args.claimant_id,
        attributed=None if args.attributed is None else args.attributed == "yes",
        organization=args.organization,
        entity=args.entity,
        publisher=args.publisher,
        cue_class=args.cue_class,
        quote_type=args.quote_type,
        published_from=args.published_from,
        published_to=args.published_to,
        article_id=args.article_id,
        **paging,
    )


def _search(args: argparse.Namespace) -> int:
    from claimsearch import wiring
    from claimsearch.api.cursor import decode_cursor, encode_cursor

    query = _query(
        args,
        limit=args.limit,
        facets=True if args.facets is None else SearchQuery.parse_facets(args.facets),
        collapse="cluster" if args.collapse else None,
        sort=args.sort,
    )
    if args.cursor:
        query = replace(query, after=decode_cursor(query, args.cursor))
    index = wiring.index()
    if args.json:
        # GET /claims's answer to the same search, in its shape: one jq filter reads both.
        from claimsearch.api.app import search_response

        print(search_response(index, query).model_dump_json(indent=2, by_alias=True))
        return 0
    result = index.search(query)
    clusters = index.cluster_summaries(h.claim.cluster_id for h in result.hits if h.claim.cluster_id)
    # As GET /claims pages: the same cursor, valid for the same search.
    next_cursor = encode_cursor(query, result.next_after) if result.next_after else None
    print(f"{result.total} {'cluster' if args.collapse else 'claim'}(s)")
    if result.relaxed:
        print("(no claim holds most of the words: claims holding any of them, best first)")
    if result.claimant_suggestions:
        near = ", ".join(f"{i.name} ({i.claims}, --claimant-id {i.id})" for i in result.claimant_suggestions)
        print(f"(no claimant goes by {args.claimant!r}; did you mean {near}?)")
    for hit in result.hits:
        claim = hit.claim
        who = claim.claimant.name or claim.claimant.mention or "(unattributed)"
        print(f"- {who} [{claim.cue.text}] {claim.content.text[:160]}")
        print(f"  {claim.id} score={hit.score:.3f} {claim.content.quote_type}")
        summary = clusters.get(claim.cluster_id or "")
        if summary is not None and summary.size > 1:
            print(
                f"  reported {summary.size} times, first {summary.first_seen or '(undated)'}"
                f" in {summary.first_article_id}: claimsearch cluster {summary.id}"
            )
    if next_cursor:
        print(f"(more: the same search with --cursor {next_cursor})")
    return 0


def _cluster(args: argparse.Namespace) -> int:
    # The route itself, so the CLI shows what GET /clusters/{id} answers.
    from claimsearch.api.app import get_cluster
    from claimsearch.errors import NotFound

    try:
        cluster = get_cluster(args.cluster_id)
    except NotFound:
        print(f"claimsearch: no cluster {args.cluster_id!r} in the index", file=sys.stderr)
        return 1
    if args.json:
        print(cluster.model_dump_json(indent=2, by_alias=True))
        return 0
    who = cluster.claimant.name if cluster.claimant else "(no claimant identity)"
    print(f"{who}: {cluster.representative}")
    first = cluster.first_seen or "(undated)"
    print(f"{cluster.size} report(s), first seen {first} in {cluster.first_article_id}")
    for member in cluster.members:
        day = (member.published_at or "")[:10] or "(undated)"
        print(f"- {day} {member.publisher or '(no publisher)'} {member.article_id} [{member.cue.text}]")
        print(f"  {member.content.text[:160]}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from claimsearch import wiring
    from claimsearch.api.export_jobs import open_export

    query = _query(args, collapse="cluster" if args.collapse else None, sort=args.sort)
    export = open_export(wiring.index(), query, args.cursor)
    # On stderr, and only on a terminal: stdout is the data, and a log file wants no bar.
    bar = tqdm(total=export.total, unit="claim", file=sys.stderr, disable=None)
    written = 0
    try:
        for line in export.lines:
            sys.stdout.write(line.text)
            sys.stdout.write("\n")
            written += 1
            bar.update()
        sys.stdout.flush()
    except BrokenPipeError:  # `claimsearch export | head`: the reader has all it wants
        sys.stderr.close()
        return 0
    finally:
        bar.close()
    print(f"exported {written} claim(s) of {export.total}", file=sys.stderr)
    return 0


def _claimants(args: argparse.Namespace) -> int:
    from claimsearch import wiring

    found = wiring.index().suggest_claimants(args.query, args.limit)
    if args.json:
        # As GET /claimants lists them.
        from claimsearch.api.app import claimant_summary

        print(json.dumps([claimant_summary(i).model_dump() for i in found], ensure_ascii=False, indent=2))
        return 0
    if not found:
        print(f"no claimant matches {args.query!r}")
    for identity in found:
        others = [a for a in identity.aliases if a != identity.name]
        print(f"{identity.name} ({identity.type}, {identity.claims} claims)  id={identity.id}")
        if others:
            print(f"  also: {'; '.join(others[:8])}")
    return 0


# -- serve ---------------------------------------------------------------------------------


def _serve(args: argparse.Namespace) -> int:
    from claimsearch import wiring
    from claimsearch.config import settings
    from claimsearch.local.handlers import load_handler
    from claimsearch.local.inbox import InboxWatcher
    from claimsearch.local.inbox_record import claim_inbox
    from claimsearch.local.server import make_server

    inbox = args.inbox.resolve()
    claim_inbox(settings().data_dir, inbox, adopt=args.adopt_inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    bucket = wiring.LOCAL_INBOX_BUCKET
    # The inbox folder stands in for the bucket; POST /articles drops files into it.
    os.environ["CLAIMSEARCH_LOCAL_BUCKETS"] = f"{bucket}={inbox}"
    os.environ["CLAIMSEARCH_INBOX_BUCKET"] = bucket
    os.environ["CLAIMSEARCH_INBOX_PREFIX"] = ""
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "claimsearch-local")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    config = settings()
    search_handler = load_handler("search")
    ingest_handler = load_handler("ingest")
    watcher = InboxWatcher(
        inbox,
        bucket,
        ingest_handler,
        report=lambda m: print(m, flush=True),
        rejected_dir=config.data_dir / config.rejected_prefix.rstrip("/"),
        indexed=lambda: (state.key for state in wiring.make_archive().live_sources(bucket)),
    )
    # The port first: a serve that cannot bind it ends before its watcher's first pass.
    try:
        server = make_server(args.host, args.port, search_handler, config.max_request_bytes)
    except OSError as error:
        print(
            f"claimsearch: cannot serve on {args.host}:{args.port}: {error.strerror or error};"
            " pass another --port, or stop what holds this one",
            file=sys.stderr,
        )
        return 1
    watcher.start()
    base = f"http://{args.host}:{args.port}"
    print(f"claimsearch is serving {config.index_backend} index at {base}", flush=True)
    print(f"  search page: {base}/", flush=True)
    print(f"  drop .txt, .html or .json articles into {inbox} to ingest them", flush=True)
    print("  try:", flush=True)
    for path in (
        "/health",
        "/claims?q=forced%20labour",
        "/claims?claimant=Ahn",
        "/claimants?q=ah",
        "/openapi.json",
    ):
        print(f"    curl '{base}{path}'", flush=True)
    try:
        server.serve_forever()
    finally:
        watcher.stop()
        server.server_close()
    return 0


# -- reindex, eval -------------------------------------------------------------------------


def _reindex(args: argparse.Namespace) -> int:
    from claimsearch import wiring
    from claimsearch.reindex import rebuild_index

    report = rebuild_index(wiring.make_index(), wiring.make_archive())
    print(json.dumps(report))
    return 0


def _reextract(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from claimsearch import wiring
    from claimsearch.ingest import IngestService
    from claimsearch.reextract import enqueue_reextraction, reextract_archive

    archive = wiring.make_archive()
    extractor = wiring.make_extractor()
    with tqdm(total=archive.count(), unit="article", file=sys.stderr, disable=None) as bar:
        if args.queue and not args.dry_run:
            from claimsearch.storage.sqs import SqsQueue

            queue = SqsQueue(args.queue)
            report = enqueue_reextraction(extractor.version, archive, queue.send_all, lambda _: bar.update())
        else:
            service = IngestService(wiring.index(), archive, extractor, wiring.document_limits())
            report = reextract_archive(service, archive, args.dry_run, lambda _: bar.update())
    print(json.dumps(report.as_dict()))
    for failure in report.failed:
        where = f"{failure['article_id']} ({failure['source']})"
        print(f"  not re-extracted {where}: {failure['reason']}", file=sys.stderr)
    if report.stopped:
        print(f"claimsearch: stopped at {report.stopped}; run it again to go on", file=sys.stderr)
        return 1
    return 1 if report.failed and not report.reextracted else 0


def _eval(args: argparse.Namespace) -> int:
    from claimsearch.evaluation.pipeline import run_eval

    return run_eval(
        args.corpus,
        predictions_out=args.predictions,
        as_json=args.json,
        artifacts=args.artifacts,
        holdout=args.holdout,
    )


if __name__ == "__main__":
    sys.exit(main())
