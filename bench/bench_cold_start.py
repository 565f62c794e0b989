"""Cold start of each Lambda handler in fresh interpreters: `import app`, and for the search
function its first request too, timed apart, on SQLite and on OpenSearch.

With the artifacts of `make package` (build/) and a local CPython 3.12, each run imports
the handler with exactly what Lambda puts on sys.path: the function's artifact, the
domain layer, then the runtime's boto3 (build/runtime-sdk, byte-compiled here once, as the
runtime ships it). Then the search function answers its first request, the event
events/api-search-forced-labour.json (GET /claims?q=forced labour), from an index holding
the example article, written by the measured build's own domain code:

  sqlite      a SQLite index in a temporary folder
  opensearch  the node at --opensearch-url, under a prefix of its own that is deleted
              afterwards; requests are signed with SigV4 as in AWS (the local node ignores
              the signature), with credentials from the environment as Lambda gives them

`import` is `import app` (the init phase); `first request` is the handler's first
invocation (what a request imports lazily, connects and builds on first use, plus the
query); `total` is the time to the first answer. `cpu` is the process time of that total:
on a shared machine it moves less with the load than the wall time does. `no .pyc` is
`import app` with the artifacts' bytecode ignored (PYTHONPYCACHEPREFIX pointing at a cache
holding only the standard library and the SDK, as the runtime has them): what a cold start
costs when every module must be compiled first. For ingest, the load of the spaCy pipeline
(at the first message, not at import) is timed too.

The environment mimics Lambda's: LAMBDA_TASK_ROOT (so Powertools' Tracer is on, as with
Tracing: Active, and patches what it patches there), a trace header per invocation, an
X-Ray daemon address nothing listens on (segments go out over UDP, unanswered), the
role's credentials in AWS_* variables. Runs use -B, so no run leaves bytecode behind for
the next one. Runs of every case alternate, so a change in the machine's load falls on
all of them alike. Before them, `--warmup` rounds (default 1) of every case are run and
not counted, and the node is sent the first request --warm-node times (default 200) by one
warm process: what is cold in a cold start is the function, not the cluster it queries (a
node just started for the bench answers its first searches several times slower, its JIT
compiler and caches cold, which a serving domain's are not), nor the disk's cache (every
measured run after the first would find the artifacts' files cached anyway).

Without build/ or python3.12 the source tree is measured instead (functions/<name>/app.py
with shared/ and this virtualenv), the development setup, not Lambda's.

--baseline DIR measures a second build too, in the same runs: DIR holds functions/<name>/
and layer/ as build/ does (for example a copy of build/ made before a change, or the
build/ of a `git worktree` at an earlier commit).

--instructions counts, instead of timing, the instructions the search function's process
runs: once under valgrind's callgrind (apt's `valgrind`), `import app` alone and then with
the first request, in millions, for each index and build. Counts move by well under 1 %
between runs, where the wall time of a shared 2-core machine moves by 10-30 %: the way to
see a change of a few milliseconds (about 0.3 ms per million instructions on the machines
these figures come from). What the process waits for (the node, the disk) is not counted.

    python bench/bench_cold_start.py [--runs 7] [--warmup 1] [--source] [--opensearch-url URL]
        [--baseline DIR] [--instructions]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
HANDLERS = ("search", "ingest", "reindex")
EXAMPLE = REPO / "events" / "north-korea-forced-labour.txt"
FIRST_REQUEST = REPO / "events" / "api-search-forced-labour.json"
REGION = "eu-west-1"
TRACE_HEADER = "Root=1-67a0f0a0-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1"

PROBE = """
import json, os, sys, time
sys.path[:0] = {paths!r}
started, started_cpu = time.perf_counter(), time.process_time()
import app
imported = time.perf_counter()
result = {{"import_s": imported - started}}
if {load_model!r}:
    from claimsearch.extract.nlp import load_nlp
    load_nlp()
    result["model_s"] = time.perf_counter() - imported
event = {event!r}
if event is not None:
    class Context:
        function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        function_version = "$LATEST"
        invoked_function_arn = "arn:aws:lambda:{region}:123456789012:function:" + function_name
        memory_limit_in_mb = 1024
        aws_request_id = "0b1f6e5c-0000-4000-8000-000000000001"
        log_group_name = log_stream_name = "bench"
        def get_remaining_time_in_millis(self):
            return 30_000
    # The runtime sets the trace header before each invocation.
    os.environ["_X_AMZN_TRACE_ID"] = {trace_header!r}
    response = app.lambda_handler(event, Context())
    answered = time.perf_counter()
    result.update(first_s=answered - imported, total_s=answered - started,
                  cpu_s=time.process_time() - started_cpu, status=response["statusCode"])
    for _ in range({repeat!r} - 1):
        app.lambda_handler(event, Context())
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


