"""Claimant identities: name keys, and the registry that files every claim under one."""
