"""The API's response models are built when their route first needs them (issue 11's cold
start): importing the API builds those of GET /claims, which a search function's first
request needs, and no other route's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
sys.path[:0] = [{shared!r}]
import claimsearch.api.app
from claimsearch.api import export, export_jobs, schemas
models = {{name: getattr(module, name) for module in (schemas, export, export_jobs) for name in dir(module)
          if isinstance(getattr(module, name), type) and issubclass(getattr(module, name), schemas.BaseModel)
          and getattr(module, name).__module__ == module.__name__}}
print(json.dumps({{name: model.__pydantic_complete__ for name, model in models.items()}}))
"""

SEARCH_ROUTE = {
    "SearchResponse", "HitOut", "FacetValueOut", "ClaimOut", "CueOut", "ClaimantOut", "ContentOut",
    "MediumOut", "EntityOut", "QuantityOut", "DateOut", "ClusterRef", "ErrorResponse", "ErrorDetail",
    "ClaimantSummary",  # an answer naming no claimant that exists suggests some
}  # fmt: skip


def test_importing_the_api_builds_the_search_routes_models_and_no_others(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(shared=str(REPO / "shared"))],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    built = json.loads(done.stdout.strip().splitlines()[-1])
    assert built.keys() >= SEARCH_ROUTE
    # ArticleIn too: POST /articles documents its body with the model's JSON schema, which
    # the route's declaration reads at import.
    assert {name for name, complete in built.items() if complete} == SEARCH_ROUTE | {"ArticleIn"}
    assert len(built) > len(SEARCH_ROUTE) + 10  # the other routes' models, found and waiting


def test_a_model_built_on_first_use_validates_and_dumps_as_the_others() -> None:
    from claimsearch.api.export_jobs import ExportFilters, ExportState
    from claimsearch.api.schemas import ClaimantProfile

    profile = ClaimantProfile.model_validate(
        {
            "id": "p1",
            "name": "Ahn Myeong-chul",
            "type": "person",
            "aliases": ["Ahn"],
            "claims": 2,
            "roles": ["head"],
            "organizations": ["NK Watch"],
            "months": [{"value": "2016-08", "count": 2}],
            "entities": [],
        }
    )
    assert profile.model_dump()["months"] == [{"value": "2016-08", "count": 2}]
    filters = ExportFilters(q="forced labour")
    state = ExportState(id="e" * 32, state="queued", filters=filters, created_at="now")
    assert json.loads(state.model_dump_json())["filters"]["q"] == "forced labour"