@dataclass(frozen=True)
class Case:
    label: str
    setup: Setup
    handler: str
    index: dict[str, str] | None  # the index settings of the first request; None: import only


def artifacts_setup() -> Setup | None:
    package = _package_module()
    python = package.find_runtime_python()
    built = all((package.FUNCTIONS_BUILD / name / "app.py").is_file() for name in HANDLERS)
    if python is None or not built or not (package.LAYER_DIR / "python" / "claimsearch").is_dir():
        return None
    sdk = package.build_runtime_sdk()
    compile_runtime_sdk(python, sdk)
    return Setup(
        label=f"artifacts in build/, {python}",
        python=python,
        python_flags=["-S"],
        paths={name: package.runtime_sys_path(package.FUNCTIONS_BUILD / name) for name in HANDLERS},
        runtime_only_cache=runtime_bytecode_cache(python, sdk, package.BUILD / "bench-pycache"),
    )


def baseline_setup(current: Setup, directory: Path) -> Setup:
    """The build under `directory` (functions/<name>/, layer/), with the current runtime SDK."""
    sdk = current.paths["search"][-1]
    paths = {
        name: [str(directory / "functions" / name), str(directory / "layer" / "python"), sdk]
        for name in HANDLERS
        if (directory / "functions" / name / "app.py").is_file()
    }
    if not paths:
        raise SystemExit(f"--baseline {directory}: no functions/<name>/app.py there")
    return replace(current, label=f"baseline {directory}", paths=paths, runtime_only_cache=None)


def compile_runtime_sdk(python: str, sdk: Path) -> None:
    """Byte-compile the SDK stand-in in place once: the runtime's own boto3 comes compiled."""
    stamp = sdk / ".compiled"
    if not stamp.is_file():
        subprocess.run(
            [python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", str(sdk)],
            stdout=subprocess.DEVNULL,
            check=True,
        )
        stamp.write_text("ok\n")


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


def lambda_like_environment(handler: str, task_root: str, index: dict[str, str] | None) -> dict[str, str]:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
        "LAMBDA_TASK_ROOT": task_root,
        "AWS_LAMBDA_FUNCTION_NAME": f"claimsearch-bench-{handler}",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "AKIDBENCHCOLDSTART",
        "AWS_SECRET_ACCESS_KEY": "bench-secret",
        "AWS_SESSION_TOKEN": "bench-session-token",
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "POWERTOOLS_SERVICE_NAME": f"claimsearch-{handler}",
        "POWERTOOLS_METRICS_NAMESPACE": "claimsearch",
        "PYDANTIC_DISABLE_PLUGINS": "__all__",  # as template.yaml's Globals set it
        "CLAIMSEARCH_INBOX_BUCKET": "claimsearch-bench-inbox",
        "CLAIMSEARCH_ARCHIVE_BUCKET": "claimsearch-bench-inbox",
        # Import only: the index is not reached, so any AWS domain name does.
        "CLAIMSEARCH_INDEX": "opensearch",
        "CLAIMSEARCH_OPENSEARCH_URL": f"https://search-bench.{REGION}.es.amazonaws.com",
        "CLAIMSEARCH_OPENSEARCH_REGION": REGION,
    }
    return environment | (index or {})


def one_run(
    case: Case,
    *,
    pycache_prefix: Path | None = None,
    event: bool = True,
    repeat: int = 1,
    wrapper: tuple[str, ...] = (),
) -> dict[str, Any]:
    """One fresh interpreter (-B: it leaves no bytecode behind for the next run); `repeat`:
    the first request is sent that many times (the timings are the first's); `wrapper`:
    the command the interpreter runs under (callgrind), whose report is kept as "stderr"."""
    paths = case.setup.paths[case.handler]
    environment = lambda_like_environment(case.handler, paths[0], case.index)
    if pycache_prefix is not None:
        environment["PYTHONPYCACHEPREFIX"] = str(pycache_prefix)
    request = json.loads(FIRST_REQUEST.read_text()) if event and case.index is not None else None
    code = PROBE.format(
        paths=paths,
        load_model=case.handler == "ingest",
        event=request,
        region=REGION,
        trace_header=TRACE_HEADER,
        repeat=repeat,
    )
    with tempfile.TemporaryDirectory() as cwd:  # nothing importable from the working directory
        result = subprocess.run(
            [*wrapper, case.setup.python, *case.setup.python_flags, "-B", "-c", code],
            capture_output=True,
            text=True,
            cwd=cwd,
            env=environment,
        )
    if result.returncode != 0:
        raise RuntimeError(f"{case.label}: the run failed:\n{result.stderr[-3000:]}")
    timings: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    if timings.get("status", 200) != 200:
        raise RuntimeError(f"{case.label}: the first request answered {timings['status']}")
    return timings | ({"stderr": result.stderr} if wrapper else {})


