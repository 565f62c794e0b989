"""Fault injection for tests: a proxy that makes a real OpenSearch node misbehave."""
