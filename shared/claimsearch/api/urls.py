"""URLs the API answers with: relative to the request, so they hold wherever the API is mounted."""

from __future__ import annotations

import posixpath


def relative_url(request_path: str, api_path: str) -> str:
    """A reference to `api_path` ("/claimants/p123") relative to the request at
    `request_path`, for a Location header: it holds behind API Gateway's stage prefix,
    which the function never sees ("/prod/claimants/p9" -> "p123" -> "/prod/claimants/p123"),
    and after a trailing slash ("/claimants/p9/" -> "../p123")."""
    request_path = request_path or "/"
    start = request_path if request_path.endswith("/") else posixpath.dirname(request_path)
    return posixpath.relpath(api_path, start)