CALLGRIND = ("valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null")


def instructions(case: Case, *, event: bool) -> float:
    """Millions of instructions one fresh interpreter runs for `case` (callgrind's Ir)."""
    report = one_run(case, event=event, wrapper=CALLGRIND)["stderr"]
    counted = re.search(r"Collected : (\d+)", report)
    if counted is None:
        raise RuntimeError(f"{case.label}: no instruction count from callgrind:\n{report[-2000:]}")
    return int(counted.group(1)) / 1e6


def print_instructions(cases: list[Case]) -> None:
    """The search function's instructions, import and first request apart, per case."""
    print("instructions (callgrind Ir), millions, one fresh interpreter each")
    print(f"{'case':<36}{'import':>12}{'first request':>16}{'total':>12}")
    for case in cases:
        imported = instructions(case, event=False)
        total = instructions(case, event=True)
        print(f"{case.label:<36}{imported:>12.1f}{total - imported:>16.1f}{total:>12.1f}", flush=True)


# Run with this virtualenv (spaCy extracts the example) and the domain package of the build
# measured first on sys.path: an index written by one version of the code may not be
# readable by another (a baseline's), so each build reads one it wrote itself.
SEED = """
import sys
from dataclasses import replace
from pathlib import Path
from claimsearch import wiring
from claimsearch.config import load_settings
from claimsearch.ingest import IngestService
data_dir, url, prefix, mode = sys.argv[1:5]
sqlite = replace(load_settings(), data_dir=Path(data_dir), index_backend="sqlite",
                 opensearch_region=None, archive_bucket=None, index_prefix=prefix)
configs = [sqlite] + ([replace(sqlite, index_backend="opensearch", opensearch_url=url)] if url else [])
if mode == "drop":
    wiring.make_index(configs[-1]).drop()
else:
    extract = wiring.make_extractor(sqlite)
    # A build from before `document_limits` took the byte limit alone.
    limits = wiring.document_limits(sqlite) if hasattr(wiring, "document_limits") else 10**6
    for config in configs:
        archive = replace(config, data_dir=config.data_dir / ("archive-" + config.index_backend))
        IngestService(wiring.make_index(config), wiring.make_archive(archive), extract, limits).ingest_bytes(
            Path({example!r}).read_bytes(), {name!r})
"""


@contextmanager
def seeded_indexes(
    setups: list[Setup], opensearch_url: str | None
) -> Iterator[dict[str, dict[str, dict[str, str]]]]:
    """The example article in a SQLite index and, with a node, in OpenSearch, for each setup.

    Yields setup label -> index name -> the settings the handler reads them with.
    """
    if opensearch_url and not _answers(opensearch_url):
        print(f"no OpenSearch node answers at {opensearch_url}: SQLite only")
        opensearch_url = None
    with tempfile.TemporaryDirectory(prefix="claimsearch-bench-") as folder:
        seeded: list[tuple[Setup, list[str]]] = []
        indexes: dict[str, dict[str, dict[str, str]]] = {}
        try:
            for number, setup in enumerate(setups):
                data_dir = str(Path(folder) / str(number))
                prefix = f"bench-cold-start-{os.getpid()}-{number}"
                arguments = [data_dir, opensearch_url or "", prefix]
                seeded.append((setup, arguments))
                _seed(setup, [*arguments, "ingest"])
                indexes[setup.label] = {
                    "sqlite": {"CLAIMSEARCH_INDEX": "sqlite", "CLAIMSEARCH_DATA_DIR": data_dir}
                }
                if opensearch_url:
                    indexes[setup.label]["opensearch"] = {
                        "CLAIMSEARCH_INDEX": "opensearch",
                        "CLAIMSEARCH_OPENSEARCH_URL": opensearch_url,
                        "CLAIMSEARCH_OPENSEARCH_REGION": REGION,  # signed as in AWS; the node ignores it
                        "CLAIMSEARCH_INDEX_PREFIX": prefix,
                    }
            yield indexes
        finally:
            if opensearch_url:
                for setup, arguments in seeded:
                    _seed(setup, [*arguments, "drop"])


