#!/usr/bin/env bash
# A real Apache Kafka broker (KRaft, one node that is both broker and controller) on 127.0.0.1 for
# the Kafka tests, run from Maven Central jars (no tarball, no container).
#
#   scripts/kafka-server.sh install   copy the broker's jars from Maven Central if the cache is missing
#   scripts/kafka-server.sh start     install if needed, format and start one broker, wait until it answers
#   scripts/kafka-server.sh env       print the connection settings as shell `export` lines
#   scripts/kafka-server.sh stop      stop the broker this state directory belongs to (SIGTERM, then SIGKILL)
#   scripts/kafka-server.sh kill      SIGKILL it at once (a crash, for tests of what survives one)
#
# One broker per state directory: STREAMSTATE_KAFKA_STATE (default ${TMPDIR:-/tmp}/streamstate-kafka)
# holds its data, config, ports, pid and logs (kafka.log: the broker's own log; server.out: its
# stdout/stderr), so concurrent test runs each start their own by choosing their own. Starting again
# on a state directory that was stopped restarts the broker with its data, on the same ports when
# they are still free.
# The jars (45 files, ~43 MB, listed by scripts/kafka/pom.xml) are cached in
# ${STREAMSTATE_KAFKA_CACHE:-~/.cache/streamstate/kafka-<version>}, with a class-data-sharing
# archive made by `install` (one throw-away start) that cuts the broker's start time.
#
# Exit status 3 means "cannot be installed on this machine" (no Java >= 17, or no Maven and no
# cached jars); tests skip only then. Any other failure is a real failure.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
POM="$HERE/kafka/pom.xml"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM")"
CACHE="${STREAMSTATE_KAFKA_CACHE:-$HOME/.cache/streamstate/kafka-$KAFKA_VERSION}"
JARS="$CACHE/jars"
CDS_ARCHIVE="$CACHE/broker.jsa"
STATE="${STREAMSTATE_KAFKA_STATE:-${TMPDIR:-/tmp}/streamstate-kafka}"
START_TIMEOUT_S="${STREAMSTATE_KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT_S=30
# Small heap; C1 only: the broker is ready in a third of the time and is no slower for tests.
JVM_OPTS=(-Xms256m -Xmx512m -XX:TieredStopAtLevel=1 -Djava.awt.headless=true)

log() { echo "kafka-server: $*" >&2; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

require_java() {
  if ! command -v java >/dev/null 2>&1; then
    log "UNAVAILABLE: no java on PATH; install a JDK >= 17 (Debian: apt-get install openjdk-17-jre-headless)"
    exit 3
  fi
  local major
  major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1)"
  if [ -z "$major" ] || [ "$major" -lt 17 ]; then
    log "UNAVAILABLE: Kafka $KAFKA_VERSION needs Java >= 17, this java is ${major:-unknown}; install a newer JDK"
    exit 3
  fi
}

