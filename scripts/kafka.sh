#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft mode) for tests and CI, without Docker.
#
# Usage: scripts/kafka.sh start|resume|stop|status|fetch
#
#   start   fetch the broker jars from Maven Central once (cached), wipe the data dir,
#           format storage, start the broker in the background and wait until it
#           serves metadata. If a healthy broker already answers on the port, says so
#           and exits 0.
#   resume  start the broker again on the data dir a previous start formatted, keeping
#           its topics, messages and committed offsets (a broker restart, for tests).
#   stop    SIGTERM, wait (bounded), then SIGKILL.
#   fetch   only make sure the jars are cached (CI: tests that run a broker of their own
#           need them even when a broker already answers on the port).
#   status  exit 0 if a broker is running and serves metadata, 1 otherwise.
#
# Needs java (17+) on PATH; mvn only for the first download (see scripts/kafka/pom.xml).
#
# Environment (all optional):
#   KAFKA_PORT             client (PLAINTEXT) port             [9092]
#   KAFKA_CONTROLLER_PORT  KRaft controller port                [9093]
#   KAFKA_DATA_DIR         data + logs + pid, wiped on start    [/tmp/cvf-kafka]
#   KAFKA_CACHE_DIR        jar cache (libs/ under it)           [<repo>/.cache/kafka]
#   KAFKA_HEAP_OPTS        JVM heap                             [-Xmx512m -Xms256m]
#   KAFKA_READY_TIMEOUT    seconds to wait for readiness        [90]
#   KAFKA_STOP_TIMEOUT     seconds to wait after SIGTERM        [30]
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_DIR="$(cd -- "$SCRIPT_DIR/.." && pwd)"
SUPPORT_DIR="$SCRIPT_DIR/kafka"
POM="$SUPPORT_DIR/pom.xml"
LOG4J_PROPS="$SUPPORT_DIR/log4j.properties"

HOST=127.0.0.1
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
DATA_DIR="${KAFKA_DATA_DIR:-/tmp/cvf-kafka}"
CACHE_DIR="${KAFKA_CACHE_DIR:-$PROJECT_DIR/.cache/kafka}"
LIBS_DIR="$CACHE_DIR/libs"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m}"
READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

PID_FILE="$DATA_DIR/kafka.pid"
LOG_DIR="$DATA_DIR/logs"
SERVER_LOG="$LOG_DIR/server.log"
OUT_LOG="$LOG_DIR/kafka.out"
CONFIG="$DATA_DIR/server.properties"
# Outside the data dir, which start wipes.
LOCK_FILE="${DATA_DIR%/}.lock"

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
  printf 'Usage: %s start|resume|stop|status|fetch\n' "$0" >&2
  exit 2
}

# --- helpers -----------------------------------------------------------------

kafka_version() {
  local v
  v="$(sed -n 's:.*<kafka\.version>\(.*\)</kafka\.version>.*:\1:p' "$POM" | head -n 1)"
  [[ -n "$v" ]] || die "cannot read <kafka.version> from $POM"
  printf '%s\n' "$v"
}

# Marker content: the Kafka version plus a checksum of the pom, so editing the pom
# (e.g. the logging backend versions) refreshes the cache too.
cache_marker_content() {
  printf 'kafka %s\npom %s\n' "$(kafka_version)" "$(sha256sum "$POM" | cut -d' ' -f1)"
}

ensure_libs() {
  local marker="$LIBS_DIR/.kafka-cache" want
  want="$(cache_marker_content)"
  if [[ -f "$marker" ]] && [[ "$(cat "$marker")" == "$want" ]]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found: needed once to fetch the Kafka jars into $LIBS_DIR"
  log "fetching Kafka $(kafka_version) jars from Maven Central into $LIBS_DIR ..."
  mkdir -p "$CACHE_DIR"
  local tmp
  tmp="$(mktemp -d "$CACHE_DIR/libs.tmp.XXXXXX")"
  if ! mvn -B -q -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$tmp" >"$tmp.mvn.log" 2>&1; then
    tail -n 30 "$tmp.mvn.log" >&2 || true
    rm -rf -- "$tmp" "$tmp.mvn.log"
    die "mvn dependency:copy-dependencies failed"
  fi
  rm -f -- "$tmp.mvn.log"
  compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || { rm -rf -- "$tmp"; die "no kafka_2.13 jar after download"; }
  printf '%s\n' "$want" >"$tmp/.kafka-cache"
  rm -rf -- "$LIBS_DIR"
  mv -- "$tmp" "$LIBS_DIR"
  log "cached $(find "$LIBS_DIR" -name '*.jar' | wc -l) jars"
}

