"""Index benchmark: SQLite FTS5 (the baseline) and OpenSearch, measured in one run.

    .venv/bin/python bench/bench_index.py --corpus ../shared/data/polnear/train \
        [--opensearch-url http://127.0.0.1:9200] [--target-claims 200000]

1. Extracts the claims of every article in the corpus (real pipeline; cached as JSONL).
2. Scales the result to at least --target-claims by copying articles under new ids.
3. For each engine: bulk load (rebuild) throughput, per-article ingest throughput
   (median of --runs runs over a sample), search latency p50/p95/p99 over a fixed mix of
   queries (full text, filters, facets, deep pages; each query run --runs times, the
   median kept), and the index size on disk. Ratios are OpenSearch / SQLite.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from claimsearch.claimants.registry import file_all
from claimsearch.index.port import SearchIndex, SearchQuery
from claimsearch.index.sqlite import SqliteIndex
from claimsearch.model import Article, Claim, ClaimantIdentity, ExtractedArticle

Pairs = list[tuple[Article, list[Claim]]]


def extract_corpus(corpus: Path, cache: Path) -> Pairs:
    """The corpus's claims, extracted once and cached as JSONL; a cache another extractor
    version wrote (its claims' `extractor_version`) is extracted again, so that a benchmark
    never measures claims the code would no longer make."""
    from claimsearch.extract.claims import CLAIM_BUILDER_VERSION
    from claimsearch.extract.pipeline import DEFAULT_FINDER, extract_claims, finder_named

    version = f"{finder_named(DEFAULT_FINDER).name}+{CLAIM_BUILDER_VERSION}"
    if cache.is_file():
        rows = [ExtractedArticle.from_dict(json.loads(line)) for line in cache.open(encoding="utf-8")]
        cached = {c.extractor_version for r in rows for c in r.claims}
        if cached <= {version}:
            return [(r.article, r.claims) for r in rows]
        print(
            f"{cache}: claims of {', '.join(sorted(cached))}; extracting again with {version}",
            file=sys.stderr,
        )
    from tqdm import tqdm

    from claimsearch.documents.parse import parse_text

    texts = sorted((corpus / "text").glob("*.txt")) or sorted(corpus.glob("*.txt"))
    pairs: Pairs = []
    with cache.open("w", encoding="utf-8") as out:
        for path in tqdm(texts, unit="article", desc="extract", file=sys.stderr):
            article = parse_text(path.read_text(encoding="utf-8"), path.name)
            publisher, date = [*path.stem.split("_"), "", ""][:2]
            article = replace(article, publisher=publisher or None, published_at=date or None)
            claims = extract_claims(article)
            pairs.append((article, claims))
            out.write(json.dumps(ExtractedArticle(article, claims).to_dict()) + "\n")
    return pairs


def file_corpus(pairs: Pairs) -> tuple[Pairs, list[ClaimantIdentity]]:
    """Claimants filed over the whole corpus, as `claimsearch reindex` files an archive."""
    filed, registry = file_all(lambda: pairs)
    filed_pairs = list(filed)
    return filed_pairs, list(registry.identities.values())


def scale(pairs: Pairs, target: int) -> Pairs:
    """Copies of the corpus under new article and claim ids, until `target` claims."""
    # PolNeAR train holds one text under two file names, hence one article id twice:
    # copied once, so that every copy's claim ids are unique and N claims are N documents.
    unique: Pairs = []
    seen: set[str] = set()
    for article, claims in pairs:
        if article.id not in seen:
            seen.add(article.id)
            unique.append((article, claims))
    base = sum(len(c) for _, c in unique)
    copies = max(1, math.ceil(target / max(base, 1)))
    scaled: Pairs = []
    for k in range(copies):
        for article, claims in unique:
            article_id = f"{article.id}k{k}"
            scaled.append(
                (
                    replace(article, id=article_id),
                    [replace(c, id=f"{c.id}k{k}", article_id=article_id) for c in claims],
                )
            )
    return scaled


def query_mix(pairs: Pairs, seed: int = 7) -> list[tuple[str, SearchQuery]]:
    """A fixed mix: 60 full text, 60 filters, 40 facets, 40 deep pages, 20 combined."""
    rng = random.Random(seed)
    claims = [c for _, cs in pairs for c in cs]
    words = Counter(w.lower() for c in claims for w in c.content.text.split() if w.isalpha() and len(w) > 4)
    vocabulary = [w for w, _ in words.most_common(400)]
    claimants = [v for v, _ in Counter(c.claimant.name for c in claims if c.claimant.id).most_common(60)]
    entities = [v for v, _ in Counter(e.canonical for c in claims for e in c.entities).most_common(60)]
    publishers = sorted({a.publisher for a, _ in pairs if a.publisher})
    mix: list[tuple[str, SearchQuery]] = []
    for _ in range(30):
        mix.append(("text", SearchQuery(text=rng.choice(vocabulary), facets=False)))
        mix.append(("text", SearchQuery(text=" ".join(rng.sample(vocabulary[:100], 2)), facets=False)))
    for i in range(60):
        kind = i % 4
        if kind == 0:
            query = SearchQuery(claimant=rng.choice(claimants), facets=False)
        elif kind == 1:
            query = SearchQuery(entity=rng.choice(entities), facets=False)
        elif kind == 2:
            query = SearchQuery(publisher=rng.choice(publishers), cue_class="say", facets=False)
        else:
            query = SearchQuery(
                quote_type=rng.choice(["direct", "mixed"]), published_from="2016-10-01", facets=False
            )
        mix.append(("filter", query))
    for i in range(40):
        text = rng.choice(vocabulary) if i % 2 else None
        mix.append(
            ("facets", SearchQuery(text=text, publisher=rng.choice(publishers) if i % 3 == 0 else None))
        )
    for i in range(40):
        text = rng.choice(vocabulary[:50]) if i % 2 else None
        mix.append(
            ("deep-page", SearchQuery(text=text, cue_class="say" if i % 2 == 0 else None, facets=False))
        )
    for _ in range(20):
        mix.append(
            (
                "combined",
                SearchQuery(
                    text=rng.choice(vocabulary),
                    claimant=rng.choice(claimants[:10]),
                    publisher=rng.choice(publishers),
                ),
            )
        )
    return mix


def run_query(index: SearchIndex, kind: str, query: SearchQuery) -> None:
    if kind != "deep-page":
        index.search(query)
        return
    page = replace(query, limit=20)
    for _ in range(10):  # page 10 of 20 hits: the cursor path, not one request
        result = index.search(page)
        if result.next_after is None:
            return
        page = replace(page, after=result.next_after)


def timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def measure(
    name: str,
    index: SearchIndex,
    scaled: Pairs,
    identities: list[ClaimantIdentity],
    sample: Pairs,
    mix: list[tuple[str, SearchQuery]],
    runs: int,
    size: Callable[[], int],
) -> dict[str, Any]:
    claims = sum(len(c) for _, c in scaled)
    print(f"[{name}] bulk load of {claims} claims ...", file=sys.stderr, flush=True)
    load_seconds = timed(lambda: index.rebuild(iter(scaled), identities.copy))
    sample_claims = sum(len(c) for _, c in sample)
    ingest = []
    for _ in range(runs):
        ingest.append(sample_claims / timed(lambda: [index.index_article(a, c) for a, c in sample]))
    for kind, query in mix[:20]:  # warm-up: caches, JIT, connection pool
        run_query(index, kind, query)
    latencies: dict[str, list[float]] = {}
    for kind, query in mix:
        latencies.setdefault(kind, []).append(
            statistics.median(timed(lambda q=query, k=kind: run_query(index, k, q)) for _ in range(runs))
            * 1000
        )
    every = [v for vs in latencies.values() for v in vs]
    return {
        "engine": name,
        "claims": claims,
        "bulk_claims_per_s": claims / load_seconds,
        "ingest_claims_per_s": statistics.median(ingest),
        "p50_ms": percentile(every, 50),
        "p95_ms": percentile(every, 95),
        "p99_ms": percentile(every, 99),
        "by_kind_p50_ms": {k: percentile(v, 50) for k, v in latencies.items()},
        "size_mb": size() / 1e6,
        "queries": len(every),
    }


def sqlite_engine(directory: Path) -> tuple[SqliteIndex, Callable[[], int]]:
    index = SqliteIndex(directory / "claims.sqlite3")
    index.ensure_ready()

    def size() -> int:
        return sum(p.stat().st_size for p in directory.glob("claims.sqlite3*"))

    return index, size


def opensearch_engine(url: str) -> tuple[SearchIndex, Callable[[], int], Callable[[], None]]:
    from claimsearch.index.opensearch import Endpoint, OpenSearchIndex

    prefix = f"bench-{uuid.uuid4().hex[:6]}"
    index = OpenSearchIndex(Endpoint(url), prefix=prefix)
    client = index.client
    index.ensure_ready()

    def size() -> int:
        client.indices.forcemerge(index=f"{prefix}-*", max_num_segments=1)
        stats = client.indices.stats(index=f"{prefix}-*", metric="store")
        return int(stats["_all"]["primaries"]["store"]["size_in_bytes"])

    return index, size, index.drop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, required=True, help="PolNeAR split dir (text/*.txt)")
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "claimsearch-bench-claims.jsonl"
    )
    parser.add_argument("--target-claims", type=int, default=200_000)
    parser.add_argument("--opensearch-url", default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    pairs, identities = file_corpus(extract_corpus(args.corpus, args.cache))
    scaled = scale(pairs, args.target_claims)
    sample = [
        (replace(a, id=a.id + "s"), [replace(c, id=c.id + "s", article_id=a.id + "s") for c in cs])
        for a, cs in pairs[:200]
    ]
    mix = query_mix(pairs)
    print(
        f"corpus: {len(pairs)} articles, {sum(len(c) for _, c in pairs)} claims; "
        f"scaled: {len(scaled)} articles; query mix: {len(mix)} ({dict(Counter(k for k, _ in mix))})"
    )
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        index, size = sqlite_engine(Path(tmp))
        results.append(measure("sqlite", index, scaled, identities, sample, mix, args.runs, size))
    if args.opensearch_url:
        os_index, os_size, drop = opensearch_engine(args.opensearch_url)
        try:
            results.append(
                measure("opensearch", os_index, scaled, identities, sample, mix, args.runs, os_size)
            )
        finally:
            drop()
    columns = ("claims", "bulk c/s", "ingest c/s", "p50 ms", "p95 ms", "p99 ms", "size MB")
    print(f"{'engine':<11}" + "".join(f"{c:>12}" for c in columns))
    for r in results:
        print(
            f"{r['engine']:<11}{r['claims']:>9}{r['bulk_claims_per_s']:>10.0f}{r['ingest_claims_per_s']:>12.0f}"
            f"{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['size_mb']:>9.1f}"
        )
    for r in results:
        print(
            f"{r['engine']} p50 by kind (ms): "
            + ", ".join(f"{k} {v:.1f}" for k, v in r["by_kind_p50_ms"].items())
        )
    if len(results) == 2:
        base, other = results
        print(
            "ratios opensearch/sqlite: "
            + ", ".join(
                f"{key} {other[key] / base[key]:.2f}"
                for key in (
                    "bulk_claims_per_s",
                    "ingest_claims_per_s",
                    "p50_ms",
                    "p95_ms",
                    "p99_ms",
                    "size_mb",
                )
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
