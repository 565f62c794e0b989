"""Search benchmark through the API: GET /claims as API Gateway sends it, on N claims.

    .venv/bin/python bench/bench_search.py --engine sqlite --claims 200000 [--json OUT]
    .venv/bin/python bench/bench_search.py --engine opensearch --claims 200000 \
        [--opensearch-url http://127.0.0.1:9200]

1. Builds an index of N claims: PolNeAR train's extracted claims (cached as JSONL by
   `bench_index.py`, whose loading code this reuses) copied under new ids.
2. Sends a fixed, seeded mix of requests through the search function's own
   `lambda_handler` with API Gateway REST events: full text and filters with
   `facets=none`, first pages with the default facets (all four) or `facets=claimant,entity`,
   page 10 of 20 hits reached through cursors, and text + claimant + publisher combined.
   Each request runs --runs times, the median kept; p50/p95/p99 are over the requests,
   per kind and overall; the same figures over each request's first timed run alone
   (no engine cache has seen that exact request, except the 20 of the warm-up) are
   printed too. A deep page is timed as its one request (page 10), after an untimed
   walk through pages 1-9 for its cursor. OpenSearch indices are merged to one segment
   before the requests (see `settle`).
3. Also measures the bulk load (`rebuild`), per-article ingest (`index_article` over
   --ingest-articles articles, median of --runs; deleted again before the searches),
   the index size on disk and the process's peak RSS.
4. A batch's visibility: --batch-articles articles (an ingest batch) written one after
   the other as the ingest function writes them, then, from the moment the last write
   returns, GET /claims?article_id= for each until all its claims answer; the time
   to that point is the batch's visibility delay (median of --runs batches).

Baseline: the adapter of the last commit (`git show HEAD:...`, or --baseline-ref's, loaded as a module, or
for OpenSearch a package, of its own) on its own copy of the same claims (for
OpenSearch, its own prefix on the same node), behind this API and the same requests,
in the same run, each request timed on both in turn so the machine's load weighs on
both alike. Every request's total, hit ids and scores, facets and paging are compared
between the two (HEAD's SQLite adapter counts all four facets when asked for some,
so only the facets asked for are compared). Prints figures; asserts nothing; skips
when PolNeAR is absent.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

from bench_index import Pairs, extract_corpus, file_corpus, percentile, scale, timed

from claimsearch import wiring
from claimsearch.index.port import SearchIndex
from claimsearch.index.sqlite import SqliteIndex
from claimsearch.index.text_query import ENGLISH_STOP_WORDS
from claimsearch.local.apigw import response_parts, rest_event
from claimsearch.local.handlers import Handler, LocalContext, load_handler
from claimsearch.model import ClaimantIdentity

REPO = Path(__file__).resolve().parents[1]
DEEP_PAGE = 10
DEEP_LIMIT = 20
KINDS = ("text", "filter", "facets", "deep-page", "combined")


@dataclass(frozen=True)
class Request:
    kind: str
    params: dict[str, str]


@dataclass
class Engine:
    name: str
    index: SearchIndex
    size: Callable[[], int]
    drop: Callable[[], None] = lambda: None
    settle: Callable[[], None] = lambda: None
    latencies: dict[str, list[float]] = field(default_factory=dict)
    # Each request's first run alone: no engine cache (OpenSearch's request cache, SQLite's
    # page cache of that query's rows) has seen it yet.
    first_runs: list[float] = field(default_factory=list)
    answers: list[Any] = field(default_factory=list)
    slowest: list[tuple[float, str, dict[str, str]]] = field(default_factory=list)


def request_mix(pairs: Pairs, seed: int = 7) -> list[Request]:
    """200 requests: 50 text, 50 filters, 40 first pages with facets, 40 deep pages, 20 combined."""
    rng = random.Random(seed)
    claims = [c for _, cs in pairs for c in cs]
    words = Counter(w.lower() for c in claims for w in c.content.text.split() if w.isalpha() and len(w) > 4)
    # Stop words would be queries for nothing (the text plan drops them).
    vocabulary = [w for w, _ in words.most_common(400) if w not in ENGLISH_STOP_WORDS]
    named = Counter(c.claimant.name for c in claims if c.claimant.id and c.claimant.name)
    claimants = [v for v, _ in named.most_common(60)]
    entities = [v for v, _ in Counter(e.canonical for c in claims for e in c.entities).most_common(60)]
    publishers = sorted({a.publisher for a, _ in pairs if a.publisher})
    off = {"facets": "none"}
    mix: list[Request] = []
    params: dict[str, str]
    for _ in range(25):
        mix.append(Request("text", {"q": rng.choice(vocabulary), **off}))
        mix.append(Request("text", {"q": " ".join(rng.sample(vocabulary[:100], 2)), **off}))
    for i in range(50):
        choices: list[dict[str, str]] = [
            {"claimant": rng.choice(claimants)},
            {"entity": rng.choice(entities)},
            {"publisher": rng.choice(publishers), "cue_class": "say"},
            {"quote_type": rng.choice(["direct", "mixed"]), "published_from": "2016-10-01"},
            {"attributed": "false"},
        ]
        params = choices[i % 5]
        mix.append(Request("filter", {**params, **off}))
    for i in range(40):
        params = {}
        if i % 2:
            params["q"] = rng.choice(vocabulary)
        if i % 3 == 0:
            params["publisher"] = rng.choice(publishers)
        if i % 4 == 3:
            params["facets"] = "claimant,entity"
        mix.append(Request("facets", params))  # no facets parameter: the first page's default, all four
    for i in range(40):
        params = {"limit": str(DEEP_LIMIT)}
        if i % 2:
            params["q"] = rng.choice(vocabulary[:50])
        else:
            params["cue_class"] = "say"
        mix.append(Request("deep-page", params))
    for _ in range(20):
        params = {
            "q": rng.choice(vocabulary),
            "claimant": rng.choice(claimants[:10]),
            "publisher": rng.choice(publishers),
        }
        mix.append(Request("combined", params))
    return mix


class Api:
    """The search function's handler over one index, as the local server calls it."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.served = 0

    @contextmanager
    def serving(self, index: SearchIndex) -> Iterator[None]:
        original = wiring.index

        def patched() -> SearchIndex:
            self.served += 1
            return index

        wiring.index = patched  # type: ignore[assignment]
        try:
            yield
        finally:
            wiring.index = original

    def get(self, params: dict[str, str]) -> dict[str, Any]:
        event = rest_event("GET", "/claims?" + urlencode(params))
        status, _, body = response_parts(self.handler(event, LocalContext("claimsearch-search-bench")))
        answer: dict[str, Any] = json.loads(body)
        if status != 200:
            raise RuntimeError(f"GET /claims?{urlencode(params)}: {status} {answer}")
        return answer


