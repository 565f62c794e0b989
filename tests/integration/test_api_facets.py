"""GET /claims?facets=: facets only when asked; by default on the first page and off after it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimsearch.local.apigw import response_parts, rest_event
from claimsearch.local.handlers import Handler, LocalContext, load_handler

EVERY_FACET = {"claimant", "organization", "entity", "publisher"}


@pytest.fixture(scope="module")
def handler() -> Handler:
    return load_handler("search")


@pytest.fixture
def get(data_dir: Path, handler: Handler, example_extraction):  # type: ignore[no-untyped-def]
    """GET on the API over an index holding the example article."""
    from claimsearch import wiring
    from claimsearch.claimants.registry import file_claims, updated_identities

    article, claims = example_extraction
    index = wiring.index()
    filed = file_claims(claims, index)
    assert index.index_article(article, filed.claims, updated_identities(filed, index)).ok

    def call(url: str) -> tuple[int, Any]:
        status, _, body = response_parts(handler(rest_event("GET", url), LocalContext("search")))
        return status, json.loads(body)

    return call


def test_the_first_page_has_every_facet_and_a_later_page_none(get) -> None:  # type: ignore[no-untyped-def]
    status, first = get("/claims?limit=2")
    assert status == 200 and set(first["facets"]) == EVERY_FACET
    assert first["facets"]["publisher"] == [{"value": "The Independent", "count": first["total"], "id": None}]
    status, second = get(f"/claims?limit=2&cursor={first['next_cursor']}")
    assert status == 200 and second["facets"] == {} and second["total"] == first["total"]


def test_facets_asked_by_name_on_any_page(get) -> None:  # type: ignore[no-untyped-def]
    _, first = get("/claims?limit=2&facets=entity,claimant")
    assert set(first["facets"]) == {"claimant", "entity"}
    _, every = get("/claims?limit=2")
    assert first["facets"] == {name: every["facets"][name] for name in ("claimant", "entity")}
    # The cursor does not depend on the facets asked: a later page may ask for some.
    _, second = get(f"/claims?limit=2&facets=publisher&cursor={first['next_cursor']}")
    assert second["facets"] == {"publisher": every["facets"]["publisher"]}
    assert second["hits"] == get(f"/claims?limit=2&cursor={every['next_cursor']}")[1]["hits"]


@pytest.mark.parametrize("none", ["", "none", "NONE"])
def test_facets_none(get, none: str) -> None:  # type: ignore[no-untyped-def]
    status, body = get(f"/claims?q=forced%20labour&facets={none}")
    assert status == 200 and body["facets"] == {} and body["total"] >= 1


@pytest.mark.parametrize("bad", ["colour", "claimant,colour", "none,claimant"])
def test_an_unknown_facet_is_a_400_naming_the_parameter(get, bad: str) -> None:  # type: ignore[no-untyped-def]
    status, body = get(f"/claims?facets={bad}")
    assert status == 400
    assert body["error"]["code"] == "invalid_parameter" and body["error"]["parameter"] == "facets"


def test_openapi_documents_the_facets_parameter(get) -> None:  # type: ignore[no-untyped-def]
    _, spec = get("/openapi.json")
    params = {p["name"]: p for p in spec["paths"]["/claims"]["get"]["parameters"]}
    assert "facets" in params and "none" in params["facets"]["description"]
