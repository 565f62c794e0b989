import base64
import json
from dataclasses import replace

import pytest

from claimsearch.api.cursor import decode_cursor, encode_cursor
from claimsearch.cli import main
from claimsearch.errors import InvalidQuery
from claimsearch.index.port import SearchQuery, SortKey
from claimsearch.model import CUE_CLASSES, QUOTE_TYPES
from claimsearch.s3_events import NotificationError, is_older, objects_changed


def test_cursor_round_trips_exact_score() -> None:
    query = SearchQuery(text="forced labour", claimant="x")
    key = SortKey(1.2345678901234567, "c123")
    assert decode_cursor(query, encode_cursor(query, key)) == key


def test_cursor_of_another_query_is_rejected() -> None:
    query = SearchQuery(text="forced labour")
    cursor = encode_cursor(query, SortKey(1.0, "c1"))
    with pytest.raises(InvalidQuery) as caught:
        decode_cursor(replace(query, text="other"), cursor)
    assert caught.value.parameter == "cursor"
    # the page size may change between pages
    assert decode_cursor(replace(query, limit=50), cursor).id == "c1"


@pytest.mark.parametrize("cursor", ["garbage", "eyJ4IjoxfQ", "!!!"])
def test_malformed_cursor_is_rejected(cursor: str) -> None:
    with pytest.raises(InvalidQuery):
        decode_cursor(SearchQuery(), cursor)


@pytest.mark.parametrize(
    ("score", "claim_id"),
    [("NaN", "c1"), ("Infinity", "c1"), ("1.0", "null"), ("1.0", "[1]"), ("true", "c1")],
)
def test_a_cursor_edited_to_hold_no_position_is_rejected(score: str, claim_id: str) -> None:
    # Its fingerprint is the query's, so only its position can tell: NaN or null paged
    # from nowhere and answered an empty page.
    query = SearchQuery(text="forced labour")
    good = json.loads(base64.urlsafe_b64decode(encode_cursor(query, SortKey(1.0, "c1")) + "=="))
    payload = (
        f'{{"s":{score},"i":{json.dumps(claim_id) if claim_id == "c1" else claim_id},"q":"{good["q"]}"}}'
    )
    cursor = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    with pytest.raises(InvalidQuery) as caught:
        decode_cursor(query, cursor)
    assert str(caught.value) == "cursor: not a cursor returned by this API"


