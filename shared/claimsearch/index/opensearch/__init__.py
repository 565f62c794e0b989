"""The OpenSearch adapter, by concern: `endpoint` (where the cluster is, credentials,
signing), `errors` (the engine's failures as the domain's), `reader` (reads over
http.client, signed by `sigv4`), `client` (opensearch-py's client, for writes), `schema` (templates, versioned
indices behind aliases), `writes` (documents, bulk, rebuild), `queries` (the query model
in the query DSL) and `adapter` (the SearchIndex port over them).

Importing this package does not import opensearch-py: `client.connect` does."""

from claimsearch.index.opensearch.adapter import OpenSearchIndex
from claimsearch.index.opensearch.endpoint import Endpoint
from claimsearch.index.opensearch.errors import RebuildFailed

__all__ = ["Endpoint", "OpenSearchIndex", "RebuildFailed"]
