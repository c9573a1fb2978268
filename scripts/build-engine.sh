#!/usr/bin/env bash
# Builds the wasm engine into pkg/: patched SlateDB sources, wasm-pack (release, --target web),
# wasm-opt from npm's binaryen, then stamps pkg/STAMP with the hash of the build's inputs and the
# sha256 of each file it wrote.
# Needs the toolchain from scripts/setup-toolchain.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
t0=$(date +%s)
phase() { echo "[build-engine] $1 ($(( $(date +%s) - t0 ))s)"; }

# Debian's rustc-web (which has the wasm32 std) first, then cargo-installed tools.
export PATH="/usr/bin:$HOME/.cargo/bin:$PATH"
export RUSTC=/usr/bin/rustc
# Reproducible paths in panic messages, whatever directory the build runs in.
export RUSTFLAGS="${RUSTFLAGS:-} --remap-path-prefix=$root=/streamstate --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"

phase "preparing patched SlateDB"
bash scripts/prepare-slatedb.sh

phase "wasm-pack build (release)"
# Build into a staging directory and swap it in at the end, so pkg/ is never half-built.
stage="$root/target/pkg-stage"
rm -rf "$stage"
wasm-pack build engine-rs --release --target web --no-pack \
  --out-dir "$stage" --out-name streamstate_engine

phase "wasm-opt -O3"
wasm_opt="$root/node_modules/.bin/wasm-opt"
[ -x "$wasm_opt" ] || { echo "build-engine: run npm install first (binaryen provides wasm-opt)" >&2; exit 1; }
"$wasm_opt" -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$stage/streamstate_engine_bg.wasm" -o "$stage/streamstate_engine_bg.wasm.opt"
mv "$stage/streamstate_engine_bg.wasm.opt" "$stage/streamstate_engine_bg.wasm"
rm -f "$stage/.gitignore" "$stage/package.json" "$stage/README.md"
# STAMP: the hash of the build's inputs, then the sha256 of every file of pkg/ (scripts/check-pkg.sh).
bash scripts/engine-hash.sh > "$stage/STAMP"
(cd "$stage" && ls -A | grep -vx STAMP | LC_ALL=C sort | xargs sha256sum >> STAMP)
rm -rf pkg
mv "$stage" pkg

raw=$(stat -c %s pkg/streamstate_engine_bg.wasm)
gz=$(gzip -9c pkg/streamstate_engine_bg.wasm | wc -c)
phase "done: pkg/streamstate_engine_bg.wasm $raw bytes raw, $gz gzip; stamp $(head -n 1 pkg/STAMP | cut -c1-12)"
