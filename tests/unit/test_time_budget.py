"""When a message with no time left is sent to the queue again, and with what count."""

from __future__ import annotations

import pytest

from claimsearch.time_budget import MAX_DEFERRALS, next_deferral


@pytest.mark.parametrize(("attribute", "expected"), [(None, 1), ("0", 1), ("3", 4), ("-2", 1), ("x", 1)])
def test_a_message_deferred_less_than_the_cap_is_sent_again_counted_on(
    attribute: str | None, expected: int
) -> None:
    assert next_deferral(attribute) == expected


def test_a_message_deferred_up_to_the_cap_is_not_sent_again() -> None:
    assert next_deferral(str(MAX_DEFERRALS - 1)) == MAX_DEFERRALS
    assert next_deferral(str(MAX_DEFERRALS)) is None
    assert next_deferral(str(MAX_DEFERRALS + 5)) is None
