"""The contract run's hook lets through the documented content rejections, and nothing else.

The hook names error codes; these tests tie them to the domain's error classes, so a
content rule the parser enforces (a schema-valid body it refuses) is let through, and a
generic or server error still fails the contract run.
"""

from __future__ import annotations

import pytest

from claimsearch import errors
from tests.contract.hooks import documented_rejection

CONTENT_RULES = [
    errors.EmptyDocument,
    errors.UndecodableDocument,
    errors.TextTooLong,
    errors.TooManyLines,
    errors.TokenTooLong,
    errors.TooFewLetters,
    errors.InvisibleCharacters,
]


@pytest.mark.parametrize("error", CONTENT_RULES, ids=lambda e: e.code)
def test_a_body_refused_for_its_content_is_a_documented_rejection(error: type[errors.DocumentError]) -> None:
    assert documented_rejection(error.status, {"code": error.code, "message": "..."}) == error.code


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, {"code": errors.DocumentError.code}),
        (500, {"code": errors.ClaimsearchError.code}),
        (500, {"code": errors.UndecodableDocument.code}),
        (400, {"code": "invalid_parameter", "parameter": "limit"}),
        (400, {}),
    ],
)
def test_other_rejections_still_fail_the_run(status: int, error: dict[str, str]) -> None:
    assert documented_rejection(status, error) is None
