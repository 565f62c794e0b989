"""The OpenSearch adapter, by concern: `client` (connection, errors), `schema` (templates,
versioned indices behind aliases), `writes` (documents, bulk, rebuild), `queries` (the
query model in the query DSL) and `adapter` (the SearchIndex port over them)."""

from claimsearch.index.opensearch.adapter import OpenSearchIndex
from claimsearch.index.opensearch.client import RebuildFailed, connect

__all__ = ["OpenSearchIndex", "RebuildFailed", "connect"]