# Every jar, in a fixed order: a class-data-sharing archive is only used with the classpath it was made with.
classpath() {
  local cp=""
  local jar
  for jar in "$JARS"/*.jar; do cp="${cp:+$cp:}$jar"; done
  echo "$cp"
}

cds_opts() {
  if [ -f "$CDS_ARCHIVE" ]; then echo "-XX:SharedArchiveFile=$CDS_ARCHIVE -Xlog:cds=off -Xlog:cds+dynamic=off"; fi
}

install_server() {
  require_java
  if [ -f "$JARS/.complete" ]; then
    log "Kafka $KAFKA_VERSION jars already installed: $JARS"
    # (the start that makes the archive runs this too: it must not make another)
    if [ -z "${CDS_DUMP:-}" ] && [ ! -f "$CDS_ARCHIVE" ] && [ ! -f "$CACHE/.cds-attempted" ]; then
      mkdir -p "$CACHE"
      exec 9>"$CACHE/.install.lock"
      flock 9
      [ -f "$CDS_ARCHIVE" ] || [ -f "$CACHE/.cds-attempted" ] || make_cds_archive
    fi
    return 0
  fi
  if ! command -v mvn >/dev/null 2>&1; then
    log "UNAVAILABLE: no mvn on PATH and no cached jars in $JARS; install Maven (Debian: apt-get install maven)"
    exit 3
  fi
  mkdir -p "$CACHE"
  # One installer at a time per cache; a second one waits, then finds the jars there.
  exec 9>"$CACHE/.install.lock"
  flock 9
  if [ -f "$JARS/.complete" ]; then
    log "Kafka $KAFKA_VERSION jars installed meanwhile by another process: $JARS"
    return 0
  fi
  local started staging
  started=$(now_ms)
  staging="$(mktemp -d "$CACHE/jars.XXXXXX")"
  chmod 755 "$staging"
  log "copying Kafka $KAFKA_VERSION and its runtime dependencies from Maven Central (scripts/kafka/pom.xml)..."
  # The pom lives in the repo; Maven writes nothing next to it for dependency:copy-dependencies.
  if ! mvn -B -q -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$staging" >"$CACHE/install.log" 2>&1; then
    log "mvn dependency:copy-dependencies failed; its output:"
    cat "$CACHE/install.log" >&2
    rm -rf "$staging"
    exit 1
  fi
  local count
  count="$(find "$staging" -name '*.jar' | wc -l)"
  if [ "$count" -lt 10 ]; then
    log "Maven copied only $count jars into $staging; expected ~45"
    exit 1
  fi
  ls "$staging" >"$staging/.complete"
  rm -rf "$JARS"
  mv "$staging" "$JARS"
  log "installed $count jars ($(du -sh "$JARS" | cut -f1)) in $(($(now_ms) - started)) ms: $JARS"
  make_cds_archive
}

# A throw-away start that records the classes the broker loads, for faster starts later (AppCDS).
# Best effort: without the archive the broker starts all the same, only slower.
make_cds_archive() {
  local started scratch
  started=$(now_ms)
  scratch="$(mktemp -d "${TMPDIR:-/tmp}/streamstate-kafka-cds.XXXXXX")"
  rm -f "$CDS_ARCHIVE"
  if STREAMSTATE_KAFKA_STATE="$scratch" CDS_DUMP="$CDS_ARCHIVE.tmp" bash "$0" start >/dev/null 2>&1 &&
    STREAMSTATE_KAFKA_STATE="$scratch" bash "$0" stop >/dev/null 2>&1 && [ -s "$CDS_ARCHIVE.tmp" ]; then
    mv "$CDS_ARCHIVE.tmp" "$CDS_ARCHIVE"
    log "class-data-sharing archive made in $(($(now_ms) - started)) ms: $CDS_ARCHIVE"
  else
    STREAMSTATE_KAFKA_STATE="$scratch" bash "$0" stop >/dev/null 2>&1 || true
    rm -f "$CDS_ARCHIVE.tmp"
    log "no class-data-sharing archive (the broker starts without one, only slower)"
  fi
  rm -rf "$scratch"
  touch "$CACHE/.cds-attempted"
}

free_port() {
  env -u FORCE_COLOR -u NO_COLOR node -e \
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"
}

port_is_free() {
  env -u FORCE_COLOR -u NO_COLOR node -e \
    "const s=require('net').createServer();s.on('error',()=>process.exit(1));s.listen($1,'127.0.0.1',()=>s.close())"
}

running() {
  [ -f "$STATE/pid" ] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null
}

write_config() {
  local port="$1" cport="$2"
  cat >"$STATE/server.properties" <<PROPS
# Written by scripts/kafka-server.sh: one KRaft node, broker and controller, for tests.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$STATE/data

# One replica everywhere: with the defaults (3) consumer groups and transactions hang.
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=1

# After a SIGKILL the restarted broker cannot register until its previous incarnation's session
# expires (9 s by default): a short session makes a restart after a crash ~3 s slower, not ~10 s.
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=3000

# Tests create their topics, and say how.
auto.create.topics.enable=false
num.partitions=1

# Groups: no wait for more members on the first join; quick heartbeats for the consumer protocol
# (KIP-848; the 5 s default makes every rebalance take ~5 s) and short session timeouts, so a
# member that was killed loses its partitions in seconds, not 45 s.
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
group.consumer.min.heartbeat.interval.ms=500
group.consumer.heartbeat.interval.ms=1000
group.consumer.min.session.timeout.ms=3000
group.consumer.session.timeout.ms=10000

# Small segments and a quick cleaner, so compaction is observable in a test.
log.segment.bytes=1048576
log.cleaner.backoff.ms=1000
log.cleaner.dedupe.buffer.size=16777216
log.cleaner.threads=1
log.index.size.max.bytes=1048576

# Two cores: few threads.
num.network.threads=2
num.io.threads=2
background.threads=2
num.recovery.threads.per.data.dir=1
PROPS
  cat >"$STATE/log4j2.properties" <<LOG
# Written by scripts/kafka-server.sh: the broker's log goes to kafka.log in its state directory.
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = $STATE/kafka.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.request.additivity = false
logger.request.appenderRef.file.ref = file
LOG
}

start_server() {
  if running; then
    log "already running (pid $(cat "$STATE/pid"), bootstrap 127.0.0.1:$(cat "$STATE/port"))"
    return 0
  fi
  install_server
  mkdir -p "$STATE/data"
  local port cport started formatted=0 cp
  cp="$(classpath)"
  if [ -f "$STATE/data/meta.properties" ] && [ -f "$STATE/port" ] && [ -f "$STATE/controller-port" ] &&
    port_is_free "$(cat "$STATE/port")" && port_is_free "$(cat "$STATE/controller-port")"; then
    port="$(cat "$STATE/port")"
    cport="$(cat "$STATE/controller-port")"
  else
    port="$(free_port)"
    cport="$(free_port)"
    while [ "$cport" = "$port" ]; do cport="$(free_port)"; done
  fi
  echo "$port" >"$STATE/port"
  echo "$cport" >"$STATE/controller-port"
  write_config "$port" "$cport"
  started=$(now_ms)
  local -a cds
  read -r -a cds <<<"$(cds_opts)"
  if [ -n "${CDS_DUMP:-}" ]; then cds=(-XX:ArchiveClassesAtExit="$CDS_DUMP" -Xlog:cds=error); fi
  if [ ! -f "$STATE/data/meta.properties" ]; then
    local cluster_id
    # A cluster id is a UUID in URL-safe base64 without padding (22 characters). One that starts
    # with '-' (1 in 64) would be read by kafka-storage as an option, so draw again.
    cluster_id=-
    while [ "${cluster_id#-}" != "$cluster_id" ]; do
      cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    done
    if ! java -Xmx256m -XX:TieredStopAtLevel=1 $(cds_opts) -Dlog4j2.configurationFile="file:$STATE/log4j2.properties" \
      -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" -c "$STATE/server.properties" \
      >"$STATE/format.log" 2>&1 </dev/null; then
      log "formatting $STATE/data failed:"
      cat "$STATE/format.log" >&2
      exit 1
    fi
    formatted=$(($(now_ms) - started))
  fi
  setsid java "${JVM_OPTS[@]}" "${cds[@]}" -Dlog4j2.configurationFile="file:$STATE/log4j2.properties" \
    -cp "$cp" kafka.Kafka "$STATE/server.properties" >>"$STATE/server.out" 2>&1 </dev/null &
  echo $! >"$STATE/pid"
  local ready=0
  env -u FORCE_COLOR -u NO_COLOR node "$HERE/kafka/ready.mjs" "$port" "$(cat "$STATE/pid")" "$((START_TIMEOUT_S * 1000))" || ready=$?
  case "$ready" in
    0)
      local took=$(($(now_ms) - started))
      echo "$took" >"$STATE/start-ms"
      log "Kafka $KAFKA_VERSION ready on 127.0.0.1:$port after $took ms$([ "$formatted" -gt 0 ] && echo " (format $formatted ms)")$([ "${#cds[@]}" -gt 0 ] && [ -z "${CDS_DUMP:-}" ] && echo ", with CDS") (state: $STATE)"
      ;;
    2)
      log "the broker exited during start; its output and the end of its log:"
      cat "$STATE/server.out" >&2
      tail -n 40 "$STATE/kafka.log" >&2 2>/dev/null || true
      rm -f "$STATE/pid"
      exit 1
      ;;
    *)
      log "the broker did not answer an ApiVersions request within $START_TIMEOUT_S s; the end of its log:"
      tail -n 40 "$STATE/kafka.log" >&2 2>/dev/null || cat "$STATE/server.out" >&2
      kill_server
      exit 1
      ;;
  esac
}

stop_server() {
  if running; then
    local pid started
    pid="$(cat "$STATE/pid")"
    started=$(now_ms)
    kill "$pid"
    for _ in $(seq 1 $((STOP_TIMEOUT_S * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
      log "did not stop within $STOP_TIMEOUT_S s of SIGTERM: killed (pid $pid)"
    else
      log "stopped (pid $pid) in $(($(now_ms) - started)) ms"
    fi
  fi
  rm -f "$STATE/pid"
}

kill_server() {
  if running; then
    local pid
    pid="$(cat "$STATE/pid")"
    kill -9 "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    log "killed (pid $pid)"
  fi
  rm -f "$STATE/pid"
}

print_env() {
  [ -f "$STATE/port" ] || { log "not started: run '$0 start' first"; exit 1; }
  echo "export KAFKA_BOOTSTRAP=127.0.0.1:$(cat "$STATE/port")"
  echo "export KAFKA_LOG=$STATE/kafka.log"
}

case "${1:-}" in
  install) install_server ;;
  start) start_server ;;
  stop) stop_server ;;
  kill) kill_server ;;
  env) print_env ;;
  *)
    echo "usage: $0 install|start|stop|kill|env   (state: STREAMSTATE_KAFKA_STATE=$STATE)" >&2
    exit 2
    ;;
esac
