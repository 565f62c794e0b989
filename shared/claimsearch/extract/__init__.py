"""Article -> [Claim]."""

# The attribution finders a process may be configured with (`CLAIMSEARCH_EXTRACTOR`):
# here, where configuration reads them without importing the NLP stack.
FINDERS = ("repaired", "learned", "rules")
DEFAULT_FINDER = "repaired"
