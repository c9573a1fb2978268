#!/usr/bin/env bash
# Prints the hash of everything the wasm engine is built from: the engine crate, our SlateDB
# patches, the workspace manifest and lock file. pkg/STAMP records it; CI compares the two.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
git ls-files -co --exclude-standard engine-rs Cargo.toml Cargo.lock scripts/build-engine.sh scripts/prepare-slatedb.sh \
  | LC_ALL=C sort | while read -r f; do printf '%s\n' "$f"; cat "$f"; done | sha256sum | cut -d' ' -f1
