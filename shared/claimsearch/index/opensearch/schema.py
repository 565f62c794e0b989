"""The indices of one deployment: settings and mappings, versions behind aliases.

Three kinds, each a versioned concrete index behind an alias: `<prefix>-claims` ->
`<prefix>-claims-v<N>`, likewise `-articles` and `-claimants` (the claimant registry).
Reads and writes go through the aliases, so a rebuild can load fresh versions while
the old ones keep serving, then switch every alias in one atomic call. Settings and
mappings live in `templates.json`, put as index templates for `<prefix>-<kind>-v*`.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import TYPE_CHECKING, Any

from claimsearch.index.opensearch.errors import engine_errors, error_type

if TYPE_CHECKING:
    from opensearchpy import OpenSearch

KINDS = ("claims", "articles", "claimants")
# The claims index refreshes only when a write asks for it, never on a timer: an
# article's new claims and the deletes of its old ones go in one bulk and become
# visible together at the refresh that ends it, so searches see one version or the
# other, not both and not neither.
CLAIMS_REFRESH = "-1"


def load_templates() -> dict[str, Any]:
    """The shipped analysis settings and per-kind settings and mappings."""
    text = resources.files("claimsearch.index.opensearch").joinpath("templates.json").read_text("utf-8")
    return dict(json.loads(text))


class Indices:
    """The aliases of one prefix and the versioned indices behind them."""

    def __init__(self, client: OpenSearch, prefix: str) -> None:
        self.client = client
        self.prefix = prefix

    def alias(self, kind: str) -> str:
        return f"{self.prefix}-{kind}"

    def put_templates(self) -> None:
        templates = load_templates()
        for kind in KINDS:
            body = {
                "index_patterns": [f"{self.alias(kind)}-v*"],
                # Above catch-all templates a managed cluster may carry.
                "priority": 200,
                "template": {
                    "settings": {**templates[kind]["settings"], "analysis": templates["analysis"]},
                    "mappings": templates[kind]["mappings"],
                },
                "_meta": {"managed_by": "claimsearch"},
            }
            self.client.indices.put_index_template(name=self.alias(kind), body=body)

    def versions(self, kind: str) -> tuple[dict[int, str], list[str]]:
        """Versioned indices of a kind ({version: name}) and those the alias points to."""
        alias = self.alias(kind)
        pattern = re.compile(re.escape(alias) + r"-v(\d+)")
        found = self.client.indices.get_alias(index=f"{alias}-v*", expand_wildcards="open,closed")
        versions: dict[int, str] = {}
        serving: list[str] = []
        for name, info in found.items():
            match = pattern.fullmatch(name)
            if match is None:
                continue
            versions[int(match.group(1))] = name
            if alias in (info.get("aliases") or {}):
                serving.append(name)
        return versions, serving

    def ensure(self) -> None:
        """Put the templates; create version 1 behind each missing alias. Idempotent.

        Serving indices get the current mappings put on them: fields added since they
        were created (the mapping is strict) are added in place; their values for
        documents indexed before appear after a rebuild (`claimsearch reindex`).
        """
        from opensearchpy.exceptions import RequestError

        with engine_errors("prepare the indices"):
            state = {kind: self.versions(kind) for kind in KINDS}
            missing = [kind for kind, (_, serving) in state.items() if not serving]
            # Templates only shape indices being created, so they are put just before
            # (here or in a rebuild): a serving cluster needs no write to start, and a
            # read-only role (the search function's) can start against it.
            self.put_templates()
            templates = load_templates()
            for kind, (_, serving) in state.items():
                if serving:
                    self.client.indices.put_mapping(index=self.alias(kind), body=templates[kind]["mappings"])
            if state["claims"][1]:
                self.client.indices.put_settings(
                    index=self.alias("claims"), body={"index": {"refresh_interval": CLAIMS_REFRESH}}
                )
            for kind in missing:
                versions = state[kind][0]
                # v1 on a fresh cluster (two cold starts racing both name v1: the loser
                # sees "already exists" and the winner's alias); past a crashed rebuild
                # that left versions without the alias, the next free number.
                name = f"{self.alias(kind)}-v{max(versions, default=0) + 1}"
                try:
                    self.client.indices.create(index=name, body={"aliases": {self.alias(kind): {}}})
                except RequestError as exc:
                    if error_type(exc) != "resource_already_exists_exception":
                        raise

    def drop(self) -> None:
        """Delete every index and template of this prefix (tests, local resets)."""
        with engine_errors("drop the indices"):
            for kind in KINDS:
                self.client.indices.delete(
                    index=f"{self.alias(kind)}-v*", ignore_unavailable=True, expand_wildcards="open,closed"
                )
                self.client.indices.delete_index_template(name=self.alias(kind), ignore=404)