# JVM flags shared by the tools and the broker. HEAP_OPTS is split on spaces.
jvm_args() {
  local heap=()
  read -r -a heap <<<"$HEAP_OPTS"
  JVM_ARGS=("${heap[@]}" -XX:+UseG1GC -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$LOG4J_PROPS" "-Dkafka.logs.dir=$LOG_DIR"
    -cp "$LIBS_DIR/*")
}

java_run() {
  jvm_args
  java "${JVM_ARGS[@]}" "$@"
}

# Sends a Kafka Metadata v0 request (all topics) over bash's /dev/tcp and checks that
# the answer carries our correlation id and lists at least one broker. This proves the
# broker accepts connections and serves metadata, without a JVM or a client library.
# Request: size=14 | api_key=3 | api_version=0 | correlation_id=0x4b414641 | client_id=null | topics=[]
probe_metadata() {
  local host="$1" port="$2"
  # shellcheck disable=SC2016 # expanded by the inner shell
  timeout 5 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "\x00\x00\x00\x0e\x00\x03\x00\x00\x4b\x41\x46\x41\xff\xff\x00\x00\x00\x00" >&3 || exit 1
    resp="$(head -c 12 <&3 | od -An -v -tx1 | tr -d " \n")"
    exec 3<&- 3>&-
    # 4 bytes size, 4 bytes correlation id, 4 bytes broker count
    [[ ${#resp} -eq 24 && ${resp:8:8} == 4b414641 ]] || exit 1
    (( 16#${resp:16:8} > 0 && 16#${resp:16:8} < 1000 ))
  ' _ "$host" "$port" 2>/dev/null
}

port_open() {
  # shellcheck disable=SC2016 # expanded by the inner shell
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# Pid from the pid file if that process is alive and is our broker.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  printf '%s\n' "$pid"
}

show_log_tail() {
  local f
  for f in "$SERVER_LOG" "$OUT_LOG"; do
    if [[ -s "$f" ]]; then
      log "last 50 lines of $f:"
      tail -n 50 "$f" >&2
    fi
  done
}

with_lock() {
  mkdir -p "$(dirname -- "$LOCK_FILE")"
  exec 9>"$LOCK_FILE"
  if ! flock -w 120 9; then
    die "another kafka.sh start/stop holds $LOCK_FILE"
  fi
}

write_config() {
  cat >"$CONFIG" <<EOF
# Written by scripts/kafka.sh: single-node KRaft broker+controller for tests.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA_DIR/data

# One broker: every internal topic has one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
default.replication.factor=1
min.insync.replicas=1
# Fewer internal partitions than the default 50: faster first group join / transaction.
offsets.topic.num.partitions=10
transaction.state.log.num.partitions=10

# Tests: no join delay, topics appear on first use, 6 partitions for company-keyed topics.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
num.partitions=6

# Small machine (2 cores, shared with the tests).
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
background.threads=4
EOF
}

# --- commands ----------------------------------------------------------------

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    if probe_metadata "$HOST" "$PORT"; then
      log "running (pid $pid) on $HOST:$PORT, serves metadata; data dir $DATA_DIR"
      return 0
    fi
    log "process $pid is alive but does not serve metadata on $HOST:$PORT (starting or unhealthy); log: $SERVER_LOG"
    return 1
  fi
  if probe_metadata "$HOST" "$PORT"; then
    log "a Kafka broker not started by this script (no live pid in $PID_FILE) serves metadata on $HOST:$PORT"
    return 0
  fi
  log "not running"
  return 1
}

# cmd_start [keep]: with "keep", reuse the formatted data dir instead of wiping it.
cmd_start() {
  local keep="${1:-}"
  command -v java >/dev/null 2>&1 || die "java not found on PATH (Java 17+ needed)"
  with_lock

  local pid
  if pid="$(running_pid)"; then
    if probe_metadata "$HOST" "$PORT"; then
      log "already running (pid $pid) on $HOST:$PORT and healthy; nothing to do"
      return 0
    fi
    log "process $pid from $PID_FILE is alive but not healthy: stopping it and starting afresh"
    stop_pid "$pid"
  elif probe_metadata "$HOST" "$PORT"; then
    log "a Kafka broker (not started by this script) already serves metadata on $HOST:$PORT; leaving it as is"
    return 0
  fi
  if port_open "$HOST" "$PORT"; then
    die "port $HOST:$PORT is in use by something that is not a healthy Kafka broker"
  fi
  if port_open "$HOST" "$CONTROLLER_PORT"; then
    die "controller port $HOST:$CONTROLLER_PORT is in use (set KAFKA_CONTROLLER_PORT)"
  fi

  local t0=$SECONDS
  ensure_libs

  if [[ "$keep" == keep ]]; then
    [[ -f "$DATA_DIR/data/meta.properties" && -f "$CONFIG" ]] ||
      die "nothing to resume in $DATA_DIR (run start first)"
    log "resuming Kafka $(kafka_version) on $HOST:$PORT with the data in $DATA_DIR"
  else
    format_storage
  fi
  launch_broker "$t0"
}

format_storage() {
  case "$DATA_DIR" in
    "" | / | "$HOME" | "$PROJECT_DIR") die "refusing to wipe KAFKA_DATA_DIR=$DATA_DIR" ;;
  esac
  rm -rf -- "$DATA_DIR"
  mkdir -p "$DATA_DIR/data" "$LOG_DIR"
  write_config

  local cluster_id=""
  if ! cluster_id="$(java_run kafka.tools.StorageTool random-uuid 2>>"$OUT_LOG")" ||
     ! [[ "$cluster_id" =~ ^[A-Za-z0-9_-]{22}$ ]]; then
    show_log_tail
    die "kafka.tools.StorageTool random-uuid failed (output: '$cluster_id')"
  fi
  if ! java_run kafka.tools.StorageTool format -t "$cluster_id" -c "$CONFIG" >>"$OUT_LOG" 2>&1; then
    show_log_tail
    die "formatting storage failed"
  fi

  log "starting Kafka $(kafka_version) (KRaft, cluster $cluster_id) on $HOST:$PORT, data dir $DATA_DIR"
}

launch_broker() {
  local t0="$1" pid
  # setsid: own session, so the broker outlives this shell and a Ctrl-C in it.
  # The inner bash writes its pid, then execs java with that same pid.
  # fd 9 (the start/stop lock) is closed so the broker does not hold the lock.
  jvm_args
  # A pid file left by a broker that was killed (the crash tests SIGKILL it) would read as
  # "the new broker exited" until the inner shell below overwrites it: remove it first.
  rm -f -- "$PID_FILE"
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PID_FILE" \
    java "${JVM_ARGS[@]}" kafka.Kafka "$CONFIG" \
    >>"$OUT_LOG" 2>&1 </dev/null 9>&- &

  local deadline=$((SECONDS + READY_TIMEOUT)) t_launch=$SECONDS
  while :; do
    if pid="$(running_pid)" && probe_metadata "$HOST" "$PORT"; then
      break
    fi
    # Died after writing its pid (or never wrote one within a few seconds)?
    if { [[ -f "$PID_FILE" ]] && ! running_pid >/dev/null; } ||
       { [[ ! -f "$PID_FILE" ]] && ((SECONDS - t_launch > 10)); }; then
      show_log_tail
      die "the broker exited during startup"
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail
      if pid="$(running_pid)"; then stop_pid "$pid"; fi
      die "the broker did not serve metadata on $HOST:$PORT within ${READY_TIMEOUT}s"
    fi
    sleep 0.5
  done
  log "ready on $HOST:$PORT (pid $pid) after $((SECONDS - t_launch))s; total $((SECONDS - t0))s; log: $SERVER_LOG"
}

# Alive and not a zombie (the broker is not our child once start has returned, so
# whoever adopted it reaps it; until then kill -0 still succeeds on the zombie).
alive() {
  local state=""
  kill -0 "$1" 2>/dev/null || return 1
  read -r _ _ state _ <"/proc/$1/stat" 2>/dev/null || return 1
  [[ "$state" != Z ]]
}

stop_pid() {
  local pid="$1" deadline
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while alive "$pid"; do
    if ((SECONDS >= deadline)); then
      log "pid $pid still alive ${STOP_TIMEOUT}s after SIGTERM: sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      local waited=0
      while alive "$pid" && ((waited < 10)); do
        sleep 0.5
        waited=$((waited + 1))
      done
      break
    fi
    sleep 0.5
  done
  if alive "$pid"; then
    die "pid $pid survived SIGKILL"
  fi
  rm -f -- "$PID_FILE"
}

cmd_stop() {
  with_lock
  local pid
  if ! pid="$(running_pid)"; then
    rm -f -- "$PID_FILE"
    if probe_metadata "$HOST" "$PORT"; then
      log "not started by this script (no live pid in $PID_FILE), but a broker answers on $HOST:$PORT: left alone"
    else
      log "not running"
    fi
    return 0
  fi
  log "stopping pid $pid ..."
  local t0=$SECONDS
  stop_pid "$pid"
  log "stopped after $((SECONDS - t0))s"
}

[[ $# -eq 1 ]] || usage
case "$1" in
  start) cmd_start ;;
  resume) cmd_start keep ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  fetch) ensure_libs ;;
  -h | --help | help) usage ;;
  *) usage ;;
esac
