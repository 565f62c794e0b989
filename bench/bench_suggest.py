"""Claimant suggestions benchmark: names typed so far, and names typed one letter wrong.

    .venv/bin/python bench/bench_suggest.py [--engines sqlite,opensearch] [--runs 5] \
        [--opensearch-url http://127.0.0.1:9200]

1. Files the claims of PolNeAR train (the real pipeline's, cached as JSONL as in
   `bench_index.py`) over the whole corpus, as `claimsearch reindex` does, and loads them
   into each engine.
2. For the --identities persons and organisations with the most claims, seeded:
   `prefix` queries, the first three letters of the name's last word (what a user has
   typed so far), and `typo` queries, the name with one word of five letters or more
   (the word typed has four or more, `text_query.NEAR_WORD_MIN_LENGTH`) typed one letter
   wrong (a letter left out, one added, one replaced or two neighbours swapped; never
   the first letter), one query per such word.
3. Each engine, and the same engine's adapter as committed at --baseline-ref (default
   HEAD, loaded as in `bench_search.py`), answers every query --runs times, in turn, so
   the machine's load weighs on both alike; the median is kept. Prints per kind: found
   (the identity meant among the up to 10 answers), empty answers, answers that differ
   from the baseline's, and p50/p95 latency.

Prints figures; asserts nothing; skips when PolNeAR is absent.
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from bench_index import Pairs, extract_corpus, file_corpus, percentile, timed
from bench_search import Engine, head_opensearch_package, head_sqlite_module, opensearch_engine, sqlite_engine

from claimsearch.claimants.names import name_key
from claimsearch.index.port import SearchIndex
from claimsearch.index.sqlite import SqliteIndex
from claimsearch.index.text_query import NEAR_WORD_MIN_LENGTH
from claimsearch.model import ClaimantIdentity

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Query:
    kind: str  # "prefix" or "typo"
    text: str
    identity: str  # the id of the identity meant


@dataclass
class Answers:
    found: int = 0
    empty: int = 0
    differ: int = 0
    latencies: list[float] = field(default_factory=list)


def misspelt(word: str, rng: random.Random) -> str:
    """`word` with one edit after its first letter: left out, added, replaced or swapped."""
    at = rng.randrange(1, len(word))
    edit = rng.choice(
        ("omit", "add", "replace", "swap") if at < len(word) - 1 else ("omit", "add", "replace")
    )
    letters = [c for c in string.ascii_lowercase if c != word[at]]
    if edit == "omit":
        return word[:at] + word[at + 1 :]
    if edit == "add":
        return word[:at] + rng.choice(string.ascii_lowercase) + word[at:]
    if edit == "replace":
        return word[:at] + rng.choice(letters) + word[at + 1 :]
    if word[at] == word[at + 1]:  # swapping two equal letters changes nothing
        return word[:at] + rng.choice(letters) + word[at + 1 :]
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def queries(identities: list[ClaimantIdentity], count: int, seed: int = 7) -> list[Query]:
    rng = random.Random(seed)
    named = [i for i in identities if i.type in ("person", "organisation") and i.claims > 0]
    named.sort(key=lambda i: (-i.claims, i.id))
    out: list[Query] = []
    for identity in named[:count]:
        words = name_key(identity.name).split()
        if not words:
            continue
        out.append(Query("prefix", words[-1][:3], identity.id))
        for n, word in enumerate(words):
            if len(word) > NEAR_WORD_MIN_LENGTH and word.isascii() and word.isalpha():
                typed = [*words[:n], misspelt(word, rng), *words[n + 1 :]]
                out.append(Query("typo", " ".join(typed), identity.id))
    return out


def answer(index: SearchIndex, text: str) -> list[str]:
    return [i.id for i in index.suggest_claimants(text)]


def run(
    engines: list[Engine], mix: list[Query], runs: int
) -> tuple[dict[tuple[str, str], Answers], list[list[str]]]:
    """Tallies per (engine, kind), and the first engine's answer to each query."""
    results = {(e.name, kind): Answers() for e in engines for kind in ("prefix", "typo")}
    answers: list[list[str]] = []
    for query in mix:
        base: list[str] | None = None
        for engine in engines:
            index, text = engine.index, query.text
            got = answer(index, text)
            times = [timed(partial(answer, index, text)) for _ in range(runs)]
            tally = results[(engine.name, query.kind)]
            tally.found += query.identity in got
            tally.empty += not got
            tally.latencies.append(statistics.median(times))
            if base is None:
                base = got
                answers.append(got)
            elif got != base:
                results[(engines[0].name, query.kind)].differ += 1
    return results, answers