def deep_cursor(api: Api, params: dict[str, str]) -> str | None:
    """The cursor of page DEEP_PAGE, walked to untimed; None when the match set ends sooner."""
    cursor = None
    for _ in range(DEEP_PAGE - 1):
        body = api.get({**params, **({"cursor": cursor} if cursor else {})})
        cursor = body["next_cursor"]
        if cursor is None:
            return None
    return cursor


def summary(body: dict[str, Any]) -> tuple[Any, ...]:
    """What two adapters must agree on: total, hit ids and scores in order, facets, paging."""
    hits = [(h["claim"]["id"], round(h["score"], 6)) for h in body["hits"]]
    return body["total"], hits, body["facets"], body["next_cursor"] is not None


def same_answer(new: tuple[Any, ...], base: tuple[Any, ...]) -> bool:
    """Equal answers; HEAD's adapter counts all four facets when asked for some, so only
    the facets the new one was asked for are compared."""
    total, hits, facets, more = base
    return new == (total, hits, {k: facets[k] for k in new[2] if k in facets}, more)


def how_different(new: tuple[Any, ...], base: tuple[Any, ...]) -> str:
    """The first part in which two answers differ, and by how much when it is the scores."""
    if new[0] != base[0]:
        return "total"
    if [i for i, _ in new[1]] != [i for i, _ in base[1]]:
        return "hits"
    if new[2] != {k: base[2][k] for k in new[2] if k in base[2]}:
        return "facets"
    if new[3] != base[3]:
        return "paging"
    gap = max(abs(a - b) for (_, a), (_, b) in zip(new[1], base[1], strict=True))
    return f"scores only (largest gap {gap:.0e})"


