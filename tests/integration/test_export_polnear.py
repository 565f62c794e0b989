"""Acceptance: every claim of PolNeAR dev, ingested locally, exported once each (issue 13).

The dev articles go through the real extraction, then are filed and indexed as ingest does
it (SQLite, the local stack's index); the export is read over HTTP from the local server,
in small parts so that it takes dozens of handler calls behind one streamed response.

Extraction of the 84 articles takes minutes on a small machine, so their claims are cached
as JSONL in the temp directory, keyed by the texts and the claim builder's version: this
test is about the export, which must return whatever the index holds, so a cache from an
older model would not make it pass wrongly. Skipped, saying so, without the corpus.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import tempfile
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from claimsearch.api.export_jobs import NEXT_CURSOR_HEADER, TOTAL_HEADER
from claimsearch.claimants.registry import file_claims, updated_identities
from claimsearch.index.sqlite import SqliteIndex
from claimsearch.model import Article, Claim, ExtractedArticle
from tests.conftest import REPO, reset_process_caches

POLNEAR = Path(os.environ.get("CLAIMSEARCH_POLNEAR_DIR", REPO.parent / "shared" / "data" / "polnear"))
DEV = POLNEAR / "dev" / "text"
PUBLISHERS = {"breitbart": "Breitbart", "huff-post": "HuffPost", "nyt": "The New York Times"}

pytestmark = pytest.mark.skipif(
    not DEV.is_dir(), reason=f"PolNeAR dev not found at {DEV} (set CLAIMSEARCH_POLNEAR_DIR)"
)


def _extracted_dev() -> list[tuple[Article, list[Claim]]]:
    from claimsearch.extract.claims import CLAIM_BUILDER_VERSION

    texts = sorted(DEV.glob("*.txt"))
    digest = hashlib.sha256(CLAIM_BUILDER_VERSION.encode())
    for path in texts:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    cache = Path(tempfile.gettempdir()) / f"claimsearch-polnear-dev-claims-{digest.hexdigest()[:16]}.jsonl"
    if cache.is_file():
        rows = [ExtractedArticle.from_dict(json.loads(line)) for line in cache.open(encoding="utf-8")]
        return [(r.article, r.claims) for r in rows]
    from claimsearch.documents.parse import parse_text
    from claimsearch.extract.pipeline import extract_claims

    pairs = []
    for path in texts:
        article = parse_text(path.read_text(encoding="utf-8"), path.name)
        publisher, date = path.stem.split("_")[:2]
        article = replace(article, publisher=PUBLISHERS.get(publisher, publisher), published_at=date)
        pairs.append((article, extract_claims(article)))
    partial = cache.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as out:
        for article, claims in pairs:
            out.write(json.dumps(ExtractedArticle(article, claims).to_dict()) + "\n")
    partial.replace(cache)  # whole or absent: a run cut short leaves no half cache
    return pairs


def test_every_polnear_dev_claim_is_exported_exactly_once(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimsearch.local.handlers import load_handler
    from claimsearch.local.server import make_server

    pairs = _extracted_dev()
    assert len(pairs) == len(list(DEV.glob("*.txt"))) >= 80
    index = SqliteIndex(data_dir / "claims.sqlite3")
    index.ensure_ready()
    for article, claims in pairs:
        filed = file_claims(claims, index)
        assert index.index_article(article, filed.claims, updated_identities(filed, index)).ok
    indexed = {claim.id for _, claims in pairs for claim in claims}
    assert index.count_claims() == len(indexed) > 1000

    # Parts of ~100 KB: the export takes dozens of handler calls behind one response.
    monkeypatch.setenv("CLAIMSEARCH_EXPORT_RESPONSE_BYTES", "100000")
    reset_process_caches()
    server = make_server("127.0.0.1", 0, load_handler("search"), 10**6)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        connection = http.client.HTTPConnection(*server.server_address[:2], timeout=300)  # type: ignore[misc]
        connection.request("GET", "/claims/export")
        response = connection.getresponse()
        assert response.status == 200 and response.getheader(NEXT_CURSOR_HEADER) is None
        total = int(response.getheader(TOTAL_HEADER) or -1)
        lines = [json.loads(line) for line in response.read().decode("utf-8").splitlines()]
    finally:
        server.shutdown()
        server.server_close()
    ids = [line["claim"]["id"] for line in lines]
    assert total == len(indexed)
    assert len(ids) == total, f"{len(ids)} lines for {total} matches"
    assert len(set(ids)) == len(ids), "a claim exported twice"
    assert set(ids) == indexed, "a claim missing"
    # Filter-only: every score is 0, so the order is the id order GET /claims gives.
    assert ids == sorted(ids)
