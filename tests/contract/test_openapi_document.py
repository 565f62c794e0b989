"""The OpenAPI document says what the API answers, and the API answers what it says.

Fast checks through the search function's handler (and the local server for methods
http.server does not know); tests/contract/test_schemathesis.py runs the whole document
against the local stack.
"""

from __future__ import annotations

import base64
import http.client
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from claimsearch.local.apigw import response_parts, rest_event
from claimsearch.local.handlers import Handler, LocalContext, load_handler
from tests.conftest import reset_process_caches

ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
# The routes of api/app.py and the error statuses each declares (the export router's are its own).
DECLARED = {
    ("get", "/health"): {400, 403, 429, 500, 503, 504},  # 400: a parameter it does not take
    ("get", "/claims"): {400, 403, 429, 500, 503, 504},
    ("get", "/claims/{claim_id}"): {400, 403, 404, 429, 500, 503, 504},
    ("get", "/claimants"): {400, 403, 429, 500, 503, 504},
    ("get", "/claimants/{claimant_id}"): {400, 403, 404, 429, 500, 503, 504},
    ("get", "/articles/{article_id}"): {400, 403, 404, 429, 500, 503, 504},
    ("post", "/articles"): {400, 403, 413, 415, 422, 429, 500, 503, 504},
    ("delete", "/articles/{article_id}"): {400, 403, 404, 409, 429, 500, 503, 504},
}


@pytest.fixture(scope="module")
def handler() -> Handler:
    return load_handler("search")


