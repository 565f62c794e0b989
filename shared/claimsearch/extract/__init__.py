"""Article -> [Claim]."""
