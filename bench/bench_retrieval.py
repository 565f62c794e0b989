"""Who claimed what: retrieval on PolNeAR dev gold, both engines and a sentence baseline, one run.

    .venv/bin/python bench/bench_retrieval.py [--engines sqlite,opensearch] [--opensearch-url URL]
        [--runs 3] [--json PATH] [--limit-articles N] [--data-dir DIR] [--corpus DIR]
        [--names clean|written]

Queries come from gold attributions whose source holds a proper name and whose content has
8+ words, at most 3 of each kind per article (text order, claimants not yet queried first):
  claimant  GET /claims?claimant=<name>&q=<2-3 rare words>&limit=10
  topic     GET /claims?q=<3-4 rare words>&limit=10
Name: the spaCy PERSON/ORG entity (the project's parse) holding the gold source's head word,
else the longest one inside the source ("Don Fowler, who ... has backed Hillary Clinton" ->
"Don Fowler"; "A panel of the U.S. Court of Appeals" -> "U.S. Court of Appeals"), as
written, less a possessive 's, a leading "the" and, for PERSON, leading titles (`TITLES`:
"Mrs. Clinton" -> "Clinton"). Rare words: gold content words, alphabetic, 3+ letters, not
stop words nor words of the name, fewest dev articles first, ties by first occurrence; a
query takes the most its range allows, and is skipped below it. `--names written` asks for
the gold source as the article writes it instead ("Sen. Lindsey Graham (R-S.C.)", "Don Fowler,
who ... has backed Hillary Clinton"; up to the API's 200 characters, else the name), the same
queries otherwise: how the search takes a name copied from an article.

Scores (answers of the first of --runs passes; latency: each query's median over them):
  recall@k   a top-k item in the right article covers >= half the gold content's word tokens
             (a token counts when it lies wholly inside one of the item's spans)
  attr.P@10  claimant queries with an answer: mean share of the items with >= 50% of their
             content characters inside the content of one gold attribution of that article
             whose source text contains the name (case-insensitive). A claim rightly
             resolved from "he said" counts as a miss: the figure is a lower bound.
  judged     attr.P@10 where gold can judge: a source holding the name's last word counts
             ("Caddell" for "Pat Caddell"); items inside a pronoun-only source ("he") are
             left out, as gold does not say who "he" is
  in sent.   recall@10 with a claim's sentence standing for its content: the search found
             the right place, whatever the extracted content's edges (for the baseline, the
             same as recall@10)
  ceiling    the share of queries whose gold content some extracted claim of the article
             covers: no search over these claims can recall more
  empty      queries answered with nothing
Sentence baseline: the spaCy sentences in an in-memory SQLite FTS5 table (porter unicode61
remove_diacritics 2), bm25 over the OR-ed words, claimant queries keeping sentences that hold
the name as whole words; items are sentences, latency is in-process (no HTTP). Engines:
`claimsearch serve` on a data dir (temporary unless --data-dir), missing articles POSTed as
JSON; OpenSearch is built by `claimsearch reindex` from the archive the SQLite run left (one
extraction for both) under a fresh prefix, deleted at the end. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tqdm import tqdm

from claimsearch.extract.spans import AttributionSpans

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "data" / "polnear" / "dev"
K = 10
PER_ARTICLE = 3  # queries of each kind
MIN_CONTENT_WORDS = 8
MAX_NAME_CHARS = 200  # the API's limit on `claimant`
WORD_RANGE = {"claimant": (2, 3), "topic": (3, 4)}
TARGETS = {"claimant": "recall@10 >= 0.95, attr.P@10 >= 0.90", "topic": "recall@10 >= 0.95"}
_WORD = re.compile(r"[^\W_]+")
_POSSESSIVE = re.compile(r"\s*['’]s?$")
Span = tuple[int, int]
Answers = tuple[list[list["Item"]], list[float]]  # per query: the items, the median latency (ms)


@dataclass(frozen=True)
class BenchArticle:
    stem: str
    article_id: str
    text: str
    meta: dict[str, str]  # title, publisher, published_at
    gold: list[AttributionSpans]


@dataclass(frozen=True)
class Query:
    kind: str  # "claimant" | "topic"
    article: BenchArticle
    name: str
    words: tuple[str, ...]
    gold: tuple[Span, ...]  # the word tokens of the gold content
    content: tuple[Span, ...]  # the gold content's spans, for showing misses
    written: str = ""  # the gold source as the article writes it, asked for with --names written

    @property
    def asked(self) -> str:
        """The claimant name a claimant query sends (the baseline looks for it too)."""
        return self.written or self.name

    def params(self) -> dict[str, str]:
        params = {"q": " ".join(self.words), "limit": str(K)}
        return {"claimant": self.asked, **params} if self.kind == "claimant" else params


@dataclass(frozen=True)
class Item:
    """One answer: a claim, or a baseline sentence."""

    article_id: str
    spans: tuple[Span, ...]
    claimant: str
    text: str
    sentence: Span = (0, 0)  # a claim's sentence; a baseline item is a sentence (`spans`)


# -- gold and queries ------------------------------------------------------------------------------


def load_articles(corpus: Path, limit: int | None) -> list[BenchArticle]:
    from claimsearch.evaluation.corpus import load_corpus
    from claimsearch.model import article_id_for

    with (corpus.parent / "metadata.tsv").open(encoding="utf-8", newline="") as handle:
        meta = {row["filename"]: row for row in csv.DictReader(handle, delimiter="\t")}
    articles = []
    for doc in load_corpus(corpus)[:limit]:
        row = meta.get(doc.stem, {})
        fields = {"title": row.get("title", ""), "publisher": row.get("publisher", "")}
        fields["published_at"] = row.get("publication_date", "")
        articles.append(BenchArticle(doc.stem, article_id_for(doc.text), doc.text, fields, doc.attributions))
    return articles


def source_text(article: BenchArticle, gold: AttributionSpans) -> str:
    return " ".join(article.text[s:e] for s, e in gold.source)


def claimant_name(doc: Any, source: list[Span]) -> str:
    """The source's name, cleaned; "" when none: the PERSON/ORG name holding the source's
    head word ("Don Fowler, who ... has backed Hillary Clinton" -> "Don Fowler"), else
    the longest one inside it ("A panel of the U.S. Court of Appeals")."""
    from claimsearch.claimants.names import TITLES

    def inside(start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in source)

    tokens = [t for t in doc if inside(t.idx, t.idx + len(t))]
    heads = {t.i for t in tokens if t.head.i == t.i or not inside(t.head.idx, t.head.idx + len(t.head))}
    names = []
    for ent in doc.ents:
        if inside(ent.start_char, ent.end_char) and ent.label_ in ("PERSON", "ORG"):
            words = _POSSESSIVE.sub("", ent.text.strip()).split()
            words = words[1:] if [w.lower() for w in words[:1]] == ["the"] else words
            # Only people carry titles: "General Motors" and "Justice Department" are names.
            while ent.label_ == "PERSON" and len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
                words = words[1:]
            if any(c.isupper() for c in "".join(words)):
                holds_head = any(ent.start <= i < ent.end for i in heads)
                names.append((holds_head, len(" ".join(words)), " ".join(words)))
    return max(names, key=lambda name: name[:2], default=(False, 0, ""))[2]  # ties: the first


def document_frequency(corpus: Path) -> Counter[str]:
    from claimsearch.evaluation.corpus import find_documents, read_text

    df: Counter[str] = Counter()
    for text_path, _ in find_documents(corpus).values():
        df.update({w.lower() for w in _WORD.findall(read_text(text_path))})
    return df


def build_queries(
    articles: list[BenchArticle], docs: list[Any], df: Counter[str], written: bool = False
) -> list[Query]:
    from spacy.lang.en.stop_words import STOP_WORDS

    queries: list[Query] = []
    for article, doc in zip(articles, docs, strict=True):
        candidates = []  # kind-less queries holding every rare word, rarest first
        for gold in sorted(article.gold, key=lambda g: sorted(g.content)[:1]):
            content = sorted(gold.content)
            tokens = tuple(m.span() for s, e in content for m in _WORD.finditer(article.text, s, e))
            name = claimant_name(doc, gold.source)
            if not name or len(tokens) < MIN_CONTENT_WORDS:
                continue
            excluded = {w.lower() for w in _WORD.findall(name)}
            order: dict[str, int] = {}
            for s, e in tokens:
                word = article.text[s:e].lower()
                if word.isalpha() and len(word) >= 3 and word not in STOP_WORDS and word not in excluded:
                    order.setdefault(word, len(order))
            rare = tuple(sorted(order, key=lambda w: (df[w], order[w])))
            as_written = source_text(article, gold).strip(" ,;:") if written else ""
            as_written = as_written if len(as_written) <= MAX_NAME_CHARS else ""
            candidates.append(Query("", article, name, rare, tokens, tuple(content), as_written))
        # Claimants not yet queried first, so an article's queries spread over its sources.
        firsts: dict[str, Query] = {}
        for candidate in candidates:
            firsts.setdefault(candidate.name.lower(), candidate)
        ranked = [*firsts.values(), *(c for c in candidates if firsts[c.name.lower()] is not c)]
        for kind, (low, high) in WORD_RANGE.items():
            picked: list[Query] = []
            for candidate in ranked:
                query = replace(candidate, kind=kind, words=candidate.words[:high])
                fresh = all(p.params() != query.params() for p in picked)
                if len(query.words) >= low and len(picked) < PER_ARTICLE and fresh:
                    picked.append(query)
            queries.extend(picked)
    return queries


# -- scoring ---------------------------------------------------------------------------------------


def is_hit(query: Query, item: Item) -> bool:
    if item.article_id != query.article.article_id:
        return False
    covered = sum(any(s <= ts and te <= e for s, e in item.spans) for ts, te in query.gold)
    return covered >= 0.5 * len(query.gold)


def in_sentence(query: Query, item: Item) -> bool:
    """`is_hit` on the item's sentence: the search found the place, whatever the content's edges."""
    return is_hit(query, replace(item, spans=(item.sentence,)))


def is_attributed(query: Query, item: Item, by_id: dict[str, BenchArticle]) -> bool:
    article, size = by_id.get(item.article_id), sum(e - s for s, e in item.spans)
    if article is None or size == 0:
        return False
    for gold in article.gold:
        if query.name.lower() in source_text(article, gold).lower():
            inside = sum(max(0, min(e, ge) - max(s, gs)) for s, e in item.spans for gs, ge in gold.content)
            if inside >= 0.5 * size:
                return True
    return False


def judged_attribution(query: Query, item: Item, by_id: dict[str, BenchArticle]) -> bool | None:
    """attr.P as judged where the gold can judge: the item lies mostly inside a gold
    attribution whose source holds the name or its last word ("Caddell" for "Pat
    Caddell"): True; inside one whose source is only a pronoun ("he"), which gold does
    not resolve: None (unjudged, left out); otherwise False."""
    from claimsearch.claimants.names import is_pronoun

    article, size = by_id.get(item.article_id), sum(e - s for s, e in item.spans)
    if article is None or size == 0:
        return False
    surname = query.name.lower().split()[-1]
    for gold in article.gold:
        inside = sum(max(0, min(e, ge) - max(s, gs)) for s, e in item.spans for gs, ge in gold.content)
        if inside >= 0.5 * size:
            source = source_text(article, gold)
            if re.search(rf"\b{re.escape(surname)}\b", source.lower()):
                return True
            if not source.strip() or is_pronoun(source):
                return None
    return False


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)] if ordered else math.nan


def score(queries: list[Query], answers: Answers, by_id: dict[str, BenchArticle]) -> dict[str, Any]:
    items, latencies = answers
    answered = [(q, a) for q, a in zip(queries, items, strict=True) if a]
    n = max(len(queries), 1)
    shares = [
        sum(is_attributed(q, i, by_id) for i in a) / len(a) for q, a in answered if q.kind == "claimant"
    ]
    judged = []
    for query, answer in answered:
        verdicts = [v for i in answer if (v := judged_attribution(query, i, by_id)) is not None]
        if query.kind == "claimant" and verdicts:
            judged.append(sum(verdicts) / len(verdicts))
    return {
        "queries": len(queries),
        "recall@1": sum(is_hit(q, a[0]) for q, a in answered) / n,
        "recall@10": sum(any(is_hit(q, i) for i in a[:K]) for q, a in answered) / n,
        "recall@10_sentence": sum(any(in_sentence(q, i) for i in a[:K]) for q, a in answered) / n,
        "attributed_precision@10": statistics.fmean(shares) if shares else None,
        "attributed_precision@10_judged": statistics.fmean(judged) if judged else None,
        "empty": len(queries) - len(answered),
        "p50_ms": percentile(latencies, 0.5),
        "p95_ms": percentile(latencies, 0.95),
    }


def measure(search: Callable[[Query], list[Item]], queries: list[Query], runs: int) -> Answers:
    answers: list[list[Item]] = []
    timings: list[list[float]] = [[] for _ in queries]
    for run in range(runs):
        for i, query in enumerate(queries):
            started = time.perf_counter()
            items = search(query)
            timings[i].append((time.perf_counter() - started) * 1000)
            if run == 0:
                answers.append(items)
    return answers, [statistics.median(t) for t in timings]


def sentence_search(articles: list[BenchArticle], docs: list[Any]) -> Callable[[Query], list[Item]]:
    """Plain sentence search with a name filter: what the claim index has to beat."""
    db = sqlite3.connect(":memory:")
    # `x REGEXP p` calls regexp(p, x); SQLite has no built-in one.
    db.create_function("regexp", 2, lambda p, x: re.search(p, x) is not None, deterministic=True)
    db.execute(
        "CREATE VIRTUAL TABLE sentences USING fts5(text, article_id UNINDEXED, span_start UNINDEXED,"
        " span_end UNINDEXED, tokenize='porter unicode61 remove_diacritics 2')"
    )
    for article, doc in zip(articles, docs, strict=True):
        for sent in doc.sents:
            start = sent.start_char + len(sent.text) - len(sent.text.lstrip())
            row = (sent.text.strip(), article.article_id, start, start + len(sent.text.strip()))
            if row[0]:
                db.execute("INSERT INTO sentences VALUES (?, ?, ?, ?)", row)

    def search(query: Query) -> list[Item]:
        sql = "SELECT text, article_id, span_start, span_end FROM sentences WHERE sentences MATCH ?"
        args: list[Any] = [" OR ".join(f'"{w}"' for w in query.words)]
        if query.kind == "claimant":
            sql += " AND text REGEXP ?"
            args.append(r"(?i)(?<!\w)" + re.escape(query.asked) + r"(?!\w)")
        rows = db.execute(sql + " ORDER BY bm25(sentences) LIMIT ?", [*args, K]).fetchall()
        return [Item(a, ((s, e),), "", t, (s, e)) for t, a, s, e in rows]

    return search


# -- the local stack -------------------------------------------------------------------------------


def http(method: str, url: str, body: dict[str, str] | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@contextmanager
def serving(env: dict[str, str], data_dir: Path, engine: str) -> Iterator[str]:
    """`claimsearch serve` on a free port, its output in the data dir; yields its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = data_dir / f"bench-serve-{engine}.log"
    command = [sys.executable, "-m", "claimsearch.cli", "serve", "--port", str(port)]
    with log.open("w") as out:
        inbox = ["--inbox", str(data_dir / "inbox")]
        process = subprocess.Popen([*command, *inbox], cwd=REPO, env=env, stdout=out, stderr=out)
    base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 120
    try:
        while True:
            with suppress(OSError):
                if http("GET", f"{base}/health")[0] == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                tail = "".join(log.read_text().splitlines(keepends=True)[-5:])
                raise SystemExit(f"the {engine} stack did not come up ({log}):\n{tail}")
            time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def ingest(base: str, articles: list[BenchArticle], stall_s: float = 180) -> tuple[dict[str, str], list[str]]:
    """POST the articles and wait for them: the API's article id of each (by the bench's id,
    the hash of the text) and the stems that never arrived.

    Articles are keyed by where they were stored, which POST /articles names after the
    body's hash: posting the same article again names the same one, which ingest finds
    unchanged, so a data dir that already holds them is reused as it is.
    """
    ids: dict[str, str] = {}
    for article in articles:
        status, body = http("POST", f"{base}/articles", {"text": article.text, **article.meta})
        if status != 202:
            raise SystemExit(f"POST /articles answered {status} for {article.stem}: {body}")
        ids[article.article_id] = body["article_id"]
    pending = {ids[a.article_id]: a for a in articles}
    last_progress = time.monotonic()
    with tqdm(total=len(pending), desc="extracting", unit="article", file=sys.stderr) as bar:
        # A rejected file never arrives: give up once nothing has arrived for stall_s.
        while pending and time.monotonic() - last_progress < stall_s:
            time.sleep(1)
            for article_id in [i for i in pending if http("GET", f"{base}/articles/{i}")[0] == 200]:
                del pending[article_id]
                bar.update()
                last_progress = time.monotonic()
    return ids, sorted(a.stem for a in pending.values())


def search_api(base: str, bench_ids: dict[str, str]) -> Callable[[Query], list[Item]]:
    """GET /claims for a query; items carry the bench's article ids (`bench_ids`: API id -> bench id)."""

    def search(query: Query) -> list[Item]:
        status, body = http("GET", f"{base}/claims?{urllib.parse.urlencode(query.params())}")
        if status != 200:
            raise SystemExit(f"GET /claims {query.params()} answered {status}: {body}")
        claims = [hit["claim"] for hit in body["hits"]]
        spans = [tuple((s, e) for s, e in c["content"]["spans"]) for c in claims]
        return [
            Item(
                bench_ids.get(c["article_id"], c["article_id"]),
                sp,
                c["claimant"]["name"],
                c["content"]["text"],
                tuple(c["sentence_span"]),
            )
            for c, sp in zip(claims, spans, strict=True)
        ]

    return search


def held_claims(base: str, articles: list[BenchArticle], ids: dict[str, str]) -> dict[str, list[Item]]:
    """Every claim the engine holds, by article: what any search could return at best."""
    held: dict[str, list[Item]] = {}
    for article in articles:
        _, body = http("GET", f"{base}/articles/{ids.get(article.article_id, article.article_id)}")
        claims = body.get("claims", []) if isinstance(body, dict) else []
        held[article.article_id] = [
            Item(
                article.article_id,
                tuple((s, e) for s, e in c["content"]["spans"]),
                c["claimant"]["name"] or "",
                "",
            )
            for c in claims
        ]
    return held


def run_engine(
    engine: str, data_dir: Path, articles: list[BenchArticle], queries: list[Query], args: argparse.Namespace
) -> tuple[Answers, dict[str, list[Item]]]:
    prefix = f"bench-retrieval-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMSEARCH_")}
    env.update(CLAIMSEARCH_DATA_DIR=str(data_dir), CLAIMSEARCH_INDEX=engine)
    if engine == "opensearch":
        env.update(CLAIMSEARCH_OPENSEARCH_URL=args.opensearch_url, CLAIMSEARCH_INDEX_PREFIX=prefix)
    try:
        if engine == "opensearch":
            command = [sys.executable, "-m", "claimsearch.cli", "reindex"]
            done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=True)
            print(f"opensearch: index {prefix} rebuilt from the archive by `claimsearch reindex`, not")
            print(f"  extracted again: {done.stdout.strip()}")
        with serving(env, data_dir, engine) as base:
            ids, missing = ingest(base, articles)
            if missing:
                print(f"{engine}: {len(missing)} article(s) never indexed, e.g. {missing[0]}")
            bench_ids = {api_id: bench_id for bench_id, api_id in ids.items()}
            answers = measure(search_api(base, bench_ids), queries, args.runs)
            return answers, held_claims(base, articles, ids)
    finally:
        if engine == "opensearch":
            drop_indices(args.opensearch_url, prefix)