def prepare(api: Api, engine: Engine, mix: list[Request]) -> list[tuple[str, dict[str, str]]]:
    """The requests as sent: a deep page with the cursor this engine answered for page 9."""
    prepared: list[tuple[str, dict[str, str]]] = []
    with api.serving(engine.index):
        for request in mix:
            params = dict(request.params)
            if request.kind == "deep-page":
                cursor = deep_cursor(api, params)
                if cursor is None:
                    print(f"[{engine.name}] fewer than {DEEP_PAGE} pages: {params}", file=sys.stderr)
                    continue
                params["cursor"] = cursor
            prepared.append((request.kind, params))
        for _, params in prepared[:20]:  # warm-up: page cache, SQLite cache, handler imports
            api.get(params)
    return prepared


def run_mix(api: Api, engines: list[Engine], mix: list[Request], runs: int) -> None:
    """Each request on every engine in turn, so a change in the machine's load hits all alike."""
    plans = [prepare(api, engine, mix) for engine in engines]
    for requests in zip(*plans, strict=True):
        times: list[list[float]] = [[] for _ in engines]
        bodies: list[dict[str, Any]] = [{} for _ in engines]
        for _ in range(runs):
            for i, (engine, (_, params)) in enumerate(zip(engines, requests, strict=True)):
                with api.serving(engine.index):
                    start = time.perf_counter()
                    bodies[i] = api.get(params)
                    times[i].append((time.perf_counter() - start) * 1000)
        for engine, (kind, params), spent, body in zip(engines, requests, times, bodies, strict=True):
            median = statistics.median(spent)
            engine.latencies.setdefault(kind, []).append(median)
            engine.first_runs.append(spent[0])
            engine.slowest.append((median, kind, params))
            engine.answers.append((kind, params, summary(body)))


def batch_visibility(api: Api, engine: Engine, batch: Pairs) -> tuple[float, float, int]:
    """(ms the batch's writes took, ms from their return until every claim answers a
    search, rounds of searches that took): the ms include the searches themselves."""
    start = time.perf_counter()
    for article, claims in batch:
        engine.index.index_article(article, claims)
    written = time.perf_counter()
    waiting = {a.id: len(c) for a, c in batch}
    rounds = 0
    with api.serving(engine.index):
        while waiting:
            rounds += 1
            for article_id, expected in list(waiting.items()):
                body = api.get({"article_id": article_id, "facets": "none", "limit": "1"})
                if body["total"] == expected:
                    del waiting[article_id]
    visible = time.perf_counter()
    for article, _ in batch:
        engine.index.delete_article(article.id)
    return (written - start) * 1000, (visible - written) * 1000, rounds


def figures(engine: Engine, claims: int, bulk: float, ingest: float) -> dict[str, Any]:
    every = [v for vs in engine.latencies.values() for v in vs]

    def spread(values: list[float]) -> dict[str, float]:
        return {f"p{p}_ms": round(percentile(values, p), 2) for p in (50, 95, 99)}

    return {
        "engine": engine.name,
        "claims": claims,
        "overall": spread(every),
        "first_run": spread(engine.first_runs),
        "by_kind": {k: {**spread(engine.latencies[k]), "requests": len(engine.latencies[k])} for k in KINDS},
        "requests": len(every),
        "bulk_claims_per_s": round(bulk),
        "ingest_claims_per_s": round(ingest),
        "size_mb": round(engine.size() / 1e6, 1),
    }


