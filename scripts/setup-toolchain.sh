#!/usr/bin/env bash
# Installs what building the wasm engine needs on a bare Debian 12 machine, following
# ../shared/design/toolchain.md: rustup cannot add wasm32 here, so Debian's rustc-web (with the std
# sources) is used, the wasm32 std is built once from source into its sysroot, and wasm-pack plus a
# wasm-bindgen-cli pinned to the lock file's wasm-bindgen come from crates.io. Idempotent: each step is
# skipped when its result is already there.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
export RUSTC=/usr/bin/rustc
t0=$(date +%s)
phase() { echo "[setup-toolchain] $1 ($(( $(date +%s) - t0 ))s)"; }

# rust-web-clippy and rustfmt-web lint and format engine-rs/ with the same compiler (.ci/run).
if ! [ -x /usr/bin/rustc ] || ! [ -d /usr/lib/rustlib/src/rust/library ] || ! [ -e /usr/bin/rust-lld ] \
  || ! [ -x /usr/bin/cargo-clippy ] || ! [ -x /usr/bin/cargo-fmt ]; then
  phase "installing rustc-web, cargo-web, rust-web-src, rust-web-clippy, rustfmt-web, lld-22 from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rustc-web cargo-web rust-web-src rust-web-clippy rustfmt-web lld-22 >/dev/null
fi
phase "rustc: $(/usr/bin/rustc --version)"

# `cargo install --locked` first; when the registry mirror lacks a locked version (seen: a
# webpki-roots release), resolve afresh within the crate's own version requirements.
install_crate() {
  cargo install -q --locked "$@" || cargo install -q "$@"
}

libdir="$(/usr/bin/rustc --print target-libdir --target wasm32-unknown-unknown)"
if ! ls "$libdir"/libstd-*.rlib >/dev/null 2>&1; then
  phase "building the wasm32 standard library into $libdir"
  scratch="$(mktemp -d)"
  mkdir -p "$scratch/src"
  printf '[package]\nname = "stdbuild"\nversion = "0.0.0"\nedition = "2021"\n[lib]\npath = "src/lib.rs"\n[profile.release]\npanic = "abort"\n' > "$scratch/Cargo.toml"
  echo '' > "$scratch/src/lib.rs"
  (cd "$scratch" && RUSTC_BOOTSTRAP=1 /usr/bin/cargo build -q --release -Zbuild-std=std,panic_abort --target wasm32-unknown-unknown)
  mkdir -p "$libdir"
  cp "$scratch"/target/wasm32-unknown-unknown/release/deps/lib*.rlib "$libdir"/
  rm -rf "$scratch"
fi

# wasm-bindgen-cli must match the wasm-bindgen the engine's lock file pins, exactly.
bindgen_version="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' "$here/Cargo.lock")"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
  phase "installing wasm-bindgen-cli $bindgen_version from crates.io"
  install_crate wasm-bindgen-cli --version "$bindgen_version"
fi
if ! command -v wasm-pack >/dev/null 2>&1; then
  phase "installing wasm-pack from crates.io"
  install_crate wasm-pack
fi
phase "done"