def drop_indices(url: str, prefix: str) -> None:
    """Delete the indices and templates of this run's prefix, by name: the node may be shared."""
    _, indices = http("GET", f"{url}/_cat/indices/{prefix}-*?format=json&expand_wildcards=all")
    for index in indices if isinstance(indices, list) else []:
        http("DELETE", f"{url}/{index['index']}")
    _, templates = http("GET", f"{url}/_index_template/{prefix}-*")
    for template in templates.get("index_templates", []) if isinstance(templates, dict) else []:
        http("DELETE", f"{url}/_index_template/{template['name']}")


# -- report ----------------------------------------------------------------------------------------


def snippet(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def report(kind: str, queries: list[Query], rows: dict[str, tuple[dict[str, Any], list[list[Item]]]]) -> None:
    articles = len({q.article.stem for q in queries})
    print(f"\n{kind} queries: {len(queries)} from {articles} articles (target: {TARGETS[kind]})")
    header = ("recall@1", "recall@10", "in sent.", "attr.P@10", "judged", "empty", "p50 ms", "p95 ms")
    print(f"{'':18}" + "".join(f"{h:>10}" for h in header))
    for name, (fig, _) in rows.items():
        precision, judged = (
            "-" if fig[key] is None else f"{fig[key]:.3f}"
            for key in ("attributed_precision@10", "attributed_precision@10_judged")
        )
        empty = f"{fig['empty']}/{fig['queries']}"
        print(
            f"{name:18}{fig['recall@1']:>10.3f}{fig['recall@10']:>10.3f}{fig['recall@10_sentence']:>10.3f}"
            f"{precision:>10}{judged:>10}{empty:>10}"
            f"{fig['p50_ms']:>10.1f}{fig['p95_ms']:>10.1f}"
        )
    for name, (_, answers) in rows.items():
        misses = [(q, a) for q, a in zip(queries, answers, strict=True) if not any(is_hit(q, i) for i in a)]
        for query, answer in misses[:: max(1, len(misses) // 3)][:3]:  # spread over the corpus
            expected = " … ".join(query.article.text[s:e] for s, e in query.content)
            top = f"{answer[0].claimant or '-'}: {snippet(answer[0].text, 70)}" if answer else "(empty)"
            print(f"  miss [{name}] {query.params()} in {query.article.stem}")
            print(f"    expected: {snippet(expected)}\n    top:      {top}")


def miss_causes(
    queries: list[Query], answers: list[list[Item]], held: dict[str, list[Item]]
) -> dict[str, list[tuple[Query, list[Item]]]]:
    """Why each missed query was missed, with the held claims covering its gold content:
    no claim covers it (extraction), the claims covering it are filed under a claimant
    the query's name does not appear in (claimant queries), or the search lost it."""
    causes: dict[str, list[tuple[Query, list[Item]]]] = {"extraction": [], "claimant": [], "search": []}
    for query, answer in zip(queries, answers, strict=True):
        if any(is_hit(query, i) for i in answer):
            continue
        covering = [i for i in held.get(query.article.article_id, []) if is_hit(query, i)]
        named = any(query.name.lower().split()[-1] in i.claimant.lower().split() for i in covering)
        cause = "search" if covering else "extraction"
        cause = "claimant" if covering and query.kind == "claimant" and not named else cause
        causes[cause].append((query, covering))
    return causes


def report_misses(engine: str, causes: dict[str, list[tuple[Query, list[Item]]]]) -> None:
    extraction, claimant, search = (len(causes[c]) for c in ("extraction", "claimant", "search"))
    print(
        f"  {engine} misses: {extraction + claimant + search}: no extracted claim covers the gold content"
        f" {extraction}, covered only by claims filed under another claimant or none {claimant}, lost by"
        f" the search {search}"
    )
    for query, covering in causes["claimant"] + causes["search"]:
        filed = ", ".join(sorted({i.claimant or "(none)" for i in covering}))
        words = " ".join(query.words)
        print(f"    {query.kind} {query.name!r} {words!r} in {query.article.stem}: filed under {filed}")
    # Every extraction miss, one line each: what to compare when the extractor changes.
    for query, _ in causes["extraction"]:
        words = " ".join(query.words)
        print(f"    not extracted: {query.kind} {query.name!r} {words!r} in {query.article.stem}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--engines", default="sqlite,opensearch", help="comma-separated: sqlite, opensearch")
    default_url = os.environ.get("CLAIMSEARCH_OPENSEARCH_URL") or "http://127.0.0.1:9200"
    parser.add_argument("--opensearch-url", default=default_url)
    parser.add_argument("--runs", type=int, default=3, help="latency passes; each query's median is kept")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--limit-articles", type=int, help="only the first N articles (a quick run)")
    parser.add_argument("--data-dir", type=Path, help="reuse this data dir; articles already there are kept")
    parser.add_argument(
        "--names",
        choices=("clean", "written"),
        default="clean",
        help="claimant queries ask for the cleaned name (default) or the gold source as written",
    )
    args = parser.parse_args(argv)
    engines = [e for e in args.engines.split(",") if e]
    if unknown := set(engines) - {"sqlite", "opensearch"}:
        parser.error(f"unknown engine(s): {', '.join(sorted(unknown))}")
    if not ((args.corpus / "text").is_dir() and (args.corpus.parent / "metadata.tsv").is_file()):
        print(f"skipped: no PolNeAR corpus at {args.corpus} (text/, attributions/, ../metadata.tsv)")
        return 0
    if "opensearch" in engines:
        try:
            urllib.request.urlopen(args.opensearch_url, timeout=5).close()
        except OSError as error:
            parser.error(f"no OpenSearch at {args.opensearch_url} ({error}): infra/opensearch/node.sh start")
    started = time.monotonic()
    from claimsearch.extract.nlp import parse

    articles = load_articles(args.corpus, args.limit_articles)
    docs = [parse(a.text) for a in tqdm(articles, desc="parsing gold", unit="article", file=sys.stderr)]
    queries = build_queries(articles, docs, document_frequency(args.corpus), args.names == "written")
    answers: dict[str, Answers] = {}
    held: dict[str, list[Item]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-retrieval-") as tmp:
        data_dir = (args.data_dir or Path(tmp) / "data").resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        for engine in engines:
            answers[engine], held = run_engine(engine, data_dir, articles, queries, args)
    answers["sentence baseline"] = measure(sentence_search(articles, docs), queries, args.runs)
    by_id = {a.article_id: a for a in articles}
    figures: dict[str, dict[str, Any]] = {name: {} for name in answers}
    for kind in WORD_RANGE:
        picked = [i for i, q in enumerate(queries) if q.kind == kind]
        kind_queries = [queries[i] for i in picked]
        rows = {}
        for name, (items, latencies) in answers.items():
            subset = ([items[i] for i in picked], [latencies[i] for i in picked])
            figures[name][kind] = score(kind_queries, subset, by_id)
            rows[name] = (figures[name][kind], subset[0])
        report(kind, kind_queries, rows)
        # The most any search over these claims could reach: extraction bounds recall.
        ceiling = sum(any(is_hit(q, i) for i in held.get(q.article.article_id, [])) for q in kind_queries)
        print(
            f"  extraction ceiling: {ceiling / max(len(kind_queries), 1):.3f} of the queries' gold content is"
        )
        print("  covered (>= half its words) by some extracted claim of its article")
        for figure in figures.values():
            figure[kind]["extraction_ceiling"] = ceiling / max(len(kind_queries), 1)
        for name in engines:
            causes = miss_causes(kind_queries, rows[name][1], held)
            figures[name][kind]["misses"] = {cause: len(found) for cause, found in causes.items()}
            report_misses(name, causes)
    print(f"\n{len(articles)} articles, --runs {args.runs}; {time.monotonic() - started:.0f} s in all")
    if args.json:
        summary = {
            "corpus": str(args.corpus),
            "articles": len(articles),
            "runs": args.runs,
            "figures": figures,
        }
        args.json.write_text(json.dumps(summary, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