@pytest.fixture
def call(handler: Handler, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The search handler over an empty index; POSTs land in tmp_path/inbox."""
    monkeypatch.setenv("CLAIMSEARCH_INBOX_DIR", str(tmp_path / "inbox"))
    monkeypatch.delenv("CLAIMSEARCH_INBOX_BUCKET", raising=False)
    reset_process_caches()

    def send(
        method: str, url: str, headers: dict[str, str] | None = None, body: bytes | None = None
    ) -> tuple[int, dict[str, str], Any]:
        status, out, data = response_parts(
            handler(rest_event(method, url, headers, body), LocalContext("search"))
        )
        return status, out, json.loads(data) if data else None

    return send


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    from claimsearch.api.app import openapi_json

    spec: dict[str, Any] = json.loads(openapi_json())
    return spec


def _validator(schema: dict[str, Any], document: dict[str, Any]) -> Draft202012Validator:
    # The document's references are local (#/components/...): resolve them against it.
    return Draft202012Validator({**schema, "components": document["components"]})


def test_every_route_declares_each_status_it_answers_and_errors_in_one_shape(
    document: dict[str, Any],
) -> None:
    for (method, path), errors in DECLARED.items():
        responses = document["paths"][path][method]["responses"]
        assert {int(code) for code in responses if int(code) >= 400} == errors, (method, path)
        for code in errors:
            assert responses[str(code)]["content"]["application/json"]["schema"] == ERROR_REF, (path, code)
    # Every error of every operation (the export router's too) has the one shape.
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for code, answer in operation["responses"].items():
                if int(code) >= 400:
                    assert answer["content"]["application/json"]["schema"] == ERROR_REF, (method, path, code)
    # A body in another media type is refused with 415 (app.py's handlers), so every
    # operation that reads a body says so.
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                assert "415" in operation["responses"], (method, path)
    # Powertools' default 422 (FastAPI's shape) is no answer of this API.
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert "405" in document["info"]["description"] and "Allow" in document["info"]["description"]


def test_every_get_answering_json_declares_its_tag_and_the_304_it_answers_a_holder(
    document: dict[str, Any],
) -> None:
    gets = {path: operations["get"] for path, operations in document["paths"].items() if "get" in operations}
    for path, operation in gets.items():
        success = operation["responses"]["200"]
        if "application/json" not in success["content"]:
            assert "304" not in operation["responses"], path  # the export's NDJSON parts are no-store
            continue
        assert "ETag" in success["headers"] and "ETag" in operation["responses"]["304"]["headers"], path
        assert ("If-None-Match", "header") in {(p["name"], p["in"]) for p in operation["parameters"]}, path
    assert "304" not in gets["/claims/export"]["responses"] and len(gets) > 8


def test_error_schema_is_the_shape_the_api_answers(document: dict[str, Any], call) -> None:  # type: ignore[no-untyped-def]
    validator = _validator(ERROR_REF, document)
    for method, url in (
        ("GET", "/claims?limit=0"),
        ("GET", "/claims/c000"),
        ("PUT", "/claims"),
        ("GET", "/nope"),
    ):
        status, _, body = call(method, url)
        assert status >= 400 and not list(validator.iter_errors(body)), (method, url, body)
    schema = document["components"]["schemas"]["ErrorDetail"]
    assert set(schema["required"]) == {"code", "message"} and "parameter" in schema["properties"]


def test_examples_fit_their_schemas(document: dict[str, Any]) -> None:
    checked = 0
    for (method, path), _ in DECLARED.items():
        operation = document["paths"][path][method]
        for parameter in operation.get("parameters", []):
            for example in parameter.get("examples", {}).values():
                _validator(parameter["schema"], document).validate(example["value"])
                checked += 1
        bodies = operation.get("requestBody", {}).get("content", {})
        answers = [answer.get("content", {}) for answer in operation["responses"].values()]
        for content in [bodies, *answers]:
            for media in content.values():
                assert media.get("examples"), (method, path)
                for example in media["examples"].values():
                    _validator(media["schema"], document).validate(example["value"])
                    checked += 1
    assert checked > 60


def test_post_articles_declares_both_bodies_and_the_metadata_parameters(document: dict[str, Any]) -> None:
    operation = document["paths"]["/articles"]["post"]
    content = operation["requestBody"]["content"]
    assert set(content) == {"text/plain", "application/json"} and operation["requestBody"]["required"]
    body = content["application/json"]["schema"]
    assert body["required"] == ["text"]
    assert {"title", "text", "url", "publisher", "published_at"} <= set(body["properties"])
    assert {p["name"] for p in operation["parameters"]} == {"title", "url", "publisher", "published_at"}
    assert operation["responses"]["202"]["headers"]["Location"]
    cursor = next(p for p in document["paths"]["/claims"]["get"]["parameters"] if p["name"] == "cursor")
    assert "Opaque" in cursor["description"] and cursor["schema"]["anyOf"][0]["type"] == "string"


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        # HEAD goes wherever GET does (GET's headers, no body); OPTIONS is a CORS preflight.
        ("PUT", "/claims", "GET, HEAD"),
        ("PATCH", "/articles/a0000000000000000000000", "DELETE, GET, HEAD"),
        ("DELETE", "/claims/c0000000000000000000000", "GET, HEAD"),
        ("TRACE", "/health", "GET, HEAD"),
        ("LINK", "/articles", "POST"),
        ("QUERY", "/claimants", "GET, HEAD"),
    ],
)
def test_a_method_the_path_does_not_take_is_405_with_allow(call, method: str, url: str, allowed: str) -> None:  # type: ignore[no-untyped-def]
    status, headers, body = call(method, url)
    assert (status, headers["Allow"]) == (405, allowed)
    assert body["error"]["code"] == "method_not_allowed" and method in body["error"]["message"]


def test_a_path_that_is_no_route_is_404(call) -> None:  # type: ignore[no-untyped-def]
    status, headers, body = call("PUT", "/nowhere")
    assert status == 404 and "Allow" not in headers and body["error"]["code"] == "no_route"


@pytest.mark.parametrize("content_type", ["application/xml", "multipart/form-data", None])
def test_post_articles_reads_text_and_json_only(call, content_type: str | None) -> None:  # type: ignore[no-untyped-def]
    headers = {"Content-Type": content_type} if content_type else {}
    status, _, body = call("POST", "/articles", headers, b"<p>The minister said taxes would not rise.</p>")
    assert status == 415 and body["error"]["code"] == "unsupported_format"


def test_text_article_takes_its_metadata_from_the_query(call, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "Tax plan\n\nThe minister said taxes would not rise next year."
    status, _, body = call(
        "POST",
        "/articles?title=Budget%20day&publisher=Example%20Times&published_at=2026-11-20",
        {"Content-Type": "text/plain; charset=utf-8"},
        text.encode(),
    )
    assert status == 202 and body["source_key"].endswith(".json")
    stored = json.loads((tmp_path / "inbox" / body["source_key"]).read_text(encoding="utf-8"))
    assert stored == {
        "text": text,
        "title": "Budget day",
        "publisher": "Example Times",
        "published_at": "2026-11-20",
    }


def test_json_article_keeps_its_own_fields_and_gains_the_query_ones(call, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    article = {"text": "The minister said taxes would not rise next year.", "publisher": "Own Times"}
    status, _, body = call(
        "POST",
        "/articles?publisher=Query%20Times&url=https%3A%2F%2Fexample.org%2Ftax",
        {"Content-Type": "application/json"},
        json.dumps(article).encode(),
    )
    assert status == 202
    stored = json.loads((tmp_path / "inbox" / body["source_key"]).read_text(encoding="utf-8"))
    assert stored == {**article, "url": "https://example.org/tax"}


def test_a_query_date_that_names_no_day_is_refused(call) -> None:  # type: ignore[no-untyped-def]
    status, _, body = call(
        "POST", "/articles?published_at=last%20week", {"Content-Type": "text/plain"}, b"The minister said so."
    )
    assert status == 400 and body["error"]["code"] == "invalid_date"
    assert body["error"]["parameter"] == "published_at"


def test_a_text_article_in_a_legacy_encoding_is_read(handler: Handler, call) -> None:  # type: ignore[no-untyped-def]
    text = "Le ministre a déclaré que les impôts n’augmenteraient pas l’année prochaine, selon Élodie Müller."
    event = rest_event("POST", "/articles", {"Content-Type": "text/plain"}, None)
    # API Gateway hands a body that is not UTF-8 over base64-encoded.
    event["body"] = base64.b64encode(text.replace("’", "'").encode("latin-1")).decode()
    event["isBase64Encoded"] = True
    status, _, data = response_parts(handler(event, LocalContext("search")))
    assert status == 202, data


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/claims/caf%C3%A9", "claim_id"),
        ("/articles/a.b", "article_id"),
        ("/claims?published_to=0", "published_to"),
        ("/claims?published_from=1700000000", "published_from"),
        ("/claims?facets=claimant,,entity", "facets"),
        ("/claims?cursor=not%20base64", "cursor"),
        # Nothing to search for: it matched nothing, and said nothing of why.
        ("/claims?q=U.S.", "q"),
        ("/claims?q=the%20of", "q"),
        ("/claims/export?q=a", "q"),
    ],
)
def test_values_outside_the_documented_forms_are_400(call, url: str, parameter: str) -> None:  # type: ignore[no-untyped-def]
    status, _, body = call("GET", url)
    assert (status, body["error"]["code"], body["error"]["parameter"]) == (
        400,
        "invalid_parameter",
        parameter,
    )


@pytest.mark.parametrize("facets", ["Claimant , ENTITY", "none", "", "publisher"])
def test_facets_in_the_documented_form_are_read(call, facets: str) -> None:  # type: ignore[no-untyped-def]
    status, _, body = call("GET", f"/claims?facets={facets.replace(' ', '%20')}")
    assert status == 200, body


def test_an_unexpected_fault_is_a_500_in_the_error_shape(call, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from claimsearch import wiring

    def broken(claim_id: str) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(wiring.index(), "get_claim", broken)
    status, _, body = call("GET", "/claims/c0000000000000000000000")
    assert status == 500 and body["error"]["code"] == "internal_error"
    assert "secret" not in body["error"]["message"]


def test_a_json_body_that_is_not_utf8_is_400_not_500(handler: Handler, call) -> None:  # type: ignore[no-untyped-def]
    # POST /exports reads its body through Powertools (a JSON body parameter).
    event = rest_event("POST", "/exports", {"Content-Type": "application/json"}, None)
    event["body"], event["isBase64Encoded"] = base64.b64encode(b"\xa5\xff").decode(), True
    status, _, data = response_parts(handler(event, LocalContext("search")))
    assert status == 400 and json.loads(data)["error"]["code"] == "undecodable_document"
    status, _, body = call("POST", "/exports", {"Content-Type": "multipart/form-data"}, b"x")
    assert status in (400, 415) and body["error"]["code"] in ("invalid_document", "unsupported_format")


# -- the local server ------------------------------------------------------------------


@pytest.fixture
def server(call) -> Iterator[int]:  # type: ignore[no-untyped-def]
    from claimsearch.local.server import make_server

    local = make_server("127.0.0.1", 0, load_handler("search"), 10_000)
    thread = threading.Thread(target=local.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(local.server_address[1])
    finally:
        local.shutdown()
        local.server_close()


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "PUT", "CONNECT"])
def test_the_local_server_answers_any_method_through_the_handler(server: int, method: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    connection.request(method, "/claims")
    response = connection.getresponse()
    assert (response.status, response.getheader("Allow")) == (405, "GET, HEAD")
    assert response.getheader("Content-Type") == "application/json"
    assert json.loads(response.read())["error"]["code"] == "method_not_allowed"


def test_a_head_answer_has_no_body(server: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    connection.request("HEAD", "/health")
    response = connection.getresponse()
    assert response.status == 200 and int(response.getheader("Content-Length") or 0) > 0
    assert response.read() == b""


def test_an_unknown_facet_is_named_with_the_facets_there_are(call) -> None:  # type: ignore[no-untyped-def]
    status, _, body = call("GET", "/claims?facets=claimant,bogus")
    assert status == 400 and body["error"]["parameter"] == "facets"
    assert body["error"]["message"] == (
        "facets: unknown facet 'bogus'; choose from claimant, organization, entity, publisher, or none"
    )
