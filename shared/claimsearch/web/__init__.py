"""The search page: static files served at `/` by the local stack and from the bucket on AWS.

The files under `static/` are the whole page (plain HTML, CSS and JavaScript, no build
step). The local server asks `static_file` for GET `/` and `/static/<name>`; on AWS,
`infra/publish_site.py` copies the same files to `site/` in the bucket, which API Gateway
serves (template.yaml, `SiteReaderRole`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

# Only flat, plainly named files: no path can climb out of the folder.
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*\.(html|js|css|svg|png|ico)")

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
    "ico": "image/x-icon",
}

# The page loads nothing from elsewhere and runs no inline script or style, so the policy
# can be strict: an injected <script> or inline handler would not run even if one got in.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

INDEX = "index.html"


@dataclass(frozen=True)
class StaticFile:
    name: str
    content_type: str
    data: bytes


def site_files() -> list[str]:
    """Names of the page's files, as they sit under `static/` (index.html among them)."""
    folder = resources.files(__package__) / "static"
    return sorted(entry.name for entry in folder.iterdir() if entry.is_file() and _NAME.fullmatch(entry.name))


def read_site_file(name: str) -> StaticFile | None:
    """One of the page's files by name, or None when there is no such file."""
    match = _NAME.fullmatch(name)
    if not match:
        return None
    entry = resources.files(__package__) / "static" / name
    if not entry.is_file():
        return None
    return StaticFile(name=name, content_type=CONTENT_TYPES[match.group(1)], data=entry.read_bytes())


def static_file(path: str) -> StaticFile | None:
    """The file a page path asks for: `/` is the page, `/static/<name>` its assets; else None."""
    if path == "/":
        return read_site_file(INDEX)
    if path.startswith("/static/"):
        return read_site_file(path.removeprefix("/static/"))
    return None


def is_page_path(path: str) -> bool:
    """Whether `path` belongs to the page (and so never reaches the API handler)."""
    return path == "/" or path.startswith("/static/")