def test_test_event_names_no_object() -> None:
    assert objects_changed(json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent"})) == []


def test_keys_are_url_decoded() -> None:
    body = {
        "Records": [
            {
                "eventName": "ObjectCreated:Put",
                "s3": {"bucket": {"name": "b"}, "object": {"key": "inbox/my+file%C3%A9.txt", "size": 3}},
            }
        ]
    }
    (created,) = objects_changed(json.dumps(body))
    assert (created.bucket, created.key, created.size) == ("b", "inbox/my fileé.txt", 3)
    assert created.change == "created"


def test_removals_are_changes_and_other_event_names_are_skipped() -> None:
    body = {
        "Records": [
            {
                "eventName": "ObjectRemoved:Delete",
                "s3": {"bucket": {"name": "b"}, "object": {"key": "k", "sequencer": "0055AED6DCD90281E5"}},
            },
            {"eventName": "ObjectRestore:Completed", "s3": {"bucket": {"name": "b"}, "object": {"key": "k"}}},
        ]
    }
    (removed,) = objects_changed(json.dumps(body))
    assert (removed.change, removed.sequencer) == ("removed", "0055AED6DCD90281E5")


def test_folders_made_in_the_console_are_no_files() -> None:
    # The S3 console's "Create folder" puts an empty object whose key ends in "/".
    records = [
        {"eventName": name, "s3": {"bucket": {"name": "b"}, "object": {"key": key, "size": 0}}}
        for name in ("ObjectCreated:Put", "ObjectRemoved:Delete")
        for key in ("inbox/2016%2F", "inbox/2016/a.txt")
    ]
    changes = objects_changed(json.dumps({"Records": records}))
    assert [(c.change, c.key) for c in changes] == [
        ("created", "inbox/2016/a.txt"),
        ("removed", "inbox/2016/a.txt"),
    ]


@pytest.mark.parametrize(
    ("first", "second", "older"),
    [
        ("0055AED6DCD90281E5", "0055AED6DCD90281E6", True),
        ("0055AED6DCD90281E6", "0055AED6DCD90281E5", False),
        ("0055AED6DCD90281E5", "0055AED6DCD90281E5", False),  # a duplicate is not older
        ("0055AED6DCD9028", "0055AED6DCD90281E5", True),  # right-padded with zeros: ...0280 < ...0281
        ("0055AED6DCD9029", "0055AED6DCD90281E5", False),
        ("00a", "00B", True),  # hex, whatever the case
        (None, "00B", False),  # nothing known: apply
        ("00B", None, False),
    ],
)
def test_sequencers_compare_as_s3_says(first: str | None, second: str | None, older: bool) -> None:
    assert is_older(first, second) is older


@pytest.mark.parametrize("body", ["not json", "[]", '{"foo": 1}'])
def test_non_notifications_raise(body: str) -> None:
    with pytest.raises(NotificationError):
        objects_changed(body)


@pytest.mark.parametrize(
    ("field", "value"), [("match", "some"), ("cue_class", "sayy"), ("quote_type", "Direct"), ("sort", "date")]
)
def test_a_query_with_a_value_outside_its_enumeration_is_refused_naming_it(field: str, value: str) -> None:
    # Built outside the API (the CLI, an export job), a misspelt value would otherwise
    # match nothing in silence.
    with pytest.raises(InvalidQuery) as caught:
        SearchQuery(**{field: value})
    assert caught.value.parameter == field
    assert repr(value) in caught.value.reason


def test_every_value_of_each_enumeration_is_a_query() -> None:
    for cue_class in CUE_CLASSES:
        assert SearchQuery(cue_class=cue_class).cue_class == cue_class
    for quote_type in QUOTE_TYPES:
        assert SearchQuery(quote_type=quote_type).quote_type == quote_type


def test_the_cli_offers_the_enumerations_and_refuses_others(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["search", "x", "--cue-class", "sayy"])
    assert exited.value.code == 2
    assert "invalid choice: 'sayy'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("request_path", "api_path", "relative"),
    [
        ("/claimants/p9", "/claimants/p1", "p1"),
        ("/claimants/p9/", "/claimants/p1", "../p1"),
        ("/articles", "/articles/a1", "articles/a1"),
        ("/articles/", "/articles/a1", "a1"),
        ("/exports", "/exports/e1", "exports/e1"),
        ("", "/articles/a1", "articles/a1"),
    ],
)
def test_locations_are_relative_to_the_request(request_path: str, api_path: str, relative: str) -> None:
    from urllib.parse import urljoin

    from claimsearch.api.urls import relative_url

    assert relative_url(request_path, api_path) == relative
    # Behind a stage prefix the function never sees, the reference resolves inside the stage.
    assert (
        urljoin(f"https://api.example/prod{request_path or '/'}", relative)
        == f"https://api.example/prod{api_path}"
    )


@pytest.mark.parametrize(
    ("value", "origins"),
    [
        ("", ("*",)),
        ("*", ("*",)),
        ("none", ()),
        (
            "https://app.example.com, http://localhost:3000/",
            ("https://app.example.com", "http://localhost:3000"),
        ),
    ],
)
def test_cors_origins_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, origins: tuple[str, ...]
) -> None:
    from claimsearch.api.app import _cors
    from claimsearch.config import load_settings

    monkeypatch.setenv("CLAIMSEARCH_CORS_ORIGINS", value)
    assert load_settings().cors_origins == origins
    config = _cors(origins)
    if not origins:
        assert config is None
    elif origins != ("*",):
        # A listed origin is answered with itself; another gets no CORS headers.
        assert config is not None and config.to_dict("http://localhost:3000")["Access-Control-Allow-Origin"]
        assert config.to_dict("https://evil.example") == {}


def test_an_origin_with_a_path_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from claimsearch.config import load_settings
    from claimsearch.errors import ConfigurationError

    monkeypatch.setenv("CLAIMSEARCH_CORS_ORIGINS", "https://app.example.com/search")
    with pytest.raises(ConfigurationError, match=r"CLAIMSEARCH_CORS_ORIGINS.*is not an origin"):
        load_settings()
