#!/usr/bin/env bash
# Toxiproxy (a TCP proxy whose faults - latency, timeouts, cut connections - are set over an HTTP
# API) on 127.0.0.1, for tests that put a slow or broken network between the library and a real
# server (MinIO, Kafka).
#
#   scripts/toxiproxy.sh install   build Toxiproxy with `go install` if the cached binary is missing
#   scripts/toxiproxy.sh start     install if needed, start one server, wait until its API answers
#   scripts/toxiproxy.sh env       print the API address as a shell `export` line
#   scripts/toxiproxy.sh stop      stop the server this state directory belongs to
#
# One server per state directory: STREAMSTATE_TOXIPROXY_STATE (default
# ${TMPDIR:-/tmp}/streamstate-toxiproxy) holds its port, pid and log, so concurrent test runs can
# each start their own. The binary is cached in ${STREAMSTATE_BIN:-~/.cache/streamstate/bin}, named
# by version. Proxies themselves are created by the tests over the API (tests/helpers/toxiproxy.mjs).
#
# Exit status 3 means "cannot be installed on this machine" (no Go toolchain and no cached binary);
# tests skip only then. Any other failure is a real failure.
set -euo pipefail

TOXIPROXY_VERSION="${STREAMSTATE_TOXIPROXY_VERSION:-v2.5.0}"
BIN_DIR="${STREAMSTATE_BIN:-$HOME/.cache/streamstate/bin}"
BINARY="$BIN_DIR/toxiproxy-server-$TOXIPROXY_VERSION"
STATE="${STREAMSTATE_TOXIPROXY_STATE:-${TMPDIR:-/tmp}/streamstate-toxiproxy}"

log() { echo "toxiproxy: $*" >&2; }

install_server() {
  if [ -x "$BINARY" ]; then
    log "Toxiproxy $TOXIPROXY_VERSION already built: $BINARY"
    return 0
  fi
  if ! command -v go >/dev/null 2>&1; then
    log "UNAVAILABLE: no Go toolchain on PATH and no cached $BINARY; install Go (>= 1.19) to build Toxiproxy"
    exit 3
  fi
  mkdir -p "$BIN_DIR"
  local gobin started
  gobin="$(mktemp -d)"
  started=$(date +%s)
  log "building Toxiproxy $TOXIPROXY_VERSION with go install..."
  # Outside any module, so a go.work or go.mod nearby cannot interfere.
  (cd "$gobin" && CGO_ENABLED=0 GOBIN="$gobin" GOFLAGS=-buildvcs=false \
    go install "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION")
  mv "$gobin/server" "$BINARY"
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
  mkdir -p "$STATE"
  local port started
  port="$(free_port)"
  echo "$port" >"$STATE/port"
  started=$(date +%s%N)
  setsid "$BINARY" -host 127.0.0.1 -port "$port" >"$STATE/server.log" 2>&1 </dev/null &
  echo $! >"$STATE/pid"
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/version" 2>/dev/null; then
      log "Toxiproxy API ready on 127.0.0.1:$port after $((($(date +%s%N) - started) / 1000000)) ms"
      return 0
    fi
    if ! running; then
      log "Toxiproxy exited during start; its log:"
      cat "$STATE/server.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  log "Toxiproxy did not answer within 30 s; its log:"
  cat "$STATE/server.log" >&2
  stop_server
  exit 1
}

stop_server() {
  if running; then
    local pid
    pid="$(cat "$STATE/pid")"
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    log "stopped (pid $pid)"
  fi
  rm -f "$STATE/pid"
}

print_env() {
  [ -f "$STATE/port" ] || { log "not started: run '$0 start' first"; exit 1; }
  echo "export TOXIPROXY_URL=http://127.0.0.1:$(cat "$STATE/port")"
}

case "${1:-}" in
  install) install_server ;;
  start) start_server ;;
  stop) stop_server ;;
  env) print_env ;;
  *)
    echo "usage: $0 install|start|stop|env   (state: STREAMSTATE_TOXIPROXY_STATE=$STATE)" >&2
    exit 2
    ;;
esac
