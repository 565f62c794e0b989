#!/usr/bin/env bash
# A real single OpenSearch node for local runs and tests, built from Maven Central.
#
#   node.sh fetch    download the distribution and the modules it lacks into .cache/
#   node.sh start    unpack into .run/, start on 127.0.0.1:$OPENSEARCH_PORT, wait for health
#   node.sh stop     stop the node that `start` started
#   node.sh status   exit 0 when a node answers on the port
#   node.sh url      print the node's URL
#
# Maven Central is the one place this project can fetch from on every machine (no
# Docker, no artifacts.opensearch.org), and it publishes the minimal "integ-test-zip"
# distribution, which holds only the transport module. The modules the claimsearch
# mappings and adapter need are added from their Maven jars (see modules/ and
# README.md): analysis-common (english analyzer pieces, asciifolding), lang-painless
# (which analysis-common extends) and reindex (_delete_by_query).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# 2.19 is the newest line that runs on Java 17, this machine's default JDK, and a
# version Amazon OpenSearch Service offers. Modules' third-party jar versions in
# modules/*/artifacts.txt are those of this release's POMs.
version="${OPENSEARCH_VERSION:-2.19.6}"
port="${OPENSEARCH_PORT:-9200}"
url="http://127.0.0.1:${port}"
cache="$here/.cache"
run="$here/.run"
home="$run/opensearch-$version"
pid_file="$run/opensearch.pid"
log_file="$run/logs/claimsearch-local.log"
launcher_log="$run/launcher.log"
start_timeout="${OPENSEARCH_START_TIMEOUT:-180}"
modules=(lang-painless analysis-common reindex)

say() { echo "node.sh: $*" >&2; }

answers() { curl -fsS -o /dev/null --max-time 3 "$url/" 2>/dev/null; }

# The pid file names our node only while that pid is still an OpenSearch JVM: a stale
# file must never make us signal an unrelated process that reused the pid.
our_pid() {
  [ -f "$pid_file" ] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'org.opensearch.bootstrap.OpenSearch' || return 1
  echo "$pid"
}

java_home() {
  if [ -n "${OPENSEARCH_JAVA_HOME:-}" ]; then
    echo "$OPENSEARCH_JAVA_HOME"
  elif [ -n "${JAVA_HOME:-}" ]; then
    echo "$JAVA_HOME"
  else
    local java
    java="$(command -v java)" || { say "no java on PATH; set JAVA_HOME to a Java 11-21 JDK"; exit 1; }
    dirname "$(dirname "$(readlink -f "$java")")"
  fi
}

# Every jar the modules need, as one POM: a single Maven run resolves them all
# (one JVM start instead of one per artifact), checksums verified.
write_pom() {
  local pom="$1" coords
  {
    echo '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
    echo '<groupId>local.claimsearch</groupId><artifactId>opensearch-modules</artifactId><version>0</version>'
    echo '<dependencies>'
    for module in "${modules[@]}"; do
      while read -r coords; do
        IFS=: read -r g a v <<<"$coords"
        echo "<dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>"
      done < <(artifacts "$module")
    done
    echo '</dependencies></project>'
  } >"$pom"
}

artifacts() {
  grep -v '^[[:space:]]*\(#\|$\)' "$here/modules/$1/artifacts.txt" | sed "s/@VERSION@/$version/g"
}

fetched() {
  [ -f "$cache/opensearch-$version.zip" ] || return 1
  local module coords g a v
  for module in "${modules[@]}"; do
    while read -r coords; do
      IFS=: read -r g a v <<<"$coords"
      [ -f "$cache/jars-$version/$a-$v.jar" ] || return 1
    done < <(artifacts "$module")
  done
}

cmd_fetch() {
  if fetched; then
    say "OpenSearch $version and its modules are in $cache"
    return 0
  fi
  command -v mvn >/dev/null || { say "mvn not found: install Maven to fetch OpenSearch from Maven Central"; exit 1; }
  mkdir -p "$cache/jars-$version"
  local started=$SECONDS
  say "fetching OpenSearch $version (integ-test-zip) from Maven Central"
  mvn -B -q -C dependency:copy \
    -Dartifact="org.opensearch.distribution.integ-test-zip:opensearch:$version:zip" \
    -DoutputDirectory="$cache"
  say "fetching modules: ${modules[*]}"
  write_pom "$cache/modules-$version.pom"
  mvn -B -q -C -f "$cache/modules-$version.pom" dependency:copy-dependencies \
    -DexcludeTransitive=true -DoutputDirectory="$cache/jars-$version"
  fetched || { say "fetch finished but some files are missing from $cache"; exit 1; }
  say "fetched in $((SECONDS - started)) s"
}

