"""The names of the days and months, in lower case, as English news writes them.

A cue takes the day a verb of saying names ("said Thursday": `extract.repair.cues`), and a
document named only by a date and a common noun ("The April survey") names no one
(`claimants.descriptions`).
"""

from __future__ import annotations

WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
MONTHS = frozenset(
    "january february march april may june july august september october november december".split()
)
