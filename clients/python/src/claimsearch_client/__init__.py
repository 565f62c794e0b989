"""A typed Python client for the claimsearch HTTP API: who claimed what, in the news.

```python
from claimsearch_client import Client

with Client("http://127.0.0.1:8080") as api:
    for hit in api.search(claimant="Ahn").hits:
        print(hit.claim.cue.text, hit.claim.content.text)
```
"""

from claimsearch_client.client import DEFAULT_TIMEOUT, Client, ExportStream
from claimsearch_client.errors import (
    ClaimsearchAPIError,
    ClaimsearchClientError,
    ClaimsearchConnectionError,
    ConflictError,
    DocumentRejectedError,
    InvalidParameterError,
    NotFoundError,
    RateLimitedError,
    ResponseShapeError,
    ServerError,
    ServiceUnavailableError,
)
from claimsearch_client.models import (
    Article,
    ArticleWithClaims,
    Claim,
    Claimant,
    ClaimantProfile,
    ClaimantSummary,
    Cluster,
    ClusterRef,
    Content,
    Count,
    Cue,
    DateMention,
    DeleteAccepted,
    Entity,
    ExportJob,
    ExportStatus,
    FacetValue,
    Health,
    Hit,
    IngestAccepted,
    Medium,
    Quantity,
    SearchPage,
    Span,
)

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_TIMEOUT",
    "Article",
    "ArticleWithClaims",
    "Claim",
    "Claimant",
    "ClaimantProfile",
    "ClaimantSummary",
    "ClaimsearchAPIError",
    "ClaimsearchClientError",
    "ClaimsearchConnectionError",
    "Client",
    "Cluster",
    "ClusterRef",
    "ConflictError",
    "Content",
    "Count",
    "Cue",
    "DateMention",
    "DeleteAccepted",
    "DocumentRejectedError",
    "Entity",
    "ExportJob",
    "ExportStatus",
    "ExportStream",
    "FacetValue",
    "Health",
    "Hit",
    "IngestAccepted",
    "InvalidParameterError",
    "Medium",
    "NotFoundError",
    "Quantity",
    "RateLimitedError",
    "ResponseShapeError",
    "SearchPage",
    "ServerError",
    "ServiceUnavailableError",
    "Span",
]