install() {
  if [ -f "$home/.claimsearch-installed" ]; then
    return 0
  fi
  cmd_fetch
  rm -rf "$home"
  mkdir -p "$run"
  unzip -q "$cache/opensearch-$version.zip" -d "$run"
  local module coords g a v dir
  for module in "${modules[@]}"; do
    dir="$home/modules/$module"
    if [ -e "$dir" ]; then
      # A distribution that ships the module itself wins over our reconstruction.
      say "distribution already has module $module; keeping it"
      continue
    fi
    mkdir -p "$dir"
    while read -r coords; do
      IFS=: read -r g a v <<<"$coords"
      cp "$cache/jars-$version/$a-$v.jar" "$dir/"
    done < <(artifacts "$module")
    sed "s/@VERSION@/$version/g" "$here/modules/$module/plugin-descriptor.properties" \
      >"$dir/plugin-descriptor.properties"
    if [ -f "$here/modules/$module/plugin-security.policy" ]; then
      cp "$here/modules/$module/plugin-security.policy" "$dir/"
    fi
  done
  touch "$home/.claimsearch-installed"
}

cmd_start() {
  if answers; then
    say "a node already answers at $url; using it"
    echo "$url"
    return 0
  fi
  local pid
  if pid="$(our_pid)"; then
    say "the node started by node.sh (pid $pid, port $(cat "$run/port" 2>/dev/null || echo '?')) does not"
    say "answer at $url; one node per checkout: stop it first (node.sh stop)"
    exit 1
  fi
  install
  mkdir -p "$run/data" "$run/logs" "$run/tmp"
  rm -f "$pid_file"
  echo "$port" >"$run/port"
  # The node appends to its log: on failure show only what this start wrote.
  log_offset="$(stat -c %s "$log_file" 2>/dev/null || echo 0)"
  local java major
  java="$(java_home)"
  major="$("$java/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)"
  # 2.19 needs the Security Manager, which Java 24 removed.
  if [ -z "$major" ] || [ "$major" -lt 11 ] || [ "$major" -gt 21 ]; then
    say "OpenSearch $version runs on Java 11 to 21; $java is Java ${major:-?}: set OPENSEARCH_JAVA_HOME"
    exit 1
  fi
  say "starting OpenSearch $version on $url (java: $java)"
  # OpenSearch refuses to run as root ("can not run opensearch as root"), and CI and
  # containers run as root: there the node runs as an unprivileged user that owns .run/.
  local as_user=()
  if [ "$(id -u)" = 0 ]; then
    local user="${OPENSEARCH_RUN_AS:-nobody}"
    chown -R "$user:" "$run"
    if ! runuser -u "$user" -- test -x "$home/bin/opensearch"; then
      say "user $user cannot reach $home (a parent folder is not world-traversable);"
      say "set OPENSEARCH_RUN_AS to a user who can, or run node.sh as that user"
      exit 1
    fi
    as_user=(runuser -u "$user" --)
    say "running as root: the node runs as user $user"
  fi
  local started=$SECONDS
  # cd: jvm.options names logs/ (GC log) and data (heap dumps) relative to the working
  # directory, so they land in .run/ too.
  # Disk thresholds off: a nearly full developer disk must not turn indices read-only.
  (
    cd "$run"
    "${as_user[@]}" env \
      OPENSEARCH_JAVA_HOME="$java" \
      OPENSEARCH_JAVA_OPTS="-Xms512m -Xmx512m ${OPENSEARCH_EXTRA_JAVA_OPTS:-}" \
      OPENSEARCH_TMPDIR="$run/tmp" \
      "$home/bin/opensearch" -d -p "$pid_file" \
      -E cluster.name=claimsearch-local \
      -E node.name=claimsearch-local \
      -E discovery.type=single-node \
      -E network.host=127.0.0.1 \
      -E http.port="$port" \
      -E path.data="$run/data" \
      -E path.logs="$run/logs" \
      -E cluster.routing.allocation.disk.threshold_enabled=false \
      >"$launcher_log" 2>&1
  ) || {
    say "OpenSearch did not start"
    failed
  }
  local deadline=$((SECONDS + start_timeout))
  until curl -fsS -o /dev/null --max-time 5 "$url/_cluster/health?wait_for_status=yellow&timeout=3s" 2>/dev/null; do
    if ! our_pid >/dev/null && [ $((SECONDS - started)) -gt 5 ]; then
      say "the OpenSearch process exited"
      failed
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "no healthy node at $url after ${start_timeout} s"
      failed
    fi
    sleep 2
  done
  say "healthy after $((SECONDS - started)) s (pid $(cat "$pid_file"))"
  echo "$url"
}

log_offset=0

failed() {
  if [ -s "$launcher_log" ]; then
    say "--- last lines of $launcher_log"
    tail -n 40 "$launcher_log" >&2
  fi
  if [ -s "$log_file" ]; then
    say "--- last lines of $log_file"
    tail -c +"$((log_offset + 1))" "$log_file" | tail -n 40 >&2
  fi
  exit 1
}

cmd_stop() {
  local pid
  if ! pid="$(our_pid)"; then
    rm -f "$pid_file"
    say "no node started by node.sh is running"
    return 0
  fi
  say "stopping OpenSearch (pid $pid)"
  kill -TERM "$pid"
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "pid $pid still running after 60 s; sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 1
  done
  rm -f "$pid_file"
  say "stopped"
}

cmd_status() {
  if answers; then
    say "a node answers at $url"
    return 0
  fi
  say "no node answers at $url"
  return 1
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) echo "$url" ;;
  *)
    echo "usage: $0 fetch|start|stop|status|url" >&2
    exit 2
    ;;
esac
