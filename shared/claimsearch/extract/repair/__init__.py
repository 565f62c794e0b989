"""Repairs of the trained finder's attributions, by part: `cues`, `contents` and
`sources` (each a set of repairs read off the dependency parse), `parse` (the helpers they
share) and `finder` (`RepairedFinder`: the order the repairs run in, the rules' answers
they fall back on, and the record of how each was chosen)."""

from claimsearch.extract.repair.finder import RepairedFinder

__all__ = ["RepairedFinder"]
