"""opensearch-py's client for an endpoint: the writes, schema changes and rebuilds.

Reads go through `reader.Reader`; this module (and opensearch-py with it) is imported
by the first write, so the search function never loads it.
"""

from __future__ import annotations

from typing import Any

from opensearchpy import OpenSearch, RequestsHttpConnection

from claimsearch.index.opensearch.endpoint import RETRIED_STATUSES, Endpoint


def connect(endpoint: Endpoint) -> OpenSearch:
    """A client for the node or domain at `endpoint` (see `Endpoint` for auth and retries)."""
    options: dict[str, Any] = {
        "hosts": [endpoint.host],
        "use_ssl": endpoint.uses_tls,
        "verify_certs": endpoint.uses_tls,
        "timeout": endpoint.timeout,
        "max_retries": endpoint.max_retries,
        "retry_on_status": RETRIED_STATUSES,
        "retry_on_timeout": False,
    }
    credentials = endpoint.credentials()
    if credentials is not None:
        from opensearchpy import AWSV4SignerAuth

        # Requests-based connection: the signer documented for it signs the exact body sent.
        options["http_auth"] = AWSV4SignerAuth(credentials, endpoint.aws_region, endpoint.aws_service)
        options["connection_class"] = RequestsHttpConnection
        options["pool_maxsize"] = 10
    elif endpoint.basic_auth:
        options["http_auth"] = endpoint.basic_auth
    return OpenSearch(**options)
