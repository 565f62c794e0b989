"""Publication dates in the one form the index takes.

OpenSearch maps `published_at` as `strict_date_optional_time`: "2016-09-12" or
"2016-09-12T10:00:00Z" (extended ISO 8601, four-digit year). Python's `fromisoformat`
reads more: the basic format ("20160912"), week dates ("2016-W37-1"), a space for the
"T". Those name one day beyond doubt, so they are normalised to the extended form here,
at parse time, rather than dropped; what the index would refuse never reaches it.
Anything else ("last week", "12/09/2016": which day is that?) is not a date to us.
"""

from __future__ import annotations

import re
from datetime import date, datetime

# What `strict_date_optional_time` accepts, in the shapes normalisation produces.
_STRICT = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})?)?")
_LONGEST = 64  # no ISO 8601 date is longer; a longer value is not parsed at all


def iso_date(value: str) -> str | None:
    """`value` as "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS[.ffffff][Z|±HH:MM]"; None if not ISO 8601."""
    value = value.strip()
    if not value or len(value) > _LONGEST:
        return None
    normalised: str
    try:
        normalised = date.fromisoformat(value).isoformat()
    except ValueError:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
        normalised = moment.isoformat()
        if normalised.endswith("+00:00"):
            normalised = normalised[: -len("+00:00")] + "Z"
    return normalised if _STRICT.fullmatch(normalised) else None
