#!/usr/bin/env bash
# Prints the hash of everything the wasm engine in pkg/ is built from: the engine crate, our SlateDB
# patches, the workspace manifest and lock file (which pin SlateDB and wasm-bindgen), the build,
# patch, toolchain and stamp scripts (which hold the build flags and tool pins), the rustc that
# compiles it and the binaryen (wasm-opt) version in package-lock.json. pkg/STAMP's first line
# records it; scripts/check-pkg.sh compares the two.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rustc_bin="${RUSTC:-/usr/bin/rustc}"
rustc_version="$("$rustc_bin" --version 2>/dev/null)" \
  || { echo "engine-hash: $rustc_bin not found; run scripts/setup-toolchain.sh first" >&2; exit 1; }
binaryen_version="$(node -p "require('./package-lock.json').packages['node_modules/binaryen'].version")"
{
  printf 'rustc: %s\nbinaryen: %s\n' "$rustc_version" "$binaryen_version"
  git ls-files -co --exclude-standard engine-rs Cargo.toml Cargo.lock \
    scripts/build-engine.sh scripts/prepare-slatedb.sh scripts/setup-toolchain.sh scripts/engine-hash.sh \
    | LC_ALL=C sort | while read -r f; do printf '%s\n' "$f"; cat "$f"; done
} | sha256sum | cut -d' ' -f1
