#!/usr/bin/env bash
# A real single OpenSearch node for local runs and tests, built from Maven Central.
#
#   node.sh fetch    download the distribution and the modules it lacks into .cache/
#   node.sh start    unpack into .run/ (as root: a staged folder, see below), start on
#                    127.0.0.1:$OPENSEARCH_PORT, wait for health
#   node.sh stop     stop the node that `start` started (as root: and remove its staged folder)
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
# Where the node lives. Not root: everything under .run/ in the checkout (the unpacked
# distribution, data, logs, pid file).
# Root: OpenSearch refuses to run as root, so the node runs as an unprivileged user
# (OPENSEARCH_RUN_AS, default nobody), who often cannot reach the checkout: a clone under
# /root or in a `mktemp -d` folder (mode 0700). So the node is staged outside the
# checkout, in a folder of /var/tmp (OPENSEARCH_STAGE_DIR) named by a hash of the
# checkout's path: one node per checkout, found again by `stop` and by a second `start`,
# and removed by `stop`. The distribution is unpacked there from .cache/ (read by root)
# and stays root's, readable by all; only node/ (data, logs, tmp, pid file) belongs to
# the node's user, and root writes nothing inside node/ but folders.
# OPENSEARCH_RUN_DIR: a folder of yours instead of either (never removed).
user="${OPENSEARCH_RUN_AS:-nobody}"
stage=""
if [ -n "${OPENSEARCH_RUN_DIR:-}" ]; then
  run="$OPENSEARCH_RUN_DIR"
  meta="$run"
  home="$run/opensearch-$version"
elif [ "$(id -u)" = 0 ]; then
  stage="${OPENSEARCH_STAGE_DIR:-/var/tmp}/claimsearch-opensearch-$(printf '%s' "$here" | sha256sum | cut -c1-16)"
  run="$stage/node"
  meta="$stage"
  home="$stage/opensearch-$version"
else
  run="$here/.run"
  meta="$run"
  home="$run/opensearch-$version"
fi
pid_file="$run/opensearch.pid"
log_file="$run/logs/claimsearch-local.log"
launcher_log="$meta/launcher.log"
start_timeout="${OPENSEARCH_START_TIMEOUT:-180}"
modules=(lang-painless analysis-common reindex)

say() { echo "node.sh: $*" >&2; }

answers() { curl -fsS -o /dev/null --max-time 3 "$url/" 2>/dev/null; }

# The pid file names our node only while that pid is still an OpenSearch JVM: a stale
# file must never make us signal an unrelated process that reused the pid. The node
# writes the file only several seconds into its start (longer on a busy machine); until
# then our node is the OpenSearch JVM started with this checkout's data folder.
our_pid() {
  local pid
  if pid="$(pid_in "$pid_file")"; then
    echo "$pid"
    return 0
  fi
  local data
  data="$(printf '%s' "$run/data" | sed 's/[][\.*^$+?(){}|]/\\&/g')"
  pid="$(pgrep -f -- "org\.opensearch\.bootstrap\.OpenSearch .*-E path\.data=$data( |\$)" | head -n 1)"
  [ -n "$pid" ] || return 1
  echo "$pid"
}

pid_in() {
  [ -f "$1" ] || return 1
  local pid
  pid="$(cat "$1")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'org.opensearch.bootstrap.OpenSearch' || return 1
  echo "$pid"
}

# The stage has a predictable name in a folder everyone may write to: root creates it
# (mode 0755), and reuses it only when it is a real folder that root owns and nobody
# else may write to, so no other user can have planted it, or a symlink, in advance.
# Inside it only node/ belongs to the node's user.
stage_is_ours() {
  [ -d "$stage" ] && [ ! -L "$stage" ] && [ "$(stat -c %u "$stage")" = 0 ] &&
    [ $((8#$(stat -c %a "$stage") & 8#022)) = 0 ]
}

prepare_stage() {
  [ -n "$stage" ] || return 0
  mkdir -p "$(dirname "$stage")"
  if ! mkdir -m 0755 "$stage" 2>/dev/null && ! stage_is_ours; then
    say "$stage exists but is not a folder that only root may write to; remove it or set OPENSEARCH_STAGE_DIR"
    exit 1
  fi
}

remove_stage() {
  [ -n "$stage" ] && [ -e "$stage" ] || return 0
  if ! stage_is_ours; then
    say "$stage is not a folder that only root may write to; leaving it"
    return 0
  fi
  rm -rf "$stage"
  say "removed the node's folder $stage"
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
  mkdir -p "$(dirname "$home")"
  unzip -q "$cache/opensearch-$version.zip" -d "$(dirname "$home")"
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
  if [ -n "$stage" ]; then
    # A node creates its (empty) keystore in config/ on its first start; the node's user
    # may not write there, so root creates it now.
    OPENSEARCH_JAVA_HOME="$(java_home)" "$home/bin/opensearch-keystore" create >/dev/null 2>&1 ||
      { say "could not create the keystore in $home/config"; exit 1; }
    # Root's files, read by the node's user whatever root's umask.
    chmod -R a+rX,go-w "$home"
    # The launcher runs the JVM from the distribution's folder, and jvm.options names
    # logs/ (GC log, crash reports) and data (heap dumps) relative to it: both lead into
    # the node's own folder.
    rm -rf "$home/logs" "$home/data"
    ln -s "$run/logs" "$home/logs"
    ln -s "$run/data" "$home/data"
  fi
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
    say "the node started by node.sh (pid $pid, port $(cat "$meta/port" 2>/dev/null || echo '?')) does not"
    say "answer at $url; one node per checkout: stop it first (node.sh stop)"
    exit 1
  fi
  prepare_stage
  install
  mkdir -p "$run/data" "$run/logs" "$run/tmp"
  rm -f "$pid_file"
  echo "$port" >"$meta/port"
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
  # containers run as root: there the node runs as an unprivileged user that owns the
  # node's folder (staged outside the checkout, see the top of this file).
  local as_user=()
  if [ "$(id -u)" = 0 ]; then
    chown -R "$user:" "$run"
    if ! runuser -u "$user" -- test -x "$home/bin/opensearch"; then
      say "user $user cannot reach $home (a parent folder is not traversable by $user);"
      say "set OPENSEARCH_RUN_DIR to a folder $user can reach, or OPENSEARCH_RUN_AS to a user who can"
      exit 1
    fi
    if ! runuser -u "$user" -- test -x "$java/bin/java"; then
      say "user $user cannot run $java/bin/java; set OPENSEARCH_JAVA_HOME to a JDK $user can reach"
      exit 1
    fi
    as_user=(runuser -u "$user" --)
    say "running as root: the node runs as user $user from $run"
  fi
  local started=$SECONDS
  # The launcher changes to the distribution's folder, where jvm.options finds logs/ (GC
  # log) and data (heap dumps): inside .run/, or linked to the node's folder when staged.
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
  local pid legacy="$here/.run/opensearch.pid"
  if pid="$(our_pid)"; then
    stop_pid "$pid"
  elif [ -n "$stage" ] && pid="$(pid_in "$legacy")"; then
    # Started as root inside .run/ by a node.sh from before staging.
    stop_pid "$pid"
    rm -f "$legacy"
  else
    say "no node started by node.sh is running"
  fi
  rm -f "$pid_file"
  remove_stage
}

stop_pid() {
  local pid="$1"
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
