"""The local stack over HTTP: start `claimsearch serve`, drop the example into its inbox."""

from __future__ import annotations

import json
import shutil
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.conftest import EXAMPLE_ARTICLE
from tests.local_stack import get_json, running_stack, wait_for

T = TypeVar("T")

pytestmark = pytest.mark.e2e


def _get(url: str) -> tuple[int, Any]:
    return get_json(url)


def _wait_for(predicate: Callable[[], T], timeout: float = 120.0) -> T:
    return wait_for(predicate, timeout, "the local stack")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[dict[str, Any]]:
    with running_stack(tmp_path) as running:
        yield {"base": running.base, "inbox": running.inbox, "stack": running}


def test_dropped_article_is_searchable_over_http(stack: dict[str, Any]) -> None:
    shutil.copy(EXAMPLE_ARTICLE, stack["inbox"] / EXAMPLE_ARTICLE.name)
    base = stack["base"]
    body = _wait_for(lambda: (b := _get(f"{base}/claims?q=forced%20labour")[1])["total"] and b)
    assert "<mark>" in json.dumps(body["hits"][0]["highlights"])
    assert body["facets"]["claimant"]
    status, ahn = _get(f"{base}/claims?claimant=Ahn%20Myeong-chul")
    assert status == 200 and ahn["total"] == 2


def _post_example(base: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{base}/articles",
        data=EXAMPLE_ARTICLE.read_bytes(),
        headers={"Content-Type": "text/plain; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 202
        accepted: dict[str, Any] = json.loads(response.read())
    return accepted


def test_posted_article_goes_through_the_inbox(stack: dict[str, Any]) -> None:
    accepted = _post_example(stack["base"])
    article = _wait_for(lambda: (r := _get(f"{stack['base']}{accepted['article_url']}"))[0] == 200 and r[1])
    assert len(article["claims"]) >= 8


def test_posted_article_can_be_deleted_through_the_api(stack: dict[str, Any]) -> None:
    accepted = _post_example(stack["base"])
    _wait_for(lambda: _get(f"{stack['base']}{accepted['article_url']}")[0] == 200)
    delete = urllib.request.Request(f"{stack['base']}{accepted['article_url']}", method="DELETE")
    with urllib.request.urlopen(delete, timeout=10) as response:
        assert response.status == 202
        assert json.loads(response.read())["status"] == "deleting"
    _wait_for(lambda: _get(f"{stack['base']}{accepted['article_url']}")[0] == 404)
    assert _get(f"{stack['base']}/claims?article_id={accepted['article_id']}")[1]["total"] == 0
    assert not (stack["inbox"] / accepted["source_key"]).exists()


def test_rejected_drop_is_reported_and_service_keeps_running(stack: dict[str, Any]) -> None:
    (stack["inbox"] / "empty.txt").write_bytes(b"")
    shutil.copy(EXAMPLE_ARTICLE, stack["inbox"] / "good.txt")
    _wait_for(lambda: _get(f"{stack['base']}/claims?claimant=Ahn%20Myeong-chul")[1]["total"] == 2)
    assert _get(f"{stack['base']}/health")[0] == 200
    stack["stack"].process.terminate()
    stack["stack"].process.wait(timeout=10)
    output = stack["stack"].output()
    # The watcher prints the reason, once, not a batch failure.
    assert output.count("inbox: empty.txt rejected: the file is empty") == 1, output
    assert "inbox: good.txt ingested" in output
