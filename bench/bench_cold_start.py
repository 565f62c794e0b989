"""Cold-start import time of each Lambda handler: `import app` in fresh interpreters.

With the artifacts of `make package` (build/) and a local CPython 3.12, each run imports
the handler with exactly what Lambda puts on sys.path: the function's artifact, the
domain layer, then the runtime's boto3 (build/runtime-sdk). Two cases per handler:

  as built  the artifacts as shipped, with the .pyc files infra/package.py compiled for the
            modules a cold start imports (read-only /var/task: nothing else is ever cached)
  no .pyc   the same artifacts with their bytecode ignored (PYTHONPYCACHEPREFIX pointing at
            a cache holding only the standard library and the SDK, as the runtime has them):
            what a cold start costs when every module must be compiled first

Runs use -B, so no run leaves bytecode behind for the next one, and nothing under build/
is changed. Without build/ or python3.12 the source tree is measured instead
(functions/<name>/app.py with shared/ and this virtualenv), the development setup, not
Lambda's. The environment mimics Lambda (AWS_LAMBDA_FUNCTION_NAME set, tracing on), so
Powertools' Tracer imports and patches the X-Ray SDK as it does there. For ingest, the load
of the spaCy pipeline (at the first message, not at import) is timed too.

    python bench/bench_cold_start.py [--runs 7] [--source]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
HANDLERS = ("search", "ingest", "reindex")

PROBE = """
import json, sys, time
sys.path[:0] = {paths!r}
started = time.perf_counter()
import app
imported = time.perf_counter()
result = {{"import_s": imported - started}}
if {load_model!r}:
    from claimsearch.extract.nlp import load_nlp
    load_nlp()
    result["model_s"] = time.perf_counter() - imported
print(json.dumps(result))
"""


def _package_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("claimsearch_infra_package", REPO / "infra" / "package.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@dataclass
class Setup:
    label: str
    python: str
    python_flags: list[str]
    paths: dict[str, list[str]]  # handler -> sys.path entries
    # PYTHONPYCACHEPREFIX for the "no .pyc" case; None: the case is not measured.
    runtime_only_cache: Path | None


def artifacts_setup() -> Setup | None:
    package = _package_module()
    python = package.find_runtime_python()
    built = all((package.FUNCTIONS_BUILD / name / "app.py").is_file() for name in HANDLERS)
    if python is None or not built or not (package.LAYER_DIR / "python" / "claimsearch").is_dir():
        return None
    sdk = package.build_runtime_sdk()
    return Setup(
        label=f"artifacts in build/, {python}",
        python=python,
        python_flags=["-S"],
        paths={name: package.runtime_sys_path(package.FUNCTIONS_BUILD / name) for name in HANDLERS},
        runtime_only_cache=runtime_bytecode_cache(python, sdk, package.BUILD / "bench-pycache"),
    )


def runtime_bytecode_cache(python: str, sdk: Path, cache: Path) -> Path:
    """A pycache prefix with the standard library and the SDK compiled, as the runtime ships them."""
    stamp = cache / ".complete"
    if not stamp.is_file():
        stdlib = subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        print(f"compiling the standard library and the SDK into {cache.relative_to(REPO)} (once)")
        environment = {**os.environ, "PYTHONPYCACHEPREFIX": str(cache)}
        for tree in (stdlib, str(sdk)):
            # Exit status 1 means some file did not compile (the stdlib's test data): expected.
            subprocess.run(
                [python, "-m", "compileall", "-q", "-j", "0", "-x", r"[/\\](test|tests|lib2to3)[/\\]", tree],
                env=environment,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        stamp.write_text("ok\n")
    return cache


def source_setup() -> Setup:
    return Setup(
        label=f"source tree with {sys.executable} (not the Lambda runtime)",
        python=sys.executable,
        python_flags=[],
        paths={name: [str(REPO / "functions" / name), str(REPO / "shared")] for name in HANDLERS},
        runtime_only_cache=None,
    )


def lambda_like_environment(handler: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
        "AWS_LAMBDA_FUNCTION_NAME": f"claimsearch-bench-{handler}",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "POWERTOOLS_SERVICE_NAME": f"claimsearch-{handler}",
        "POWERTOOLS_METRICS_NAMESPACE": "claimsearch",
        "CLAIMSEARCH_INDEX": "opensearch",
        "CLAIMSEARCH_OPENSEARCH_URL": "https://search-bench.eu-west-1.es.amazonaws.com",
        "CLAIMSEARCH_OPENSEARCH_REGION": "eu-west-1",
    }


def one_run(setup: Setup, handler: str, *, pycache_prefix: Path | None, load_model: bool) -> dict[str, float]:
    """One fresh interpreter (-B: it leaves no bytecode behind for the next run)."""
    environment = lambda_like_environment(handler)
    if pycache_prefix is not None:
        environment["PYTHONPYCACHEPREFIX"] = str(pycache_prefix)
    code = PROBE.format(paths=setup.paths[handler], load_model=load_model)
    with tempfile.TemporaryDirectory() as cwd:  # nothing importable from the working directory
        result = subprocess.run(
            [setup.python, *setup.python_flags, "-B", "-c", code],
            capture_output=True,
            text=True,
            cwd=cwd,
            env=environment,
        )
    if result.returncode != 0:
        raise RuntimeError(f"{handler}: import failed:\n{result.stderr[-3000:]}")
    timings: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return timings


def _median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f}"


def _spread(values: list[float]) -> str:
    return f"({min(values) * 1000:.0f}-{max(values) * 1000:.0f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--source", action="store_true", help="measure the source tree, not build/")
    args = parser.parse_args(argv)
    setup = None if args.source else artifacts_setup()
    if setup is None:
        if not args.source:
            print("no build/ artifacts or no python3.12: measuring the source tree (run `make package`)")
        setup = source_setup()
    print(f"cold-start `import app`, median of {args.runs} fresh interpreters ({setup.label})")
    header = f"{'handler':<9}{'as built ms':>12}{'(min-max)':>14}{'no .pyc ms':>12}{'(min-max)':>14}"
    print(header + f"{'spaCy load ms':>15}")
    for handler in HANDLERS:
        load_model = handler == "ingest"
        built = [
            one_run(setup, handler, pycache_prefix=None, load_model=load_model) for _ in range(args.runs)
        ]
        built_s = [r["import_s"] for r in built]
        row = f"{handler:<9}{_median_ms(built_s):>12}{_spread(built_s):>14}"
        if setup.runtime_only_cache is not None:
            cold = [
                one_run(setup, handler, pycache_prefix=setup.runtime_only_cache, load_model=False)
                for _ in range(args.runs)
            ]
            cold_s = [r["import_s"] for r in cold]
            row += f"{_median_ms(cold_s):>12}{_spread(cold_s):>14}"
        else:
            row += f"{'-':>12}{'':>14}"
        row += f"{_median_ms([r['model_s'] for r in built]) if load_model else '-':>15}"
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
