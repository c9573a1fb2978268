#!/usr/bin/env bash
# Runs SlateDB's own native unit tests (the lib suites of slatedb, slatedb-common and slatedb-mirror)
# on our patched copy, to prove the patch set leaves native SlateDB as it was. The patched sources
# (scripts/prepare-slatedb.sh) are copied into target/slatedb-native, a workspace of their own (the
# crates need their dev-dependencies, which cargo only builds for workspace members), with the
# patched slatedb-common and slatedb-mirror standing in for the registry ones there too.
# Each suite runs under `timeout` (SLATEDB_TEST_TIMEOUT, default 1800 s), so a hanging test fails the
# run instead of stalling it. Prints the suite's own summary and a total count as the last line.
# Usage: bash scripts/slatedb-native-tests.sh [extra libtest args, e.g. a test name filter]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export RUSTC="${RUSTC:-/usr/bin/rustc}"
cargo_bin="${CARGO:-/usr/bin/cargo}"
limit="${SLATEDB_TEST_TIMEOUT:-1800}"
# Features: the defaults minus `aws` (a cloud client, no SlateDB logic) plus every pure codec.
features="foyer,snappy,lz4,zlib,zstd"
crates=(slatedb slatedb-common slatedb-mirror)

bash scripts/prepare-slatedb.sh
src="$root/target/slatedb-patched"
dest="$root/target/slatedb-native"
mkdir -p "$dest"
for crate in "${crates[@]}"; do
  rm -rf "$dest/$crate"
  cp -RL "$src/$crate" "$dest/$crate"
  rm -f "$dest/$crate/Cargo.lock"
done
cat > "$dest/Cargo.toml" <<'TOML'
[workspace]
members = ["slatedb", "slatedb-common", "slatedb-mirror"]
resolver = "2"

[patch.crates-io]
slatedb-common = { path = "slatedb-common" }
slatedb-mirror = { path = "slatedb-mirror" }
TOML

t0=$(date +%s)
log="$(mktemp)"
"$cargo_bin" test -q --manifest-path "$dest/Cargo.toml" --lib --no-run \
  -p slatedb --no-default-features --features "$features" -p slatedb-common -p slatedb-mirror
echo "[slatedb-native-tests] built in $(( $(date +%s) - t0 ))s"
status=0
for crate in "${crates[@]}"; do
  args=(-p "$crate")
  [ "$crate" = slatedb ] && args+=(--no-default-features --features "$features")
  t1=$(date +%s)
  crate_log="$(mktemp)"
  set +e
  timeout --kill-after=30 "$limit" "$cargo_bin" test -q --manifest-path "$dest/Cargo.toml" --lib \
    "${args[@]}" -- "$@" > "$crate_log" 2>&1
  rc=$?
  set -e
  cat "$crate_log" >> "$log"
  # The summary, and the names and messages of failing tests if any.
  sed -n '/^failures:$/,$p' "$crate_log" | head -n 200
  grep -E '^test result:' "$crate_log" || true
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "[slatedb-native-tests] $crate: timed out after ${limit}s (a test hangs)" >&2
    status=1
  elif [ "$rc" -ne 0 ]; then
    tail -n 40 "$crate_log"
    echo "[slatedb-native-tests] $crate: tests failed (exit $rc)" >&2
    status=1
  fi
  echo "[slatedb-native-tests] $crate ran in $(( $(date +%s) - t1 ))s"
done
passed=$(grep -Eo '^test result: [A-Za-z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')
echo "[slatedb-native-tests] total $(( $(date +%s) - t0 ))s"
echo "slatedb native tests: $passed passed, $failed failed"
exit $status
