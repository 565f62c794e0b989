#!/usr/bin/env bash
# Run a command with an OpenSearch node reachable: reuse one that answers, otherwise
# start the local node for the duration of the command and stop it afterwards.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
url="${CLAIMSEARCH_OPENSEARCH_URL:-http://127.0.0.1:${OPENSEARCH_PORT:-9200}}"
started=0
if curl -fsS -o /dev/null --max-time 3 "$url"; then
  echo "with-node: using the OpenSearch node at $url"
else
  "$here/node.sh" start
  started=1
fi
stop() { if [ "$started" = 1 ]; then "$here/node.sh" stop || true; fi; }
trap stop EXIT
"$@"
