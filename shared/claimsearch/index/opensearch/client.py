"""opensearch-py's client for an endpoint: the writes, schema changes and rebuilds.

Reads go through `reader.Reader`; this module (and opensearch-py with it) is imported
by the first write, so the search function never loads it.
"""

from __future__ import annotations

from typing import Any

import orjson
from opensearchpy import OpenSearch, RequestsHttpConnection
from opensearchpy.exceptions import SerializationError
from opensearchpy.serializer import JSONSerializer

from claimsearch.index.opensearch.endpoint import RETRIED_STATUSES, Endpoint


class OrjsonSerializer(JSONSerializer):
    """opensearch-py's JSON serializer, with orjson's encoder and decoder.

    Encoding the documents and decoding the bulk answers with the standard library's
    json took about half of a load's client CPU once the collector stopped walking the
    batches (`writes._serialized`): 10-12 s against 6-7 s per 100k claims, measured in
    turns (docs/benchmarks.md). The text is opensearch-py's (compact, UTF-8 unescaped)
    but for how a few floats are written ("1e16" for "1e+16"); what orjson does not know
    goes to opensearch-py's `default`, as before.
    """

    def dumps(self, data: Any) -> Any:
        if isinstance(data, (str, bytes)):  # already a body, as opensearch-py leaves it
            return data
        try:
            # str, as opensearch-py's bulk helper measures and joins the lines as text.
            return orjson.dumps(data, default=self.default, option=orjson.OPT_NON_STR_KEYS).decode()
        except TypeError as exc:  # orjson.JSONEncodeError is one
            raise SerializationError(data, exc) from exc

    def loads(self, s: str) -> Any:
        try:
            return orjson.loads(s)
        except orjson.JSONDecodeError as exc:
            raise SerializationError(s, exc) from exc


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
        "serializer": OrjsonSerializer(),
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
