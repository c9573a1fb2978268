#!/usr/bin/env bash
# Prepares the patched SlateDB sources the engine builds against: fetches the exact crates.io release
# (cargo verifies it against the registry checksum), copies it into target/slatedb-patched (git-ignored)
# and applies our patch files from engine-rs/patches/<crate>/*.patch in name order. The workspace's
# [patch.crates-io] points at that copy. Re-runs only when the version or the patches change.
set -euo pipefail
shopt -s nullglob
root="$(cd "$(dirname "$0")/.." && pwd)"
version="0.18.0"
crates=(slatedb slatedb-common slatedb-mirror)
dest="$root/target/slatedb-patched"
export RUSTC="${RUSTC:-/usr/bin/rustc}"
cargo_bin="${CARGO:-/usr/bin/cargo}"

patches=("$root"/engine-rs/patches/*/*.patch)
stamp="$version $(cat /dev/null "${patches[@]}" | sha256sum | cut -c1-16)"
if [ -f "$dest/.stamp" ] && [ "$(cat "$dest/.stamp")" = "$stamp" ]; then
  exit 0
fi

fetch="$root/target/slatedb-fetch"
mkdir -p "$fetch/src"
cat > "$fetch/Cargo.toml" <<TOML
[package]
name = "slatedb-fetch"
version = "0.0.0"
edition = "2021"
[workspace]
[dependencies]
slatedb = { version = "=$version", default-features = false }
slatedb-common = { version = "=$version" }
TOML
: > "$fetch/src/lib.rs"
"$cargo_bin" fetch -q --manifest-path "$fetch/Cargo.toml"

registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"
rm -rf "$dest"
mkdir -p "$dest"
for crate in "${crates[@]}"; do
  src="$(find "$registry" -mindepth 2 -maxdepth 2 -type d -name "$crate-$version" | head -n 1)"
  [ -n "$src" ] || { echo "prepare-slatedb: $crate-$version not found in $registry after cargo fetch" >&2; exit 1; }
  cp -R "$src" "$dest/$crate"
  for p in "$root/engine-rs/patches/$crate"/*.patch; do
    [ -e "$p" ] || continue
    patch -s -p1 -d "$dest/$crate" --forward --no-backup-if-mismatch < "$p" \
      || { echo "prepare-slatedb: $(basename "$p") does not apply to $crate-$version" >&2; exit 1; }
  done
done
echo "$stamp" > "$dest/.stamp"
echo "prepare-slatedb: $version patched with ${#patches[@]} patch file(s)"