def load(
    engine: Engine, scaled: Pairs, identities: list[ClaimantIdentity], sample: Pairs, runs: int
) -> tuple[float, float]:
    """Bulk load `scaled`, then time per-article ingest of `sample`: claims/s of each."""
    claims = sum(len(c) for _, c in scaled)
    print(f"[{engine.name}] bulk load of {claims} claims ...", file=sys.stderr, flush=True)
    bulk = claims / timed(lambda: engine.index.rebuild(iter(scaled), identities.copy))
    sample_claims = sum(len(c) for _, c in sample)
    ingest = [
        sample_claims / timed(lambda: [engine.index.index_article(a, c) for a, c in sample])
        for _ in range(runs)
    ]
    for article, _ in sample:  # the searches run over the N claims asked for
        engine.index.delete_article(article.id)
    return bulk, statistics.median(ingest)


def head_sqlite_module(directory: Path, ref: str) -> ModuleType:
    """The SQLite adapter as committed at `ref`, as a module of its own: the package
    `index/sqlite/`, or at a ref from before it was split, the one file `index/sqlite.py`."""
    single = "shared/claimsearch/index/sqlite.py"
    if subprocess.run(["git", "cat-file", "-e", f"{ref}:{single}"], cwd=REPO, capture_output=True).returncode:
        return head_package(directory, ref, "sqlite")
    source = subprocess.run(
        ["git", "show", f"{ref}:{single}"], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout
    spec = importlib.util.spec_from_loader("claimsearch_head_sqlite", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and typing resolve names through it
    exec(compile(source, f"{ref}:{single}", "exec"), module.__dict__)
    return module


def sqlite_engine(name: str, directory: Path, make: Callable[[Path], SearchIndex]) -> Engine:
    directory.mkdir(parents=True, exist_ok=True)
    index = make(directory / "claims.sqlite3")
    index.ensure_ready()

    def size() -> int:
        # The database file alone, its log checkpointed into it: an adapter that keeps
        # its connection open also keeps a log file, which is not index data.
        close = getattr(index, "close", None)
        if close is not None:
            close()
        return sum(p.stat().st_size for p in directory.glob("claims.sqlite3*"))

    return Engine(name, index, size)


def head_opensearch_package(directory: Path, ref: str) -> ModuleType:
    """`index/opensearch/` as committed at `ref`, as a package of its own."""
    return head_package(directory, ref, "opensearch")


def head_package(directory: Path, ref: str, name: str) -> ModuleType:
    """The package `index/<name>/` as committed at `ref`, as a package of its own.

    Its modules import each other by absolute name, so the copies' imports are
    pointed at the copy; what they import from the rest of claimsearch is today's.
    """
    folder = f"shared/claimsearch/index/{name}"
    names = subprocess.run(
        ["git", "ls-tree", "--name-only", f"{ref}:{folder}"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    copy = f"claimsearch_head_{name}"
    package = directory / copy
    package.mkdir(parents=True)
    for file in names:
        source = subprocess.run(
            ["git", "show", f"{ref}:{folder}/{file}"], cwd=REPO, check=True, capture_output=True, text=True
        ).stdout
        (package / file).write_text(source.replace(f"claimsearch.index.{name}", copy))
    sys.path.insert(0, str(directory))
    return importlib.import_module(copy)


def opensearch_engine(name: str, url: str, package: ModuleType) -> Engine:
    """An index under a prefix of its own on the node at `url`, dropped at the end."""
    prefix = f"bench-search-{name}-{uuid.uuid4().hex[:8]}"
    if hasattr(package, "Endpoint"):
        index = package.OpenSearchIndex(package.Endpoint(url), prefix=prefix)
        client = index.client
    else:  # a baseline from before the reader (its adapter took opensearch-py's client)
        client = package.connect(url)
        index = package.OpenSearchIndex(client, prefix=prefix)
    index.ensure_ready()

    def size() -> int:
        # Merged to one segment by `settle`, as bench_index measures it.
        stats = client.indices.stats(index=f"{prefix}-*", metric="store")
        return int(stats["_all"]["primaries"]["store"]["size_in_bytes"])

    def settle() -> None:
        # The timed ingests left deleted documents, which BM25's statistics count until
        # merged away, at points that differ between two indices: merged to one segment
        # each, the two score alike and their answers can be compared score for score.
        client.indices.forcemerge(index=f"{prefix}-*", max_num_segments=1, request_timeout=1800)

    return Engine(name, index, size, index.drop, settle)


def exactly(pairs: Pairs, target: int) -> Pairs:
    """The first articles of `pairs` holding `target` claims, the last one cut to fit."""
    out: Pairs = []
    left = target
    for article, claims in pairs:
        if left <= 0:
            break
        out.append((article, claims[:left]))
        left -= len(claims[:left])
    return out


def print_table(results: list[dict[str, Any]]) -> None:
    columns = ["overall", *KINDS]
    print(f"{'adapter':<10}{'':>6}" + "".join(f"{c:>11}" for c in columns))
    for r in results:
        for p in ("p50_ms", "p95_ms", "p99_ms"):
            values = [r["overall"][p], *(r["by_kind"][k][p] for k in KINDS)]
            print(f"{r['engine']:<10}{p[:3]:>6}" + "".join(f"{v:>11.1f}" for v in values))
    for r in results:
        first = r["first_run"]
        print(
            f"{r['engine']}: each request's first run alone: p50 {first['p50_ms']:.1f},"
            f" p95 {first['p95_ms']:.1f}, p99 {first['p99_ms']:.1f} ms"
        )
    for r in results:
        print(
            f"{r['engine']}: {r['claims']} claims, {r['requests']} requests;"
            f" bulk {r['bulk_claims_per_s']} claims/s,"
            f" per-article ingest {r['ingest_claims_per_s']} claims/s,"
            f" a batch of {r['batch_articles']} articles written in {r['batch_write_ms']} ms and"
            f" all its claims found {r['batch_visible_ms']} ms after"
            f" ({r['batch_search_rounds']} round(s) of searches at most),"
            f" index {r['size_mb']} MB"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engine", choices=("sqlite", "opensearch"), required=True)
    parser.add_argument("--claims", type=int, default=200_000, help="claims in the index")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here as JSON")
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "data" / "polnear" / "train")
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "claimsearch-bench-claims.jsonl"
    )
    parser.add_argument("--opensearch-url", default="http://127.0.0.1:9200")
    parser.add_argument("--runs", type=int, default=3, help="runs of each request; the median is kept")
    parser.add_argument("--no-baseline", action="store_true", help="skip the baseline adapter")
    parser.add_argument(
        "--baseline-ref", default="HEAD", help="the commit whose adapter is the baseline (default HEAD)"
    )
    parser.add_argument("--batch-articles", type=int, default=5, help="articles in the visibility batch")
    parser.add_argument(
        "--ingest-articles", type=int, default=200, help="articles timed through per-article ingest"
    )
    args = parser.parse_args(argv)

    if not args.cache.is_file() and not (args.corpus / "text").is_dir():
        print(f"skipped: PolNeAR not found at {args.corpus} (and no extracted claims at {args.cache})")
        return 0
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    load_start = os.getloadavg()
    pairs, identities = file_corpus(extract_corpus(args.corpus, args.cache))
    scaled = exactly(scale(pairs, args.claims), args.claims)
    claims = sum(len(c) for _, c in scaled)
    sample = [
        (replace(a, id=a.id + "s"), [replace(c, id=c.id + "s", article_id=a.id + "s") for c in cs])
        for a, cs in pairs[: args.ingest_articles]
    ]
    batch = [
        (replace(a, id=a.id + "b"), [replace(c, id=c.id + "b", article_id=a.id + "b") for c in cs])
        for a, cs in pairs[-args.batch_articles :]
    ]
    mix = request_mix(pairs)
    # The corpus in memory (a million claims: millions of objects) is this benchmark's,
    # not the adapters': left to the collector, each of its full passes walks it all, and
    # building documents ran at 5.8k claims/s instead of 9.5k. `reindex` streams.
    gc.freeze()
    print(
        f"corpus: {len(pairs)} articles, {sum(len(c) for _, c in pairs)} claims;"
        f" index: {len(scaled)} articles, {claims} claims;"
        f" requests: {len(mix)} ({dict(Counter(r.kind for r in mix))}), each run {args.runs}x;"
        f" load average at start {load_start[0]:.2f} on {os.cpu_count()} CPUs"
    )
    api = Api(load_handler("search"))
    engines: list[Engine] = []
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        if args.engine == "sqlite":
            engines.append(sqlite_engine("sqlite", Path(tmp) / "new", SqliteIndex))
            if not args.no_baseline:
                head = head_sqlite_module(Path(tmp) / "head-sqlite", args.baseline_ref)
                engines.append(sqlite_engine("baseline", Path(tmp) / "head", head.SqliteIndex))
        else:
            from claimsearch.index import opensearch

            engines.append(opensearch_engine("opensearch", args.opensearch_url, opensearch))
            if not args.no_baseline:
                head = head_opensearch_package(Path(tmp) / "head", args.baseline_ref)
                engines.append(opensearch_engine("baseline", args.opensearch_url, head))
        try:
            loads = [load(engine, scaled, identities, sample, args.runs) for engine in engines]
            visibility = [
                [batch_visibility(api, engine, batch) for _ in range(args.runs)] for engine in engines
            ]
            for engine in engines:
                engine.settle()
            print(
                f"{len(mix)} requests x {args.runs} on {len(engines)} index(es) ...",
                file=sys.stderr,
                flush=True,
            )
            run_mix(api, engines, mix, args.runs)
            results = [
                {
                    **figures(e, claims, bulk, ingest),
                    "batch_articles": len(batch),
                    "batch_write_ms": round(statistics.median(w for w, _, _ in seen), 1),
                    "batch_visible_ms": round(statistics.median(v for _, v, _ in seen), 1),
                    "batch_search_rounds": max(r for _, _, r in seen),
                }
                for e, (bulk, ingest), seen in zip(engines, loads, visibility, strict=True)
            ]
        finally:
            for engine in engines:
                engine.drop()
    assert api.served, "the handler never asked wiring.index(): the bench did not measure the index it built"
    load_end = os.getloadavg()
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print_table(results)
    for engine in engines:
        print(f"{engine.name}, slowest requests (ms):")
        for ms, kind, params in sorted(engine.slowest, key=lambda s: -s[0])[:5]:
            shown = {k: v for k, v in params.items() if k != "cursor"}
            print(f"  {ms:8.1f} {kind} {urlencode(shown)}{' (page 10)' if 'cursor' in params else ''}")
    print(
        f"peak RSS of this process (the corpus, the indexes' caches, the handler): {peak_rss_mb:.0f} MiB;"
        f" load average {load_start[0]:.2f} at start, {load_end[0]:.2f} at end ({os.cpu_count()} CPUs)"
    )
    report: dict[str, Any] = {**results[0], "peak_rss_mb": round(peak_rss_mb), "runs": args.runs}
    report["load_average"] = {"start": round(load_start[0], 2), "end": round(load_end[0], 2)}
    if len(engines) == 2:
        new, base = results
        differ = [
            (kind, params, how_different(left, right))
            for (kind, params, left), (_, _, right) in zip(
                engines[0].answers, engines[1].answers, strict=True
            )
            if not same_answer(left, right)
        ]
        print(
            "ratios baseline/new: "
            + ", ".join(
                f"{key} {base['overall'][key] / new['overall'][key]:.1f}x"
                for key in ("p50_ms", "p95_ms", "p99_ms")
            )
            + "; by kind p99: "
            + ", ".join(
                f"{k} {base['by_kind'][k]['p99_ms'] / new['by_kind'][k]['p99_ms']:.1f}x" for k in KINDS
            )
        )
        print(f"answers differing from the baseline's: {len(differ)} of {len(engines[0].answers)}")
        print(f"  how: {dict(Counter(how for _, _, how in differ))}")
        for kind, params, how in differ[:5]:
            print(f"  {kind}: {params}: {how}")
        report["baseline"] = {**base, "ref": args.baseline_ref}
        report["answers_differing_from_baseline"] = len(differ)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