def _seed(setup: Setup, arguments: list[str]) -> None:
    code = SEED.format(example=str(EXAMPLE), name=EXAMPLE.name)
    environment = {
        **os.environ,
        "PYTHONPATH": setup.paths["search"][1],
        "PYTHONDONTWRITEBYTECODE": "1",  # nothing written into build/
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
    result = subprocess.run(
        [sys.executable, "-c", code, *arguments], capture_output=True, text=True, env=environment
    )
    if result.returncode != 0:
        raise RuntimeError(f"{setup.label}: seeding the indexes failed:\n{result.stderr[-3000:]}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3):
            return True
    except OSError:
        return False


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ({min(values) * 1000:.0f}-{max(values) * 1000:.0f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=1, help="rounds of every case run first, not counted")
    parser.add_argument(
        "--warm-node", type=int, default=200, help="first requests sent to the node by one process first"
    )
    parser.add_argument("--source", action="store_true", help="measure the source tree, not build/")
    parser.add_argument(
        "--opensearch-url", default="http://127.0.0.1:9200", help="'' to measure on SQLite only"
    )
    parser.add_argument("--baseline", type=Path, help="a second build to measure in the same runs")
    parser.add_argument(
        "--instructions", action="store_true", help="count the search function's instructions (valgrind)"
    )
    args = parser.parse_args(argv)
    if args.instructions and shutil.which("valgrind") is None:
        parser.error("--instructions runs valgrind, which is not installed (apt-get install valgrind)")
    setup = None if args.source else artifacts_setup()
    if setup is None:
        if not args.source:
            print("no build/ artifacts or no python3.12: measuring the source tree (run `make package`)")
        setup = source_setup()
    setups = [setup] + ([baseline_setup(setup, args.baseline.resolve())] if args.baseline else [])
    with seeded_indexes(setups, args.opensearch_url or None) as indexes:
        cases = [
            Case(f"{handler} {name}{' (baseline)' if s is not setup else ''}", s, handler, index)
            for handler in HANDLERS
            for s in setups
            if handler in s.paths
            for name, index in (indexes[s.label].items() if handler == "search" else [("-", None)])
        ]
        for case in cases:
            if case.index is not None and case.index.get("CLAIMSEARCH_INDEX") == "opensearch":
                one_run(case, repeat=args.warm_node)
        if args.instructions:
            print_instructions([case for case in cases if case.handler == "search"])
            return 0
        print(
            f"cold start, median (min-max) of {args.runs} fresh interpreters after {args.warmup} "
            f"uncounted round(s), ms ({setup.label})"
        )
        for _ in range(args.warmup):
            for case in cases:
                one_run(case)
        results: dict[str, list[dict[str, Any]]] = {case.label: [] for case in cases}
        for _ in range(args.runs):  # alternating: the machine's load falls on every case alike
            for case in cases:
                results[case.label].append(one_run(case))
        no_pyc: dict[str, list[float]] = {}
        if setup.runtime_only_cache is not None:
            for _ in range(args.runs):
                for handler in HANDLERS:
                    case = Case(handler, setup, handler, None)
                    run = one_run(case, pycache_prefix=setup.runtime_only_cache, event=False)
                    no_pyc.setdefault(handler, []).append(run["import_s"])
    columns = ("import", "first request", "total", "total cpu", "no .pyc import", "spaCy load")
    print(f"{'case':<28}" + "".join(f"{c:>18}" for c in columns))
    for case in cases:
        runs = results[case.label]
        cells = [_ms([r["import_s"] for r in runs])]
        for key in ("first_s", "total_s", "cpu_s"):
            cells.append(_ms([r[key] for r in runs]) if case.index is not None else "-")
        # `import app` does not depend on the index: its no .pyc figure is shown once.
        pyc = no_pyc.pop(case.handler, None) if case.setup is setup else None
        cells.append(_ms(pyc) if pyc else "-")
        cells.append(_ms([r["model_s"] for r in runs]) if case.handler == "ingest" else "-")
        print(f"{case.label:<28}" + "".join(f"{c:>18}" for c in cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
