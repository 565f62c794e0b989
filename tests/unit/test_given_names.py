"""Given names that tell a man from a woman (`claimants.given_names`), and the list's provenance."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import pytest

from claimsearch.claimants.given_names import GIVEN_NAMES_FILE, given_name_gender


@pytest.mark.parametrize(
    ("name", "gender"),
    [
        ("Michelle Obama", "female"),
        ("Hillary Rodham Clinton", "female"),
        ("President Bill Clinton", "male"),  # the title is not the given name
        ("DONALD J. TRUMP", "male"),
        ("Mr. Obama", None),  # no given name
        ("Obama", None),
        ("Kim Davis", None),  # borne by men and women alike
        ("Pat Caddell", None),
        ("Moon Jae-in", None),  # surname first: the given name is the hyphenated last word
        ("Ahn Myeong-chul", None),
        ("Barack Obama", None),  # not in the 1990 lists
    ],
)
def test_gender_by_given_name(name: str, gender: str | None) -> None:
    assert given_name_gender(name) == gender


def test_the_list_is_what_its_script_writes_from_the_census_lists(
    training_script: Callable[[str], ModuleType],
) -> None:
    pytest.importorskip("names", reason="the `names` package (a dev dependency) holds the census lists")
    build = training_script("build_given_names")
    assert GIVEN_NAMES_FILE.read_text(encoding="ascii") == build.build()