def load(engine: Engine, pairs: Pairs, identities: list[ClaimantIdentity]) -> None:
    claims = sum(len(c) for _, c in pairs)
    print(f"[{engine.name}] loading {claims} claims ...", file=sys.stderr, flush=True)
    engine.index.rebuild(iter(pairs), identities.copy)
    engine.settle()


def arguments(doc: str | None) -> argparse.ArgumentParser:
    """The options of the benchmarks over train's registry (this one, `bench_did_you_mean.py`)."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="sqlite", help="comma-separated: sqlite, opensearch")
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "data" / "polnear" / "train")
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "claimsearch-bench-claims.jsonl"
    )
    parser.add_argument("--opensearch-url", default="http://127.0.0.1:9200")
    parser.add_argument("--identities", type=int, default=300, help="the most-claimed identities asked for")
    parser.add_argument("--runs", type=int, default=5, help="runs of each query; the median is kept")
    return parser


def filed_train(args: argparse.Namespace) -> tuple[Pairs, list[ClaimantIdentity]] | None:
    """Train's claims (extracted once, cached) filed as `reindex` files them; None without PolNeAR."""
    if not args.cache.is_file() and not (args.corpus / "text").is_dir():
        print(f"skipped: PolNeAR not found at {args.corpus} (and no extracted claims at {args.cache})")
        return None
    # PolNeAR train holds one text under two file names, hence one article id twice (see
    # `bench_index.scale`); an index holds an article once, so it is filed once here.
    extracted = list(
        {
            article.id: (article, claims) for article, claims in extract_corpus(args.corpus, args.cache)
        }.values()
    )
    return file_corpus(extracted)


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__)
    parser.add_argument("--baseline-ref", default="HEAD", help="the commit whose adapters are the baseline")
    args = parser.parse_args(argv)
    filed = filed_train(args)
    if filed is None:
        return 0
    pairs, identities = filed
    mix = queries(identities, args.identities)
    registry = sum(1 for i in identities if i.claims > 0)
    print(
        f"registry: {registry} identities with claims, from {len(pairs)} articles;"
        f" queries: {sum(q.kind == 'prefix' for q in mix)} prefix, {sum(q.kind == 'typo' for q in mix)} typo"
        f" (the {args.identities} most-claimed persons and organisations), each run {args.runs}x;"
        f" baseline: the adapters as committed at {args.baseline_ref}"
    )
    by_engine: dict[str, list[list[str]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-suggest-") as tmp:
        for name in args.engines.split(","):
            pair: list[Engine]
            if name == "sqlite":
                make: Callable[[Path], SearchIndex] = SqliteIndex
                head = head_sqlite_module(Path(tmp) / "sqlite-head", args.baseline_ref).SqliteIndex
                pair = [
                    sqlite_engine("sqlite", Path(tmp) / "new", make),
                    sqlite_engine("sqlite-baseline", Path(tmp) / "head", head),
                ]
            else:
                from claimsearch.index import opensearch

                package = head_opensearch_package(Path(tmp) / "os-head", args.baseline_ref)
                pair = [
                    opensearch_engine("opensearch", args.opensearch_url, opensearch),
                    opensearch_engine("opensearch-baseline", args.opensearch_url, package),
                ]
            try:
                for engine in pair:
                    load(engine, pairs, identities)
                results, by_engine[name] = run(pair, mix, args.runs)
            finally:
                for engine in pair:
                    engine.drop()
            header = ("kind", "queries", "found", "empty", "differ", "p50 ms", "p95 ms")
            print(f"\n{'':<24}{header[0]:<8}" + "".join(f"{h:>9}" for h in header[1:]))
            for engine in pair:
                for kind in ("prefix", "typo"):
                    tally = results[(engine.name, kind)]
                    n = len(tally.latencies)
                    differ = str(tally.differ) if engine is pair[0] else ""
                    p50, p95 = (percentile(tally.latencies, p) * 1000 for p in (50, 95))
                    print(
                        f"{engine.name:<24}{kind:<8}{n:>9}{tally.found / n:>9.3f}{tally.empty:>9}{differ:>9}"
                        f"{p50:>9.2f}{p95:>9.2f}"
                    )
    if len(by_engine) == 2:
        first, second = by_engine.values()
        apart = sum(a != b for a, b in zip(first, second, strict=True))
        print(f"\nqueries whose answers differ between the engines: {apart} of {len(mix)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
