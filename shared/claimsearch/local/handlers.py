"""Load the Lambda entry points from functions/ so the local stack runs the same code."""

from __future__ import annotations

import importlib.util
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def functions_dir() -> Path:
    configured = os.environ.get("CLAIMSEARCH_FUNCTIONS_DIR")
    if configured:
        return Path(configured)
    # shared/claimsearch/local/handlers.py -> repository root
    return Path(__file__).resolve().parents[3] / "functions"


def load_handler(function: str) -> Handler:
    """`lambda_handler` of functions/<function>/app.py, imported under its own name."""
    path = functions_dir() / function / "app.py"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found: run the local stack from a claimsearch checkout"
            " or set CLAIMSEARCH_FUNCTIONS_DIR"
        )
    spec = importlib.util.spec_from_file_location(f"claimsearch_function_{function}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    handler: Handler = module.lambda_handler
    return handler


@dataclass
class LocalContext:
    """The parts of a Lambda context that Powertools reads."""

    function_name: str
    memory_limit_in_mb: int = 1024
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "local"
    log_stream_name: str = "local"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:local:000000000000:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return 300_000
