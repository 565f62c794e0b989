"""A claimant name no one goes by: what the search answers with, and what it costs.

    .venv/bin/python bench/bench_did_you_mean.py [--engines sqlite,opensearch] [--runs 5] \
        [--identities 300] [--opensearch-url http://127.0.0.1:9200]

The claims of PolNeAR train are filed and loaded into each engine as `bench_suggest.py`
loads them (the same cache, the same registry). For the --identities most-claimed persons
and organisations, their names typed one letter wrong (`bench_suggest.queries`' typo
queries: one word of five letters or more, never its first letter) are sent as
`claimant=` searches (`SearchQuery(claimant=..., limit=10)`, as `GET /claims` asks):

  answered    the misspelt name still finds claims (it is another claimant's name, or words
              of some claim's source): no suggestions are due
  suggested   empty answers carrying `claimant_suggestions`
  found       empty answers whose suggestions hold the identity meant
  p50 / p95   the whole search (`index.search`: the search, and for an empty answer the
              claimant-only search and the suggestions), each query's median of --runs
  baseline    the engine's search alone (`_search_claims`), what an empty answer cost
              before it suggested anyone, measured on the same queries in the same run

Prints figures; asserts nothing; skips when PolNeAR is absent.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

from bench_index import percentile, timed
from bench_search import Engine, opensearch_engine, sqlite_engine
from bench_suggest import arguments, filed_train, load, queries

from claimsearch.index.port import SearchQuery
from claimsearch.index.sqlite import SqliteIndex


def measure(engine: Engine, mix: list[Any], runs: int) -> dict[str, Any]:
    index = engine.index
    raw = index._search_claims  # type: ignore[attr-defined]  # the engine's search, no second tries
    answered = suggested = found = 0
    whole: list[float] = []
    alone: list[float] = []
    for query in mix:
        asked = SearchQuery(claimant=query.text, limit=10, facets=False)
        result = index.search(asked)
        if result.total:
            answered += 1
        elif result.claimant_suggestions:
            suggested += 1
            found += query.identity in {i.id for i in result.claimant_suggestions}
        # In turn, so that the machine's load weighs on both alike.
        pairs = [(timed(partial(index.search, asked)), timed(partial(raw, asked))) for _ in range(runs)]
        whole.append(statistics.median(p[0] for p in pairs))
        alone.append(statistics.median(p[1] for p in pairs))
    return {"answered": answered, "suggested": suggested, "found": found, "whole": whole, "alone": alone}


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__).parse_args(argv)
    filed = filed_train(args)
    if filed is None:
        return 0
    pairs, identities = filed
    mix = [q for q in queries(identities, args.identities) if q.kind == "typo"]
    print(
        f"{len(mix)} claimant names typed one letter wrong"
        f" (the {args.identities} most-claimed), {args.runs}x each"
    )
    header = ("queries", "answered", "suggested", "found", "p50 ms", "p95 ms", "base p50", "base p95")
    print(f"\n{'':<12}" + "".join(f"{h:>10}" for h in header))
    with tempfile.TemporaryDirectory(prefix="bench-did-you-mean-") as tmp:
        for name in args.engines.split(","):
            if name == "sqlite":
                engine = sqlite_engine("sqlite", Path(tmp) / "sqlite", SqliteIndex)
            else:
                from claimsearch.index import opensearch

                engine = opensearch_engine("opensearch", args.opensearch_url, opensearch)
            try:
                load(engine, pairs, identities)
                got = measure(engine, mix, args.runs)
            finally:
                engine.drop()
            empty = got["suggested"]
            figures = [
                len(mix),
                got["answered"],
                empty,
                f"{got['found'] / empty:.3f}" if empty else "-",
                *(f"{percentile(got[k], p) * 1000:.2f}" for k in ("whole", "alone") for p in (50, 95)),
            ]
            print(f"{name:<12}" + "".join(f"{f:>10}" for f in figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
