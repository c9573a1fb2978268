#!/usr/bin/env bash
# Runs SlateDB's own native unit tests (the lib suites of slatedb, slatedb-common and slatedb-mirror)
# on our patched copy, to prove the patch set leaves native SlateDB as it was. The patched sources
# (scripts/prepare-slatedb.sh) are copied into target/slatedb-native, a workspace of their own (the
# crates need their dev-dependencies, which cargo only builds for workspace members), with the
# patched slatedb-common and slatedb-mirror standing in for the registry ones there too.
# The test run is under `timeout` (SLATEDB_TEST_TIMEOUT, default 1800 s; the run itself takes about a
# minute), so a hanging test fails it instead of stalling it. Prints each suite's summary and, as
# the last line, the total count.
# Usage: bash scripts/slatedb-native-tests.sh [extra libtest args, e.g. a test name filter]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export RUSTC="${RUSTC:-/usr/bin/rustc}"
cargo_bin="${CARGO:-/usr/bin/cargo}"
limit="${SLATEDB_TEST_TIMEOUT:-1800}"
# slatedb's features: the defaults minus `aws` (a cloud client, no SlateDB logic) plus every codec
# (foyer stays: the cache manager's tests need a default cache).
crates=(slatedb slatedb-common slatedb-mirror)

bash scripts/prepare-slatedb.sh
src="$root/target/slatedb-patched"
# The test workspace lives outside the checkout, at a fixed path, so its build (the slow part: the
# run takes about a minute, the first build 15-60 min on 2 cores) is reused by later runs and by
# other checkouts on this machine; only what changed is rebuilt.
dest="${STREAMSTATE_SLATEDB_NATIVE_DIR:-$HOME/.cache/streamstate/slatedb-native}"
mkdir -p "$dest"
for crate in "${crates[@]}"; do
  # Copied only when the patched sources changed (a content hash, not mtimes: every checkout
  # extracts them anew), so an unchanged tree is not rebuilt.
  hash="$(cd "$src/$crate" && find . -type f ! -name Cargo.lock -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-32)"
  if [ "$(cat "$dest/.source-$crate" 2>/dev/null)" != "$hash" ] || [ ! -d "$dest/$crate" ]; then
    rm -rf "$dest/$crate"
    cp -a "$src/$crate" "$dest/$crate"
    rm -f "$dest/$crate/Cargo.lock"
    echo "$hash" > "$dest/.source-$crate"
  fi
done
cat > "$dest/Cargo.toml" <<'TOML'
[workspace]
members = ["slatedb", "slatedb-common", "slatedb-mirror"]
resolver = "2"

[patch.crates-io]
slatedb-common = { path = "slatedb-common" }
slatedb-mirror = { path = "slatedb-mirror" }
TOML
# The workspace's lock file is ours (scripts/slatedb-native.Cargo.lock: the engine's Cargo.lock plus the
# dev-dependencies), used with --locked: resolving afresh picks whatever crates.io serves that day
# (seen: slatedb-txn-obj 0.18.1, which needs slatedb-common 0.18.1 and conflicts with the patched 0.18.0).
# To refresh it: copy Cargo.lock into the workspace, run `cargo tree` there, copy the lock back.
cp "$root/scripts/slatedb-native.Cargo.lock" "$dest/Cargo.lock"

# One cargo invocation for building and one for running, with the same packages and features, so
# the run reuses the build.
features="slatedb/foyer,slatedb/snappy,slatedb/lz4,slatedb/zlib,slatedb/zstd"
cargo_test=("$cargo_bin" test -q --locked --manifest-path "$dest/Cargo.toml" --lib
  -p slatedb -p slatedb-common -p slatedb-mirror --no-default-features --features "$features")
t0=$(date +%s)
"${cargo_test[@]}" --no-run
echo "[slatedb-native-tests] built in $(( $(date +%s) - t0 ))s"
t1=$(date +%s)
log="$(mktemp)"
set +e
timeout --kill-after=30 "$limit" "${cargo_test[@]}" -- "$@" > "$log" 2>&1
rc=$?
set -e
# The name and message of each failing test, if any, then each suite's summary.
# (awk, not sed | head: head closing the pipe early would fail the script under pipefail)
awk '/^failures:$/ {on = 1} on && n < 300 {print; n++} /^test result:/ {on = 0}' "$log"
grep -E '^test result:' "$log" || true
status=0
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
  tail -n 20 "$log"
  echo "[slatedb-native-tests] timed out after ${limit}s: a test hangs (the last lines above show where)" >&2
  status=1
elif [ "$rc" -ne 0 ]; then
  tail -n 40 "$log"
  echo "[slatedb-native-tests] tests failed (exit $rc)" >&2
  status=1
fi
passed=$(grep -Eo '^test result: [A-Za-z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
failed=$(grep -Eo '; [0-9]+ failed' "$log" | awk '{s+=$2} END {print s+0}')
echo "[slatedb-native-tests] ran in $(( $(date +%s) - t1 ))s; total $(( $(date +%s) - t0 ))s"
echo "slatedb native tests: $passed passed, $failed failed"
exit $status
