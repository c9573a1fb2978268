#!/usr/bin/env bash
# A real S3-compatible server (MinIO) on 127.0.0.1 for the S3 object-store tests.
#
#   scripts/s3-server.sh install   build MinIO with `go install` if the cached binary is missing
#   scripts/s3-server.sh start     install if needed, start one server, wait until it answers
#   scripts/s3-server.sh env       print the connection settings as shell `export` lines
#   scripts/s3-server.sh stop      stop the server this state directory belongs to
#
# One server per state directory: STREAMSTATE_S3_STATE (default ${TMPDIR:-/tmp}/streamstate-s3) holds
# its data, port, pid and log, so concurrent test runs can each start their own by choosing their own.
# The binary is cached in ${STREAMSTATE_BIN:-~/.cache/streamstate/bin}, named by MinIO version.
#
# Exit status 3 means "cannot be installed on this machine" (no Go toolchain and no cached binary);
# tests skip only then. Any other failure is a real failure.
set -euo pipefail

# The last MinIO commit on the Go module proxy (MinIO tags releases as RELEASE.<date>, not semver,
# so the proxy knows it by pseudo-version). Its go.mod has no replace directives, so `go install
# module@version` accepts it. Changing this rebuilds once.
MINIO_VERSION="${STREAMSTATE_MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}"
BIN_DIR="${STREAMSTATE_BIN:-$HOME/.cache/streamstate/bin}"
BINARY="$BIN_DIR/minio-$MINIO_VERSION"
STATE="${STREAMSTATE_S3_STATE:-${TMPDIR:-/tmp}/streamstate-s3}"
ACCESS_KEY="streamstate"
SECRET_KEY="streamstate-secret"
REGION="us-east-1"

log() { echo "s3-server: $*" >&2; }

install_server() {
  if [ -x "$BINARY" ]; then
    log "MinIO $MINIO_VERSION already built: $BINARY"
    return 0
  fi
  if ! command -v go >/dev/null 2>&1; then
    log "UNAVAILABLE: no Go toolchain on PATH and no cached $BINARY; install Go (>= 1.24) to build MinIO"
    exit 3
  fi
  mkdir -p "$BIN_DIR"
  local gobin started
  gobin="$(mktemp -d)"
  started=$(date +%s)
  log "building MinIO $MINIO_VERSION with go install (several minutes on a small machine)..."
  # Outside any module, so a go.work or go.mod nearby cannot interfere.
  (cd "$gobin" && CGO_ENABLED=0 GOBIN="$gobin" GOFLAGS=-buildvcs=false go install "github.com/minio/minio@$MINIO_VERSION")
  mv "$gobin/minio" "$BINARY"
  rmdir "$gobin"
  log "installed $BINARY in $(($(date +%s) - started)) s"
}

free_port() {
  env -u FORCE_COLOR -u NO_COLOR node -e \
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"
}

running() {
  [ -f "$STATE/pid" ] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null
}

start_server() {
  if running; then
    log "already running (pid $(cat "$STATE/pid"), port $(cat "$STATE/port"))"
    return 0
  fi
  install_server
  mkdir -p "$STATE/data"
  local port console started
  port="$(free_port)"
  console="$(free_port)"
  echo "$port" >"$STATE/port"
  started=$(date +%s%N)
  # MINIO_CI_CD: allow a data directory on the root disk; MINIO_BROWSER=off: no web console.
  MINIO_ROOT_USER="$ACCESS_KEY" MINIO_ROOT_PASSWORD="$SECRET_KEY" MINIO_REGION="$REGION" \
    MINIO_BROWSER=off MINIO_UPDATE=off MINIO_CI_CD=on \
    setsid "$BINARY" server --quiet --address "127.0.0.1:$port" --console-address "127.0.0.1:$console" \
    "$STATE/data" >"$STATE/server.log" 2>&1 </dev/null &
  echo $! >"$STATE/pid"
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/minio/health/ready" 2>/dev/null; then
      log "MinIO ready on 127.0.0.1:$port after $((($(date +%s%N) - started) / 1000000)) ms (data: $STATE/data)"
      return 0
    fi
    if ! running; then
      log "MinIO exited during start; its log:"
      cat "$STATE/server.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  log "MinIO did not answer within 30 s; its log:"
  cat "$STATE/server.log" >&2
  stop_server
  exit 1
}

stop_server() {
  if running; then
    local pid
    pid="$(cat "$STATE/pid")"
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    log "stopped (pid $pid)"
  fi
  rm -f "$STATE/pid"
}

print_env() {
  [ -f "$STATE/port" ] || { log "not started: run '$0 start' first"; exit 1; }
  echo "export S3_ENDPOINT=http://127.0.0.1:$(cat "$STATE/port")"
  echo "export S3_REGION=$REGION"
  echo "export AWS_ACCESS_KEY_ID=$ACCESS_KEY"
  echo "export AWS_SECRET_ACCESS_KEY=$SECRET_KEY"
}

case "${1:-}" in
  install) install_server ;;
  start) start_server ;;
  stop) stop_server ;;
  env) print_env ;;
  *)
    echo "usage: $0 install|start|stop|env   (state: STREAMSTATE_S3_STATE=$STATE)" >&2
    exit 2
    ;;
esac
